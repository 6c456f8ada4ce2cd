package emulator_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/digitalocean/godo"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// TestConcurrentClients runs 100 clients at once, each creating a droplet
// and driving actions on it while reading shared lists; run with -race.
func TestConcurrentClients(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) {
		o.RateLimitPerMinute = 100000
		o.RateLimitPerHour = 1000000
		o.Droplets = 5
	})
	// Validation of every exchange is covered by the other tests; here it
	// would only slow the race detector down.
	e.client = e.plainClient()
	const clients = 100
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := clientWorkload(e, i); err != nil {
				errs <- fmt.Errorf("client %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st := e.srv.Stats()
	if st.ActionsStarted["create"] != clients || st.ActionsStarted["reboot"] != clients || st.ActionsStarted["snapshot"] != clients {
		t.Errorf("actions started %v", st.ActionsStarted)
	}
	ds := must[[]godo.Droplet](t)(e.client.Droplets.List(e.ctx, &godo.ListOptions{PerPage: 200}))
	if len(ds) != 5+clients {
		t.Errorf("%d droplets", len(ds))
	}
}

func clientWorkload(e *env, i int) error {
	c := e.client
	d, _, err := c.Droplets.Create(e.ctx, &godo.DropletCreateRequest{
		Name: fmt.Sprintf("c-%d", i), Size: "s-1vcpu-1gb",
		Image: godo.DropletCreateImage{Slug: "ubuntu-24-04-x64"}, Tags: []string{"load"},
	})
	if err != nil {
		return err
	}
	// Every client moves the shared clock, so actions finish as the clients go.
	steps := []func() (*godo.Action, *godo.Response, error){
		func() (*godo.Action, *godo.Response, error) { return c.DropletActions.Reboot(e.ctx, d.ID) },
		func() (*godo.Action, *godo.Response, error) { return c.DropletActions.PowerOff(e.ctx, d.ID) },
		func() (*godo.Action, *godo.Response, error) {
			return c.DropletActions.EnableBackupsWithPolicy(e.ctx, d.ID, &godo.DropletBackupPolicyRequest{Plan: "daily", Hour: intp(4 * (i % 6))})
		},
		func() (*godo.Action, *godo.Response, error) { return c.DropletActions.Snapshot(e.ctx, d.ID, "s") },
		func() (*godo.Action, *godo.Response, error) { return c.DropletActions.PowerOn(e.ctx, d.ID) },
	}
	for _, step := range steps {
		var a *godo.Action
		for {
			a, _, err = step()
			if apiStatus(err) == 422 { // still creating or busy
				e.clock.Advance(time.Second)
				continue
			}
			if err != nil {
				return err
			}
			break
		}
		for {
			got, _, err := c.Actions.Get(e.ctx, a.ID)
			if err != nil {
				return err
			}
			if got.Status == "completed" {
				break
			}
			if got.Status != "in-progress" {
				return fmt.Errorf("action %d %s", got.ID, got.Status)
			}
			e.clock.Advance(5 * time.Second)
		}
		if _, _, err := c.Droplets.Get(e.ctx, d.ID); err != nil {
			return err
		}
		if _, _, err := c.Actions.List(e.ctx, &godo.ListOptions{PerPage: 5}); err != nil {
			return err
		}
		if _, _, err := c.Droplets.ListByTag(e.ctx, "load", &godo.ListOptions{PerPage: 10}); err != nil {
			return err
		}
		if _, _, err := c.Droplets.ListBackupPolicies(e.ctx, nil); err != nil {
			return err
		}
	}
	got, _, err := c.Droplets.Get(e.ctx, d.ID)
	if err != nil {
		return err
	}
	if got.Status != "active" || len(got.SnapshotIDs) != 1 || got.NextBackupWindow == nil {
		return fmt.Errorf("final droplet: %s, snapshots %v, window %v", got.Status, got.SnapshotIDs, got.NextBackupWindow)
	}
	return nil
}
