package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/digitalocean/godo"
)

// poll learns the state of the due actions (and, with a list request, of every other one).
func (w *waiter) poll(ctx context.Context) {
	now := w.c.clock.Now()
	// Every answer of this poll was written after it began: an action found running was
	// running then, and one found completed was completed by the time the poll returned.
	began := now
	w.mu.Lock()
	var due, all []int
	for id, e := range w.entries {
		all = append(all, id)
		if !e.next.After(now.Add(10 * time.Millisecond)) {
			due = append(due, id)
		}
	}
	w.mu.Unlock()
	if len(due) == 0 {
		return
	}

	found := map[int]godo.Action{}
	if len(all) >= listThreshold {
		w.list(ctx, all, found)
	}
	var missing []int
	for _, id := range due {
		if _, ok := found[id]; !ok {
			missing = append(missing, id)
		}
	}
	failed := map[int]error{}
	w.getEach(ctx, missing, found, failed)

	now = w.c.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, a := range found {
		w.c.sawActions(a)
	}
	for id, a := range found {
		e := w.entries[id]
		if e == nil {
			continue
		}
		st := w.stateLocked(e, began)
		e.last = a
		if terminal(a.Status) {
			w.observeLocked(e, now)
			w.finishLocked(e, nil)
			continue
		}
		e.lastRunning = began
		e.polls++
		if st.Expected > 0 && st.Age >= st.Expected-onTime {
			e.late++
		}
		w.scheduleLocked(e, now)
	}
	for _, id := range due {
		e := w.entries[id]
		if e == nil {
			continue
		}
		if err, ok := failed[id]; ok && (errors.Is(err, ErrNotFound) || errors.Is(err, ErrForbidden) || errors.Is(err, ErrUnauthorized)) {
			w.finishLocked(e, fmt.Errorf("following action %d: %w", id, err))
			continue
		}
		if _, ok := found[id]; !ok {
			// Temporary trouble (the client already retried): try again on the usual schedule,
			// counting the attempt as a poll so that the schedule backs off.
			e.polls++
			w.scheduleLocked(e, now)
		}
	}
}

func (w *waiter) finishLocked(e *waitEntry, err error) {
	select {
	case <-e.done:
		return
	default:
	}
	e.err = err
	close(e.done)
	delete(w.entries, e.id)
	delete(w.started, e.id)
	if e.last.ResourceType == "droplet" && e.last.ResourceID > 0 {
		w.c.policies.invalidate(e.last.ResourceID)
	}
}

// getEach polls single actions, a few at a time.
func (w *waiter) getEach(ctx context.Context, ids []int, found map[int]godo.Action, failed map[int]error) {
	if len(ids) == 0 {
		return
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for _, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func(id int) {
			defer wg.Done()
			defer func() { <-sem }()
			var root struct {
				Action *godo.Action `json:"action"`
			}
			_, err := w.c.do(ctx, http.MethodGet, fmt.Sprintf("v2/actions/%d", id), nil, &root)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				failed[id] = err
			case root.Action != nil:
				found[id] = *root.Action
			}
		}(id)
	}
	wg.Wait()
}

type actionsPage struct {
	Actions []godo.Action `json:"actions"`
	Links   *godo.Links   `json:"links"`
	Meta    *godo.Meta    `json:"meta"`
}

// listPage reads one page of GET /v2/actions and remembers page 1 as the latest snapshot of
// the account's actions.
func (w *waiter) listPage(ctx context.Context, page int) (*actionsPage, error) {
	at := w.c.clock.Now()
	var p actionsPage
	_, err := w.c.do(ctx, http.MethodGet, fmt.Sprintf("v2/actions?page=%d&per_page=%d", page, listPerPage), nil, &p)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	total := len(p.Actions)
	if p.Meta != nil {
		total = p.Meta.Total
	}
	w.c.sawActions(p.Actions...)
	if len(p.Actions) >= 2 {
		d := p.Actions[0].ID > p.Actions[len(p.Actions)-1].ID
		w.descending = &d
	}
	w.lastTotal = total
	if page == 1 && (w.descending == nil || *w.descending) {
		w.snap = &actionsSnapshot{at: at, actions: p.Actions, complete: total <= len(p.Actions)}
	}
	return &p, nil
}

