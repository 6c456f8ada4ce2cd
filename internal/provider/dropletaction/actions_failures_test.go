package dropletaction_test

import (
	"fmt"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/dropletops/terraform-provider-droplet/internal/acctest"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// after is a last step that checks the emulator once the failing step is over, and destroys the
// triggers that remain in state.
func after(env *acctest.Env, t *testing.T, check func()) resource.TestStep {
	return resource.TestStep{
		PreConfig: func() { t.Helper(); check() },
		Config:    env.Config(""),
	}
}

func wantHistory(t *testing.T, srv *emulator.Server, id int, want ...string) {
	t.Helper()
	if got := history(srv, id); !slices.Equal(got, want) {
		t.Errorf("droplet %d: emulator holds actions %q, want %q", id, got, want)
	}
}

func onDroplet(id int, extra string) string { return fmt.Sprintf("    droplet_id = %d\n%s", id, extra) }

// An errored action fails the invocation, naming the droplet, the action and its status.
func TestAccAction_errored(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	srv := env.Emulator.Server
	id := env.CreateDroplet(t, "fails")
	srv.FailNextAction(id, "reboot")
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   needsActions,
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: triggered(env, invocation{"reboot", "reboot", onDroplet(id, "")}),
				ExpectError: actionErrorText(fmt.Sprintf("Droplet action reboot failed on droplet fails (%d)", id),
					fmt.Sprintf("droplet fails (%d): reboot action", id), "errored", "control panel", "invoke the action again"),
			},
			after(env, t, func() { wantHistory(t, srv, id, "reboot:errored") }),
		},
	})
}

// By tag, the error lists every droplet with its action and status, failed or not.
func TestAccAction_erroredByTag(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	srv := env.Emulator.Server
	ids := []int{env.CreateDroplet(t, "flaky-1", "flaky"), env.CreateDroplet(t, "flaky-2", "flaky"), env.CreateDroplet(t, "flaky-3", "flaky")}
	srv.FailNextAction(ids[1], "power_cycle")
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   needsActions,
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: triggered(env, invocation{"power_cycle", "cycle", `    tag_name = "flaky"`}),
				ExpectError: actionErrorText(`Droplet action power_cycle failed on 1 of 3 droplets tagged "flaky"`,
					fmt.Sprintf("droplet flaky-1 (%d): power_cycle action", ids[0]), "completed",
					fmt.Sprintf("droplet flaky-2 (%d): power_cycle action", ids[1]), "errored",
					fmt.Sprintf("droplet flaky-3 (%d): power_cycle action", ids[2]), "completed"),
			},
			after(env, t, func() {
				wantHistory(t, srv, ids[0], "power_cycle:completed")
				wantHistory(t, srv, ids[1], "power_cycle:errored")
				wantHistory(t, srv, ids[2], "power_cycle:completed")
			}),
		},
	})
}

// A droplet that does not exist, or a tag that matches none, fails before anything starts.
func TestAccAction_goneAndNoTaggedDroplet(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	srv := env.Emulator.Server
	gone := env.CreateDroplet(t, "short-lived")
	if !srv.DeleteDroplet(gone) {
		t.Fatal("could not delete the droplet")
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   needsActions,
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:      triggered(env, invocation{"reboot", "reboot", onDroplet(gone, "")}),
				ExpectError: actionErrorText(fmt.Sprintf("Cannot run droplet action reboot on droplet %d", gone), "404", "destroyed outside Terraform"),
			},
			{
				Config:      triggered(env, invocation{"snapshot", "snap", `    tag_name = "nobody"`}),
				ExpectError: actionErrorText(`No droplet has the tag "nobody"`, "no snapshot action was started"),
			},
			after(env, t, func() {
				if n := srv.Stats().ActionsStarted; len(n) != 0 {
					t.Errorf("actions were started: %v", n)
				}
			}),
		},
	})
}

