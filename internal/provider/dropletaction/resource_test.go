package dropletaction_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/digitalocean/godo"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dropletops/terraform-provider-droplet/internal/acctest"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

const actionAddr = "droplet_action.test"

// actionOnDroplet is a droplet_action "test" on droplet id with the given arguments.
func actionOnDroplet(env *acctest.Env, id int, args string) string {
	return env.Config(acctest.Action{DropletID: id, Args: args}.HCL())
}

// actionOnTag is a droplet_action "test" on every droplet tagged tag.
func actionOnTag(env *acctest.Env, tag, args string) string {
	return env.Config(acctest.Action{Tag: tag, Args: args}.HCL())
}

// actionErrorText matches a diagnostic whose words Terraform may have wrapped over several lines.
func actionErrorText(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		quoted[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, `.*`))
}

// expectActionHistory checks that the API holds exactly these actions for each droplet, and that the
// state's action_ids are the newest of them, one per droplet in droplet_ids order.
func expectActionHistory(t *testing.T, env *acctest.Env, want map[int][]string) statecheck.StateCheck {
	return acctest.Check(func(_ context.Context, req statecheck.CheckStateRequest) error {
		attrs, err := acctest.Attributes(req, actionAddr)
		if err != nil {
			return err
		}
		dropletIDs := acctest.Ints(attrs, "droplet_ids")
		actionIDs := acctest.Ints(attrs, "action_ids")
		wantDroplets := make([]int, 0, len(want))
		for id := range want {
			wantDroplets = append(wantDroplets, id)
		}
		sort.Ints(wantDroplets)
		if !slices.Equal(dropletIDs, wantDroplets) {
			return fmt.Errorf("state droplet_ids = %v, want %v", dropletIDs, wantDroplets)
		}
		if len(actionIDs) != len(dropletIDs) {
			return fmt.Errorf("state action_ids = %v, want one per droplet %v", actionIDs, dropletIDs)
		}
		for i, id := range dropletIDs {
			if got := env.ActionHistory(t, id); !slices.Equal(got, want[id]) {
				return fmt.Errorf("droplet %d: API holds actions %q, want %q", id, got, want[id])
			}
			as := env.Actions(t, id)
			last := as[len(as)-1]
			if last.ID != actionIDs[i] || last.ResourceID != id {
				return fmt.Errorf("droplet %d: state action_ids[%d] = %d, but the API's newest action is %d on droplet %d",
					id, i, actionIDs[i], last.ID, last.ResourceID)
			}
		}
		if fmt.Sprint(attrs["id"]) != strconv.Itoa(slices.Min(actionIDs)) {
			return fmt.Errorf("state id = %v, want the lowest action ID %d", attrs["id"], slices.Min(actionIDs))
		}
		return nil
	})
}