// snapshot returns page 1 of GET /v2/actions if it was read within maxAge, fetching it when
// fetch is set. nil when there is none or the API lists oldest first (page 1 is then useless).
func (w *waiter) snapshot(ctx context.Context, maxAge time.Duration, fetch bool) *actionsSnapshot {
	now := w.c.clock.Now()
	w.mu.Lock()
	s := w.snap
	w.mu.Unlock()
	if s != nil && now.Sub(s.at) <= maxAge {
		return s
	}
	if !fetch {
		return nil
	}
	if _, err := w.listPage(ctx, 1); err != nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.snap != nil && !w.snap.at.Before(now) {
		return w.snap
	}
	return nil
}

// list reads GET /v2/actions pages until every in-flight action is found, or the pages reach
// actions older than the oldest in flight. It fills found with the in-flight ones it saw.
func (w *waiter) list(ctx context.Context, ids []int, found map[int]godo.Action) {
	want := make(map[int]bool, len(ids))
	minID, maxID := ids[0], ids[0]
	for _, id := range ids {
		want[id] = true
		minID, maxID = min(minID, id), max(maxID, id)
	}
	w.mu.Lock()
	desc := w.descending
	lastTotal := w.lastTotal
	w.mu.Unlock()

	page := 1
	if desc != nil && !*desc && lastTotal > 0 {
		// Oldest first: the newest actions are on the last page.
		page = max(1, (lastTotal+listPerPage-1)/listPerPage)
	}
	seenPages := map[int]bool{}
	for n := 0; n < listMaxPages && page >= 1 && !seenPages[page]; n++ {
		seenPages[page] = true
		p, err := w.listPage(ctx, page)
		if err != nil || len(p.Actions) == 0 {
			return
		}
		lo, hi := p.Actions[0].ID, p.Actions[0].ID
		for _, a := range p.Actions {
			if want[a.ID] {
				found[a.ID] = a
			}
			lo, hi = min(lo, a.ID), max(hi, a.ID)
		}
		if len(found) == len(want) {
			return
		}
		total := len(p.Actions)
		if p.Meta != nil {
			total = p.Meta.Total
		}
		pages := max(1, (total+listPerPage-1)/listPerPage)
		w.mu.Lock()
		desc = w.descending
		w.mu.Unlock()
		if desc == nil || *desc {
			// Newest first: later pages hold older actions only.
			if lo < minID || page >= pages {
				return
			}
			page++
			continue
		}
		// Oldest first: move towards the newest end.
		if page < pages && hi < maxID {
			page = pages
			continue
		}
		if lo <= minID {
			return
		}
		page--
	}
}

// inProgress answers FindInProgress from the snapshot. decided is false when the snapshot
// cannot tell (the droplet has no action among the latest ones listed).
func (s *actionsSnapshot) inProgress(dropletID int, actionType string, skip func(id int) bool) (a *godo.Action, decided bool) {
	var newest, match *godo.Action
	for i := range s.actions {
		x := &s.actions[i]
		if x.ResourceType != "droplet" || x.ResourceID != dropletID {
			continue
		}
		if newest == nil || x.ID > newest.ID {
			newest = x
		}
		if x.Status == godo.ActionInProgress && (actionType == "" || x.Type == actionType) && !skip(x.ID) && (match == nil || x.ID > match.ID) {
			match = x
		}
	}
	switch {
	case match != nil:
		cp := *match
		return &cp, true
	case s.complete:
		return nil, true
	case newest != nil:
		// A droplet runs one action at a time (others are refused with "pending event"), so
		// when its newest action is listed, no older one can still be running.
		return nil, true
	}
	return nil, false
}
