package power_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/digitalocean/godo"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dropletops/terraform-provider-droplet/internal/acctest"
)

const powerAddr = "droplet_power.test"

// powerConfig is a droplet_power for droplet id with the given extra arguments.
func powerConfig(env *acctest.Env, id int, args string) string {
	return env.Config(acctest.Power{DropletID: id, Args: args}.HCL())
}

// powerState checks the resource's state and status in Terraform's state.
func powerState(state, status string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(powerAddr, tfjsonpath.New("state"), knownvalue.StringExact(state)),
		statecheck.ExpectKnownValue(powerAddr, tfjsonpath.New("status"), knownvalue.StringExact(status)),
	}
}

// powerActions checks the droplet's power-related actions as the API records them, oldest first,
// as "type:status" pairs (e.g. "shutdown:completed"), and the droplet's status.
func powerActions(t *testing.T, env *acctest.Env, id int, status string, want ...string) statecheck.StateCheck {
	return acctest.Check(func(ctx context.Context, _ statecheck.CheckStateRequest) error {
		return checkPower(ctx, t, env, id, status, want...)
	})
}

func checkPower(ctx context.Context, t *testing.T, env *acctest.Env, id int, status string, want ...string) error {
	d, _, err := env.Godo.Droplets.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("read droplet %d: %w", id, err)
	}
	if d.Status != status {
		return fmt.Errorf("droplet %d: API reports status %q, want %q", id, d.Status, status)
	}
	if got := env.ActionHistory(t, id); !slices.Equal(got, want) {
		return fmt.Errorf("droplet %d: API records actions %q, want %q", id, got, want)
	}
	return nil
}

// powerOutOfBand switches the droplet on or off the way the control panel would, and returns once
// the API reports the action done.
func powerOutOfBand(t *testing.T, env *acctest.Env, id int, actionType string) {
	t.Helper()
	if env.Emulator != nil {
		if _, err := env.Emulator.Server.StartAction(id, actionType, 0); err != nil {
			t.Fatalf("%s droplet %d out of band: %v", actionType, id, err)
		}
		return
	}
	ctx := t.Context()
	var a *godo.Action
	var err error
	switch actionType {
	case "power_on":
		a, _, err = env.Godo.DropletActions.PowerOn(ctx, id)
	case "power_off":
		a, _, err = env.Godo.DropletActions.PowerOff(ctx, id)
	default:
		t.Fatalf("unsupported out-of-band action %q", actionType)
	}
	if err != nil {
		t.Fatalf("%s droplet %d out of band: %v", actionType, id, err)
	}
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		got, _, err := env.Godo.Actions.Get(ctx, a.ID)
		if err == nil && got.Status != godo.ActionInProgress {
			return
		}
		time.Sleep(2 * time.Second)
	}
	t.Fatalf("out-of-band %s action %d on droplet %d did not finish", actionType, a.ID, id)
}

