package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/digitalocean/godo"
)

// ActionRequest describes a droplet action. Only the fields its Type uses may be set.
type ActionRequest struct {
	Type         string
	Image        string // rebuild: slug or numeric ID; restore: numeric ID
	Size         string // resize
	Disk         bool   // resize: also grow the disk (permanent)
	Name         string // rename, snapshot
	Kernel       int    // change_kernel
	BackupPolicy *Policy
}

// Policy is the request side of a backup policy. Empty Weekday and nil Hour are not sent.
type Policy struct {
	Plan    string
	Weekday string
	Hour    *int
}

// clockSkew is how much earlier than our clock an action we started may appear to have begun
// on the server, while the server's clock is unknown: clock differences plus the API's
// whole-second timestamps.
const clockSkew = 5 * time.Second

// recentActionsPerPage is enough to see every action started in the last minutes on one
// droplet (or image).
const recentActionsPerPage = 20

// body builds the JSON body of the action. It is built here rather than with godo's helpers,
// which send "weekday": "" for daily plans and always send "plan".
func (r ActionRequest) body() (map[string]any, error) {
	if r.Type == "" {
		return nil, fmt.Errorf("%w: action type is required", ErrInvalid)
	}
	b := map[string]any{"type": r.Type}
	if r.BackupPolicy != nil && r.Type != "enable_backups" && r.Type != "change_backup_policy" {
		return nil, fmt.Errorf("%w: a backup policy can only be sent with enable_backups or change_backup_policy, not %s", ErrInvalid, r.Type)
	}
	switch r.Type {
	case "enable_backups":
		if r.BackupPolicy != nil {
			b["backup_policy"] = r.BackupPolicy.body()
		}
	case "change_backup_policy":
		if r.BackupPolicy == nil {
			return nil, fmt.Errorf("%w: change_backup_policy needs a backup policy", ErrInvalid)
		}
		b["backup_policy"] = r.BackupPolicy.body()
	case "restore":
		id, err := strconv.Atoi(r.Image)
		if err != nil || id < 1 {
			return nil, fmt.Errorf("%w: restore needs the numeric ID of a backup image, got %q", ErrInvalid, r.Image)
		}
		b["image"] = id
	case "rebuild":
		if r.Image == "" {
			return nil, fmt.Errorf("%w: rebuild needs an image slug or ID", ErrInvalid)
		}
		if id, err := strconv.Atoi(r.Image); err == nil {
			b["image"] = id
		} else {
			b["image"] = r.Image
		}
	case "resize":
		if r.Size == "" {
			return nil, fmt.Errorf("%w: resize needs a size slug", ErrInvalid)
		}
		b["size"] = r.Size
		b["disk"] = r.Disk
	case "rename":
		if r.Name == "" {
			return nil, fmt.Errorf("%w: rename needs a name", ErrInvalid)
		}
		b["name"] = r.Name
	case "snapshot":
		if r.Name != "" {
			b["name"] = r.Name
		}
	case "change_kernel":
		if r.Kernel < 1 {
			return nil, fmt.Errorf("%w: change_kernel needs a kernel ID", ErrInvalid)
		}
		b["kernel"] = r.Kernel
	}
	return b, nil
}

func (p Policy) body() map[string]any {
	b := map[string]any{}
	if p.Plan != "" {
		b["plan"] = p.Plan
	}
	if p.Weekday != "" {
		b["weekday"] = p.Weekday
	}
	if p.Hour != nil {
		b["hour"] = *p.Hour
	}
	return b
}

// target is what an action is started on.
type target struct {
	resourceType string // "droplet" or "image"
	id           int
	actionType   string
}

func (t target) postPath() string {
	return fmt.Sprintf("v2/%ss/%d/actions", t.resourceType, t.id)
}

func (t target) String() string { return fmt.Sprintf("%s %d", t.resourceType, t.id) }

// Run starts the action exactly once and waits until it completed or errored.
func (c *Client) Run(ctx context.Context, dropletID int, req ActionRequest) (*godo.Action, error) {
	a, err := c.Start(ctx, dropletID, req)
	if err != nil {
		return nil, err
	}
	return c.wait1(ctx, a)
}

func (c *Client) wait1(ctx context.Context, a *godo.Action) (*godo.Action, error) {
	as, err := c.waitActions(ctx, []godo.Action{*a})
	if len(as) == 1 {
		return &as[0], err
	}
	return a, err
}

