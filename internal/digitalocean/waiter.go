package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/digitalocean/godo"
)

const (
	actionErrored = "errored"

	// listThreshold is the number of in-flight actions from which one GET /v2/actions page is
	// cheaper than one GET /v2/actions/{id} each.
	listThreshold = 3
	listPerPage   = 200
	listMaxPages  = 3
	// mergeWindow is how long a list poll may wait for more actions to become due, so that
	// actions started a moment apart are answered by one request instead of one each.
	mergeWindow = 150 * time.Millisecond
	// mergeShare and maxMergeWindow bound the merge window of actions of a known duration.
	mergeShare     = 8
	maxMergeWindow = time.Second
	// saturatedHold bounds how long a poll may wait for more actions while the request budget
	// is used up.
	saturatedHold = 5 * time.Second
	// snapshotMaxAge is how old a list of the account's latest actions may be to answer
	// FindInProgress.
	snapshotMaxAge = time.Second

	// pollTimeout bounds one round of polling.
	pollTimeout = 2 * time.Minute
)

// waiter polls every in-flight action of a Client from one goroutine. Its PollSchedule says
// when each action is next due; when several actions are in flight, one list request answers
// for all of them, and polls due close together are merged into one.
type waiter struct {
	c        *Client
	schedule PollSchedule
	// min and cap are the shortest and longest intervals of the default schedule, which busy
	// waits reuse for their own back-off.
	min time.Duration
	cap time.Duration

	mu        sync.Mutex
	entries   map[int]*waitEntry
	started   map[int]startRecord // actions returned by Start, for Wait by ID
	durations durations           // recent durations by action type
	wake      chan struct{}
	running   bool
	cancel    context.CancelFunc
	// descending records the order GET /v2/actions returns (newest first on DigitalOcean).
	// nil until seen.
	descending *bool
	lastTotal  int
	snap       *actionsSnapshot
}

// startRecord is an action as Start returned it, and when.
type startRecord struct {
	action godo.Action
	at     time.Time
	// timed is false for an adopted action: it began before `at`, so its age at completion
	// says nothing about how long actions of its type take.
	timed bool
}

type waitEntry struct {
	id          int
	last        godo.Action // last state seen (or the start response)
	registered  time.Time   // when the action started, as far as this Client knows
	timed       bool        // registered at its start: its age at completion is its duration
	lastRunning time.Time   // when a poll last found it running (registered until then)
	polls       int         // polls that found it running
	late        int         // of those, polls after its expected end
	next        time.Time
	refs        int
	done        chan struct{}
	err         error // set with done when the action cannot be followed (deleted, forbidden)
}

// actionsSnapshot is page 1 of GET /v2/actions (the account's latest actions).
type actionsSnapshot struct {
	at       time.Time
	actions  []godo.Action
	complete bool // the page held every action of the account
}

func newWaiter(c *Client, pollCap time.Duration) *waiter {
	if pollCap <= 0 {
		pollCap = defaultPollCap
	}
	return &waiter{
		c: c, schedule: DefaultPollSchedule(pollCap), min: min(minPoll, pollCap), cap: pollCap,
		entries: map[int]*waitEntry{}, started: map[int]startRecord{},
		durations: durations{}, wake: make(chan struct{}, 1),
	}
}

func terminal(status string) bool {
	return status == godo.ActionCompleted || status == actionErrored
}

// recordStart remembers an action Start returned, so a later Wait by ID knows its type and
// when it began.
func (w *waiter) recordStart(a *godo.Action, timed bool) {
	now := w.c.clock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.started) > 10000 {
		for id, r := range w.started {
			if now.Sub(r.at) > time.Hour {
				delete(w.started, id)
			}
		}
	}
	w.started[a.ID] = startRecord{action: *a, at: now, timed: timed}
}

// stateLocked is what the schedule gets to know of an entry.
func (w *waiter) stateLocked(e *waitEntry, now time.Time) PollState {
	s := PollState{Age: now.Sub(e.registered), Polls: e.polls, Late: e.late, StartUnknown: e.last.Status == ""}
	if e.timed {
		s.Expected, _ = w.durations.estimate(e.last.Type)
	}
	return s
}

// observeLocked learns from an action seen completed by a poll that went out at polled.
func (w *waiter) observeLocked(e *waitEntry, polled time.Time) {
	if !e.timed || e.last.Status != godo.ActionCompleted || e.last.Type == "" {
		return
	}
	if d, ok := durationSample(&e.last, e.registered, e.lastRunning, polled); ok {
		w.durations.add(e.last.Type, d)
	}
}

// scheduleLocked sets when the entry is next polled.
func (w *waiter) scheduleLocked(e *waitEntry, now time.Time) {
	e.next = now.Add(w.schedule(w.stateLocked(e, now)))
}

// Wait blocks until every action has completed or errored, or ctx ends. It returns the
// actions in the order given, in their last known state. An errored action yields an
// ActionError with ErrActionErrored; ctx ending yields an ActionError with ErrTimeout (or
// context.Canceled) naming the action still running.
func (c *Client) Wait(ctx context.Context, actionIDs ...int) ([]godo.Action, error) {
	as := make([]godo.Action, len(actionIDs))
	for i, id := range actionIDs {
		if id < 1 {
			return nil, fmt.Errorf("%w: action ID %d", ErrInvalid, id)
		}
		as[i] = godo.Action{ID: id}
	}
	return c.waiter.wait(ctx, as)
}

// waitActions waits for actions whose start response is known, so errors can name the droplet
// even before the first poll.
func (c *Client) waitActions(ctx context.Context, as []godo.Action) ([]godo.Action, error) {
	return c.waiter.wait(ctx, as)
}