// On → off with the default graceful shutdown (the guest stops by itself, so no power_off), an
// import, off → on, and empty plans after each.
func TestAccDropletPower_gracefulOffThenOn(t *testing.T) {
	env := acctest.NewEnv(t)
	id := env.CreateDroplet(t, "power-graceful")
	idStr := strconv.Itoa(id)

	acctest.ParallelTest(t,
		resource.TestStep{
			Config: powerConfig(env, id, `  state = "off"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(powerAddr, plancheck.ResourceActionCreate),
					// The plan already shows what the droplet will report.
					plancheck.ExpectKnownValue(powerAddr, tfjsonpath.New("status"), knownvalue.StringExact("off")),
					plancheck.ExpectKnownValue(powerAddr, tfjsonpath.New("id"), knownvalue.StringExact(idStr)),
				},
			},
			ConfigStateChecks: append(powerState("off", "off"),
				statecheck.ExpectKnownValue(powerAddr, tfjsonpath.New("id"), knownvalue.StringExact(idStr)),
				statecheck.ExpectKnownValue(powerAddr, tfjsonpath.New("droplet_id"), knownvalue.Int64Exact(int64(id))),
				statecheck.ExpectKnownValue(powerAddr, tfjsonpath.New("shutdown"), knownvalue.StringExact("graceful")),
				statecheck.ExpectKnownValue(powerAddr, tfjsonpath.New("graceful_timeout"), knownvalue.StringExact("2m")),
				powerActions(t, env, id, "off", "shutdown:completed"),
			),
		},
		resource.TestStep{
			ResourceName:      powerAddr,
			ImportState:       true,
			ImportStateId:     idStr,
			ImportStateVerify: true,
		},
		resource.TestStep{
			Config: powerConfig(env, id, `  state = "on"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(powerAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(powerAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				},
			},
			ConfigStateChecks: append(powerState("on", "active"),
				powerActions(t, env, id, "active", "shutdown:completed", "power_on:completed"),
			),
		},
		// Same configuration again: nothing to do, nothing sent.
		acctest.EmptyPlan(powerConfig(env, id, `  state = "on"`),
			powerActions(t, env, id, "active", "shutdown:completed", "power_on:completed")),
	)
}

// A guest that ignores the shutdown signal: the shutdown action completes, the droplet stays
// active, and power_off takes over once graceful_timeout has passed.
func TestAccDropletPower_gracefulFallbackToPowerOff(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	id := env.CreateDroplet(t, "power-fallback")
	env.Emulator.Server.SetIgnoreShutdown(id, true)

	acctest.ParallelTest(t,
		resource.TestStep{
			Config: powerConfig(env, id, `  state            = "off"
  graceful_timeout = "1s"`),
			ConfigStateChecks: append(powerState("off", "off"),
				statecheck.ExpectKnownValue(powerAddr, tfjsonpath.New("graceful_timeout"), knownvalue.StringExact("1s")),
				powerActions(t, env, id, "off", "shutdown:completed", "power_off:completed"),
			),
		},
		resource.TestStep{
			// Back on, then off again with a guest that now honours shutdown: no power_off.
			PreConfig: func() { env.Emulator.Server.SetIgnoreShutdown(id, false) },
			Config:    powerConfig(env, id, `  state = "on"`),
			ConfigStateChecks: append(powerState("on", "active"),
				powerActions(t, env, id, "active", "shutdown:completed", "power_off:completed", "power_on:completed"),
			),
		},
		resource.TestStep{
			Config: powerConfig(env, id, `  state            = "off"
  graceful_timeout = "1s"`),
			ConfigStateChecks: append(powerState("off", "off"),
				powerActions(t, env, id, "off", "shutdown:completed", "power_off:completed", "power_on:completed",
					"shutdown:completed"),
			),
		},
	)
}

// shutdown = "force" powers off at once; changing only the shutdown settings sends nothing.
func TestAccDropletPower_force(t *testing.T) {
	env := acctest.NewEnv(t)
	id := env.CreateDroplet(t, "power-force")

	acctest.ParallelTest(t,
		resource.TestStep{
			Config: powerConfig(env, id, `  state    = "off"
  shutdown = "force"`),
			ConfigStateChecks: append(powerState("off", "off"),
				statecheck.ExpectKnownValue(powerAddr, tfjsonpath.New("shutdown"), knownvalue.StringExact("force")),
				powerActions(t, env, id, "off", "power_off:completed"),
			),
		},
		resource.TestStep{
			Config: powerConfig(env, id, `  state            = "off"
  shutdown         = "graceful"
  graceful_timeout = "30s"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(powerAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(powerAddr, tfjsonpath.New("status"), knownvalue.StringExact("off")),
				},
			},
			ConfigStateChecks: append(powerState("off", "off"),
				statecheck.ExpectKnownValue(powerAddr, tfjsonpath.New("shutdown"), knownvalue.StringExact("graceful")),
				statecheck.ExpectKnownValue(powerAddr, tfjsonpath.New("graceful_timeout"), knownvalue.StringExact("30s")),
				powerActions(t, env, id, "off", "power_off:completed"),
			),
		},
		resource.TestStep{
			Config: powerConfig(env, id, `  state    = "on"
  shutdown = "force"`),
			ConfigStateChecks: append(powerState("on", "active"),
				powerActions(t, env, id, "active", "power_off:completed", "power_on:completed"),
			),
		},
		resource.TestStep{
			Config: powerConfig(env, id, `  state    = "off"
  shutdown = "force"`),
			ConfigStateChecks: append(powerState("off", "off"),
				powerActions(t, env, id, "off", "power_off:completed", "power_on:completed", "power_off:completed"),
			),
		},
	)
}

// A droplet switched off and on outside Terraform shows as a diff and is switched back.
func TestAccDropletPower_drift(t *testing.T) {
	env := acctest.NewEnv(t)
	id := env.CreateDroplet(t, "power-drift")

	refreshed := func(state, status string) resource.TestCheckFunc {
		return resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckResourceAttr(powerAddr, "state", state),
			resource.TestCheckResourceAttr(powerAddr, "status", status),
		)
	}

	acctest.ParallelTest(t,
		resource.TestStep{
			// Already on: adopted without any action.
			Config:            powerConfig(env, id, `  state = "on"`),
			ConfigStateChecks: append(powerState("on", "active"), powerActions(t, env, id, "active")),
		},
		resource.TestStep{
			PreConfig:          func() { powerOutOfBand(t, env, id, "power_off") },
			RefreshState:       true,
			ExpectNonEmptyPlan: true,
			Check:              refreshed("off", "off"),
			RefreshPlanChecks: resource.RefreshPlanChecks{
				PostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(powerAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(powerAddr, tfjsonpath.New("state"), knownvalue.StringExact("on")),
					plancheck.ExpectKnownValue(powerAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				},
			},
		},
		resource.TestStep{
			Config: powerConfig(env, id, `  state = "on"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(powerAddr, plancheck.ResourceActionUpdate)},
			},
			ConfigStateChecks: append(powerState("on", "active"),
				powerActions(t, env, id, "active", "power_off:completed", "power_on:completed")),
		},
		resource.TestStep{
			Config: powerConfig(env, id, `  state = "off"`),
			ConfigStateChecks: append(powerState("off", "off"),
				powerActions(t, env, id, "off", "power_off:completed", "power_on:completed", "shutdown:completed")),
		},
		resource.TestStep{
			PreConfig:          func() { powerOutOfBand(t, env, id, "power_on") },
			RefreshState:       true,
			ExpectNonEmptyPlan: true,
			Check:              refreshed("on", "active"),
			RefreshPlanChecks: resource.RefreshPlanChecks{
				PostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(powerAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(powerAddr, tfjsonpath.New("state"), knownvalue.StringExact("off")),
					plancheck.ExpectKnownValue(powerAddr, tfjsonpath.New("status"), knownvalue.StringExact("off")),
				},
			},
		},
		resource.TestStep{
			Config: powerConfig(env, id, `  state = "off"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(powerAddr, plancheck.ResourceActionUpdate)},
			},
			ConfigStateChecks: append(powerState("off", "off"),
				powerActions(t, env, id, "off", "power_off:completed", "power_on:completed", "shutdown:completed",
					"power_on:completed", "shutdown:completed")),
		},
	)
}

// Import by ID with the command and with an import block: the next plan is empty. Import by
// identity needs Terraform 1.12.
func TestAccDropletPower_import(t *testing.T) {
	env := acctest.NewEnv(t)
	on := env.CreateDroplet(t, "power-import-on")
	off := env.CreateDroplet(t, "power-import-off")
	powerOutOfBand(t, env, off, "power_off")

	acctest.ParallelTest(t,
		resource.TestStep{
			Config:             powerConfig(env, on, `  state = "on"`),
			ResourceName:       powerAddr,
			ImportState:        true,
			ImportStateId:      strconv.Itoa(on),
			ImportStatePersist: true,
			ImportStateCheck: func(s []*terraform.InstanceState) error {
				if len(s) != 1 {
					return fmt.Errorf("imported %d resources, want 1", len(s))
				}
				want := map[string]string{
					"id": strconv.Itoa(on), "droplet_id": strconv.Itoa(on), "state": "on", "status": "active",
					"shutdown": "graceful", "graceful_timeout": "2m",
				}
				for k, v := range want {
					if got := s[0].Attributes[k]; got != v {
						return fmt.Errorf("imported %s = %q, want %q", k, got, v)
					}
				}
				return nil
			},
		},
		acctest.EmptyPlan(powerConfig(env, on, `  state = "on"`),
			append(powerState("on", "active"), powerActions(t, env, on, "active"))...),
		resource.TestStep{
			ResourceName:    powerAddr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			Config:          powerConfig(env, on, `  state = "on"`),
		},
		resource.TestStep{
			// A droplet that is off imports as off.
			Config:          powerConfig(env, off, `  state = "off"`),
			ResourceName:    powerAddr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateId:   strconv.Itoa(off),
			ImportPlanChecks: resource.ImportPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(powerAddr, tfjsonpath.New("state"), knownvalue.StringExact("off")),
					plancheck.ExpectKnownValue(powerAddr, tfjsonpath.New("status"), knownvalue.StringExact("off")),
				},
			},
		},
		resource.TestStep{
			Config:        powerConfig(env, on, `  state = "on"`),
			ResourceName:  powerAddr,
			ImportState:   true,
			ImportStateId: "web-01",
			ExpectError:   regexp.MustCompile(`Expected the numeric ID of a droplet`),
		},
	)
	// Nothing above sent an action to either droplet.
	if got := env.ActionHistory(t, on); len(got) != 0 {
		t.Errorf("droplet %d: import sent actions %q", on, got)
	}
	if got := env.ActionHistory(t, off); !slices.Equal(got, []string{"power_off:completed"}) {
		t.Errorf("droplet %d: actions %q, want only the out-of-band power_off", off, got)
	}
}

// Resource identity (Terraform 1.12+): recorded in state and usable in an import block.
func TestAccDropletPower_identity(t *testing.T) {
	env := acctest.NewEnv(t)
	id := env.CreateDroplet(t, "power-identity")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{
			acctest.SkipWithout(acctest.IdentityImport),
		},
		Steps: []resource.TestStep{
			{
				Config: powerConfig(env, id, `  state = "on"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(powerAddr, map[string]knownvalue.Check{
						"droplet_id": knownvalue.Int64Exact(int64(id)),
					}),
					powerActions(t, env, id, "active"),
				},
			},
			{
				ResourceName:    powerAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
	})
}