// Start starts the action on the droplet exactly once and returns it without waiting.
//
// Action POSTs are never repeated blindly: when the outcome of a POST is unknown (5xx, lost
// connection) the droplet's recent actions show whether it began, and a matching action is
// adopted instead of starting a second one. When the droplet is busy ("pending event"), Start
// waits for the running action to end and then starts, all within ctx.
func (c *Client) Start(ctx context.Context, dropletID int, req ActionRequest) (*godo.Action, error) {
	if dropletID < 1 {
		return nil, fmt.Errorf("%w: droplet ID %d", ErrInvalid, dropletID)
	}
	body, err := req.body()
	if err != nil {
		return nil, err
	}
	return c.startOnce(ctx, target{resourceType: "droplet", id: dropletID, actionType: req.Type}, body)
}

// ensureActionFloor learns the account's newest action ID before this Client's first start,
// unless it has seen actions already. Any action at or below it began before this Client
// started anything, so an unsure start never adopts an action left by an earlier command, even
// one that began within the same second (DigitalOcean's timestamps have whole seconds). It
// costs one request per Client, and none when, for example, FindInProgress has listed the
// latest actions. Failing to learn it only weakens that guard, so errors are ignored.
func (c *Client) ensureActionFloor(ctx context.Context) {
	if c.floorKnown.Load() || c.maxActionID.Load() > 0 {
		return
	}
	c.floorMu.Lock()
	defer c.floorMu.Unlock()
	if c.floorKnown.Load() || c.maxActionID.Load() > 0 {
		return
	}
	var p actionsPage
	if _, err := c.do(ctx, http.MethodGet, "v2/actions?page=1&per_page=1", nil, &p); err != nil {
		return
	}
	c.sawActions(p.Actions...)
	c.floorKnown.Store(true)
}

func (c *Client) startOnce(ctx context.Context, t target, body map[string]any) (*godo.Action, error) {
	return c.start(ctx, t, body, newStartState(), false)
}

// startState carries what one logical start has learnt across attempts, and across decisions
// in Converge.
type startState struct {
	// Every action seen on the droplet before an attempt (while waiting for it to be idle, or
	// checking an earlier attempt) began before that attempt, so it cannot be its action.
	known     *seenActions
	busyWaits int
}

func newStartState() *startState {
	return &startState{known: &seenActions{ids: map[int]bool{}}}
}

// errIdleAgain is returned by start with redecide set: the droplet was busy, has been waited
// for, and nothing was started, so the caller decides again from what the droplet holds now.
var errIdleAgain = errors.New("droplet was busy and is idle again; decide again")

// Converge decides what the droplet needs and runs it: decide reads what it needs (a backup
// policy, say) and returns the action to start, or nil when there is nothing to do. The action
// is started exactly once and waited for. When the droplet is busy ("pending event"), Converge
// waits until the droplet is idle and then calls decide again, with this Client's cached
// backup policy of the droplet invalidated, rather than sending the same request: the action
// the droplet was busy with (often the same change, left running by an earlier run that timed
// out) may have done what was needed. It returns nil and no error when the last decision was
// that nothing is needed; otherwise the action in its last known state.
//
// In the usual case (droplet idle) it costs what decide reads plus one POST and the wait.
func (c *Client) Converge(ctx context.Context, dropletID int, decide func(ctx context.Context) (*ActionRequest, error)) (*godo.Action, error) {
	if dropletID < 1 {
		return nil, fmt.Errorf("%w: droplet ID %d", ErrInvalid, dropletID)
	}
	st := newStartState()
	for {
		req, err := decide(ctx)
		if err != nil || req == nil {
			return nil, err
		}
		body, err := req.body()
		if err != nil {
			return nil, err
		}
		a, err := c.start(ctx, target{resourceType: "droplet", id: dropletID, actionType: req.Type}, body, st, true)
		if errors.Is(err, errIdleAgain) {
			c.policies.invalidate(dropletID)
			continue
		}
		if err != nil {
			return nil, err
		}
		return c.wait1(ctx, a)
	}
}

