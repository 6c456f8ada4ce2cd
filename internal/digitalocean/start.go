package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/digitalocean/godo"
)

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
	return c.start(ctx, dropletTarget(dropletID, req), body, newStartState(nil), false)
}

func dropletTarget(id int, req ActionRequest) target {
	return target{resourceType: "droplet", id: id, actionType: req.Type, policy: req.BackupPolicy}
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

// startState carries what one logical start has learnt across attempts, and across decisions
// of the runner.
type startState struct {
	// Every action seen on the droplet before an attempt (while waiting for it to be idle, or
	// checking an earlier attempt) began before that attempt, so it cannot be its action.
	known     *seenActions
	busyWaits int
	busy      busyState
	// droplet is the droplet as last read while waiting for it to be idle; nil when not read.
	droplet *godo.Droplet
	prog    *progress
}

func newStartState(p *progress) *startState {
	return &startState{known: &seenActions{ids: map[int]bool{}}, prog: p}
}

// errIdleAgain is returned by start with redecide set: the droplet was busy, has been waited
// for, and nothing was started, so the caller decides again from what the droplet holds now.
var errIdleAgain = errors.New("droplet was busy and is idle again; decide again")

// start POSTs the action exactly once (see Start). With redecide set, a "pending event"
// refusal ends it with errIdleAgain once the droplet is idle, instead of sending the same
// request again.
func (c *Client) start(ctx context.Context, t target, body map[string]any, st *startState, redecide bool) (*godo.Action, error) {
	c.ensureActionFloor(ctx)
	known := st.known
	unsure := 0
	for {
		if err := st.busy.pace(ctx, c, t, st.prog, busySpacing); err != nil {
			return nil, err
		}
		attempt := c.clock.Now()
		known.maxID = max(known.maxID, int(c.maxActionID.Load()))
		if t.resourceType == "droplet" {
			c.policies.invalidate(t.id)
		}
		var root struct {
			Action *godo.Action `json:"action"`
		}
		_, err := c.do(ctx, http.MethodPost, t.postPath(), body, &root)
		st.busy.sent(c)
		if err == nil && root.Action == nil {
			err = fmt.Errorf("%w: the API accepted the %s action on %s but returned no action", ErrServer, t.actionType, t)
		}
		if t.resourceType == "droplet" {
			// Again now that the POST is answered: a read that was under way while the action
			// began (or, for an instant action, ended) must not be served as fresh.
			c.policies.invalidate(t.id)
		}
		if err == nil {
			st.busy.end()
			c.sawActions(*root.Action)
			c.claims.add(root.Action.ID)
			c.waiter.recordStart(root.Action, true)
			return root.Action, nil
		}
		switch {
		case errors.Is(err, ErrPendingEvent):
			st.busyWaits++
			d, werr := c.waitIdle(ctx, t, st)
			if werr != nil {
				return nil, werr
			}
			st.droplet = d
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
				st.busy.end()
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
		case errors.Is(err, ErrInvalid) && t.policy != nil:
			return nil, fmt.Errorf("DigitalOcean refused %s for %s (%s action): %w", t.policy.describe(), t, t.actionType, err)
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
