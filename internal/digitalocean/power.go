package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/digitalocean/godo"
)

// Droplet statuses that say whether a droplet runs.
const (
	statusNew     = "new"
	statusActive  = "active"
	statusOff     = "off"
	statusArchive = "archive"
)

// noop says why the action would change nothing on the droplet, or "" when it would.
func noop(actionType string, d *godo.Droplet) string {
	switch actionType {
	case "power_on":
		switch d.Status {
		case statusActive:
			return "the droplet is already on (status active)"
		case statusNew:
			return "the droplet is still being created (status new) and boots by itself"
		}
	case "power_off", "shutdown":
		if d.Status == statusOff || d.Status == statusArchive {
			return fmt.Sprintf("the droplet is already off (status %s)", d.Status)
		}
	}
	return ""
}

func isOff(d *godo.Droplet) bool { return d.Status == statusOff && !d.Locked }

// shutdown follows a shutdown action and then the droplet, until it is off or Job.ForceAfter
// has passed since the request; then, or when the shutdown errored (unless Job.NoForceOnError),
// it powers the droplet off. A shutdown still running by then keeps the droplet busy, so the
// power_off waits for it.
func (r *dropletRun) shutdown(ctx context.Context, a godo.Action) {
	c := r.c
	grace := r.job.ForceAfter
	until := r.began.Add(grace)

	got, ended, err := r.followUntil(ctx, a, until)
	r.res.Action = got
	var reason string
	switch {
	case err != nil && (!errors.Is(err, ErrActionErrored) || r.job.NoForceOnError):
		r.done(err)
		return
	case err != nil:
		reason = fmt.Sprintf("shutdown action %d errored; powering the droplet off", got.ID)
	case ended:
		off, derr := r.waitOff(ctx, until)
		if derr != nil {
			r.done(derr)
			return
		}
		if off {
			r.done(nil)
			return
		}
		fallthrough
	default:
		reason = fmt.Sprintf("the droplet was not off %s after the shutdown request; powering it off", grace)
	}
	c.logger.Debug(ctx, "falling back to power_off", map[string]any{"droplet_id": r.res.DropletID, "reason": reason})
	r.prog.emit(Event{Kind: EventFallback, ActionID: got.ID, ActionType: got.Type, Status: got.Status, Reason: reason})

	req := ActionRequest{Type: "power_off"}
	body, _ := req.body()
	st := newStartState(r.prog)
	off, err := c.start(ctx, dropletTarget(r.res.DropletID, req), body, st, false)
	if err != nil {
		r.done(err)
		return
	}
	r.prog.emit(Event{Kind: EventStarted, ActionID: off.ID, ActionType: off.Type, Status: off.Status})
	final, err := r.follow(ctx, *off)
	r.res.PowerOff = &final
	r.done(err)
}

// followUntil follows the action until it ends or until passes on the Client's clock. ended
// is false when until came first; the action is then in its last known state and err is nil.
func (r *dropletRun) followUntil(ctx context.Context, a godo.Action, until time.Time) (got godo.Action, ended bool, err error) {
	c := r.c
	ended = true
	got, err = r.followWith(ctx, a, func(ctx context.Context, a *godo.Action) (*godo.Action, error) {
		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		type answer struct {
			a   *godo.Action
			err error
		}
		ch := make(chan answer, 1)
		go func() {
			got, err := c.wait1(wctx, a)
			ch <- answer{got, err}
		}()
		select {
		case ans := <-ch:
			return ans.a, ans.err
		case <-c.clock.After(until.Sub(c.clock.Now())):
			cancel()
			ans := <-ch
			if ans.a != nil && terminal(ans.a.Status) {
				// It ended just as the grace period did.
				if ans.a.Status == actionErrored {
					return ans.a, erroredError(ans.a)
				}
				return ans.a, nil
			}
			ended = false
			return ans.a, nil
		}
	})
	return got, ended, err
}

// waitOff reads the droplet until it is off, or until passes on the Client's clock (one last
// read then). It reports whether the droplet is off.
func (r *dropletRun) waitOff(ctx context.Context, until time.Time) (bool, error) {
	c := r.c
	var d *godo.Droplet
	var err error
	reason := fmt.Sprintf("waiting for the droplet to switch itself off (power_off after %s)", r.job.ForceAfter)
	r.prog.while(func() Event { return Event{Reason: reason, Elapsed: c.clock.Now().Sub(r.began)} }, func() {
		d, err = c.waitDropletUntil(ctx, r.res.DropletID, isOff, until)
	})
	if d != nil {
		r.droplet = d
	}
	if err != nil {
		return false, err
	}
	return d != nil && isOff(d), nil
}