// A droplet busy with another action is waited for before anything is decided or sent.
func TestAccDropletPower_busyDroplet(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	id := env.CreateDroplet(t, "power-busy")
	srv := env.Emulator.Server

	acctest.ParallelTest(t,
		resource.TestStep{
			// A power_off started elsewhere is still running: once it is done the droplet is
			// already off, so no shutdown is sent at all.
			PreConfig: func() {
				if _, err := srv.StartAction(id, "power_off", 3*time.Second); err != nil {
					t.Fatalf("start power_off: %v", err)
				}
			},
			Config:            powerConfig(env, id, `  state = "off"`),
			ConfigStateChecks: append(powerState("off", "off"), powerActions(t, env, id, "off", "power_off:completed")),
		},
		resource.TestStep{
			// An unrelated action holds the droplet: power_on starts only after it completed.
			PreConfig: func() {
				if _, err := srv.StartAction(id, "enable_ipv6", 3*time.Second); err != nil {
					t.Fatalf("start enable_ipv6: %v", err)
				}
			},
			Config: powerConfig(env, id, `  state = "on"`),
			ConfigStateChecks: append(powerState("on", "active"),
				powerActions(t, env, id, "active", "power_off:completed", "enable_ipv6:completed", "power_on:completed"),
				powerStartedAfter(t, env, id, "power_on", "enable_ipv6"),
			),
		},
	)
}

