package dropletaction_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dropletops/terraform-provider-droplet/internal/acctest"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// needsActions skips a test, saying why, on OpenTofu and on Terraform before 1.14, which have no
// actions (it is tfversion.SkipBelow(1.14.0) plus OpenTofu detection).
var needsActions = []tfversion.TerraformVersionCheck{acctest.SkipWithout(acctest.Actions)}

// invocation is one action block; its terraform_data "<label>" triggers it after create.
type invocation struct {
	typ, label, args string
}

func (i invocation) hcl() string {
	return fmt.Sprintf(`
action "droplet_%s" %q {
  config {
%s
  }
}

resource "terraform_data" %q {
  input = %q

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.droplet_%s.%s]
    }
  }
}
`, i.typ, i.label, i.args, i.label, i.label, i.typ, i.label)
}

// triggered is a configuration that runs every invocation once, when its terraform_data is created.
func triggered(env *acctest.Env, invs ...invocation) string {
	var b strings.Builder
	for _, i := range invs {
		b.WriteString(i.hcl())
	}
	return env.Config(b.String())
}

// history is a droplet's actions other than its create, oldest first, as "type:status".
func history(srv *emulator.Server, id int) []string {
	var out []string
	for _, a := range srv.DropletActions(id) {
		if a.Type != "create" {
			out = append(out, a.Type+":"+a.Status)
		}
	}
	return out
}

// expectHistory checks that the emulator holds exactly these actions for the droplet.
func expectHistory(srv *emulator.Server, id int, want ...string) statecheck.StateCheck {
	return acctest.Check(func(context.Context, statecheck.CheckStateRequest) error {
		if got := history(srv, id); !slices.Equal(got, want) {
			return fmt.Errorf("droplet %d: emulator holds actions %q, want %q", id, got, want)
		}
		return nil
	})
}

// expectDroplet checks the droplet as the emulator holds it.
func expectDroplet(srv *emulator.Server, id int, check func(emulator.Droplet) error) statecheck.StateCheck {
	return acctest.Check(func(context.Context, statecheck.CheckStateRequest) error {
		d, ok := srv.Droplet(id)
		if !ok {
			return fmt.Errorf("droplet %d is gone", id)
		}
		if err := check(d); err != nil {
			return fmt.Errorf("droplet %d: %w", id, err)
		}
		return nil
	})
}

func status(want string) func(emulator.Droplet) error {
	return func(d emulator.Droplet) error {
		if d.Status != want {
			return fmt.Errorf("status %q, want %q", d.Status, want)
		}
		return nil
	}
}

// expectOnlyTriggers checks that the state holds the terraform_data resources and nothing else:
// an action keeps no record.
func expectOnlyTriggers(labels ...string) statecheck.StateCheck {
	return acctest.Check(func(_ context.Context, req statecheck.CheckStateRequest) error {
		var got []string
		if req.State != nil && req.State.Values != nil && req.State.Values.RootModule != nil {
			for _, r := range req.State.Values.RootModule.Resources {
				got = append(got, r.Address)
			}
		}
		want := make([]string, len(labels))
		for i, l := range labels {
			want[i] = "terraform_data." + l
		}
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			return fmt.Errorf("state holds %q, want only %q", got, want)
		}
		return nil
	})
}

