package emulator

import (
	"container/heap"
	"time"
)

// Timed events: action completions, backup windows and backup retention
// ends. Nothing runs in the background: every request first applies the
// events that are due by the clock (see Server.lock and Server.rlock).
type eventKind int

const (
	evActionDone eventKind = iota
	evBackupWindow
	evBackupExpire
	evLockEnd
)

type event struct {
	at   time.Time
	seq  int
	kind eventKind
	id   int
	gen  int
}

type eventHeap []event

func (h eventHeap) Len() int { return len(h) }
func (h eventHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}
func (h eventHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }

// Push and Pop are container/heap's; only schedule and advanceLocked call them, with events.
func (h *eventHeap) Push(x any) {
	e, _ := x.(event)
	*h = append(*h, e)
}

func (h *eventHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

func (st *state) schedule(e event) {
	st.seq++
	e.seq = st.seq
	heap.Push(&st.events, e)
}

func (s *Server) advanceLocked(now time.Time) {
	st := s.st
	for len(st.events) > 0 && !st.events[0].at.After(now) {
		e, _ := heap.Pop(&st.events).(event)
		switch e.kind {
		case evActionDone:
			s.finishActionLocked(st.actions[e.id-firstActionID], e.at)
		case evBackupWindow:
			d := st.droplets[e.id]
			if d == nil || !d.backups || d.windowGen != e.gen {
				continue
			}
			// The scheduled backup is taken when its window opens; the next
			// window is computed from then, so a clock that jumps far ahead
			// still produces every backup in between.
			s.takeBackupLocked(d, e.at)
			s.scheduleWindowLocked(d, e.at)
		case evBackupExpire:
			img := st.images[e.id]
			if img == nil || img.view.Type != "backup" || img.view.ExpiresAt == nil || img.view.ExpiresAt.After(e.at) {
				continue
			}
			s.removeImageLocked(img)
		case evLockEnd:
			s.endLockLocked(e.id, e.gen)
		}
	}
	s.updateNextDueLocked()
}
