package dropletaction

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/digitalocean/godo"
	"github.com/hashicorp/terraform-plugin-framework/action"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
)

// progressSink hands the runner's events to Terraform as progress lines, in order, and keeps
// what each droplet last reported, so an interrupted invocation can answer without waiting for
// the runner.
//
// The framework's SendProgress blocks until Terraform has taken the line, while the runner calls
// its Progress function with its own lock held: a queue drained by one goroutine keeps a slow
// Terraform from stalling the runner. Once ctx ends nothing more is sent: Terraform 1.15 stops
// reading the stream when interrupted, and a line sent after that crashes it.
type progressSink struct {
	ctx     context.Context
	send    func(action.InvokeProgressEvent)
	mu      sync.Mutex
	held    map[int]digitalocean.Event // by droplet ID; see event
	seen    map[int]*dropletSeen       // by droplet ID
	queue   []string
	closed  bool
	wake    chan struct{}
	drained chan struct{}
}

// dropletSeen is what the progress said about one droplet so far.
type dropletSeen struct {
	name     string
	own      godo.Action // the action started or adopted for the invocation; ID 0 before
	blocking *digitalocean.Event
	end      *digitalocean.Event // EventDone or EventSkipped
}

func newProgressSink(ctx context.Context, send func(action.InvokeProgressEvent)) *progressSink {
	s := &progressSink{
		ctx: ctx, send: send, held: map[int]digitalocean.Event{}, seen: map[int]*dropletSeen{},
		wake: make(chan struct{}, 1), drained: make(chan struct{}),
	}
	go s.drain()
	return s
}

// event is the runner's Progress function. An action's last status change is held back: when
// the droplet's next event is the end of that same action, the end line says the same with the
// duration, and the status line is dropped.
func (s *progressSink) event(e digitalocean.Event) {
	s.mu.Lock()
	s.remember(e)
	held, ok := s.held[e.DropletID]
	delete(s.held, e.DropletID)
	holdThis := e.Kind == digitalocean.EventStatus && terminalStatus(e.Status)
	if holdThis {
		s.held[e.DropletID] = e
	}
	s.mu.Unlock()
	if ok && (e.Kind != digitalocean.EventDone || e.ActionID != held.ActionID || e.Status != held.Status) {
		s.line(progressLine(held))
	}
	if !holdThis {
		s.line(progressLine(e))
	}
}

func terminalStatus(status string) bool {
	return status == godo.ActionCompleted || status == "errored"
}

// remember records the event in s.seen; the caller holds s.mu.
func (s *progressSink) remember(e digitalocean.Event) {
	d := s.seen[e.DropletID]
	if d == nil {
		d = &dropletSeen{}
		s.seen[e.DropletID] = d
	}
	if e.DropletName != "" {
		d.name = e.DropletName
	}
	switch e.Kind {
	case digitalocean.EventStarted, digitalocean.EventAdopted:
		d.own = godo.Action{ID: e.ActionID, Type: e.ActionType, Status: e.Status, ResourceID: e.DropletID}
		d.blocking = nil
	case digitalocean.EventStatus, digitalocean.EventWaiting, digitalocean.EventFallback:
		if e.ActionID != 0 && e.ActionID == d.own.ID && e.Status != "" {
			d.own.Status = e.Status
		}
	case digitalocean.EventBusy:
		if e.ActionID != 0 {
			b := e
			d.blocking = &b
		}
	case digitalocean.EventDone, digitalocean.EventSkipped:
		end := e
		d.end = &end
	}
}

// interrupted is every droplet's outcome as far as the progress told, for an invocation whose
// context ended before the runner returned: unfinished droplets carry the cancellation.
func (s *progressSink) interrupted(dropletID int) []digitalocean.Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	if dropletID != 0 && s.seen[dropletID] == nil {
		return []digitalocean.Result{{DropletID: dropletID, Err: context.Canceled}}
	}
	out := make([]digitalocean.Result, 0, len(s.seen))
	for id, d := range s.seen {
		r := digitalocean.Result{DropletID: id, DropletName: d.name, Action: d.own}
		switch {
		case d.end != nil && d.end.Kind == digitalocean.EventSkipped:
			r.Skipped = d.end.Reason
		case d.end != nil:
			r.Err = d.end.Err
			if d.end.Status != "" && d.end.ActionID == d.own.ID {
				r.Action.Status = d.end.Status
			}
		case d.own.ID != 0:
			r.Err = &digitalocean.ActionError{DropletID: id, ActionID: d.own.ID, Type: d.own.Type, Status: d.own.Status, Err: context.Canceled}
		case d.blocking != nil:
			r.Err = fmt.Errorf("droplet %d is busy with another action: %w", id, &digitalocean.ActionError{
				DropletID: id, ActionID: d.blocking.ActionID, Type: d.blocking.ActionType, Status: d.blocking.Status, Err: context.Canceled,
			})
		default:
			r.Err = context.Canceled
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].DropletID < out[j].DropletID })
	return out
}

// line queues one progress line; it never blocks.
func (s *progressSink) line(msg string) {
	s.mu.Lock()
	if !s.closed {
		s.queue = append(s.queue, msg)
	}
	s.mu.Unlock()
	s.poke()
}

func (s *progressSink) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *progressSink) drain() {
	defer close(s.drained)
	for {
		s.mu.Lock()
		batch, closed := s.queue, s.closed
		s.queue = nil
		s.mu.Unlock()
		for _, msg := range batch {
			if s.ctx.Err() != nil {
				break
			}
			if s.send != nil {
				s.send(action.InvokeProgressEvent{Message: msg})
			}
		}
		if closed && len(batch) == 0 {
			return
		}
		if !closed {
			select {
			case <-s.wake:
			case <-s.ctx.Done():
				s.mu.Lock()
				s.closed, s.queue = true, nil
				s.mu.Unlock()
				return
			}
		}
	}
}

// close delivers the queued lines, then stops the sink; once ctx has ended it only stops it.
func (s *progressSink) close() {
	s.mu.Lock()
	for _, e := range s.held {
		s.queue = append(s.queue, progressLine(e))
	}
	s.held = map[int]digitalocean.Event{}
	s.closed = true
	s.mu.Unlock()
	s.poke()
	select {
	case <-s.drained:
	case <-s.ctx.Done():
	}
}

// progressLine is one event as the user reads it after Terraform's "Action action.x.y: " prefix.
func progressLine(e digitalocean.Event) string {
	return strings.TrimSpace(strings.ReplaceAll(e.String(), "\n", " "))
}

// tagSummary is the last progress line of a by-tag invocation: how many droplets ended which way.
func tagSummary(t actionType, tag string, results []digitalocean.Result, elapsed time.Duration) string {
	var done, skipped, failed int
	for _, r := range results {
		switch {
		case r.Err != nil:
			failed++
		case r.Skipped != "":
			skipped++
		default:
			done++
		}
	}
	parts := []string{fmt.Sprintf("%d completed", done)}
	if skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d left alone", skipped))
	}
	if failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", failed))
	}
	return fmt.Sprintf("droplets tagged %q: %s on %d droplets: %s, after %s", tag, t, len(results),
		strings.Join(parts, ", "), elapsed.Round(time.Second))
}
