package backups_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dropletops/terraform-provider-droplet/internal/acctest"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// Usage-based backup plans (intra_daily_4h, _6h, _12h) through Terraform, checked in the state and
// in what the emulator holds.

// expectUsage checks the retention the emulator holds for the droplet, and its window length (4
// hours for every plan the emulator has), and that the state shows the same (expectBackups
// compares the rest of the policy).
func expectUsage(env *acctest.Env, dropletID int, retention int) statecheck.StateCheck {
	const window = 4
	return acctest.Check(func(_ context.Context, req statecheck.CheckStateRequest) error {
		rec, ok := env.Emulator.Server.BackupPolicy(dropletID)
		if !ok || rec.BackupPolicy == nil {
			return fmt.Errorf("emulator: droplet %d has no backup policy (%+v)", dropletID, rec)
		}
		if p := rec.BackupPolicy; p.RetentionPeriodDays != retention || p.WindowLengthHours != window {
			return fmt.Errorf("emulator: droplet %d keeps backups %d days in %d-hour windows, want %d days, %d hours",
				dropletID, p.RetentionPeriodDays, p.WindowLengthHours, retention, window)
		}
		attrs, err := acctest.Attributes(req, backupsAddr)
		if err != nil {
			return err
		}
		for name, want := range map[string]int{"retention_period_days": retention, "window_length_hours": window} {
			if got := fmt.Sprint(attrs[name]); got != strconv.Itoa(want) {
				return fmt.Errorf("state: %s = %s, want %d", name, got, want)
			}
		}
		return nil
	})
}

// history is the action history acctest's lister must find: enable_backups, then n changes.
func history(changes int) []string {
	h := []string{"enable_backups:completed"}
	for range changes {
		h = append(h, "change_backup_policy:completed")
	}
	return h
}

// TestAccDropletBackups_usageBased creates backups on a usage-based plan, then moves between
// plans: each move is one change_backup_policy action, in place, never a replacement.
func TestAccDropletBackups_usageBased(t *testing.T) {
	env := newBackupsEnv(t)
	id := env.CreateDroplet(t, "backups-usage")

	type step struct {
		name, args string
		want       wantBackups
		retention  int
		plan       []plancheck.PlanCheck
	}
	steps := []step{
		{name: "create intra_daily_6h", args: `  plan = "intra_daily_6h"
  hour = 4`, want: wantBackups{true, "intra_daily_6h", "", hourPtr(4)}, retention: 7,
			plan: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(backupsAddr, plancheck.ResourceActionCreate),
				plancheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("weekday"), knownvalue.Null()),
				// The droplet may already keep its backups longer: adopting it leaves that open.
				plancheck.ExpectUnknownValue(backupsAddr, tfjsonpath.New("retention_period_days")),
			}},
		{name: "to daily", args: `  plan = "daily"
  hour = 8`, want: wantBackups{true, "daily", "", hourPtr(8)}, retention: 7,
			plan: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(backupsAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectUnknownValue(backupsAddr, tfjsonpath.New("retention_period_days")),
			}},
		{name: "to weekly with a weekday", args: `  plan    = "weekly"
  weekday = "TUE"
  hour    = 8`, want: wantBackups{true, "weekly", "TUE", hourPtr(8)}, retention: 28,
			plan: []plancheck.PlanCheck{plancheck.ExpectResourceAction(backupsAddr, plancheck.ResourceActionUpdate)}},
		{name: "back to intra_daily_4h with another retention", args: `  plan                  = "intra_daily_4h"
  retention_period_days = 14`, want: wantBackups{true, "intra_daily_4h", "", hourPtr(0)}, retention: 14,
			plan: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(backupsAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("weekday"), knownvalue.Null()),
				plancheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("retention_period_days"), knownvalue.Int64Exact(14)),
				// Hour 8 opens no window of intra_daily_4h: DigitalOcean picks the hour.
				plancheck.ExpectUnknownValue(backupsAddr, tfjsonpath.New("hour")),
				// The window length the account offers for the plan is planned, and sent.
				plancheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("window_length_hours"), knownvalue.Int64Exact(4)),
			}},
		{name: "retention only", args: `  plan                  = "intra_daily_4h"
  retention_period_days = 30`, want: wantBackups{true, "intra_daily_4h", "", hourPtr(0)}, retention: 30,
			plan: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(backupsAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("hour"), knownvalue.Int64Exact(0)),
			}},
		{name: "to intra_daily_12h, retention left unset", args: `  plan = "intra_daily_12h"
  hour = 8`, want: wantBackups{true, "intra_daily_12h", "", hourPtr(8)}, retention: 7,
			plan: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(backupsAddr, plancheck.ResourceActionUpdate),
				// A new plan starts from its default retention, which the account's offer names.
				plancheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("retention_period_days"), knownvalue.Int64Exact(7)),
			}},
	}

	var tsteps []resource.TestStep
	for i, s := range steps {
		cfg := backupsConfig(env, id, s.args)
		tsteps = append(tsteps, resource.TestStep{
			Config:           cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: s.plan},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("plan"), knownvalue.StringExact(s.want.plan)),
				statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("hour"), stateInt(*s.want.hour)),
				expectBackups(env, id, s.want),
				expectUsage(env, id, s.retention),
				// Exactly one action per step: the enable, then one change each.
				env.ExpectActionHistory(t, id, history(i)...),
			},
		}, acctest.EmptyPlan(cfg, env.ExpectActionHistory(t, id, history(i)...)))
		if i == 0 {
			tsteps = append(tsteps, resource.TestStep{
				ResourceName:      backupsAddr,
				ImportState:       true,
				ImportStateId:     strconv.Itoa(id),
				ImportStateVerify: true,
			})
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps:                    tsteps,
		CheckDestroy:             func(*terraform.State) error { return compareDisabled(env, id) },
	})
}