// powerStartedAfter checks that the newest action of type later began after the newest of type
// earlier had completed.
func powerStartedAfter(t *testing.T, env *acctest.Env, id int, later, earlier string) statecheck.StateCheck {
	return acctest.Check(func(context.Context, statecheck.CheckStateRequest) error {
		var l, e *godo.Action
		for _, a := range env.Actions(t, id) {
			switch a.Type {
			case later:
				l = &a
			case earlier:
				e = &a
			}
		}
		if l == nil || e == nil || e.CompletedAt == nil || l.StartedAt == nil {
			return fmt.Errorf("droplet %d: missing %s or completed %s action", id, later, earlier)
		}
		if l.StartedAt.Before(e.CompletedAt.Time) {
			return fmt.Errorf("droplet %d: %s action %d started at %s, before %s action %d completed at %s",
				id, later, l.ID, l.StartedAt, earlier, e.ID, e.CompletedAt)
		}
		return nil
	})
}

// An errored action fails the apply with a clear error, nothing falls back, and the next apply
// tries again.
func TestAccDropletPower_erroredAction(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	id := env.CreateDroplet(t, "power-errored")
	srv := env.Emulator.Server

	acctest.ParallelTest(t,
		resource.TestStep{
			PreConfig:   func() { srv.FailNextAction(id, "shutdown") },
			Config:      powerConfig(env, id, `  state = "off"`),
			ExpectError: regexp.MustCompile(`(?s)Cannot shut down droplet ` + strconv.Itoa(id) + `.*shutdown action \d+ on droplet ` + strconv.Itoa(id) + `.*errored`),
		},
		resource.TestStep{
			// The errored shutdown did not fall back to power_off.
			Config:            powerConfig(env, id, `  state = "on"`),
			ConfigStateChecks: append(powerState("on", "active"), powerActions(t, env, id, "active", "shutdown:errored")),
		},
		resource.TestStep{
			PreConfig: func() { srv.FailNextAction(id, "power_off") },
			Config: powerConfig(env, id, `  state = "off"
  shutdown = "force"`),
			ExpectError: regexp.MustCompile(`(?s)Cannot power off droplet ` + strconv.Itoa(id) + `.*power_off action \d+ .*errored`),
		},
		resource.TestStep{
			// The failed update left the state as it was; applying again succeeds.
			Config: powerConfig(env, id, `  state    = "off"
  shutdown = "force"`),
			ConfigStateChecks: append(powerState("off", "off"),
				powerActions(t, env, id, "off", "shutdown:errored", "power_off:errored", "power_off:completed")),
		},
	)
}

