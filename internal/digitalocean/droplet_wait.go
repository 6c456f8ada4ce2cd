package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/digitalocean/godo"
)

const (
	// dropletPollFirst is short because a droplet usually shows its new status right after
	// the action that changes it has completed.
	dropletPollFirst = 250 * time.Millisecond
	// dropletPollMax keeps a long wait (a guest taking minutes to halt) to a handful of
	// requests a minute.
	dropletPollMax = 5 * time.Second
)

// WaitDroplet reads the droplet until done reports true, and returns it. Reads back off from a
// quarter second to five seconds and go through the Client's request budget. When ctx ends
// first it returns the last droplet read (nil if none) and an error naming the droplet and its
// last status that matches ErrTimeout (deadline) or context.Canceled; API errors such as
// ErrNotFound end the wait at once.
func (c *Client) WaitDroplet(ctx context.Context, id int, done func(*godo.Droplet) bool) (*godo.Droplet, error) {
	if id < 1 {
		return nil, fmt.Errorf("%w: droplet ID %d", ErrInvalid, id)
	}
	return c.waitDropletUntil(ctx, id, done, time.Time{})
}

func dropletWaitEnded(ctx context.Context, id int, last *godo.Droplet) error {
	status := "unknown"
	if last != nil {
		status = last.Status
		if last.Locked {
			status += ", locked by another action"
		}
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: waiting for droplet %d (last status %s): %w", ErrTimeout, id, status, ctx.Err())
	}
	return fmt.Errorf("waiting for droplet %d (last status %s): %w", id, status, ctx.Err())
}

// waitDropletUntil reads the droplet until done reports true or until passes on the Client's
// clock, and returns the last droplet read; the last read is made at until, so a droplet that
// got there just in time counts; a zero until waits for done alone. Errors are as WaitDroplet's.
func (c *Client) waitDropletUntil(ctx context.Context, id int, done func(*godo.Droplet) bool, until time.Time) (*godo.Droplet, error) {
	interval := dropletPollFirst
	var last *godo.Droplet
	for {
		d, err := c.Droplet(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				return last, dropletWaitEnded(ctx, id, last)
			}
			return last, err
		}
		last = d
		if done(d) {
			return d, nil
		}
		pause := interval
		if !until.IsZero() {
			left := until.Sub(c.clock.Now())
			if left <= 0 {
				return d, nil
			}
			pause = min(interval, left)
		}
		if err := sleep(ctx, c.clock, pause); err != nil {
			return last, dropletWaitEnded(ctx, id, last)
		}
		interval = min(interval*2, dropletPollMax)
	}
}

// WaitIdle returns the droplet once no action holds it. Running actions it can see are waited
// for with the Client's shared waiter (their outcome is not the caller's: an errored reboot
// started elsewhere does not fail this wait); a lock held by something it cannot see is polled
// out at most once every five seconds.
func (c *Client) WaitIdle(ctx context.Context, id int) (*godo.Droplet, error) {
	if id < 1 {
		return nil, fmt.Errorf("%w: droplet ID %d", ErrInvalid, id)
	}
	st := newStartState(nil)
	t := target{resourceType: "droplet", id: id}
	for {
		if err := st.busy.pace(ctx, c, t, nil, busySpacing); err != nil {
			return nil, err
		}
		d, err := c.Droplet(ctx, id)
		st.busy.sent(c)
		if err != nil || !d.Locked {
			return d, err
		}
		idle, err := c.waitIdle(ctx, t, st)
		if err != nil {
			return d, err
		}
		if idle != nil {
			return idle, nil
		}
	}
}