// Every action type, each from an action_trigger, with its effect checked in the emulator: one
// completed action of the type on its droplet, and the change it makes.
func TestAccAction_everyType(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	srv := env.Emulator.Server
	ids := map[string]int{}
	for _, typ := range []string{"reboot", "power_cycle", "shutdown", "power_off", "power_on", "snapshot", "resize",
		"rebuild", "restore", "rename", "password_reset", "change_kernel", "enable_ipv6"} {
		ids[typ] = env.CreateDroplet(t, "every-"+strings.ReplaceAll(typ, "_", "-"))
	}
	// power_on needs a droplet that is off; restore needs a backup of its droplet.
	if _, err := srv.StartAction(ids["power_on"], "power_off", 0); err != nil {
		t.Fatal(err)
	}
	backup, err := srv.TakeBackup(ids["restore"])
	if err != nil {
		t.Fatal(err)
	}
	arg := func(typ, extra string) string { return fmt.Sprintf("    droplet_id = %d\n%s", ids[typ], extra) }
	invs := []invocation{
		{"reboot", "reboot", arg("reboot", "")},
		{"power_cycle", "power_cycle", arg("power_cycle", "")},
		{"shutdown", "shutdown", arg("shutdown", "")},
		{"power_off", "power_off", arg("power_off", "")},
		{"power_on", "power_on", arg("power_on", "")},
		{"snapshot", "snapshot", arg("snapshot", `    name = "every-snapshot"`)},
		{"resize", "resize", arg("resize", `    size = "s-2vcpu-2gb"`)},
		{"rebuild", "rebuild", arg("rebuild", `    image = "debian-12-x64"`)},
		{"restore", "restore", arg("restore", fmt.Sprintf(`    image = "%d"`, backup.ID))},
		{"rename", "rename", arg("rename", `    name = "every-renamed"`)},
		{"password_reset", "password_reset", arg("password_reset", "")},
		{"change_kernel", "change_kernel", arg("change_kernel", `    kernel = 7516`)},
		{"enable_ipv6", "enable_ipv6", arg("enable_ipv6", "")},
	}
	labels := make([]string, len(invs))
	for i, inv := range invs {
		labels[i] = inv.label
	}
	checks := []statecheck.StateCheck{expectOnlyTriggers(labels...)}
	for _, inv := range invs {
		want := []string{inv.typ + ":completed"}
		if inv.typ == "power_on" {
			want = []string{"power_off:completed", "power_on:completed"}
		}
		checks = append(checks, expectHistory(srv, ids[inv.typ], want...))
	}
	checks = append(checks,
		expectDroplet(srv, ids["reboot"], status("active")),
		expectDroplet(srv, ids["power_cycle"], status("active")),
		expectDroplet(srv, ids["shutdown"], status("off")),
		expectDroplet(srv, ids["power_off"], status("off")),
		expectDroplet(srv, ids["power_on"], status("active")),
		expectDroplet(srv, ids["snapshot"], func(d emulator.Droplet) error {
			for _, id := range d.SnapshotIDs {
				if img, ok := srv.Image(id); ok && img.Name == "every-snapshot" {
					return nil
				}
			}
			return fmt.Errorf("no snapshot named every-snapshot among %v", d.SnapshotIDs)
		}),
		expectDroplet(srv, ids["resize"], func(d emulator.Droplet) error {
			if d.SizeSlug != "s-2vcpu-2gb" || d.Disk != 25 {
				return fmt.Errorf("size %s with a %d GB disk, want s-2vcpu-2gb with the 25 GB disk kept", d.SizeSlug, d.Disk)
			}
			return nil
		}),
		expectDroplet(srv, ids["rebuild"], func(d emulator.Droplet) error {
			if d.Image.Slug == nil || *d.Image.Slug != "debian-12-x64" {
				return fmt.Errorf("image %v, want debian-12-x64", d.Image.Slug)
			}
			return nil
		}),
		expectDroplet(srv, ids["restore"], status("active")),
		expectDroplet(srv, ids["rename"], func(d emulator.Droplet) error {
			if d.Name != "every-renamed" {
				return fmt.Errorf("name %q, want every-renamed", d.Name)
			}
			return nil
		}),
		expectDroplet(srv, ids["change_kernel"], func(d emulator.Droplet) error {
			if d.Kernel == nil || d.Kernel.ID != 7516 {
				return fmt.Errorf("kernel %v, want 7516", d.Kernel)
			}
			return nil
		}),
		expectDroplet(srv, ids["enable_ipv6"], func(d emulator.Droplet) error {
			if !slices.Contains(d.Features, "ipv6") {
				return fmt.Errorf("features %v, want ipv6", d.Features)
			}
			return nil
		}),
	)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   needsActions,
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:            triggered(env, invs...),
			ConfigStateChecks: checks,
		}},
	})
}