// actionCompletedState checks the computed attributes every completed run has.
func actionCompletedState() []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(actionAddr, tfjsonpath.New("status"), knownvalue.StringExact("completed")),
		statecheck.ExpectKnownValue(actionAddr, tfjsonpath.New("started_at"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
		statecheck.ExpectKnownValue(actionAddr, tfjsonpath.New("completed_at"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
		statecheck.ExpectKnownValue(actionAddr, tfjsonpath.New("region_slug"), knownvalue.StringExact("nyc3")),
	}
}

// actionNewDroplet makes a droplet in the emulator from spec (tests that need one in a given state).
func actionNewDroplet(env *acctest.Env, spec emulator.DropletSpec) int {
	return env.Emulator.Server.CreateDroplet(spec).ID
}

// actionCase is one action type: how to prepare the droplet, the arguments, and the effect to see.
type actionCase struct {
	typ string
	// before is what the setup leaves in the droplet's history.
	before []string
	setup  func(t *testing.T, env *acctest.Env) (id int, args string)
	check  func(env *acctest.Env, id int) statecheck.StateCheck
}

func actionPlainDroplet(args string) func(t *testing.T, env *acctest.Env) (int, string) {
	return func(t *testing.T, env *acctest.Env) (int, string) {
		return env.CreateDroplet(t, "action-"+strings.ReplaceAll(t.Name()[strings.LastIndex(t.Name(), "/")+1:], "_", "-")), args
	}
}

func TestAccDropletAction_everyType(t *testing.T) {
	cases := []actionCase{
		{typ: "reboot", setup: actionPlainDroplet(`type = "reboot"`),
			check: func(env *acctest.Env, id int) statecheck.StateCheck {
				return env.ExpectDroplet(id, acctest.DropletStatus("active"))
			}},
		{typ: "power_cycle", setup: actionPlainDroplet(`type = "power_cycle"`),
			check: func(env *acctest.Env, id int) statecheck.StateCheck {
				return env.ExpectDroplet(id, acctest.DropletStatus("active"))
			}},
		{typ: "shutdown", setup: actionPlainDroplet(`type = "shutdown"`),
			check: func(env *acctest.Env, id int) statecheck.StateCheck {
				return env.ExpectDroplet(id, acctest.DropletStatus("off"))
			}},
		{typ: "power_off", setup: actionPlainDroplet(`type = "power_off"`),
			check: func(env *acctest.Env, id int) statecheck.StateCheck {
				return env.ExpectDroplet(id, acctest.DropletStatus("off"))
			}},
		{typ: "power_on", before: []string{"power_off:completed"},
			setup: func(t *testing.T, env *acctest.Env) (int, string) {
				id := actionNewDroplet(env, emulator.DropletSpec{Name: "action-power-on"})
				if _, err := env.Emulator.Server.StartAction(id, "power_off", 0); err != nil {
					t.Fatal(err)
				}
				return id, `type = "power_on"`
			},
			check: func(env *acctest.Env, id int) statecheck.StateCheck {
				return env.ExpectDroplet(id, acctest.DropletStatus("active"))
			}},
		{typ: "restore", before: []string{"power_off:completed"},
			setup: func(t *testing.T, env *acctest.Env) (int, string) {
				id := actionNewDroplet(env, emulator.DropletSpec{Name: "action-restore", Backups: true})
				img, err := env.Emulator.Server.TakeBackup(id)
				if err != nil {
					t.Fatal(err)
				}
				// Off before the restore, so its effect (the droplet boots from the backup) shows.
				if _, err := env.Emulator.Server.StartAction(id, "power_off", 0); err != nil {
					t.Fatal(err)
				}
				return id, fmt.Sprintf("type = \"restore\"\n  image = %q", strconv.Itoa(img.ID))
			},
			check: func(env *acctest.Env, id int) statecheck.StateCheck {
				return env.ExpectDroplet(id, acctest.DropletStatus("active"))
			}},
		{typ: "password_reset", setup: actionPlainDroplet(`type = "password_reset"`),
			check: func(env *acctest.Env, id int) statecheck.StateCheck {
				return env.ExpectDroplet(id, acctest.DropletStatus("active"))
			}},
		{typ: "resize", setup: actionPlainDroplet("type = \"resize\"\n  size = \"s-2vcpu-4gb\"\n  disk = true"),
			check: func(env *acctest.Env, id int) statecheck.StateCheck {
				return env.ExpectDroplet(id, func(d *godo.Droplet) error {
					if d.SizeSlug != "s-2vcpu-4gb" || d.Disk != 80 {
						return fmt.Errorf("size %q with a %d GB disk, want s-2vcpu-4gb with 80 GB", d.SizeSlug, d.Disk)
					}
					return nil
				})
			}},
		{typ: "rebuild", setup: actionPlainDroplet("type = \"rebuild\"\n  image = \"debian-12-x64\""),
			check: func(env *acctest.Env, id int) statecheck.StateCheck {
				return env.ExpectDroplet(id, func(d *godo.Droplet) error {
					if d.Image == nil || d.Image.Slug != "debian-12-x64" {
						return fmt.Errorf("image %+v, want debian-12-x64", d.Image)
					}
					return nil
				})
			}},
		{typ: "rename", setup: actionPlainDroplet("type = \"rename\"\n  name = \"renamed-by-action\""),
			check: func(env *acctest.Env, id int) statecheck.StateCheck {
				return env.ExpectDroplet(id, func(d *godo.Droplet) error {
					if d.Name != "renamed-by-action" {
						return fmt.Errorf("name %q, want renamed-by-action", d.Name)
					}
					return nil
				})
			}},
		{typ: "change_kernel", setup: actionPlainDroplet("type = \"change_kernel\"\n  kernel = 7516"),
			check: func(env *acctest.Env, id int) statecheck.StateCheck {
				return env.ExpectDroplet(id, func(d *godo.Droplet) error {
					if d.Kernel == nil || d.Kernel.ID != 7516 {
						return fmt.Errorf("kernel %+v, want 7516", d.Kernel)
					}
					return nil
				})
			}},
		{typ: "enable_ipv6", setup: actionPlainDroplet(`type = "enable_ipv6"`),
			check: func(env *acctest.Env, id int) statecheck.StateCheck {
				return env.ExpectDroplet(id, func(d *godo.Droplet) error {
					if !slices.Contains(d.Features, "ipv6") || d.Networks == nil || len(d.Networks.V6) == 0 {
						return fmt.Errorf("features %v and IPv6 networks %+v, want IPv6", d.Features, d.Networks)
					}
					return nil
				})
			}},
		{typ: "snapshot", setup: actionPlainDroplet("type = \"snapshot\"\n  name = \"before-migration\""),
			check: func(env *acctest.Env, id int) statecheck.StateCheck {
				return env.ExpectDroplet(id, func(d *godo.Droplet) error {
					if len(d.SnapshotIDs) != 1 {
						return fmt.Errorf("snapshots %v, want one", d.SnapshotIDs)
					}
					img, _, err := env.Godo.Images.GetByID(context.Background(), d.SnapshotIDs[0])
					if err != nil {
						return err
					}
					if img.Name != "before-migration" || img.Type != "snapshot" {
						return fmt.Errorf("image %d is a %s named %q, want a snapshot named before-migration", img.ID, img.Type, img.Name)
					}
					return nil
				})
			}},
		{typ: "enable_backups",
			setup: actionPlainDroplet("type = \"enable_backups\"\n  backup_policy = {\n    plan    = \"weekly\"\n    weekday = \"MON\"\n    hour    = 8\n  }"),
			check: func(env *acctest.Env, id int) statecheck.StateCheck {
				return expectActionPolicy(env, id, true, "weekly", "MON", 8)
			}},
		{typ: "disable_backups",
			setup: func(t *testing.T, env *acctest.Env) (int, string) {
				return actionNewDroplet(env, emulator.DropletSpec{Name: "action-disable-backups", Backups: true}), `type = "disable_backups"`
			},
			check: func(env *acctest.Env, id int) statecheck.StateCheck {
				return expectActionPolicy(env, id, false, "", "", 0)
			}},
		{typ: "change_backup_policy",
			setup: func(t *testing.T, env *acctest.Env) (int, string) {
				id := actionNewDroplet(env, emulator.DropletSpec{Name: "action-change-policy", Backups: true})
				return id, "type = \"change_backup_policy\"\n  backup_policy = {\n    plan = \"daily\"\n    hour = 20\n  }"
			},
			check: func(env *acctest.Env, id int) statecheck.StateCheck {
				return expectActionPolicy(env, id, true, "daily", "", 20)
			}},
	}
	for _, c := range cases {
		t.Run(c.typ, func(t *testing.T) {
			env := acctest.NewEnv(t)
			env.SkipIfReal(t) // each case sets the droplet up through the emulator
			id, args := c.setup(t, env)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
				Steps: []resource.TestStep{{
					Config: actionOnDroplet(env, id, args),
					ConfigStateChecks: append(actionCompletedState(),
						statecheck.ExpectKnownValue(actionAddr, tfjsonpath.New("type"), knownvalue.StringExact(c.typ)),
						expectActionHistory(t, env, map[int][]string{id: append(c.before, c.typ+":completed")}),
						c.check(env, id),
					),
				}},
			})
		})
	}
}

