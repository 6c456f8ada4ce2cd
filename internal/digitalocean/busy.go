package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/digitalocean/godo"
)

const (
	// busySpacing is the least time between two requests of a start while its droplet is
	// locked and lists no running action: an hour of such a lock costs at most 720 requests of
	// the account's 5,000, instead of one every couple of seconds.
	busySpacing = 5 * time.Second
	// busyPollMax is how far the droplet reads of such a wait back off.
	busyPollMax = 15 * time.Second
)

// busyState paces the requests of one start while its droplet is locked with no visible
// action. Outside such a wait it costs nothing.
type busyState struct {
	invisible bool      // locked, and no running action was listed
	last      time.Time // when the last request of the start went out, while invisible
}

func (b *busyState) sent(c *Client) {
	if b.invisible {
		b.last = c.clock.Now()
	}
}

func (b *busyState) end() { b.invisible = false }

// pace waits until d has passed since the start's last request, while the lock has no visible
// action. A wait that would end after ctx's deadline fails at once, naming the lock.
func (b *busyState) pace(ctx context.Context, c *Client, t target, p *progress, d time.Duration) error {
	if !b.invisible {
		return nil
	}
	wait := b.last.Add(d).Sub(c.clock.Now())
	if wait <= 0 {
		return nil
	}
	if !fitsDeadline(ctx, c.clock, wait) {
		return fmt.Errorf("%w: %s is locked (%w) but lists no running action, and the next check, due in %s, would come after the deadline",
			ErrTimeout, t, ErrPendingEvent, wait.Round(time.Millisecond))
	}
	beat := func() Event {
		return Event{ActionType: t.actionType, Reason: fmt.Sprintf("%s is locked with no visible action; checking again in %s", t, wait.Round(time.Second))}
	}
	if err := p.sleep(ctx, c, wait, beat); err != nil {
		return fmt.Errorf("%s stayed locked (pending event) with no visible action until the wait ended: %w", t, classify(err))
	}
	return nil
}

// waitIdle waits out a busy droplet (or image) after a "pending event" refusal, or a droplet
// read as locked. It returns the droplet when the wait ended with a read of it.
//
// Running actions it can see are waited for with the shared waiter; their outcome is not the
// caller's (an errored snapshot started elsewhere does not fail this start). When none is
// listed (the lock belongs to something the action list does not show, or it just ended),
// every later request of the start goes out at least busySpacing after the previous one: the
// droplet is read, backing off to busyPollMax, until it is unlocked.
func (c *Client) waitIdle(ctx context.Context, t target, st *startState) (*godo.Droplet, error) {
	b := &st.busy
	if err := b.pace(ctx, c, t, st.prog, busySpacing); err != nil {
		return nil, err
	}
	as, err := c.recentActions(ctx, t)
	b.sent(c)
	if err != nil {
		return nil, fmt.Errorf("%s is busy with another action and listing its actions failed: %w", t, err)
	}
	st.known.add(as)
	var running []godo.Action
	for _, a := range as {
		if a.Status == godo.ActionInProgress {
			running = append(running, a)
		}
	}
	if len(running) > 0 {
		b.end()
		return nil, c.waitBlocking(ctx, t, running, st.prog)
	}

	if !b.invisible {
		c.logger.Debug(ctx, "DigitalOcean says the "+t.resourceType+" is busy (pending event) but lists no running action; polling until it is unlocked", map[string]any{
			"resource": t.String(), "action_type": t.actionType, "min_interval": busySpacing.String(), "max_interval": busyPollMax.String(),
		})
		st.prog.emit(Event{Kind: EventBusy, ActionType: t.actionType, Reason: fmt.Sprintf("%s is locked by something that lists no action; waiting until it is unlocked", t)})
	}
	b.invisible = true
	b.last = c.clock.Now()
	if t.resourceType != "droplet" {
		// An image shows no lock to read: the next POST, paced, tells.
		return nil, nil
	}
	interval := busySpacing
	for {
		if err := b.pace(ctx, c, t, st.prog, interval); err != nil {
			return nil, err
		}
		d, err := c.Droplet(ctx, t.id)
		b.sent(c)
		if err != nil {
			return nil, err
		}
		if !d.Locked {
			return d, nil
		}
		interval = min(interval*3/2, busyPollMax)
	}
}

// waitBlocking waits for the running actions that keep the droplet busy.
func (c *Client) waitBlocking(ctx context.Context, t target, running []godo.Action, p *progress) error {
	first := running[0]
	c.logger.Debug(ctx, "DigitalOcean says the "+t.resourceType+" is busy; waiting for its running action", map[string]any{
		"resource": t.String(), "action_type": t.actionType, "blocking_action_id": first.ID, "blocking_action_type": first.Type,
	})
	reason := fmt.Sprintf("%s is busy with %s action %d; waiting for it to end", t, first.Type, first.ID)
	p.emit(Event{Kind: EventBusy, ActionID: first.ID, ActionType: first.Type, Status: first.Status, Reason: reason})
	began := c.clock.Now()
	var err error
	p.while(func() Event {
		return Event{ActionID: first.ID, ActionType: first.Type, Status: first.Status, Elapsed: c.clock.Now().Sub(began), Reason: reason}
	}, func() { _, err = c.waitActions(ctx, running) })
	var ae *ActionError
	if err != nil && errors.As(err, &ae) && (errors.Is(err, ErrTimeout) || errors.Is(err, context.Canceled)) {
		if t.actionType == "" {
			return fmt.Errorf("%s is busy with another action: %w", t, err)
		}
		return fmt.Errorf("%s is busy with another action, so the %s action could not start: %w", t, t.actionType, err)
	}
	// The blocking action erroring (or vanishing) is not our failure: try to start.
	return nil
}