// start POSTs the action exactly once (see Start). With redecide set, a "pending event"
// refusal ends it with errIdleAgain once the droplet is idle, instead of sending the same
// request again.
func (c *Client) start(ctx context.Context, t target, body map[string]any, st *startState, redecide bool) (*godo.Action, error) {
	c.ensureActionFloor(ctx)
	known := st.known
	unsure := 0
	for {
		attempt := c.clock.Now()
		known.maxID = max(known.maxID, int(c.maxActionID.Load()))
		if t.resourceType == "droplet" {
			c.policies.invalidate(t.id)
		}
		var root struct {
			Action *godo.Action `json:"action"`
		}
		_, err := c.do(ctx, http.MethodPost, t.postPath(), body, &root)
		if err == nil && root.Action == nil {
			err = fmt.Errorf("%w: the API accepted the %s action on %s but returned no action", ErrServer, t.actionType, t)
		}
		if t.resourceType == "droplet" {
			// Again now that the POST is answered: a read that was under way while the action
			// began (or, for an instant action, ended) must not be served as fresh.
			c.policies.invalidate(t.id)
		}
		if err == nil {
			c.sawActions(*root.Action)
			c.claims.add(root.Action.ID)
			c.waiter.recordStart(root.Action, true)
			return root.Action, nil
		}
		switch {
		case errors.Is(err, ErrPendingEvent):
			st.busyWaits++
			if werr := c.waitIdle(ctx, t, st.busyWaits, known); werr != nil {
				return nil, werr
			}
			if redecide {
				return nil, errIdleAgain
			}
		case ambiguous(err):
			unsure++
			a, lerr := c.adopt(ctx, t, attempt, known)
			if lerr != nil {
				return nil, fmt.Errorf("starting %s action on %s: the outcome is unknown (%v) and checking the %s's actions failed: %w", t.actionType, t, err, t.resourceType, lerr)
			}
			if a != nil {
				c.claims.add(a.ID)
				c.waiter.recordStart(a, false)
				return a, nil
			}
			if unsure > c.retries {
				return nil, fmt.Errorf("starting %s action on %s failed after %d attempt(s), none of which began: %w", t.actionType, t, unsure, err)
			}
			if serr := c.backoffSleep(ctx, unsure-1); serr != nil {
				return nil, fmt.Errorf("starting %s action on %s failed (%v; it did not begin) and no time is left to try again: %w", t.actionType, t, err, classify(serr))
			}
		default:
			return nil, fmt.Errorf("starting %s action on %s: %w", t.actionType, t, err)
		}
	}
}

func (c *Client) backoffSleep(ctx context.Context, attempt int) error {
	d := c.retryWaitMin << min(attempt, 16)
	if d > c.retryWaitMax || d <= 0 {
		d = c.retryWaitMax
	}
	if !fitsDeadline(ctx, c.clock, d) {
		return context.DeadlineExceeded
	}
	return sleep(ctx, c.clock, d)
}

// adopt looks for the action a POST with unknown outcome may have started: same type, on the
// same droplet or image, begun after the attempt by the server's clock, newer than every
// action this Client had seen before the attempt, not one it already returned for another
// start, and not one seen before. When none matches, every action it looked at is added to
// known, so a later attempt does not mistake it for its own.
func (c *Client) adopt(ctx context.Context, t target, attempt time.Time, known *seenActions) (*godo.Action, error) {
	var as []godo.Action
	var err error
	for try := 0; ; try++ {
		as, err = c.recentActions(ctx, t)
		if err == nil || !ambiguous(err) || try >= c.retries {
			break
		}
		if serr := c.backoffSleep(ctx, try); serr != nil {
			return nil, err
		}
	}
	if err != nil {
		return nil, err
	}
	// Only now: the failed attempt's own answer may have told the server's clock.
	since := c.server.earliestStart(attempt)
	var best *godo.Action
	for i := range as {
		a := &as[i]
		if a.Type != t.actionType || known.has(a.ID) || c.claims.has(a.ID) {
			continue
		}
		if a.StartedAt == nil || a.StartedAt.Before(since) {
			continue
		}
		if best == nil || a.ID < best.ID {
			best = a
		}
	}
	if best == nil {
		known.add(as)
	}
	return best, nil
}

// seenActions are actions that began before the current start attempt.
type seenActions struct {
	ids   map[int]bool
	maxID int // action IDs grow: nothing at or below the newest seen can be a later action
}

func (s *seenActions) add(as []godo.Action) {
	for _, a := range as {
		s.ids[a.ID] = true
		s.maxID = max(s.maxID, a.ID)
	}
}

func (s *seenActions) has(id int) bool { return s.ids[id] || id <= s.maxID }