// By tag: one action per tagged droplet and none on the others; power_on leaves the droplets
// that are already on alone; a busy droplet is waited for while the others start.
func TestAccAction_byTag(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	srv := env.Emulator.Server
	web := []int{env.CreateDroplet(t, "web-1", "web"), env.CreateDroplet(t, "web-2", "web"), env.CreateDroplet(t, "web-3", "web")}
	other := env.CreateDroplet(t, "db-1", "db")
	batch := []int{env.CreateDroplet(t, "batch-1", "batch"), env.CreateDroplet(t, "batch-2", "batch"), env.CreateDroplet(t, "batch-3", "batch")}
	if _, err := srv.StartAction(batch[1], "power_off", 0); err != nil {
		t.Fatal(err)
	}

	snapshots := func(ids ...int) statecheck.StateCheck {
		return acctest.Check(func(context.Context, statecheck.CheckStateRequest) error {
			for _, id := range ids {
				d, _ := srv.Droplet(id)
				n := 0
				for _, sid := range d.SnapshotIDs {
					if img, ok := srv.Image(sid); ok && img.Name == "web-nightly" {
						n++
					}
				}
				if n != 1 {
					return fmt.Errorf("droplet %d has %d snapshots named web-nightly, want 1", id, n)
				}
			}
			return nil
		})
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   needsActions,
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: triggered(env,
					invocation{"power_cycle", "cycle_web", `    tag_name = "web"`},
					invocation{"power_on", "on_batch", `    tag_name = "batch"`}),
				ConfigStateChecks: []statecheck.StateCheck{
					expectOnlyTriggers("cycle_web", "on_batch"),
					expectHistory(srv, web[0], "power_cycle:completed"),
					expectHistory(srv, web[1], "power_cycle:completed"),
					expectHistory(srv, web[2], "power_cycle:completed"),
					expectHistory(srv, other),
					// Only the droplet that was off gets a power_on.
					expectHistory(srv, batch[0]),
					expectHistory(srv, batch[1], "power_off:completed", "power_on:completed"),
					expectHistory(srv, batch[2]),
					expectDroplet(srv, batch[1], status("active")),
				},
			},
			{
				// web-2 is busy with a resize started elsewhere: the snapshot waits for it there,
				// and starts at once on the other two.
				PreConfig: func() {
					if _, err := srv.StartAction(web[1], "resize", 5*time.Second); err != nil {
						t.Fatal(err)
					}
				},
				Config: triggered(env,
					invocation{"power_cycle", "cycle_web", `    tag_name = "web"`},
					invocation{"power_on", "on_batch", `    tag_name = "batch"`},
					invocation{"snapshot", "snap_web", "    tag_name = \"web\"\n    name     = \"web-nightly\""}),
				ConfigStateChecks: []statecheck.StateCheck{
					expectOnlyTriggers("cycle_web", "on_batch", "snap_web"),
					expectHistory(srv, web[0], "power_cycle:completed", "snapshot:completed"),
					expectHistory(srv, web[1], "power_cycle:completed", "resize:completed", "snapshot:completed"),
					expectHistory(srv, web[2], "power_cycle:completed", "snapshot:completed"),
					expectHistory(srv, other),
					snapshots(web...),
				},
			},
		},
	})
}

// The power actions send nothing to a droplet already in the wanted state.
func TestAccAction_noopStartsNothing(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	srv := env.Emulator.Server
	on := env.CreateDroplet(t, "already-on")
	off := env.CreateDroplet(t, "already-off")
	if _, err := srv.StartAction(off, "power_off", 0); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   needsActions,
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: triggered(env,
				invocation{"power_on", "on", fmt.Sprintf("    droplet_id = %d", on)},
				invocation{"power_off", "off", fmt.Sprintf("    droplet_id = %d", off)},
				invocation{"shutdown", "shut", fmt.Sprintf("    droplet_id = %d\n    force_after = \"1m\"", off)}),
			ConfigStateChecks: []statecheck.StateCheck{
				expectOnlyTriggers("on", "off", "shut"),
				expectHistory(srv, on),
				expectHistory(srv, off, "power_off:completed"),
				expectDroplet(srv, on, status("active")),
				expectDroplet(srv, off, status("off")),
			},
		}},
	})
}

// A guest that ignores shutdown is powered off once force_after has passed.
func TestAccAction_shutdownForceAfter(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	srv := env.Emulator.Server
	id := env.CreateDroplet(t, "stubborn")
	srv.SetIgnoreShutdown(id, true)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   needsActions,
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: triggered(env, invocation{"shutdown", "shut", fmt.Sprintf("    droplet_id = %d\n    force_after = \"1s\"", id)}),
			ConfigStateChecks: []statecheck.StateCheck{
				expectHistory(srv, id, "shutdown:completed", "power_off:completed"),
				expectDroplet(srv, id, status("off")),
			},
		}},
	})
}
