package provider_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dropletops/terraform-provider-droplet/internal/acctest"
)

// soakPlan is how hard the soak pushes. DROPLET_SOAK selects one: "short" (the default, part of
// `make test`: a few minutes), "full" (`make soak`: the 100 droplet_backups and 50
// droplet_action over five cycles) or "off". DROPLET_SOAK_CYCLES and DROPLET_SOAK_RATE_LIMIT
// override the number of cycles and the emulator's requests per minute.
//
// The emulator's per-minute limit stays below the provider's own request budget (200 a minute),
// so 429s really happen; it also bounds the soak's speed, since every cycle needs some 550
// requests at full size.
type soakPlan struct {
	backups, actions, cycles int
	faults                   faultSettings
	full                     bool
}

func soakPlanFromEnv(t *testing.T) soakPlan {
	t.Helper()
	plan := soakPlan{backups: 30, actions: 15, cycles: 2,
		faults: faultSettings{FaultRate: 0.2, LostResponseRate: 0.2, RateLimitPerMinute: 120}}
	switch mode := os.Getenv("DROPLET_SOAK"); mode {
	case "", "short":
	case "full":
		plan.backups, plan.actions, plan.cycles, plan.full = 100, 50, 5, true
		plan.faults.RateLimitPerMinute = 150
	case "off":
		t.Skip("DROPLET_SOAK=off")
	default:
		t.Fatalf("DROPLET_SOAK=%q: want short, full or off", mode)
	}
	for name, dst := range map[string]*int{"DROPLET_SOAK_CYCLES": &plan.cycles, "DROPLET_SOAK_RATE_LIMIT": &plan.faults.RateLimitPerMinute} {
		if s := os.Getenv(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				t.Fatalf("%s=%q: want a whole number of at least 1", name, s)
			}
			*dst = n
		}
	}
	t.Logf("soak: %d cycles of %d droplet_backups and %d droplet_action; %.0f%% 5xx, %.0f%% lost action responses, %d requests/min",
		plan.cycles, plan.backups, plan.actions, plan.faults.FaultRate*100, plan.faults.LostResponseRate*100, plan.faults.RateLimitPerMinute)
	return plan
}

