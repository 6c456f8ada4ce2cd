package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/digitalocean/godo"
)

const (
	actionErrored = "errored"

	// defaultPollCap is the longest interval between polls of one action. Longer would save
	// requests on long actions but add up to that much to every wait.
	defaultPollCap = 2 * time.Second
	// firstPoll is how soon after the start the first poll goes out while nothing is known of
	// the action type's duration: many actions (reboot, backup policy changes) take seconds.
	firstPoll = 800 * time.Millisecond
	// minPoll bounds how fast an action is polled while it is young.
	minPoll = 350 * time.Millisecond
	// pollGrowth: the interval is a third of the action's age, so a poll adds at most about a
	// third to the time an action takes, until the cap.
	pollGrowth = 3

	// listThreshold is the number of in-flight actions from which one GET /v2/actions page is
	// cheaper than one GET /v2/actions/{id} each.
	listThreshold = 3
	listPerPage   = 200
	listMaxPages  = 3
	// mergeWindow is how long a list poll may wait for more actions to become due, so that
	// actions started a moment apart are answered by one request instead of one each.
	mergeWindow = 150 * time.Millisecond
	// durationSamples is how many recent completions per action type predict the next one.
	durationSamples = 16
	// snapshotMaxAge is how old a list of the account's latest actions may be to answer
	// FindInProgress.
	snapshotMaxAge = time.Second

	// pollTimeout bounds one round of polling.
	pollTimeout = 2 * time.Minute

	// Baseline strategy: the official provider's schedule.
	baselineFirstPoll = 10 * time.Second
	baselineInterval  = 3 * time.Second
)

// waiter polls every in-flight action of a Client from one goroutine. Each action has its own
// schedule: when actions of its type have completed before, the first poll goes out when the
// action is expected to be done; otherwise soon after the start, then at intervals growing with
// its age up to a cap. When several actions are in flight, one list request answers for all of
// them, and polls due close together are merged into one.
type waiter struct {
	c        *Client
	first    time.Duration
	min      time.Duration
	cap      time.Duration
	baseline bool

	mu        sync.Mutex
	entries   map[int]*waitEntry
	started   map[int]startRecord        // actions returned by Start, for Wait by ID
	durations map[string][]time.Duration // recent start-to-seen-completed times by action type
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
	id         int
	last       godo.Action // last state seen (or the start response)
	registered time.Time   // when the action started, as far as this Client knows
	timed      bool        // registered at its start: its age at completion is its duration
	overdue    bool        // polled in progress after its expected completion
	next       time.Time
	refs       int
	done       chan struct{}
	err        error // set with done when the action cannot be followed (deleted, forbidden)
}

// actionsSnapshot is page 1 of GET /v2/actions (the account's latest actions).
type actionsSnapshot struct {
	at       time.Time
	actions  []godo.Action
	complete bool // the page held every action of the account
}

func newWaiter(c *Client, pollCap time.Duration) *waiter {
	w := &waiter{
		c: c, entries: map[int]*waitEntry{}, started: map[int]startRecord{},
		durations: map[string][]time.Duration{}, wake: make(chan struct{}, 1),
	}
	if c.baseline {
		w.baseline = true
		w.first, w.min, w.cap = baselineFirstPoll, baselineInterval, baselineInterval
		return w
	}
	if pollCap <= 0 {
		pollCap = defaultPollCap
	}
	w.cap = pollCap
	w.first = min(firstPoll, pollCap)
	w.min = min(minPoll, pollCap)
	return w
}

func terminal(status string) bool {
	return status == godo.ActionCompleted || status == actionErrored
}

// interval is the time until the next poll of an action of the given age.
func (w *waiter) interval(age time.Duration) time.Duration {
	if w.baseline {
		return w.cap
	}
	return min(max(age/pollGrowth, w.min), w.cap)
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

// estimateLocked predicts how long after its start an action of the type is seen completed:
// the median of recent observations, so one slow or fast action does not move it much.
func (w *waiter) estimateLocked(typ string) (time.Duration, bool) {
	s := w.durations[typ]
	if typ == "" || len(s) == 0 {
		return 0, false
	}
	sorted := slices.Clone(s)
	slices.Sort(sorted)
	return sorted[len(sorted)/2], true
}

func (w *waiter) observeLocked(e *waitEntry, seen time.Time) {
	if !e.timed || e.last.Status != godo.ActionCompleted || e.last.Type == "" {
		return
	}
	s := append(w.durations[e.last.Type], seen.Sub(e.registered))
	if len(s) > durationSamples {
		s = s[len(s)-durationSamples:]
	}
	w.durations[e.last.Type] = s
}

// firstPollLocked schedules the first poll of a new entry.
func (w *waiter) firstPollLocked(e *waitEntry, now time.Time) time.Time {
	switch {
	case w.baseline:
		return e.registered.Add(w.first)
	case e.last.Status == "":
		// Nothing known about it (Wait by ID of an action this Client did not start): look soon.
		return now.Add(w.min)
	}
	if est, ok := w.estimateLocked(e.last.Type); ok && e.timed {
		return later(e.registered.Add(est), now)
	}
	return later(e.registered.Add(w.first), now)
}

// nextPollLocked schedules the next poll of an entry just seen in progress.
func (w *waiter) nextPollLocked(e *waitEntry, now time.Time) time.Time {
	if w.baseline {
		return now.Add(w.cap)
	}
	age := now.Sub(e.registered)
	if est, ok := w.estimateLocked(e.last.Type); ok && e.timed {
		if age < est-10*time.Millisecond {
			return e.registered.Add(est)
		}
		if !e.overdue {
			// Just late: look again shortly before falling back to the usual schedule.
			e.overdue = true
			return now.Add(min(max(est/10, 50*time.Millisecond), w.min))
		}
	}
	return now.Add(w.interval(age))
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
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
			e.next = w.firstPollLocked(e, now)
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
		tick := w.tickLocked()
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
// later if that lets one list request answer for more actions.
func (w *waiter) tickLocked() time.Time {
	var earliest time.Time
	for _, e := range w.entries {
		if earliest.IsZero() || e.next.Before(earliest) {
			earliest = e.next
		}
	}
	tick := earliest
	if w.baseline || len(w.entries) < listThreshold {
		return tick
	}
	limit := earliest.Add(mergeWindow)
	for _, e := range w.entries {
		if e.next.After(tick) && !e.next.After(limit) {
			tick = e.next
		}
	}
	return tick
}

// poll learns the state of the due actions (and, with a list request, of every other one).
func (w *waiter) poll(ctx context.Context) {
	now := w.c.clock.Now()
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
	if !w.baseline && len(all) >= listThreshold {
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
		e.last = a
		if terminal(a.Status) {
			w.observeLocked(e, now)
			w.finishLocked(e, nil)
			continue
		}
		e.next = w.nextPollLocked(e, now)
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
			// Temporary trouble (the client already retried): try again on the usual schedule.
			e.next = now.Add(w.interval(now.Sub(e.registered)))
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