func expectActionPolicy(env *acctest.Env, id int, enabled bool, plan, weekday string, hour int) statecheck.StateCheck {
	return acctest.Check(func(ctx context.Context, _ statecheck.CheckStateRequest) error {
		p, _, err := env.Godo.Droplets.GetBackupPolicy(ctx, id)
		if err != nil {
			return fmt.Errorf("read backup policy of droplet %d: %w", id, err)
		}
		if p.BackupEnabled != enabled {
			return fmt.Errorf("droplet %d: backups enabled = %v, want %v", id, p.BackupEnabled, enabled)
		}
		if !enabled {
			return nil
		}
		got := p.BackupPolicy
		if got == nil || got.Plan != plan || got.Weekday != weekday || got.Hour != hour {
			return fmt.Errorf("droplet %d: policy %+v, want %s %s %d", id, got, plan, weekday, hour)
		}
		return nil
	})
}

// TestAccDropletAction_byTag acts on every tagged droplet with one request, leaves the others
// alone, and a changed type replaces the resource and runs the new action on all of them.
func TestAccDropletAction_byTag(t *testing.T) {
	env := acctest.NewEnv(t)
	tag := "action-web"
	web := []int{
		env.CreateDroplet(t, "action-web-1", tag),
		env.CreateDroplet(t, "action-web-2", tag, "other"),
		env.CreateDroplet(t, "action-web-3", tag),
	}
	other := env.CreateDroplet(t, "action-db-1", "other")
	history := func(types ...string) map[int][]string {
		m := map[int][]string{}
		for _, id := range web {
			for _, typ := range types {
				m[id] = append(m[id], typ+":completed")
			}
		}
		return m
	}
	untouched := env.ExpectDroplet(other, func(d *godo.Droplet) error {
		if d.Status != "active" {
			return fmt.Errorf("untagged droplet is %s", d.Status)
		}
		if as := env.Actions(t, other); len(as) != 0 {
			return fmt.Errorf("untagged droplet has actions %v", as)
		}
		return nil
	})
	offChecks := []statecheck.StateCheck{untouched, expectActionHistory(t, env, history("power_off"))}
	for _, id := range web {
		offChecks = append(offChecks, env.ExpectDroplet(id, acctest.DropletStatus("off")))
	}
	ids := make([]knownvalue.Check, len(web))
	for i, id := range web {
		ids[i] = knownvalue.Int64Exact(int64(id))
	}
	offChecks = append(offChecks, statecheck.ExpectKnownValue(actionAddr, tfjsonpath.New("droplet_ids"), knownvalue.ListExact(ids)))
	offChecks = append(offChecks, actionCompletedState()...)

	acctest.ParallelTest(t,
		resource.TestStep{
			PreConfig:         func() { actionResetStats(env) },
			Config:            actionOnTag(env, tag, `type = "power_off"`),
			ConfigStateChecks: append(offChecks, expectActionRequests(env, "POST /v2/droplets/actions", 1)),
		},
		resource.TestStep{
			Config: actionOnTag(env, tag, "type = \"snapshot\"\n  name = \"nightly\""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(actionAddr, plancheck.ResourceActionDestroyBeforeCreate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{untouched, expectActionHistory(t, env, history("power_off", "snapshot"))},
		},
	)
}

// actionResetStats clears the emulator's request counters (no-op against the real API).
func actionResetStats(env *acctest.Env) {
	if env.Emulator != nil {
		env.Emulator.Server.ResetStats()
	}
}

// expectActionRequests checks how many requests of one route the emulator served since its stats
// were reset ("" counts every request).
func expectActionRequests(env *acctest.Env, route string, want int) statecheck.StateCheck {
	return acctest.Check(func(context.Context, statecheck.CheckStateRequest) error {
		if env.Emulator == nil {
			return nil
		}
		st := env.Emulator.Server.Stats()
		got := st.Requests[route]
		if route == "" {
			got = st.TotalRequests
		}
		if got != want {
			return fmt.Errorf("emulator served %d %q requests, want %d (all: %v)", got, route, want, st.Requests)
		}
		return nil
	})
}

// TestAccDropletAction_triggers: an unchanged configuration runs nothing; a changed trigger runs
// the action again; a changed timeout changes nothing on DigitalOcean.
func TestAccDropletAction_triggers(t *testing.T) {
	env := acctest.NewEnv(t)
	id := env.CreateDroplet(t, "action-triggers")
	cfg := func(rev, timeout string) string {
		return actionOnDroplet(env, id, fmt.Sprintf(`  type     = "reboot"
  triggers = { config_hash = %q }
  timeouts = { create = %q }`, rev, timeout))
	}
	sameID := statecheck.CompareValue(compare.ValuesSame())
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	acctest.ParallelTest(t,
		resource.TestStep{
			Config: cfg("a1", "10m"),
			ConfigStateChecks: []statecheck.StateCheck{
				expectActionHistory(t, env, map[int][]string{id: {"reboot:completed"}}),
				sameID.AddStateValue(actionAddr, tfjsonpath.New("id")),
				newID.AddStateValue(actionAddr, tfjsonpath.New("id")),
			},
		},
		acctest.EmptyPlan(cfg("a1", "10m"),
			expectActionHistory(t, env, map[int][]string{id: {"reboot:completed"}}),
			sameID.AddStateValue(actionAddr, tfjsonpath.New("id")),
		),
		resource.TestStep{
			Config: cfg("a1", "20m"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(actionAddr, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				expectActionHistory(t, env, map[int][]string{id: {"reboot:completed"}}),
				sameID.AddStateValue(actionAddr, tfjsonpath.New("id")),
			},
		},
		resource.TestStep{
			Config: cfg("b2", "20m"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(actionAddr, plancheck.ResourceActionDestroyBeforeCreate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				expectActionHistory(t, env, map[int][]string{id: {"reboot:completed", "reboot:completed"}}),
				newID.AddStateValue(actionAddr, tfjsonpath.New("id")),
			},
		},
	)
}

// TestAccDropletAction_readMakesNoAPICall: once the action completed, refresh and plan never ask
// DigitalOcean anything.
func TestAccDropletAction_readMakesNoAPICall(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	id := env.CreateDroplet(t, "action-no-reads")
	cfg := actionOnDroplet(env, id, `type = "power_cycle"`)
	acctest.ParallelTest(t,
		resource.TestStep{Config: cfg},
		resource.TestStep{
			// Refresh, plan, apply of nothing, and the post-apply plans of this step.
			PreConfig: func() { actionResetStats(env) },
			Config:    cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			}},
			ConfigStateChecks: []statecheck.StateCheck{expectActionRequests(env, "", 0)},
		},
		resource.TestStep{RefreshState: true},
		resource.TestStep{
			PreConfig: func() {
				if n := env.Emulator.Server.Stats().TotalRequests; n != 0 {
					t.Errorf("refresh and plans of a completed droplet_action sent %d API requests, want 0: %v",
						n, env.Emulator.Server.Stats().Requests)
				}
			},
			Config:   cfg,
			PlanOnly: true,
		},
	)
}

// TestAccDropletAction_planTimeErrors: every misuse fails in validate/plan, naming the attribute
// and the types that accept it, before any request.
func TestAccDropletAction_planTimeErrors(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	id := 4242 // never contacted: every step fails before the API is asked anything
	step := func(cfg string, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{Config: cfg, PlanOnly: true, ExpectError: want}
	}
	acctest.ParallelTest(t,
		step(actionOnDroplet(env, id, "type = \"reboot\"\n  image = \"ubuntu-24-04-x64\""),
			actionErrorText("`image` does not apply to type \"reboot\"", "only used by type `restore` and `rebuild`")),
		step(actionOnDroplet(env, id, "type = \"power_off\"\n  disk = false"),
			actionErrorText("`disk` does not apply to type \"power_off\"", "only used by type `resize`")),
		step(actionOnDroplet(env, id, "type = \"reboot\"\n  name = \"x\""),
			actionErrorText("`name` does not apply", "only used by type `rename` and `snapshot`")),
		step(actionOnDroplet(env, id, "type = \"snapshot\"\n  backup_policy = { plan = \"daily\" }"),
			actionErrorText("`backup_policy` does not apply", "`enable_backups` and `change_backup_policy`")),
		step(actionOnDroplet(env, id, `type = "resize"`),
			actionErrorText(`Type "resize" requires`, "`size`")),
		step(actionOnDroplet(env, id, `type = "rename"`),
			actionErrorText(`Type "rename" requires`, "`name`", "required by type `rename`")),
		step(actionOnDroplet(env, id, `type = "change_kernel"`),
			actionErrorText(`Type "change_kernel" requires`, "`kernel`")),
		step(actionOnDroplet(env, id, `type = "change_backup_policy"`),
			actionErrorText(`Type "change_backup_policy" requires`, "`backup_policy`")),
		step(actionOnDroplet(env, id, `type = "rebuild"`),
			actionErrorText(`Type "rebuild" requires`, "`image`", "required by type `restore` and `rebuild`")),
		step(actionOnDroplet(env, id, "type = \"restore\"\n  image = \"ubuntu-24-04-x64\""),
			actionErrorText("Invalid image for restore", "numeric ID of a backup")),
		step(actionOnTag(env, "web", `type = "reboot"`),
			actionErrorText(`Type "reboot" cannot run by tag`, "`power_cycle`, `shutdown`, `power_off`, `power_on`, `enable_ipv6`, `snapshot`, `enable_backups` and `disable_backups`")),
		step(actionOnTag(env, "web", "type = \"enable_backups\"\n  backup_policy = { plan = \"daily\" }"),
			actionErrorText("`backup_policy` cannot be used with `tag_name`")),
		step(actionOnTag(env, "not a tag!", `type = "power_on"`),
			actionErrorText("tag_name", "letters, digits")),
		step(actionOnDroplet(env, id, "type = \"enable_backups\"\n  backup_policy = {\n    plan    = \"daily\"\n    weekday = \"MON\"\n  }"),
			actionErrorText("`weekday` needs a weekly plan")),
		step(actionOnDroplet(env, id, "type = \"enable_backups\"\n  backup_policy = {\n    plan = \"hourly\"\n  }"),
			actionErrorText("backup_policy.plan", `["daily" "weekly" "intra_daily_4h" "intra_daily_6h" "intra_daily_12h"]`)),
		step(actionOnDroplet(env, id, "type = \"change_backup_policy\"\n  backup_policy = {\n    plan                  = \"weekly\"\n    retention_period_days = 14\n  }"),
			actionErrorText("`retention_period_days` needs a usage-based plan", "`backup_policy.plan` is \"weekly\"")),
		step(actionOnDroplet(env, id, "type = \"change_backup_policy\"\n  backup_policy = {\n    plan    = \"intra_daily_6h\"\n    weekday = \"SUN\"\n  }"),
			actionErrorText("`weekday` needs a weekly plan")),
		step(actionOnDroplet(env, id, "type = \"enable_backups\"\n  backup_policy = {\n    plan = \"daily\"\n    hour = 3\n  }"),
			actionErrorText("backup_policy.hour", `must be one of: ["0" "4" "8" "12" "16" "20"]`)),
		step(actionOnDroplet(env, id, "type = \"change_kernel\"\n  kernel = 0"),
			actionErrorText("kernel", "at least 1")),
		step(actionOnDroplet(env, id, `type = "hibernate"`),
			actionErrorText("type", `value must be one of`, `"reboot"`)),
		step(env.Config("resource \"droplet_action\" \"test\" {\n  type = \"power_on\"\n}\n"),
			actionErrorText("droplet_id", "tag_name")),
		step(env.Config(fmt.Sprintf("resource \"droplet_action\" \"test\" {\n  droplet_id = %d\n  tag_name = \"web\"\n  type = \"power_on\"\n}\n", id)),
			actionErrorText("droplet_id", "tag_name")),
	)
	if n := env.Emulator.Server.Stats().TotalRequests; n != 0 {
		t.Errorf("invalid configurations sent %d API requests, want 0", n)
	}
}

// TestAccDropletAction_unknownAtPlan: values only known at apply pass the plan, and are checked
// once known.
func TestAccDropletAction_unknownAtPlan(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	id := actionNewDroplet(env, emulator.DropletSpec{Name: "action-unknown", Backups: true})
	backup, err := env.Emulator.Server.TakeBackup(id)
	if err != nil {
		t.Fatal(err)
	}
	cfg := func(image string) string {
		return env.Config(fmt.Sprintf(`
resource "terraform_data" "image" {
  input = %q
}

resource "droplet_action" "test" {
  droplet_id = %d
  type       = "restore"
  image      = terraform_data.image.output
}
`, image, id))
	}
	acctest.ParallelTest(t,
		resource.TestStep{
			Config:      cfg("latest"),
			ExpectError: actionErrorText("Invalid image for restore", `got "latest"`),
		},
		resource.TestStep{
			Config: cfg(strconv.Itoa(backup.ID)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(actionAddr, tfjsonpath.New("image"), knownvalue.StringExact(strconv.Itoa(backup.ID))),
				expectActionHistory(t, env, map[int][]string{id: {"restore:completed"}}),
			},
		},
	)
}

// TestAccDropletAction_erroredAction: an errored action fails the apply naming droplet, action
// and status, saves nothing, and the next apply runs the action again.
func TestAccDropletAction_erroredAction(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	id := env.CreateDroplet(t, "action-errored")
	cfg := actionOnDroplet(env, id, "type = \"rename\"\n  name = \"after-error\"")
	acctest.ParallelTest(t,
		resource.TestStep{
			PreConfig: func() { env.Emulator.Server.FailNextAction(id, "rename") },
			Config:    cfg,
			ExpectError: actionErrorText(fmt.Sprintf("Droplet action rename failed on droplet %d", id),
				fmt.Sprintf("droplet %d: action", id), "(rename) errored", "next apply runs the action again"),
		},
		resource.TestStep{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				expectActionHistory(t, env, map[int][]string{id: {"rename:errored", "rename:completed"}}),
				env.ExpectDroplet(id, func(d *godo.Droplet) error {
					if d.Name != "after-error" {
						return fmt.Errorf("name %q, want after-error", d.Name)
					}
					return nil
				}),
			},
		},
	)
}

// TestAccDropletAction_erroredByTag: one errored action among several fails the apply and names
// every droplet and action with its status.
func TestAccDropletAction_erroredByTag(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	tag := "action-fleet"
	ids := []int{
		env.CreateDroplet(t, "action-fleet-1", tag),
		env.CreateDroplet(t, "action-fleet-2", tag),
		env.CreateDroplet(t, "action-fleet-3", tag),
	}
	cfg := actionOnTag(env, tag, `type = "enable_ipv6"`)
	lines := []string{fmt.Sprintf("Droplet action enable_ipv6 failed on 1 of 3 droplets tagged %q", tag)}
	for i, id := range ids {
		status := "completed"
		if i == 1 {
			status = "errored"
		}
		lines = append(lines, fmt.Sprintf("droplet %d: action", id), "(enable_ipv6) "+status)
	}
	acctest.ParallelTest(t,
		resource.TestStep{
			PreConfig:   func() { env.Emulator.Server.FailNextAction(ids[1], "enable_ipv6") },
			Config:      cfg,
			ExpectError: actionErrorText(lines...),
		},
		resource.TestStep{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{expectActionHistory(t, env, map[int][]string{
				ids[0]: {"enable_ipv6:completed", "enable_ipv6:completed"},
				ids[1]: {"enable_ipv6:errored", "enable_ipv6:completed"},
				ids[2]: {"enable_ipv6:completed", "enable_ipv6:completed"},
			})},
		},
	)
}

// TestAccDropletAction_tagMatchesNoDroplet: a tag on no droplet is an error, not a silent no-op.
func TestAccDropletAction_tagMatchesNoDroplet(t *testing.T) {
	env := acctest.NewEnv(t)
	env.CreateDroplet(t, "action-untagged", "something-else")
	acctest.ParallelTest(t, resource.TestStep{
		Config:      actionOnTag(env, "action-nobody", `type = "power_off"`),
		ExpectError: actionErrorText(`No droplet has the tag "action-nobody"`, "nothing was saved"),
	})
}

// TestAccDropletAction_busyDroplet: an action on a droplet busy with another one starts once that
// one ends; when it does not end within the timeout, the error says the droplet is busy.
func TestAccDropletAction_busyDroplet(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	stuck := env.CreateDroplet(t, "action-busy-long")
	busy := env.CreateDroplet(t, "action-busy-short")
	cfg := func(id int, timeout string) string {
		return actionOnDroplet(env, id, fmt.Sprintf("type = \"reboot\"\n  timeouts = { create = %q }", timeout))
	}
	acctest.ParallelTest(t,
		resource.TestStep{
			// Busy for longer than the timeout: the reboot never starts.
			PreConfig: func() {
				if _, err := env.Emulator.Server.StartAction(stuck, "password_reset", time.Minute); err != nil {
					t.Fatal(err)
				}
			},
			Config:      cfg(stuck, "1s"),
			ExpectError: actionErrorText(fmt.Sprintf("Droplet %d stayed busy; droplet action reboot did not start", stuck), "busy with action", "(password_reset, in-progress)", "timeouts.create is 1s", "no reboot action was started"),
		},
		resource.TestStep{
			// Busy for a moment: the reboot waits for it, then starts.
			PreConfig: func() {
				if _, err := env.Emulator.Server.StartAction(busy, "password_reset", 2*time.Second); err != nil {
					t.Fatal(err)
				}
			},
			Config: cfg(busy, "1m"),
			ConfigStateChecks: []statecheck.StateCheck{
				env.ExpectActionHistory(t, stuck, "password_reset:in-progress"),
				env.ExpectActionHistory(t, busy, "password_reset:completed", "reboot:completed"),
				acctest.Check(func(context.Context, statecheck.CheckStateRequest) error {
					as := env.Actions(t, busy)
					if as[1].StartedAt.Before(as[0].CompletedAt.Time) {
						return fmt.Errorf("reboot started at %s, before the busy action completed at %s", as[1].StartedAt, as[0].CompletedAt)
					}
					return nil
				}),
			},
		},
	)
}

// TestAccDropletAction_timeoutAdoptsRunningAction: a timeout shorter than the action fails with a
// clear error; the next apply adopts the action still running instead of starting a second one.
func TestAccDropletAction_timeoutAdoptsRunningAction(t *testing.T) {
	env := acctest.NewEnv(t, func(o *emulator.Options) {
		o.ActionDurations = map[string]time.Duration{"snapshot": 5 * time.Second}
	})
	env.SkipIfReal(t)
	id := env.CreateDroplet(t, "action-timeout")
	cfg := func(timeout string) string {
		return actionOnDroplet(env, id, fmt.Sprintf("type = \"snapshot\"\n  name = \"slow\"\n  timeouts = { create = %q }", timeout))
	}
	var first int
	acctest.ParallelTest(t,
		resource.TestStep{
			Config: cfg("1s"),
			ExpectError: actionErrorText(fmt.Sprintf("Timed out waiting for droplet action snapshot on droplet %d", id),
				fmt.Sprintf("droplet %d: action", id), "(snapshot) in-progress", "timeouts.create (1s) ran out",
				"next apply adopts the action still in progress instead of starting a second snapshot"),
		},
		resource.TestStep{
			PreConfig: func() {
				as := env.Emulator.Server.DropletActions(id)
				first = as[len(as)-1].ID
			},
			Config: cfg("1m"),
			ConfigStateChecks: []statecheck.StateCheck{
				expectActionHistory(t, env, map[int][]string{id: {"snapshot:completed"}}),
				acctest.Check(func(_ context.Context, req statecheck.CheckStateRequest) error {
					attrs, err := acctest.Attributes(req, actionAddr)
					if err != nil {
						return err
					}
					if got := acctest.Ints(attrs, "action_ids"); !slices.Equal(got, []int{first}) {
						return fmt.Errorf("action_ids = %v, want the action the timed-out apply started, %d", got, first)
					}
					if n := env.Emulator.Server.Stats().ActionsStarted["snapshot"]; n != 1 {
						return fmt.Errorf("emulator started %d snapshot actions, want 1", n)
					}
					return nil
				}),
			},
		},
	)
}

// TestAccDropletAction_byTagBusyDroplet: with one tagged droplet busy, the others start at once
// and the busy one once it is free; a re-run after a timeout adopts every action still running.
func TestAccDropletAction_byTagBusyDroplet(t *testing.T) {
	env := acctest.NewEnv(t, func(o *emulator.Options) {
		o.ActionDurations = map[string]time.Duration{"snapshot": 4 * time.Second}
	})
	env.SkipIfReal(t)
	tag := "action-busy-fleet"
	ids := []int{
		env.CreateDroplet(t, "action-busy-fleet-1", tag),
		env.CreateDroplet(t, "action-busy-fleet-2", tag),
	}
	cfg := func(timeout string) string {
		return actionOnTag(env, tag, fmt.Sprintf("type = \"snapshot\"\n  timeouts = { create = %q }", timeout))
	}
	acctest.ParallelTest(t,
		resource.TestStep{
			Config: cfg("1s"),
			ExpectError: actionErrorText(fmt.Sprintf("Droplet action snapshot failed on 2 of 2 droplets tagged %q", tag),
				fmt.Sprintf("droplet %d: action", ids[0]), "in-progress, still running",
				fmt.Sprintf("droplet %d: action", ids[1]), "in-progress, still running", "adopts"),
		},
		resource.TestStep{
			Config: cfg("1m"),
			ConfigStateChecks: []statecheck.StateCheck{
				expectActionHistory(t, env, map[int][]string{ids[0]: {"snapshot:completed"}, ids[1]: {"snapshot:completed"}}),
			},
		},
		resource.TestStep{
			PreConfig: func() {
				if _, err := env.Emulator.Server.StartAction(ids[1], "password_reset", 2*time.Second); err != nil {
					t.Fatal(err)
				}
			},
			Config: actionOnTag(env, tag, `type = "power_cycle"`),
			ConfigStateChecks: []statecheck.StateCheck{expectActionHistory(t, env, map[int][]string{
				ids[0]: {"snapshot:completed", "power_cycle:completed"},
				ids[1]: {"snapshot:completed", "password_reset:completed", "power_cycle:completed"},
			})},
		},
	)
}

// TestAccDropletAction_notImportable: an action is an event; there is nothing to import.
func TestAccDropletAction_notImportable(t *testing.T) {
	env := acctest.NewEnv(t)
	id := env.CreateDroplet(t, "action-import")
	acctest.ParallelTest(t,
		resource.TestStep{Config: actionOnDroplet(env, id, `type = "power_cycle"`)},
		resource.TestStep{
			ResourceName:  actionAddr,
			ImportState:   true,
			ImportStateId: "123",
			ExpectError:   actionErrorText("droplet_action cannot be imported", "an event, not an object"),
		},
	)
}

// TestAccDropletAction_chainedResize is the power off → resize → power on example: depends_on
// orders the actions, and each waits for the previous one to complete.
func TestAccDropletAction_chainedResize(t *testing.T) {
	env := acctest.NewEnv(t)
	id := env.CreateDroplet(t, "action-chain")
	cfg := env.Config(fmt.Sprintf(`
resource "droplet_action" "off" {
  droplet_id = %[1]d
  type       = "power_off"
}

resource "droplet_action" "test" {
  droplet_id = %[1]d
  type       = "resize"
  size       = "s-2vcpu-4gb"
  depends_on = [droplet_action.off]
}

resource "droplet_action" "on" {
  droplet_id = %[1]d
  type       = "power_on"
  depends_on = [droplet_action.test]
}
`, id))
	acctest.ParallelTest(t, resource.TestStep{
		Config: cfg,
		ConfigStateChecks: []statecheck.StateCheck{
			env.ExpectActionHistory(t, id, "power_off:completed", "resize:completed", "power_on:completed"),
			env.ExpectDroplet(id, func(d *godo.Droplet) error {
				if d.Status != "active" || d.SizeSlug != "s-2vcpu-4gb" || d.Disk != 25 {
					return fmt.Errorf("%s, size %s, disk %d GB; want active s-2vcpu-4gb with the disk kept at 25 GB", d.Status, d.SizeSlug, d.Disk)
				}
				return nil
			}),
		},
	})
}

// TestAccDropletAction_restoreLatestBackup is the restore example: the newest backup from the
// droplet_backups data source; a newer backup does not restore again, a changed trigger does.
func TestAccDropletAction_restoreLatestBackup(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	id := actionNewDroplet(env, emulator.DropletSpec{Name: "action-restore-latest", Backups: true})
	var backups []int
	takeBackup := func() {
		img, err := env.Emulator.Server.TakeBackup(id)
		if err != nil {
			t.Fatal(err)
		}
		backups = append(backups, img.ID)
	}
	takeBackup()
	takeBackup()
	cfg := func(request string) string {
		return env.Config(fmt.Sprintf(`
data "droplet_backups" "web" {
  droplet_id = %d
}

resource "droplet_action" "test" {
  droplet_id = data.droplet_backups.web.droplet_id
  type       = "restore"
  image      = data.droplet_backups.web.backups[0].id
  triggers   = { request = %q }

  lifecycle {
    ignore_changes = [image]
  }
}
`, id, request))
	}
	imageIs := func(i int) statecheck.StateCheck {
		return acctest.Check(func(_ context.Context, req statecheck.CheckStateRequest) error {
			attrs, err := acctest.Attributes(req, actionAddr)
			if err != nil {
				return err
			}
			if got := fmt.Sprint(attrs["image"]); got != strconv.Itoa(backups[i]) {
				return fmt.Errorf("restored from image %s, want the newest backup %d", got, backups[i])
			}
			return nil
		})
	}
	acctest.ParallelTest(t,
		resource.TestStep{
			Config: cfg("INC-1"),
			ConfigStateChecks: []statecheck.StateCheck{
				imageIs(1), expectActionHistory(t, env, map[int][]string{id: {"restore:completed"}}),
			},
		},
		resource.TestStep{
			PreConfig: takeBackup,
			Config:    cfg("INC-1"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				imageIs(1), expectActionHistory(t, env, map[int][]string{id: {"restore:completed"}}),
			},
		},
		resource.TestStep{
			Config: cfg("INC-2"),
			ConfigStateChecks: []statecheck.StateCheck{
				imageIs(2), expectActionHistory(t, env, map[int][]string{id: {"restore:completed", "restore:completed"}}),
			},
		},
	)
}

// TestAccDropletAction_sameTypeTwiceInOneApply: two snapshots of one droplet in one apply are two
// actions. The second finds the first in progress but must not adopt it: adoption is only for an
// action an earlier apply left running.
func TestAccDropletAction_sameTypeTwiceInOneApply(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	id := env.CreateDroplet(t, "action-two-snapshots")
	cfg := env.Config(fmt.Sprintf(`
resource "droplet_action" "test" {
  droplet_id = %[1]d
  type       = "snapshot"
  name       = "first"
}

resource "droplet_action" "second" {
  droplet_id = %[1]d
  type       = "snapshot"
  name       = "second"
}
`, id))
	differ := statecheck.CompareValue(compare.ValuesDiffer())
	acctest.ParallelTest(t, resource.TestStep{
		Config: cfg,
		ConfigStateChecks: []statecheck.StateCheck{
			differ.AddStateValue(actionAddr, tfjsonpath.New("id")),
			differ.AddStateValue("droplet_action.second", tfjsonpath.New("id")),
			env.ExpectDroplet(id, func(d *godo.Droplet) error {
				var names []string
				for _, sid := range d.SnapshotIDs {
					img, _, err := env.Godo.Images.GetByID(context.Background(), sid)
					if err != nil {
						return err
					}
					names = append(names, img.Name)
				}
				sort.Strings(names)
				if !slices.Equal(names, []string{"first", "second"}) {
					return fmt.Errorf("snapshots %q, want first and second", names)
				}
				return nil
			}),
			env.ExpectActionHistory(t, id, "snapshot:completed", "snapshot:completed"),
		},
	})
}