// TestAccDropletBackups_usageBasedDrift changes the policy from outside (the emulator's control,
// as the control panel would): a usage-based plan shows as an in-place change of plan and
// retention, never as backups turned off, and one change_backup_policy puts it back.
func TestAccDropletBackups_usageBasedDrift(t *testing.T) {
	env := newBackupsEnv(t)
	id := env.CreateDroplet(t, "backups-usage-drift")
	setPolicy := func(p emulator.PolicySpec) func() {
		return func() {
			if err := env.Emulator.Server.SetBackupPolicy(id, true, p); err != nil {
				t.Fatalf("change backups out of band: %v", err)
			}
		}
	}
	weekly := backupsConfig(env, id, `  plan    = "weekly"
  weekday = "SUN"
  hour    = 4`)
	usage := backupsConfig(env, id, `  plan                  = "intra_daily_6h"
  hour                  = 4
  retention_period_days = 10`)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: weekly, ConfigStateChecks: []statecheck.StateCheck{expectBackups(env, id, wantBackups{true, "weekly", "SUN", hourPtr(4)})}},
			{
				// A refresh shows what DigitalOcean holds now.
				PreConfig:    setPolicy(emulator.PolicySpec{Plan: "intra_daily_4h", Hour: hourPtr(0), RetentionPeriodDays: acctest.Ptr(3)}),
				RefreshState: true,
				// The follow-up plan is the in-place change the next step checks and applies.
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(backupsAddr, "enabled", "true"),
					resource.TestCheckResourceAttr(backupsAddr, "plan", "intra_daily_4h"),
					resource.TestCheckNoResourceAttr(backupsAddr, "weekday"),
					resource.TestCheckResourceAttr(backupsAddr, "hour", "0"),
					resource.TestCheckResourceAttr(backupsAddr, "retention_period_days", "3"),
					resource.TestCheckResourceAttr(backupsAddr, "window_length_hours", "4"),
					func(*terraform.State) error {
						rec, _ := env.Emulator.Server.BackupPolicy(id)
						return compareRecord(rec, wantBackups{true, "intra_daily_4h", "", hourPtr(0)})
					},
				),
			},
			{
				Config: weekly,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(backupsAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
						plancheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("plan"), knownvalue.StringExact("weekly")),
						plancheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("weekday"), knownvalue.StringExact("SUN")),
						plancheck.ExpectUnknownValue(backupsAddr, tfjsonpath.New("retention_period_days")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					expectBackups(env, id, wantBackups{true, "weekly", "SUN", hourPtr(4)}),
					expectUsage(env, id, 28),
					env.ExpectActionHistory(t, id, history(1)...),
				},
			},
			{
				Config: usage,
				ConfigStateChecks: []statecheck.StateCheck{
					expectBackups(env, id, wantBackups{true, "intra_daily_6h", "", hourPtr(4)}),
					expectUsage(env, id, 10),
					env.ExpectActionHistory(t, id, history(2)...),
				},
			},
			{
				// Same plan, another retention set outside: only the retention shows, and is put back.
				PreConfig: setPolicy(emulator.PolicySpec{RetentionPeriodDays: acctest.Ptr(2)}),
				Config:    usage,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(backupsAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("retention_period_days"), knownvalue.Int64Exact(10)),
						plancheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("plan"), knownvalue.StringExact("intra_daily_6h")),
						plancheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("hour"), knownvalue.Int64Exact(4)),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					expectUsage(env, id, 10),
					env.ExpectActionHistory(t, id, history(3)...),
				},
			},
			acctest.EmptyPlan(usage, env.ExpectActionHistory(t, id, history(3)...)),
		},
		CheckDestroy: func(*terraform.State) error { return compareDisabled(env, id) },
	})
}