// A droplet destroyed outside Terraform disappears from state on refresh; managing a droplet that
// does not exist is a clear error.
func TestAccDropletPower_dropletGone(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	id := env.CreateDroplet(t, "power-gone")

	acctest.ParallelTest(t,
		resource.TestStep{
			Config:            powerConfig(env, id, `  state = "on"`),
			ConfigStateChecks: powerState("on", "active"),
		},
		resource.TestStep{
			PreConfig: func() {
				if !env.Emulator.Server.DeleteDroplet(id) {
					t.Fatalf("delete droplet %d", id)
				}
			},
			RefreshState:       true,
			ExpectNonEmptyPlan: true,
			Check: func(s *terraform.State) error {
				if _, ok := s.RootModule().Resources[powerAddr]; ok {
					return fmt.Errorf("%s still in state after its droplet was destroyed", powerAddr)
				}
				return nil
			},
			RefreshPlanChecks: resource.RefreshPlanChecks{
				PostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(powerAddr, plancheck.ResourceActionCreate),
				},
			},
		},
		resource.TestStep{
			Config:      powerConfig(env, id, `  state = "on"`),
			ExpectError: regexp.MustCompile(`(?s)Cannot read droplet ` + strconv.Itoa(id) + ` before powering it on.*404`),
		},
	)
}