// recentActions returns the latest actions of a droplet or image, whatever order the API
// lists them in.
func (c *Client) recentActions(ctx context.Context, t target) ([]godo.Action, error) {
	base := fmt.Sprintf("v2/%ss/%d/actions", t.resourceType, t.id)
	var p actionsPage
	if _, err := c.do(ctx, http.MethodGet, fmt.Sprintf("%s?page=1&per_page=%d", base, recentActionsPerPage), nil, &p); err != nil {
		return nil, err
	}
	as := p.Actions
	if p.Meta != nil && p.Meta.Total > len(as) && len(as) >= 2 && as[0].ID < as[len(as)-1].ID {
		// Oldest first: the recent ones are on the last page (plus the one before it, in case
		// the last page is short).
		last := (p.Meta.Total + recentActionsPerPage - 1) / recentActionsPerPage
		for _, page := range []int{last - 1, last} {
			if page <= 1 {
				continue
			}
			var q actionsPage
			if _, err := c.do(ctx, http.MethodGet, fmt.Sprintf("%s?page=%d&per_page=%d", base, page, recentActionsPerPage), nil, &q); err != nil {
				return nil, err
			}
			as = append(as, q.Actions...)
		}
	}
	sort.Slice(as, func(i, j int) bool { return as[i].ID > as[j].ID })
	c.sawActions(as...)
	return as, nil
}

// waitIdle waits until the droplet's running actions have ended, after a "pending event"
// refusal. When no running action is visible (the lock is held by something not listed, or
// it just ended), it backs off briefly instead.
func (c *Client) waitIdle(ctx context.Context, t target, round int, known *seenActions) error {
	as, err := c.recentActions(ctx, t)
	if err != nil {
		return fmt.Errorf("%s is busy with another action and listing its actions failed: %w", t, err)
	}
	known.add(as)
	var running []godo.Action
	for _, a := range as {
		if a.Status == godo.ActionInProgress {
			running = append(running, a)
		}
	}
	if len(running) == 0 {
		d := min(c.waiter.min<<min(round-1, 8), c.waiter.cap)
		if err := sleep(ctx, c.clock, d); err != nil {
			return fmt.Errorf("%s stayed busy (pending event) until the wait ended: %w", t, classify(err))
		}
		return nil
	}
	_, err = c.waitActions(ctx, running)
	var ae *ActionError
	if err != nil && errors.As(err, &ae) && (errors.Is(err, ErrTimeout) || errors.Is(err, context.Canceled)) {
		return fmt.Errorf("%s is busy with another action, so the %s action could not start: %w", t, t.actionType, err)
	}
	// The blocking action erroring (or vanishing) is not our failure: try to start.
	return nil
}

// findInProgressSingle answers FindInProgress from the droplet's own action list.
func (c *Client) findInProgressSingle(ctx context.Context, dropletID int, actionType string) (*godo.Action, error) {
	as, err := c.recentActions(ctx, target{resourceType: "droplet", id: dropletID})
	if err != nil {
		return nil, fmt.Errorf("listing actions of droplet %d: %w", dropletID, err)
	}
	for i := range as {
		if as[i].Status == godo.ActionInProgress && (actionType == "" || as[i].Type == actionType) && !c.claims.has(as[i].ID) {
			return &as[i], nil
		}
	}
	return nil, nil
}

// RunByTag starts the action on every droplet carrying tag (one request when all goes well)
// and waits for all of them. It returns the actions, in their last known state.
func (c *Client) RunByTag(ctx context.Context, tag string, req ActionRequest) ([]godo.Action, error) {
	as, err := c.startByTag(ctx, tag, req)
	if err != nil {
		return as, err
	}
	return c.waitActions(ctx, as)
}