// TestAccDropletBackups_usageBasedUnset: with no schedule configured, a usage-based plan chosen
// elsewhere is adopted as is: no diff, no action.
func TestAccDropletBackups_usageBasedUnset(t *testing.T) {
	env := newBackupsEnv(t)
	id := env.CreateDroplet(t, "backups-usage-unset")
	cfg := backupsConfig(env, id, "")
	acctest.ParallelTest(t,
		resource.TestStep{Config: cfg},
		acctest.EmptyPlan(cfg),
		resource.TestStep{
			PreConfig: func() {
				err := env.Emulator.Server.SetBackupPolicy(id, true, emulator.PolicySpec{Plan: "intra_daily_12h", Hour: hourPtr(8), RetentionPeriodDays: acctest.Ptr(21)})
				if err != nil {
					t.Fatal(err)
				}
			},
			Config:           cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("plan"), knownvalue.StringExact("intra_daily_12h")),
				expectBackups(env, id, wantBackups{true, "intra_daily_12h", "", hourPtr(8)}),
				expectUsage(env, id, 21),
				env.ExpectActionHistory(t, id, history(0)...),
			},
		},
	)
}

// TestAccDropletBackups_importUsageBased imports backups on a usage-based plan set up outside
// Terraform; the configuration that describes them plans nothing.
func TestAccDropletBackups_importUsageBased(t *testing.T) {
	env := newBackupsEnv(t)
	id := env.Emulator.Server.CreateDroplet(emulator.DropletSpec{Name: "import-usage", Backups: true,
		BackupPolicy: &emulator.PolicySpec{Plan: "intra_daily_12h", Hour: hourPtr(4), RetentionPeriodDays: acctest.Ptr(21)}}).ID
	cfg := backupsConfig(env, id, `  plan                  = "intra_daily_12h"
  hour                  = 4
  retention_period_days = 21`)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:             cfg,
				ResourceName:       backupsAddr,
				ImportState:        true,
				ImportStateId:      strconv.Itoa(id),
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("imported %d objects, want 1", len(states))
					}
					a := states[0].Attributes
					want := map[string]string{
						"enabled": "true", "plan": "intra_daily_12h", "hour": "4",
						"window_length_hours": "4", "retention_period_days": "21",
					}
					for k, v := range want {
						if a[k] != v {
							return fmt.Errorf("imported %s = %q, want %q", k, a[k], v)
						}
					}
					if w, ok := a["weekday"]; ok && w != "" {
						return fmt.Errorf("imported weekday = %q, want null", w)
					}
					return nil
				},
			},
			acctest.EmptyPlan(cfg,
				expectBackups(env, id, wantBackups{true, "intra_daily_12h", "", hourPtr(4)}),
				expectUsage(env, id, 21),
				env.ExpectActionHistory(t, id),
			),
			{
				ResourceName:    backupsAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   strconv.Itoa(id),
				Config:          cfg,
			},
		},
		CheckDestroy: func(*terraform.State) error { return compareDisabled(env, id) },
	})
}

