package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/digitalocean/godo"
)

const (
	actionErrored = "errored"

	// defaultPollCap is the longest interval between polls of one action. Longer would save
	// requests on long actions but add up to that much to every wait.
	defaultPollCap = 2 * time.Second
	// firstPoll is how soon after the start the first poll goes out: many actions (reboot,
	// rename, backup policy changes) finish in a few seconds.
	firstPoll = 700 * time.Millisecond
	// minPoll bounds how fast an action is polled while it is young.
	minPoll = 350 * time.Millisecond
	// pollGrowth: the interval is a quarter of the action's age, so a poll never adds more than
	// about 25% to the time an action takes, until the cap.
	pollGrowth = 4

	// listThreshold is the number of in-flight actions from which one GET /v2/actions page is
	// cheaper than one GET /v2/actions/{id} each.
	listThreshold = 3
	listPerPage   = 200
	listMaxPages  = 3

	// Baseline strategy: the official provider's schedule.
	baselineFirstPoll = 10 * time.Second
	baselineInterval  = 3 * time.Second
)

// waiter polls every in-flight action of a Client from one goroutine. Each action has its own
// schedule (first poll soon, then intervals growing with its age up to a cap); when several are
// in flight, one list request answers for all of them.
type waiter struct {
	c        *Client
	first    time.Duration
	min      time.Duration
	cap      time.Duration
	baseline bool

	mu      sync.Mutex
	entries map[int]*waitEntry
	wake    chan struct{}
	running bool
	cancel  context.CancelFunc
	// descending records the order GET /v2/actions returns (newest first on DigitalOcean).
	// nil until seen.
	descending *bool
	lastTotal  int

	// stats for tests and benchmarks
	listRequests int
	getRequests  int
}

type waitEntry struct {
	id         int
	last       godo.Action // last state seen (or the start response)
	registered time.Time
	next       time.Time
	refs       int
	done       chan struct{}
	err        error // set with done when the action cannot be followed (deleted, forbidden)
}

func newWaiter(c *Client, pollCap time.Duration) *waiter {
	w := &waiter{c: c, entries: map[int]*waitEntry{}, wake: make(chan struct{}, 1)}
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
		if terminal(a.Status) {
			out[i] = a
			continue
		}
		e := w.entries[a.ID]
		if e == nil {
			e = &waitEntry{id: a.ID, last: a, registered: now, next: now.Add(w.first), done: make(chan struct{})}
			if a.Status == "" {
				// Nothing known about it yet (Wait by ID): look soon.
				e.next = now.Add(w.min)
			}
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
	ctx, cancel := context.WithCancel(context.Background())
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
		now := w.c.clock.Now()
		earliest := time.Time{}
		for _, e := range w.entries {
			if earliest.IsZero() || e.next.Before(earliest) {
				earliest = e.next
			}
		}
		w.mu.Unlock()

		if d := earliest.Sub(now); d > 0 {
			select {
			case <-w.c.clock.After(d):
			case <-w.wake:
				continue
			case <-ctx.Done():
				// Every waiter left; loop around to exit, unless new ones arrived.
				w.mu.Lock()
				if len(w.entries) > 0 {
					ctx, w.cancel = context.WithCancel(context.Background())
				}
				w.mu.Unlock()
				continue
			}
		}
		w.poll(ctx)
		if ctx.Err() != nil {
			w.mu.Lock()
			if len(w.entries) > 0 {
				ctx, w.cancel = context.WithCancel(context.Background())
			}
			w.mu.Unlock()
		}
	}
}

// poll learns the state of the due actions (and, with a list request, of every other one).
func (w *waiter) poll(ctx context.Context) {
	now := w.c.clock.Now()
	w.mu.Lock()
	var due, all []int
	for id, e := range w.entries {
		all = append(all, id)
		// An action that will be due within a fraction of its interval joins this round:
		// with a list request it costs nothing, with single GETs it aligns schedules.
		slack := w.interval(now.Sub(e.registered)) / 3
		if w.baseline {
			slack = 0
		}
		if !e.next.After(now.Add(slack)) {
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
	for id, a := range found {
		e := w.entries[id]
		if e == nil {
			continue
		}
		if e.last.ResourceType == "" || a.ResourceType != "" {
			e.last = a
		}
		if terminal(a.Status) {
			w.finishLocked(e, nil)
			continue
		}
		e.next = now.Add(w.interval(now.Sub(e.registered)))
	}
	for id, err := range failed {
		e := w.entries[id]
		if e == nil {
			continue
		}
		if errors.Is(err, ErrNotFound) || errors.Is(err, ErrForbidden) || errors.Is(err, ErrUnauthorized) {
			w.finishLocked(e, fmt.Errorf("following action %d: %w", id, err))
			continue
		}
		// Temporary trouble (the client already retried): try again on the normal schedule.
		e.next = now.Add(w.interval(now.Sub(e.registered)))
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
	if e.last.ResourceType == "droplet" || e.last.ResourceType == "" {
		if e.last.ResourceID > 0 {
			w.c.policies.invalidate(e.last.ResourceID)
		}
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
			w.getRequests++
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

// list reads GET /v2/actions pages until every in-flight action is found, or the pages reach
// actions older than the oldest in flight. It fills found with the in-flight ones it saw.
func (w *waiter) list(ctx context.Context, ids []int, found map[int]godo.Action) {
	want := make(map[int]bool, len(ids))
	minID := ids[0]
	for _, id := range ids {
		want[id] = true
		minID = min(minID, id)
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
		var p actionsPage
		_, err := w.c.do(ctx, http.MethodGet, fmt.Sprintf("v2/actions?page=%d&per_page=%d", page, listPerPage), nil, &p)
		w.mu.Lock()
		w.listRequests++
		w.mu.Unlock()
		if err != nil {
			return
		}
		lo, hi := 0, 0
		for i, a := range p.Actions {
			if want[a.ID] {
				found[a.ID] = a
			}
			if i == 0 || a.ID < lo {
				lo = a.ID
			}
			if a.ID > hi {
				hi = a.ID
			}
		}
		total := 0
		if p.Meta != nil {
			total = p.Meta.Total
		}
		pages := max(1, (total+listPerPage-1)/listPerPage)
		if len(p.Actions) >= 2 {
			d := p.Actions[0].ID > p.Actions[len(p.Actions)-1].ID
			w.mu.Lock()
			w.descending = &d
			w.lastTotal = total
			w.mu.Unlock()
			desc = &d
		}
		if len(found) == len(want) || len(p.Actions) == 0 {
			return
		}
		if desc == nil || *desc {
			// Newest first: later pages hold older actions only.
			if lo < minID || page >= pages {
				return
			}
			page++
			continue
		}
		// Oldest first: move towards the newest end.
		if page < pages && hi < maxKey(want) {
			page = pages
			continue
		}
		if lo <= minID {
			return
		}
		page--
	}
}

func maxKey(m map[int]bool) int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	if len(keys) == 0 {
		return 0
	}
	return keys[len(keys)-1]
}