// When timeout runs out the error names the action still running; invoking again follows that
// action instead of starting a second one.
func TestAccAction_timeoutThenAdopt(t *testing.T) {
	env := acctest.NewEnv(t, func(o *emulator.Options) {
		o.ActionDurations = map[string]time.Duration{"reboot": 6 * time.Second}
	})
	env.SkipIfReal(t)
	srv := env.Emulator.Server
	id := env.CreateDroplet(t, "slow")
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   needsActions,
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: triggered(env, invocation{"reboot", "first", onDroplet(id, `    timeout = "1s"`)}),
				ExpectError: actionErrorText(fmt.Sprintf("Timed out waiting for droplet action reboot on droplet slow (%d)", id),
					"reboot action", "in-progress, still running when `timeout` (1s) ran out",
					"Invoking again waits for the action still in progress"),
			},
			{
				PreConfig:         func() { wantHistory(t, srv, id, "reboot:in-progress") },
				Config:            triggered(env, invocation{"reboot", "second", onDroplet(id, "")}),
				ConfigStateChecks: []statecheck.StateCheck{expectHistory(srv, id, "reboot:completed")},
			},
		},
	})
}

// A droplet busy with another action is waited for; one that stays busy until timeout ends the
// invocation without starting anything, naming the action it waited for.
func TestAccAction_busyDroplet(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	srv := env.Emulator.Server
	briefly := env.CreateDroplet(t, "briefly-busy")
	locked := env.CreateDroplet(t, "locked")
	blocking, err := srv.StartAction(locked, "snapshot", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   needsActions,
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					if _, err := srv.StartAction(briefly, "snapshot", 3*time.Second); err != nil {
						t.Fatal(err)
					}
				},
				Config:            triggered(env, invocation{"reboot", "waits", onDroplet(briefly, "")}),
				ConfigStateChecks: []statecheck.StateCheck{expectHistory(srv, briefly, "snapshot:completed", "reboot:completed")},
			},
			{
				Config: triggered(env,
					invocation{"reboot", "waits", onDroplet(briefly, "")},
					invocation{"reboot", "gives_up", onDroplet(locked, `    timeout = "2s"`)}),
				ExpectError: actionErrorText(fmt.Sprintf("Droplet locked (%d) stayed busy; droplet action reboot did not start", locked),
					fmt.Sprintf("busy with snapshot action %d (last status in-progress) until `timeout` (2s) ran out", blocking.ID),
					"so no reboot action was started"),
			},
			after(env, t, func() {
				wantHistory(t, srv, locked, "snapshot:in-progress")
				wantHistory(t, srv, briefly, "snapshot:completed", "reboot:completed")
			}),
		},
	})
}

// Bad configuration fails at plan time, naming the attribute, before any request reaches the API.
func TestAccAction_badConfig(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	srv := env.Emulator.Server
	step := func(inv invocation, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{Config: triggered(env, inv), PlanOnly: true, ExpectError: want}
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   needsActions,
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			step(invocation{"resize", "r", onDroplet(1, "")}, actionErrorText(`The argument "size" is required`)),
			step(invocation{"reboot", "r", `    tag_name = "web"`}, actionErrorText(`An argument named "tag_name" is not expected here`)),
			step(invocation{"power_off", "r", "    droplet_id = 1\n    tag_name = \"web\""},
				actionErrorText("Exactly one of these attributes must be configured: [droplet_id,tag_name]")),
			step(invocation{"power_off", "r", ""}, actionErrorText("Exactly one of these attributes must be configured: [droplet_id,tag_name]")),
			step(invocation{"snapshot", "r", onDroplet(1, `    timeout = "ten minutes"`)},
				actionErrorText("Invalid duration", `timeout must be a Go duration greater than zero`, `got "ten minutes"`)),
			step(invocation{"shutdown", "r", onDroplet(1, `    force_after = "0s"`)}, actionErrorText("Invalid duration", "force_after")),
			step(invocation{"shutdown", "r", onDroplet(1, "    timeout = \"1m\"\n    force_after = \"5m\"")},
				actionErrorText("`force_after` must be shorter than `timeout`")),
			step(invocation{"restore", "r", onDroplet(1, `    image = "ubuntu-24-04-x64"`)},
				actionErrorText("Invalid image for restore", "numeric ID of a backup")),
			step(invocation{"power_cycle", "r", `    tag_name = "not a tag"`}, actionErrorText("tag_name", "must contain only letters")),
			step(invocation{"rename", "r", onDroplet(0, `    name = "x"`)}, actionErrorText("droplet_id", "at least 1")),
			after(env, t, func() {
				if n := srv.Stats().TotalRequests; n != 0 {
					t.Errorf("%d requests reached the API, want none: %v", n, srv.Stats().Requests)
				}
			}),
		},
	})
}