func (w *waiter) wait(ctx context.Context, as []godo.Action) ([]godo.Action, error) {
	out := make([]godo.Action, len(as))
	entries := make([]*waitEntry, len(as))
	now := w.c.clock.Now()
	w.mu.Lock()
	for i, a := range as {
		if a.Status == "" {
			// Wait by ID of an action Start returned: its start answer may already be final
			// (instant actions), and then there is nothing to poll for.
			if r, ok := w.started[a.ID]; ok && terminal(r.action.Status) {
				a = r.action
			}
		}
		if terminal(a.Status) {
			out[i] = a
			continue
		}
		e := w.entries[a.ID]
		if e == nil {
			e = &waitEntry{id: a.ID, last: a, registered: now, done: make(chan struct{})}
			if r, ok := w.started[a.ID]; ok {
				if a.Status == "" {
					e.last = r.action
				}
				e.registered, e.timed = r.at, r.timed
			}
			e.lastRunning = e.registered
			w.scheduleLocked(e, now)
			w.entries[a.ID] = e
		} else if e.last.Type == "" && a.Type != "" {
			e.last = a
		}
		e.refs++
		entries[i] = e
	}
	w.startLocked()
	w.mu.Unlock()
	w.poke()

	defer func() {
		w.mu.Lock()
		for _, e := range entries {
			if e == nil {
				continue
			}
			e.refs--
			if e.refs == 0 && w.entries[e.id] == e {
				delete(w.entries, e.id)
			}
		}
		if len(w.entries) == 0 && w.cancel != nil {
			w.cancel()
		}
		w.mu.Unlock()
	}()

	var errs []error
	for i, e := range entries {
		if e == nil {
			if out[i].Status == actionErrored {
				errs = append(errs, erroredError(&out[i]))
			}
			continue
		}
		select {
		case <-e.done:
		case <-ctx.Done():
			// Report every action still running, with what was last seen of it.
			w.mu.Lock()
			var werrs []error
			for j, e := range entries {
				if e == nil {
					continue
				}
				out[j] = e.last
				select {
				case <-e.done:
				default:
					werrs = append(werrs, waitError(ctx, &out[j]))
				}
			}
			w.mu.Unlock()
			return out, errors.Join(werrs...)
		}
		w.mu.Lock()
		out[i] = e.last
		err := e.err
		w.mu.Unlock()
		switch {
		case err != nil:
			errs = append(errs, err)
		case out[i].Status == actionErrored:
			errs = append(errs, erroredError(&out[i]))
		}
	}
	if len(errs) == 1 {
		return out, errs[0]
	}
	return out, errors.Join(errs...)
}

func (w *waiter) poke() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// startLocked starts the polling goroutine if it is not running. It stops by itself when no
// action is left, so an idle Client holds no goroutine.
func (w *waiter) startLocked() {
	if w.running || len(w.entries) == 0 {
		return
	}
	ctx, cancel := context.WithCancel(w.c.bgCtx)
	w.running, w.cancel = true, cancel
	go w.loop(ctx)
}

func (w *waiter) loop(ctx context.Context) {
	for {
		w.mu.Lock()
		if len(w.entries) == 0 {
			w.running = false
			w.cancel()
			w.cancel = nil
			w.mu.Unlock()
			return
		}
		if ctx.Err() != nil {
			// Every waiter left while a poll was under way, and new ones came since.
			ctx, w.cancel = context.WithCancel(w.c.bgCtx)
		}
		now := w.c.clock.Now()
		tick := w.tickLocked(w.c.limiter.saturated())
		w.mu.Unlock()

		if d := tick.Sub(now); d > 0 {
			select {
			case <-w.c.clock.After(d):
			case <-w.wake:
				continue
			case <-ctx.Done():
				continue
			}
		}
		// A poll that hangs must not stall every wait of the Client; the bound leaves room for
		// a full wait on the request budget.
		pctx, cancel := context.WithTimeout(ctx, pollTimeout)
		w.poll(pctx)
		cancel()
	}
}

// tickLocked returns when the next poll goes out: when the first action is due, or a little
// later if that lets one list request answer for more actions. When the request budget is what
// everything waits for (saturated), a poll costs an action start, so it waits until every
// action in flight is due, or for one action's duration (at most saturatedHold) past the first:
// one poll then answers a whole wave, and so does the one listing that reads back its changes.
func (w *waiter) tickLocked(saturated bool) time.Time {
	var first, last *waitEntry
	for _, e := range w.entries {
		if first == nil || e.next.Before(first.next) {
			first = e
		}
		if last == nil || e.next.After(last.next) {
			last = e
		}
	}
	if first == nil {
		return time.Time{}
	}
	tick := first.next
	if len(w.entries) < listThreshold {
		return tick
	}
	if saturated {
		hold := saturatedHold
		if est, ok := w.durations.estimate(first.last.Type); ok && first.timed {
			hold = min(max(est, mergeWindow), saturatedHold)
		}
		if limit := tick.Add(hold); last.next.After(limit) {
			return limit
		}
		return last.next
	}
	limit := tick.Add(w.mergeWindowLocked(first))
	for _, e := range w.entries {
		if e.next.After(tick) && !e.next.After(limit) {
			tick = e.next
		}
	}
	return tick
}

// mergeWindowLocked is how long the poll for an entry may wait for others to become due. For an
// action of a known duration it is an eighth of that (at most 1 s): actions Terraform started
// together, spread a little by the request budget, are then answered by one poll, at the cost
// of a small fraction of their duration.
func (w *waiter) mergeWindowLocked(e *waitEntry) time.Duration {
	if e.timed {
		if est, ok := w.durations.estimate(e.last.Type); ok {
			return min(max(mergeWindow, est/mergeShare), maxMergeWindow)
		}
	}
	return mergeWindow
}