// TestAccDropletBackups_usageBasedNotOffered: on an account without usage-based plans, asking for
// one fails at plan time, listing the plans the account does offer, and no action starts. A
// retention outside the offered range fails the same way where the plans are offered.
func TestAccDropletBackups_usageBasedNotOffered(t *testing.T) {
	env := acctest.NewEnv(t, func(o *emulator.Options) { o.NoUsageBasedBackups = true })
	env.SkipIfReal(t)
	fresh := env.CreateDroplet(t, "usage-not-offered-new")
	daily := env.CreateDroplet(t, "usage-not-offered-daily")
	notOffered := regexp.MustCompile(`(?s)Backup plan "intra_daily_4h" is not offered to this account.*` +
		"`weekly` and `daily`")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				// Creating: the plan fails before backups are turned on.
				Config: backupsConfig(env, fresh, `  plan = "intra_daily_4h"
  hour = 0`),
				ExpectError: notOffered,
			},
			{
				Config: backupsConfig(env, daily, `  plan = "daily"
  hour = 4`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectBackups(env, daily, wantBackups{true, "daily", "", hourPtr(4)}),
					env.ExpectActionHistory(t, daily, history(0)...),
				},
			},
			{
				// Changing: the plan fails before change_backup_policy is sent.
				Config: backupsConfig(env, daily, `  plan                  = "intra_daily_4h"
  retention_period_days = 3`),
				ExpectError: notOffered,
			},
			acctest.EmptyPlan(backupsConfig(env, daily, `  plan = "daily"
  hour = 4`),
				env.ExpectActionHistory(t, fresh),
				env.ExpectActionHistory(t, daily, history(0)...),
				expectBackups(env, daily, wantBackups{true, "daily", "", hourPtr(4)}),
			),
		},
		CheckDestroy: func(*terraform.State) error { return compareDisabled(env, daily) },
	})
}

// TestAccDropletBackups_retentionNotOffered: a retention outside the range the account offers, and
// an hour that opens no window of the plan kept from the droplet, fail at plan time; nothing is sent.
func TestAccDropletBackups_retentionNotOffered(t *testing.T) {
	env := newBackupsEnv(t)
	id := env.CreateDroplet(t, "usage-retention")
	created := backupsConfig(env, id, `  plan = "intra_daily_6h"
  hour = 0`)
	outOfRange := regexp.MustCompile(`(?s)Retention of 31 days is not offered with plan "intra_daily_[46]h".*between 1 and 30 days`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: backupsConfig(env, id, `  plan                  = "intra_daily_4h"
  retention_period_days = 31`),
				ExpectError: outOfRange,
			},
			{Config: created, ConfigStateChecks: []statecheck.StateCheck{env.ExpectActionHistory(t, id, history(0)...)}},
			{
				// An hour valid for daily plans, judged against the plan kept from the droplet:
				// intra_daily_6h opens its windows at 0 and 4 only.
				Config:      backupsConfig(env, id, `  hour = 12`),
				ExpectError: regexp.MustCompile(`(?s)Hour 12 is not a window start of plan "intra_daily_6h"`),
			},
			{
				Config: backupsConfig(env, id, `  plan                  = "intra_daily_6h"
  retention_period_days = 31`),
				ExpectError: outOfRange,
			},
			acctest.EmptyPlan(created,
				env.ExpectActionHistory(t, id, history(0)...),
				expectBackups(env, id, wantBackups{true, "intra_daily_6h", "", hourPtr(0)}),
				expectUsage(env, id, 7),
			),
		},
		CheckDestroy: func(*terraform.State) error { return compareDisabled(env, id) },
	})
}

// TestAccDropletBackups_offeredReadOncePerProcess plans several resources that each need the
// account's supported policies: every terraform command reads them once, whatever the number of
// resources.
func TestAccDropletBackups_offeredReadOncePerProcess(t *testing.T) {
	env := newBackupsEnv(t)
	const route = "GET /v2/droplets/backups/supported_policies"
	var body string
	for i, plan := range []string{"intra_daily_4h", "intra_daily_6h", "intra_daily_12h", "daily", "weekly"} {
		id := env.CreateDroplet(t, fmt.Sprintf("offered-once-%d", i))
		body += acctest.Backups{Label: fmt.Sprintf("b%d", i), DropletID: id, Plan: plan}.HCL()
	}
	acctest.ParallelTest(t,
		resource.TestStep{
			PreConfig:          func() { env.Emulator.Server.ResetStats() },
			Config:             env.Config(body),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		},
		resource.TestStep{
			// A plan-only step runs two terraform plans, each a provider process of its own;
			// a read per resource would be five each.
			PreConfig: func() {
				if n := env.Emulator.Server.Stats().Requests[route]; n < 1 || n > 2 {
					t.Errorf("two plans of five resources sent %d %q requests, want one per plan", n, route)
				}
			},
			Config:             env.Config(body),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		},
	)
}
