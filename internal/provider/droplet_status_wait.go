package provider

// This file holds the one wait in internal/provider that is not an action wait: until a droplet
// reaches a status (a guest that shuts itself down after the shutdown action has completed) or is
// no longer locked. It belongs in internal/digitalocean next to the action waiter and is kept apart
// here so it can move there unchanged.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/digitalocean/godo"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
)

const (
	// dropletPollFirst is short because the droplet usually changes right after its action completes.
	dropletPollFirst = 250 * time.Millisecond
	// dropletPollMax keeps a long wait (a guest taking minutes to halt) to a handful of requests a minute.
	dropletPollMax = 5 * time.Second
)

// waitForDroplet reads the droplet until done reports true, and returns it. When ctx ends first it
// returns the last droplet read (nil if none) and an error matching digitalocean.ErrTimeout (deadline)
// or context.Canceled; API errors such as digitalocean.ErrNotFound end the wait at once.
func waitForDroplet(ctx context.Context, client *digitalocean.Client, id int, done func(*godo.Droplet) bool) (*godo.Droplet, error) {
	interval := dropletPollFirst
	var last *godo.Droplet
	for {
		d, err := client.Droplet(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				return last, waitEnded(ctx, id, last)
			}
			return last, err
		}
		last = d
		if done(d) {
			return d, nil
		}
		timer := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			timer.Stop()
			return last, waitEnded(ctx, id, last)
		case <-timer.C:
		}
		interval = min(interval*2, dropletPollMax)
	}
}

func waitEnded(ctx context.Context, id int, last *godo.Droplet) error {
	status := "unknown"
	if last != nil {
		status = last.Status
		if last.Locked {
			status += ", locked by another action"
		}
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: waiting for droplet %d (last status %s): %w", digitalocean.ErrTimeout, id, status, ctx.Err())
	}
	return fmt.Errorf("waiting for droplet %d (last status %s): %w", id, status, ctx.Err())
}

// waitForDropletIdle returns the droplet once no action holds it. Running actions it can see are
// waited for with the client's shared waiter (their outcome is not ours: an errored reboot started
// elsewhere does not fail this wait); a lock held by something it cannot see is polled out.
func waitForDropletIdle(ctx context.Context, client *digitalocean.Client, id int) (*godo.Droplet, error) {
	for {
		d, err := client.Droplet(ctx, id)
		if err != nil || !d.Locked {
			return d, err
		}
		a, err := client.FindInProgress(ctx, id, "")
		if err != nil {
			return d, err
		}
		if a == nil {
			return waitForDroplet(ctx, client, id, func(d *godo.Droplet) bool { return !d.Locked })
		}
		if _, err := client.Wait(ctx, a.ID); err != nil && !errors.Is(err, digitalocean.ErrActionErrored) {
			return d, err
		}
	}
}