func (c *Client) startByTag(ctx context.Context, tag string, req ActionRequest) ([]godo.Action, error) {
	if tag == "" {
		return nil, fmt.Errorf("%w: tag is required", ErrInvalid)
	}
	body, err := req.body()
	if err != nil {
		return nil, err
	}
	path := "v2/droplets/actions?tag_name=" + url.QueryEscape(tag)
	c.ensureActionFloor(ctx)
	for attempt := 1; ; attempt++ {
		attemptAt := c.clock.Now()
		floor := int(c.maxActionID.Load())
		var root struct {
			Actions []godo.Action `json:"actions"`
		}
		_, err = c.do(ctx, http.MethodPost, path, body, &root)
		for _, a := range root.Actions {
			c.policies.invalidate(a.ResourceID)
		}
		if err == nil {
			c.sawActions(root.Actions...)
			for i := range root.Actions {
				c.claims.add(root.Actions[i].ID)
				c.waiter.recordStart(&root.Actions[i], true)
				c.policies.invalidate(root.Actions[i].ResourceID)
			}
			return root.Actions, nil
		}
		if !errors.Is(err, ErrPendingEvent) && !ambiguous(err) {
			return nil, fmt.Errorf("starting %s action on droplets tagged %q: %w", req.Type, tag, err)
		}
		droplets, lerr := c.DropletsByTag(ctx, tag)
		if lerr != nil {
			return nil, fmt.Errorf("starting %s action on droplets tagged %q: %v; listing the tagged droplets to recover failed: %w", req.Type, tag, err, lerr)
		}
		if errors.Is(err, ErrPendingEvent) {
			// Some droplet is busy: go droplet by droplet, each start waiting for its droplet.
			return c.startEach(ctx, droplets, req.Type, body, nil)
		}
		// The answer was lost. If the request took effect, every tagged droplet has a new
		// action; adopt those and start the rest one by one. If none has, repeat the request.
		adopted := make(map[int]godo.Action)
		var mu sync.Mutex
		errs := c.forEach(droplets, func(id int) error {
			a, err := c.adopt(ctx, target{resourceType: "droplet", id: id, actionType: req.Type}, attemptAt, &seenActions{ids: map[int]bool{}, maxID: floor})
			if err != nil {
				return fmt.Errorf("droplet %d: %w", id, err)
			}
			if a != nil {
				mu.Lock()
				adopted[id] = *a
				mu.Unlock()
			}
			return nil
		})
		if errs != nil {
			return nil, fmt.Errorf("starting %s action on droplets tagged %q: the outcome is unknown (%v) and checking the droplets failed: %w", req.Type, tag, err, errs)
		}
		if len(adopted) > 0 || len(droplets) == 0 {
			return c.startEach(ctx, droplets, req.Type, body, adopted)
		}
		if attempt > c.retries {
			return nil, fmt.Errorf("starting %s action on droplets tagged %q failed after %d attempts: %w", req.Type, tag, attempt, err)
		}
		if serr := c.backoffSleep(ctx, attempt-1); serr != nil {
			return nil, fmt.Errorf("starting %s action on droplets tagged %q: %w", req.Type, tag, classify(serr))
		}
	}
}

// startEach starts the action on every droplet that has none in adopted, exactly once each.
func (c *Client) startEach(ctx context.Context, droplets []godo.Droplet, actionType string, body map[string]any, adopted map[int]godo.Action) ([]godo.Action, error) {
	out := make([]godo.Action, len(droplets))
	for i, d := range droplets {
		if a, ok := adopted[d.ID]; ok {
			c.claims.add(a.ID)
			c.waiter.recordStart(&a, false)
			out[i] = a
		}
	}
	idx := map[int]int{}
	for i, d := range droplets {
		idx[d.ID] = i
	}
	err := c.forEach(droplets, func(id int) error {
		i := idx[id]
		if out[i].ID != 0 {
			return nil
		}
		a, err := c.startOnce(ctx, target{resourceType: "droplet", id: id, actionType: actionType}, body)
		if err != nil {
			return err
		}
		out[i] = *a
		return nil
	})
	var started []godo.Action
	for i := range out {
		if out[i].ID != 0 {
			started = append(started, out[i])
		}
	}
	return started, err
}

// forEach runs f for every droplet, a few at a time, and joins the errors.
func (c *Client) forEach(droplets []godo.Droplet, f func(id int) error) error {
	errs := make([]error, len(droplets))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 5)
	for i, d := range droplets {
		wg.Add(1)
		go func(i, id int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = f(id)
		}(i, d.ID)
	}
	wg.Wait()
	return errors.Join(errs...)
}

// claims remembers the actions this Client has returned from a start, so an unsure start never
// adopts an action that belongs to another call.
type claims struct {
	mu  sync.Mutex
	ids map[int]time.Time
}

func newClaims() *claims { return &claims{ids: map[int]time.Time{}} }

func (c *claims) add(id int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	c.ids[id] = now
	if len(c.ids) > 10000 {
		for k, t := range c.ids {
			if now.Sub(t) > time.Hour {
				delete(c.ids, k)
			}
		}
	}
}

func (c *claims) has(id int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.ids[id]
	return ok
}