// TestAccReliability_soak applies and destroys 100 droplet_backups and 50 droplet_action resources,
// cycle after cycle, under 5xx answers, lost action responses, 429s and busy droplets. After every
// apply and every destroy: the apply converged, the state equals the API, and the actions started
// are exactly the ones the configuration requires.
func TestAccReliability_soak(t *testing.T) {
	plan := soakPlanFromEnv(t)
	lab := newFaultLab(t)
	backupDroplets := lab.droplets("soak-backups", plan.backups)
	actionDroplets := lab.droplets("soak-action", plan.actions)

	weekdays := []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}
	hours := []int{0, 4, 8, 12, 16, 20}
	actionTypes := []string{"reboot", "power_cycle", "snapshot", "rename", "password_reset"}

	config := func(cycle int) (faultConfig, func()) {
		var c faultConfig
		for i, id := range backupDroplets {
			d := acctest.Backups{Label: fmt.Sprintf("b%03d", i), DropletID: id}
			switch (i + cycle) % 3 {
			case 0:
				d.Plan, d.Weekday, d.Hour = "weekly", weekdays[(i+cycle)%7], acctest.Ptr(hours[i%6])
			case 1:
				d.Plan, d.Hour = "daily", acctest.Ptr(hours[(i+cycle)%6])
			}
			c.backups = append(c.backups, d)
		}
		for i, id := range actionDroplets {
			typ := actionTypes[(i+cycle)%len(actionTypes)]
			d := acctest.Action{Label: fmt.Sprintf("a%03d", i), DropletID: id, Type: typ}
			switch typ {
			case "snapshot":
				d.Name = fmt.Sprintf("soak-%d-%d", cycle, i)
			case "rename":
				d.Name = fmt.Sprintf("soak-renamed-%d-%d", cycle, i)
			}
			c.actions = append(c.actions, d)
		}
		expect := func() {
			for _, d := range c.backups {
				lab.expect(d.DropletID, "enable_backups")
			}
			for _, d := range c.actions {
				lab.expect(d.DropletID, d.Type)
			}
		}
		return c, expect
	}

	// A tenth of the droplets are busy with an action started elsewhere when each apply begins.
	makeBusy := func() {
		var ids []int
		for i := 0; i < len(backupDroplets); i += 10 {
			ids = append(ids, backupDroplets[i])
		}
		for i := 5; i < len(actionDroplets); i += 10 {
			ids = append(ids, actionDroplets[i])
		}
		lab.busy("enable_ipv6", time.Second, ids...)
	}

	var steps []resource.TestStep
	var started time.Time
	for cycle := 1; cycle <= plan.cycles; cycle++ {
		c, expect := config(cycle)
		steps = append(steps,
			resource.TestStep{
				PreConfig: func() {
					if cycle == 1 {
						lab.setFaults(plan.faults)
						started = time.Now()
					}
					makeBusy()
					expect()
				},
				Config: soakProviderBlock(lab) + c.hcl(),
				Check: resource.ComposeAggregateTestCheckFunc(
					lab.checkStateMatchesAPI(),
					lab.checkActions(),
					lab.checkNoOutOfBandAdopted(),
					checkResourceCount(plan.backups+plan.actions),
				),
			},
			resource.TestStep{
				PreConfig: func() {
					lab.logStats(fmt.Sprintf("soak cycle %d applied after %s", cycle, time.Since(started).Round(time.Second)))
					makeBusy()
					for _, id := range backupDroplets {
						lab.expect(id, "disable_backups")
					}
				},
				Config: soakProviderBlock(lab),
				Check: resource.ComposeAggregateTestCheckFunc(
					lab.checkActions(),
					checkResourceCount(0),
					func(*terraform.State) error {
						for _, id := range backupDroplets {
							if rec, _ := lab.emu.BackupPolicy(id); rec.BackupEnabled {
								return fmt.Errorf("droplet %d still has backups after the destroy", id)
							}
						}
						lab.logStats(fmt.Sprintf("soak cycle %d destroyed after %s", cycle, time.Since(started).Round(time.Second)))
						return nil
					},
				),
			},
		)
	}
	steps[len(steps)-1].Check = resource.ComposeAggregateTestCheckFunc(steps[len(steps)-1].Check, lab.checkFaultsHappened(plan.faults))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps:                    steps,
	})
	s := lab.emu.Stats()
	share := 0.0
	if s.TotalRequests > 0 {
		share = float64(s.RateLimited) / float64(s.TotalRequests)
	}
	t.Logf("429 share: %d of %d requests answered 429 (%.2f %%)", s.RateLimited, s.TotalRequests, 100*share)
	if plan.full && share > 0.01 {
		t.Errorf("%.2f %% of requests were answered 429; the provider's pace must keep it at 1 %% or less", 100*share)
	}
	if !t.Failed() {
		t.Logf("soak passed: %d cycles of %d droplet_backups and %d droplet_action in %s; %d requests, %d answered 5xx, "+
			"%d action responses lost, %d answered 429, %d actions started, none doubled or missing",
			plan.cycles, plan.backups, plan.actions, time.Since(started).Round(time.Second), s.TotalRequests, s.Faults,
			s.LostResponses, s.RateLimited, sum(s.ActionsStarted))
	}
}

// soakProviderBlock is the fault suite's provider block with the default http_retry_max: the
// soak shows that pacing, not extra retries, keeps the 429s rare.
func soakProviderBlock(l *faultLab) string {
	return fmt.Sprintf(`provider "droplet" {
  api_endpoint        = %q
  token               = %q
  http_retry_wait_min = 0.05
  http_retry_wait_max = 0.5
}
`, l.env.Endpoint, l.env.Token)
}

func checkResourceCount(want int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		n := 0
		for _, rs := range s.RootModule().Resources {
			if rs.Type == "droplet_backups" || rs.Type == "droplet_action" {
				n++
			}
		}
		if n != want {
			return fmt.Errorf("state holds %d droplet resources, want %d", n, want)
		}
		return nil
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