// Changing droplet_id replaces the resource: the old droplet is left as it is.
func TestAccDropletPower_replace(t *testing.T) {
	env := acctest.NewEnv(t)
	first := env.CreateDroplet(t, "power-replace-1")
	second := env.CreateDroplet(t, "power-replace-2")

	acctest.ParallelTest(t,
		resource.TestStep{
			Config:            powerConfig(env, first, `  state = "off"`),
			ConfigStateChecks: append(powerState("off", "off"), powerActions(t, env, first, "off", "shutdown:completed")),
		},
		resource.TestStep{
			Config: powerConfig(env, second, `  state = "off"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(powerAddr, plancheck.ResourceActionDestroyBeforeCreate),
				},
			},
			ConfigStateChecks: append(powerState("off", "off"),
				statecheck.ExpectKnownValue(powerAddr, tfjsonpath.New("id"), knownvalue.StringExact(strconv.Itoa(second))),
				powerActions(t, env, second, "off", "shutdown:completed"),
				// Forgotten, not switched back on.
				powerActions(t, env, first, "off", "shutdown:completed"),
			),
		},
	)
	// Destroying the resource at the end of the test left the second droplet off too.
	if err := checkPower(t.Context(), t, env, second, "off", "shutdown:completed"); err != nil {
		t.Error(err)
	}
}

// Everything knowable at plan time fails terraform validate, naming the attribute.
func TestAccDropletPower_validation(t *testing.T) {
	env := acctest.NewEnv(t)
	cases := []struct {
		args string
		want string
	}{
		{`  state = "standby"`, `(?s)state.*value must be one of:.*"on".*"off"`},
		{"  state    = \"off\"\n  shutdown = \"soft\"", `(?s)shutdown.*value must be one of:.*"graceful".*"force"`},
		{"  state            = \"off\"\n  graceful_timeout = \"2 minutes\"", `(?s)graceful_timeout must be a Go duration greater than zero`},
		{"  state            = \"off\"\n  graceful_timeout = \"0s\"", `(?s)graceful_timeout must be a Go duration greater than zero`},
		{"  state            = \"off\"\n  graceful_timeout = \"-1m\"", `(?s)graceful_timeout must be a Go duration greater than zero`},
	}
	steps := make([]resource.TestStep, 0, len(cases)+1)
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      powerConfig(env, 1, c.args),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(c.want),
		})
	}
	steps = append(steps, resource.TestStep{
		Config: env.Config(`
resource "droplet_power" "test" {
  droplet_id = 0
  state      = "on"
}
`),
		PlanOnly:    true,
		ExpectError: regexp.MustCompile(`(?s)droplet_id.*at least 1`),
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps:                    steps,
	})
}

// The documented workflow: power off, resize with droplet_action, power on, in one apply, and
// again whenever the size changes.
func TestAccDropletPower_resizeWorkflow(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t) // resizing real droplets costs money and takes minutes
	id := env.CreateDroplet(t, "power-resize")

	config := func(size string) string {
		return env.Config(fmt.Sprintf(`
resource "droplet_action" "off" {
  droplet_id = %[1]d
  type       = "power_off"
  triggers   = { size = %[2]q }
}

resource "droplet_action" "resize" {
  droplet_id = %[1]d
  type       = "resize"
  size       = %[2]q
  disk       = false

  depends_on = [droplet_action.off]
}

resource "droplet_power" "test" {
  droplet_id = %[1]d
  state      = "on"

  depends_on = [droplet_action.resize]
  lifecycle {
    replace_triggered_by = [droplet_action.resize]
  }
}
`, id, size))
	}
	size := func(want string) statecheck.StateCheck {
		return env.ExpectDroplet(id, func(d *godo.Droplet) error {
			if d.SizeSlug != want {
				return fmt.Errorf("size %q, want %q", d.SizeSlug, want)
			}
			return nil
		})
	}

	acctest.ParallelTest(t,
		resource.TestStep{
			Config: config("s-2vcpu-4gb"),
			ConfigStateChecks: append(powerState("on", "active"),
				size("s-2vcpu-4gb"),
				powerActions(t, env, id, "active", "power_off:completed", "resize:completed", "power_on:completed"),
			),
		},
		resource.TestStep{
			Config: config("s-4vcpu-8gb"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("droplet_action.off", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction("droplet_action.resize", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction(powerAddr, plancheck.ResourceActionReplace),
				},
			},
			ConfigStateChecks: append(powerState("on", "active"),
				size("s-4vcpu-8gb"),
				powerActions(t, env, id, "active", "power_off:completed", "resize:completed", "power_on:completed",
					"power_off:completed", "resize:completed", "power_on:completed"),
			),
		},
	)
}
