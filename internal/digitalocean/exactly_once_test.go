package digitalocean

import (
	"sync"
	"testing"
	"time"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// Consecutive commands (a fresh Client each) run the same action types on the same droplets
// within the same second while answers are lost: no start adopts the previous command's
// action, and none starts twice.
func TestExactlyOnceAcrossClients(t *testing.T) {
	for seed := int64(1); seed <= 6; seed++ {
		r := startEmulator(t, emulator.Options{ActionDuration: 30 * time.Millisecond, FaultRate: 0.25, LostResponseRate: 0.5, Seed: seed})
		ids := createDroplets(r.Server, 4, emulator.DropletSpec{Tags: []string{"x"}})
		for round := 0; round < 2; round++ {
			cfg := testConfig(r)
			cfg.HTTPRetryMax = 30
			c := newTestClient(t, cfg) // a fresh client per round, like a new terraform command
			ctx := ctxTimeout(t, 60*time.Second)
			var wg sync.WaitGroup
			for _, id := range ids {
				wg.Add(1)
				go func(id int) {
					defer wg.Done()
					for range 3 {
						if _, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "reboot"}}); err != nil {
							t.Error(seed, err)
						}
					}
				}(id)
			}
			wg.Wait()
			for range 2 {
				if _, err := c.Execute(ctx, Job{Tag: "x", Request: ActionRequest{Type: "power_cycle"}}); err != nil {
					t.Error(seed, err)
				}
			}
		}
		for _, id := range ids {
			if n := countActions(r.Server, id, "reboot"); n != 6 {
				t.Errorf("seed %d droplet %d: %d", seed, id, n)
			}
			if n := countActions(r.Server, id, "power_cycle"); n != 4 {
				t.Errorf("seed %d droplet %d: %d power_cycle", seed, id, n)
			}
		}
	}
}
