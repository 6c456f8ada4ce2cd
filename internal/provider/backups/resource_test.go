package backups_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dropletops/terraform-provider-droplet/internal/acctest"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

const backupsAddr = "droplet_backups.test"

// backupsConfig is a droplet_backups resource for the droplet with the given arguments.
func backupsConfig(env *acctest.Env, dropletID int, args string) string {
	return env.Config(acctest.Backups{DropletID: dropletID, Args: args}.HCL())
}

// newBackupsEnv starts an emulator for a test that needs its control over the API.
func newBackupsEnv(t *testing.T) *acctest.Env {
	t.Helper()
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	return env
}

// wantBackups is what the emulator must hold after a step. Empty strings and a nil hour are not checked.
type wantBackups struct {
	enabled       bool
	plan, weekday string
	hour          *int
}

func hourPtr(h int) *int { return &h }

// expectBackups checks the emulator's own record of the droplet's backups against want, and that
// every policy attribute in the Terraform state is what the emulator reports.
func expectBackups(env *acctest.Env, dropletID int, want wantBackups) statecheck.StateCheck {
	return acctest.Check(func(_ context.Context, req statecheck.CheckStateRequest) error {
		rec, ok := env.Emulator.Server.BackupPolicy(dropletID)
		if !ok {
			return fmt.Errorf("emulator: droplet %d does not exist", dropletID)
		}
		if err := compareRecord(rec, want); err != nil {
			return fmt.Errorf("emulator record of droplet %d: %w", dropletID, err)
		}
		attrs, err := acctest.Attributes(req, backupsAddr)
		if err != nil {
			return err
		}
		if err := compareStateToRecord(attrs, rec); err != nil {
			return fmt.Errorf("state of %s against the emulator: %w", backupsAddr, err)
		}
		return nil
	})
}

func compareRecord(rec emulator.PolicyRecord, want wantBackups) error {
	if rec.BackupEnabled != want.enabled {
		return fmt.Errorf("backup_enabled = %v, want %v", rec.BackupEnabled, want.enabled)
	}
	if !want.enabled {
		if rec.BackupPolicy != nil || rec.NextBackupWindow != nil {
			return fmt.Errorf("backups are off but the record has a policy %+v or window %+v", rec.BackupPolicy, rec.NextBackupWindow)
		}
		return nil
	}
	p := rec.BackupPolicy
	if p == nil {
		return fmt.Errorf("backups are on but the record has no policy")
	}
	if want.plan != "" && p.Plan != want.plan {
		return fmt.Errorf("plan = %q, want %q", p.Plan, want.plan)
	}
	if want.weekday != "" && p.Weekday != want.weekday {
		return fmt.Errorf("weekday = %q, want %q", p.Weekday, want.weekday)
	}
	if want.hour != nil && p.Hour != *want.hour {
		return fmt.Errorf("hour = %d, want %d", p.Hour, *want.hour)
	}
	return nil
}

func compareStateToRecord(attrs map[string]any, rec emulator.PolicyRecord) error {
	if got := attrs["enabled"]; got != rec.BackupEnabled {
		return fmt.Errorf("enabled = %v, emulator %v", got, rec.BackupEnabled)
	}
	if !rec.BackupEnabled {
		for _, name := range []string{"plan", "weekday", "hour", "window_length_hours", "retention_period_days", "next_backup_window"} {
			if attrs[name] != nil {
				return fmt.Errorf("%s = %v, want null while backups are off", name, attrs[name])
			}
		}
		return nil
	}
	p := rec.BackupPolicy
	var wantWeekday any
	if p.Weekday != "" {
		wantWeekday = p.Weekday
	}
	checks := []struct {
		name string
		want any
	}{
		{"plan", p.Plan},
		{"weekday", wantWeekday},
		{"hour", int64(p.Hour)},
		{"window_length_hours", int64(p.WindowLengthHours)},
		{"retention_period_days", int64(p.RetentionPeriodDays)},
	}
	for _, c := range checks {
		got := attrs[c.name]
		if n, ok := got.(json.Number); ok {
			i, err := n.Int64()
			if err != nil {
				return fmt.Errorf("%s = %v: %w", c.name, n, err)
			}
			got = i
		}
		if got != c.want {
			return fmt.Errorf("%s = %v, emulator %v", c.name, got, c.want)
		}
	}
	win, ok := attrs["next_backup_window"].(map[string]any)
	if !ok || rec.NextBackupWindow == nil {
		return fmt.Errorf("next_backup_window = %v, emulator %v", attrs["next_backup_window"], rec.NextBackupWindow)
	}
	for name, want := range map[string]time.Time{"start": rec.NextBackupWindow.Start, "end": rec.NextBackupWindow.End} {
		s, _ := win[name].(string)
		got, err := time.Parse(time.RFC3339, s)
		if err != nil || !got.Equal(want) {
			return fmt.Errorf("next_backup_window.%s = %q, emulator %s", name, s, want.Format(time.RFC3339))
		}
	}
	return nil
}

// expectActions checks how many actions of each type the droplet has had in total.
func expectActions(env *acctest.Env, dropletID int, want map[string]int) statecheck.StateCheck {
	return acctest.Check(func(context.Context, statecheck.CheckStateRequest) error {
		return compareActionCounts(env, dropletID, want)
	})
}

func compareActionCounts(env *acctest.Env, dropletID int, want map[string]int) error {
	got := map[string]int{}
	for _, a := range env.Emulator.Server.DropletActions(dropletID) {
		got[a.Type]++
	}
	for typ, n := range want {
		if got[typ] != n {
			return fmt.Errorf("droplet %d has %d %s actions, want %d (all: %v)", dropletID, got[typ], typ, n, got)
		}
	}
	return nil
}

func stateInt(v int) knownvalue.Check { return knownvalue.Int64Exact(int64(v)) }

func TestAccDropletBackups_defaultPolicy(t *testing.T) {
	env := newBackupsEnv(t)
	id := env.CreateDroplet(t, "backups-default")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: backupsConfig(env, id, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(backupsAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("id"), knownvalue.StringExact(strconv.Itoa(id))),
						plancheck.ExpectUnknownValue(backupsAddr, tfjsonpath.New("plan")),
						plancheck.ExpectUnknownValue(backupsAddr, tfjsonpath.New("hour")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("id"), knownvalue.StringExact(strconv.Itoa(id))),
					statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("plan"), knownvalue.StringExact("daily")),
					statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("weekday"), knownvalue.Null()),
					statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("hour"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("window_length_hours"), knownvalue.Int64Exact(4)),
					statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("retention_period_days"), knownvalue.Int64Exact(7)),
					statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("next_backup_window"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"start": knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:00:00Z$`)),
						"end":   knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:00:00Z$`)),
					})),
					statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("snapshot_backups_on_disable"), knownvalue.Bool(false)),
					expectBackups(env, id, wantBackups{enabled: true, plan: "daily"}),
					// The policy is sent with the enable action itself; no second action follows.
					expectActions(env, id, map[string]int{"enable_backups": 1, "change_backup_policy": 0}),
				},
			},
			// The API's choices are stored; the same configuration plans nothing.
			acctest.EmptyPlan(backupsConfig(env, id, "")),
			{
				ResourceName:      backupsAddr,
				ImportState:       true,
				ImportStateId:     strconv.Itoa(id),
				ImportStateVerify: true,
			},
			{
				ResourceName:    backupsAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   strconv.Itoa(id),
				Config:          backupsConfig(env, id, ""),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			return compareDisabled(env, id)
		},
	})
}

// compareDisabled checks that destroying the resource turned backups off.
func compareDisabled(env *acctest.Env, dropletID int) error {
	rec, ok := env.Emulator.Server.BackupPolicy(dropletID)
	if !ok {
		return fmt.Errorf("emulator: droplet %d is gone", dropletID)
	}
	if err := compareRecord(rec, wantBackups{enabled: false}); err != nil {
		return fmt.Errorf("after destroy, droplet %d: %w", dropletID, err)
	}
	d, _ := env.Emulator.Server.Droplet(dropletID)
	if slices.Contains(d.Features, "backups") || d.NextBackupWindow != nil {
		return fmt.Errorf("after destroy, droplet %d still shows backups: features %v, window %v", dropletID, d.Features, d.NextBackupWindow)
	}
	return nil
}

func TestAccDropletBackups_daily(t *testing.T) {
	env := newBackupsEnv(t)
	id := env.CreateDroplet(t, "backups-daily")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: backupsConfig(env, id, `  plan = "daily"
  hour = 20`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("weekday"), knownvalue.Null()),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("plan"), knownvalue.StringExact("daily")),
					statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("hour"), knownvalue.Int64Exact(20)),
					statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("weekday"), knownvalue.Null()),
					statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("retention_period_days"), knownvalue.Int64Exact(7)),
					expectBackups(env, id, wantBackups{enabled: true, plan: "daily", hour: hourPtr(20)}),
					expectActions(env, id, map[string]int{"enable_backups": 1, "change_backup_policy": 0}),
				},
			},
			acctest.EmptyPlan(backupsConfig(env, id, `  plan = "daily"
  hour = 20`)),
		},
		CheckDestroy: func(*terraform.State) error { return compareDisabled(env, id) },
	})
}

func TestAccDropletBackups_weekly(t *testing.T) {
	env := newBackupsEnv(t)
	id := env.CreateDroplet(t, "backups-weekly")
	cfg := backupsConfig(env, id, `  plan    = "weekly"
  weekday = "TUE"
  hour    = 8`)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("plan"), knownvalue.StringExact("weekly")),
					statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("weekday"), knownvalue.StringExact("TUE")),
					statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("hour"), knownvalue.Int64Exact(8)),
					statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("window_length_hours"), knownvalue.Int64Exact(4)),
					statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("retention_period_days"), knownvalue.Int64Exact(28)),
					expectBackups(env, id, wantBackups{enabled: true, plan: "weekly", weekday: "TUE", hour: hourPtr(8)}),
					expectActions(env, id, map[string]int{"enable_backups": 1, "change_backup_policy": 0}),
				},
			},
			acctest.EmptyPlan(cfg),
			{
				ResourceName:      backupsAddr,
				ImportState:       true,
				ImportStateId:     strconv.Itoa(id),
				ImportStateVerify: true,
			},
		},
		CheckDestroy: func(*terraform.State) error { return compareDisabled(env, id) },
	})
}

// TestAccDropletBackups_updateInPlace walks through every in-place change of the schedule. Each
// step sends exactly one change_backup_policy action and never re-enables backups.
func TestAccDropletBackups_updateInPlace(t *testing.T) {
	env := newBackupsEnv(t)
	id := env.CreateDroplet(t, "backups-update")

	type step struct {
		args    string
		want    wantBackups
		weekday knownvalue.Check
		changes int // change_backup_policy actions so far
	}
	steps := []step{
		{`  plan = "daily"
  hour = 4`, wantBackups{true, "daily", "", hourPtr(4)}, knownvalue.Null(), 0},
		// hour only
		{`  plan = "daily"
  hour = 12`, wantBackups{true, "daily", "", hourPtr(12)}, knownvalue.Null(), 1},
		// daily → weekly with a weekday; the hour is kept
		{`  plan    = "weekly"
  weekday = "MON"
  hour    = 12`, wantBackups{true, "weekly", "MON", hourPtr(12)}, knownvalue.StringExact("MON"), 2},
		// weekday only
		{`  plan    = "weekly"
  weekday = "SAT"
  hour    = 12`, wantBackups{true, "weekly", "SAT", hourPtr(12)}, knownvalue.StringExact("SAT"), 3},
		// hour left unset: it keeps the current value, so nothing is sent
		{`  plan    = "weekly"
  weekday = "SAT"`, wantBackups{true, "weekly", "SAT", hourPtr(12)}, knownvalue.StringExact("SAT"), 3},
		// weekly → daily with weekday unset: the weekday becomes null and the hour stays
		{`  plan = "daily"`, wantBackups{true, "daily", "", hourPtr(12)}, knownvalue.Null(), 4},
		// hour 0 is a real value, not "unset"
		{`  plan = "daily"
  hour = 0`, wantBackups{true, "daily", "", hourPtr(0)}, knownvalue.Null(), 5},
	}

	var tsteps []resource.TestStep
	for i, s := range steps {
		action := plancheck.ResourceActionUpdate
		switch {
		case i == 0:
			action = plancheck.ResourceActionCreate
		case steps[i-1].changes == s.changes:
			action = plancheck.ResourceActionNoop
		}
		tsteps = append(tsteps, resource.TestStep{
			Config: backupsConfig(env, id, s.args),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(backupsAddr, action),
					// The plan already shows the weekday: null for daily plans, never the old day.
					plancheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("weekday"), s.weekday),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("plan"), knownvalue.StringExact(s.want.plan)),
				statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("weekday"), s.weekday),
				statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("hour"), stateInt(*s.want.hour)),
				expectBackups(env, id, s.want),
				expectActions(env, id, map[string]int{"enable_backups": 1, "change_backup_policy": s.changes, "disable_backups": 0}),
			},
		}, acctest.EmptyPlan(backupsConfig(env, id, s.args)))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps:                    tsteps,
		CheckDestroy:             func(*terraform.State) error { return compareDisabled(env, id) },
	})
}

func TestAccDropletBackups_enabledOffOn(t *testing.T) {
	env := newBackupsEnv(t)
	id := env.CreateDroplet(t, "backups-toggle")
	var backupID int

	nullPolicy := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
		statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("plan"), knownvalue.Null()),
		statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("weekday"), knownvalue.Null()),
		statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("hour"), knownvalue.Null()),
		statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("window_length_hours"), knownvalue.Null()),
		statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("retention_period_days"), knownvalue.Null()),
		statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("next_backup_window"), knownvalue.Null()),
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: backupsConfig(env, id, `  plan    = "weekly"
  weekday = "WED"
  hour    = 16`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectBackups(env, id, wantBackups{true, "weekly", "WED", hourPtr(16)}),
				},
			},
			{
				PreConfig: func() {
					img, err := env.Emulator.Server.TakeBackup(id)
					if err != nil {
						t.Fatalf("take backup: %v", err)
					}
					backupID = img.ID
				},
				Config: backupsConfig(env, id, `  enabled = false`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(backupsAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("plan"), knownvalue.Null()),
						plancheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("next_backup_window"), knownvalue.Null()),
					},
				},
				ConfigStateChecks: append(slices.Clone(nullPolicy),
					expectBackups(env, id, wantBackups{enabled: false}),
					expectActions(env, id, map[string]int{"enable_backups": 1, "disable_backups": 1, "change_backup_policy": 0}),
					// Without snapshot_backups_on_disable the backup is left to its retention.
					acctest.Check(func(context.Context, statecheck.CheckStateRequest) error {
						img, ok := env.Emulator.Server.Image(backupID)
						if !ok || img.Type != "backup" {
							return fmt.Errorf("backup %d after disable: present %v, type %q; want an untouched backup", backupID, ok, img.Type)
						}
						return nil
					}),
				),
			},
			acctest.EmptyPlan(backupsConfig(env, id, `  enabled = false`)),
			{
				ResourceName:      backupsAddr,
				ImportState:       true,
				ImportStateId:     strconv.Itoa(id),
				ImportStateVerify: true,
			},
			{
				// Back on without a schedule: DigitalOcean's default (daily) is stored.
				Config: backupsConfig(env, id, `  enabled = true`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(backupsAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(backupsAddr, tfjsonpath.New("plan")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("plan"), knownvalue.StringExact("daily")),
					expectBackups(env, id, wantBackups{enabled: true, plan: "daily"}),
					expectActions(env, id, map[string]int{"enable_backups": 2, "disable_backups": 1, "change_backup_policy": 0}),
				},
			},
			acctest.EmptyPlan(backupsConfig(env, id, `  enabled = true`)),
		},
		CheckDestroy: func(*terraform.State) error { return compareDisabled(env, id) },
	})
}

// TestAccDropletBackups_drift changes the droplet's backups through the API between steps, the way
// the control panel would, and expects each change to show in the next plan and be undone.
func TestAccDropletBackups_drift(t *testing.T) {
	env := newBackupsEnv(t)
	id := env.CreateDroplet(t, "backups-drift")
	cfg := backupsConfig(env, id, `  plan    = "weekly"
  weekday = "THU"
  hour    = 4`)
	want := wantBackups{true, "weekly", "THU", hourPtr(4)}
	setPolicy := func(enabled bool, p emulator.PolicySpec) func() {
		return func() {
			if err := env.Emulator.Server.SetBackupPolicy(id, enabled, p); err != nil {
				t.Fatalf("change backups out of band: %v", err)
			}
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigStateChecks: []statecheck.StateCheck{expectBackups(env, id, want)},
			},
			{
				// Schedule changed elsewhere: one change_backup_policy puts it back.
				PreConfig: setPolicy(true, emulator.PolicySpec{Plan: "daily", Hour: hourPtr(20)}),
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(backupsAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("plan"), knownvalue.StringExact("weekly")),
						plancheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("hour"), knownvalue.Int64Exact(4)),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					expectBackups(env, id, want),
					expectActions(env, id, map[string]int{"enable_backups": 1, "change_backup_policy": 1}),
				},
			},
			{
				// Turned off elsewhere: enable_backups with the policy, in one action.
				PreConfig: setPolicy(false, emulator.PolicySpec{}),
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(backupsAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					expectBackups(env, id, want),
					expectActions(env, id, map[string]int{"enable_backups": 2, "change_backup_policy": 1}),
				},
			},
			{
				Config: backupsConfig(env, id, `  enabled = false`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectBackups(env, id, wantBackups{enabled: false}),
					expectActions(env, id, map[string]int{"disable_backups": 1}),
				},
			},
			{
				// Turned on elsewhere while the configuration says off: turned off again.
				PreConfig: setPolicy(true, emulator.PolicySpec{Plan: "weekly", Weekday: "FRI", Hour: hourPtr(8)}),
				Config:    backupsConfig(env, id, `  enabled = false`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(backupsAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
						plancheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("plan"), knownvalue.Null()),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					expectBackups(env, id, wantBackups{enabled: false}),
					expectActions(env, id, map[string]int{"disable_backups": 2}),
				},
			},
		},
		CheckDestroy: func(*terraform.State) error { return compareDisabled(env, id) },
	})
}

// TestAccDropletBackups_driftUnsetFields: with nothing configured but the defaults, a schedule
// changed elsewhere is adopted without a diff, and only turning backups off shows.
func TestAccDropletBackups_driftUnsetFields(t *testing.T) {
	env := newBackupsEnv(t)
	id := env.CreateDroplet(t, "backups-drift-unset")

	acctest.ParallelTest(t,
		resource.TestStep{Config: backupsConfig(env, id, "")},
		resource.TestStep{
			PreConfig: func() {
				if err := env.Emulator.Server.SetBackupPolicy(id, true, emulator.PolicySpec{Plan: "weekly", Weekday: "SUN", Hour: hourPtr(0)}); err != nil {
					t.Fatal(err)
				}
			},
			Config: backupsConfig(env, id, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("plan"), knownvalue.StringExact("weekly")),
				statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("weekday"), knownvalue.StringExact("SUN")),
				statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("hour"), knownvalue.Int64Exact(0)),
				statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("retention_period_days"), knownvalue.Int64Exact(28)),
				expectBackups(env, id, wantBackups{true, "weekly", "SUN", hourPtr(0)}),
				expectActions(env, id, map[string]int{"enable_backups": 1, "change_backup_policy": 0}),
			},
		},
		resource.TestStep{
			PreConfig: func() {
				if err := env.Emulator.Server.SetBackupPolicy(id, false, emulator.PolicySpec{}); err != nil {
					t.Fatal(err)
				}
			},
			Config: backupsConfig(env, id, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(backupsAddr, plancheck.ResourceActionUpdate)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				expectBackups(env, id, wantBackups{enabled: true, plan: "daily"}),
				expectActions(env, id, map[string]int{"enable_backups": 2}),
			},
		},
	)
}

// TestAccDropletBackups_adopt creates the resource for droplets whose backups are already on.
func TestAccDropletBackups_adopt(t *testing.T) {
	env := newBackupsEnv(t)
	same := env.Emulator.Server.CreateDroplet(emulator.DropletSpec{Name: "adopt-same", Backups: true,
		BackupPolicy: &emulator.PolicySpec{Plan: "weekly", Weekday: "FRI", Hour: hourPtr(16)}}).ID
	other := env.Emulator.Server.CreateDroplet(emulator.DropletSpec{Name: "adopt-other", Backups: true,
		BackupPolicy: &emulator.PolicySpec{Plan: "weekly", Weekday: "FRI", Hour: hourPtr(16)}}).ID

	cfg := env.Config(fmt.Sprintf(`
resource "droplet_backups" "same" {
  droplet_id = %d
  plan       = "weekly"
  hour       = 16
}

resource "droplet_backups" "other" {
  droplet_id = %d
  plan       = "daily"
}
`, same, other))

	acctest.ParallelTest(t,
		resource.TestStep{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				// Matching policy (weekday not configured, so not compared): no action at all.
				statecheck.ExpectKnownValue("droplet_backups.same", tfjsonpath.New("weekday"), knownvalue.StringExact("FRI")),
				statecheck.ExpectKnownValue("droplet_backups.same", tfjsonpath.New("hour"), knownvalue.Int64Exact(16)),
				expectActions(env, same, map[string]int{"enable_backups": 0, "change_backup_policy": 0}),
				// Another policy: one change_backup_policy, keeping the hour, never enable_backups.
				statecheck.ExpectKnownValue("droplet_backups.other", tfjsonpath.New("plan"), knownvalue.StringExact("daily")),
				statecheck.ExpectKnownValue("droplet_backups.other", tfjsonpath.New("weekday"), knownvalue.Null()),
				statecheck.ExpectKnownValue("droplet_backups.other", tfjsonpath.New("hour"), knownvalue.Int64Exact(16)),
				expectActions(env, other, map[string]int{"enable_backups": 0, "change_backup_policy": 1}),
				acctest.Check(func(context.Context, statecheck.CheckStateRequest) error {
					rec, _ := env.Emulator.Server.BackupPolicy(other)
					return compareRecord(rec, wantBackups{true, "daily", "", hourPtr(16)})
				}),
			},
		},
		acctest.EmptyPlan(cfg),
	)
}

// TestAccDropletBackups_createDisabled adopts a droplet with backups on under enabled = false.
func TestAccDropletBackups_createDisabled(t *testing.T) {
	env := newBackupsEnv(t)
	on := env.Emulator.Server.CreateDroplet(emulator.DropletSpec{Name: "create-disabled-on", Backups: true}).ID
	off := env.CreateDroplet(t, "create-disabled-off")
	cfg := env.Config(fmt.Sprintf(`
resource "droplet_backups" "on" {
  droplet_id = %d
  enabled    = false
}

resource "droplet_backups" "off" {
  droplet_id = %d
  enabled    = false
}
`, on, off))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue("droplet_backups.on", tfjsonpath.New("plan"), knownvalue.Null()),
						plancheck.ExpectKnownValue("droplet_backups.on", tfjsonpath.New("next_backup_window"), knownvalue.Null()),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("droplet_backups.on", tfjsonpath.New("enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("droplet_backups.off", tfjsonpath.New("enabled"), knownvalue.Bool(false)),
					expectActions(env, on, map[string]int{"disable_backups": 1}),
					expectActions(env, off, map[string]int{"disable_backups": 0, "enable_backups": 0}),
					acctest.Check(func(context.Context, statecheck.CheckStateRequest) error {
						rec, _ := env.Emulator.Server.BackupPolicy(on)
						return compareRecord(rec, wantBackups{enabled: false})
					}),
				},
			},
			acctest.EmptyPlan(cfg),
		},
		CheckDestroy: func(*terraform.State) error {
			// Already off: destroying sends nothing.
			return compareActionCounts(env, off, map[string]int{"disable_backups": 0})
		},
	})
}

// TestAccDropletBackups_importExisting imports backups set up outside Terraform, with the import
// command, and expects the configuration that describes them to plan nothing.
func TestAccDropletBackups_importExisting(t *testing.T) {
	env := newBackupsEnv(t)
	id := env.Emulator.Server.CreateDroplet(emulator.DropletSpec{Name: "import-existing", Backups: true,
		BackupPolicy: &emulator.PolicySpec{Plan: "weekly", Weekday: "MON", Hour: hourPtr(20)}}).ID
	cfg := backupsConfig(env, id, `  plan    = "weekly"
  weekday = "MON"
  hour    = 20`)

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
						"id": strconv.Itoa(id), "droplet_id": strconv.Itoa(id), "enabled": "true",
						"plan": "weekly", "weekday": "MON", "hour": "20", "window_length_hours": "4",
						"retention_period_days": "28", "snapshot_backups_on_disable": "false",
					}
					for k, v := range want {
						if a[k] != v {
							return fmt.Errorf("imported %s = %q, want %q", k, a[k], v)
						}
					}
					if a["next_backup_window.start"] == "" || a["next_backup_window.end"] == "" {
						return fmt.Errorf("imported next_backup_window is empty: %v", a)
					}
					return nil
				},
			},
			acctest.EmptyPlan(cfg,
				expectBackups(env, id, wantBackups{true, "weekly", "MON", hourPtr(20)}),
				expectActions(env, id, map[string]int{"enable_backups": 0, "change_backup_policy": 0}),
			),
			{
				// An import block against the same droplet also plans nothing but the import.
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

func TestAccDropletBackups_importInvalidID(t *testing.T) {
	env := newBackupsEnv(t)
	id := env.CreateDroplet(t, "import-invalid")
	acctest.ParallelTest(t,
		resource.TestStep{
			Config:        backupsConfig(env, id, ""),
			ResourceName:  backupsAddr,
			ImportState:   true,
			ImportStateId: "web-01",
			ExpectError:   regexp.MustCompile(`droplet's numeric ID`),
		},
	)
}

// TestAccDropletBackups_identity needs Terraform 1.12+ (resource identity).
func TestAccDropletBackups_identity(t *testing.T) {
	env := newBackupsEnv(t)
	id := env.CreateDroplet(t, "backups-identity")
	cfg := backupsConfig(env, id, `  plan = "daily"`)

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{
			acctest.SkipWithout(acctest.IdentityImport),
		},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(backupsAddr, map[string]knownvalue.Check{
						"droplet_id": knownvalue.Int64Exact(int64(id)),
					}),
					statecheck.ExpectIdentityValueMatchesState(backupsAddr, tfjsonpath.New("droplet_id")),
				},
			},
			{
				ResourceName:    backupsAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				Config:          cfg,
			},
		},
	})
}

func TestAccDropletBackups_snapshotOnDisable(t *testing.T) {
	env := newBackupsEnv(t)
	id := env.CreateDroplet(t, "backups-snapshot")
	var first, last []int
	takeBackups := func(n int, into *[]int) func() {
		return func() {
			for range n {
				img, err := env.Emulator.Server.TakeBackup(id)
				if err != nil {
					t.Fatalf("take backup: %v", err)
				}
				*into = append(*into, img.ID)
			}
		}
	}
	expectSnapshots := func(ids *[]int) error {
		d, ok := env.Emulator.Server.Droplet(id)
		if !ok {
			return fmt.Errorf("droplet %d is gone", id)
		}
		if len(*ids) == 0 {
			return fmt.Errorf("no backups were taken")
		}
		for _, imgID := range *ids {
			img, ok := env.Emulator.Server.Image(imgID)
			if !ok {
				return fmt.Errorf("image %d is gone", imgID)
			}
			if img.Type != "snapshot" || !slices.Contains(d.SnapshotIDs, imgID) || slices.Contains(d.BackupIDs, imgID) {
				return fmt.Errorf("image %d: type %q, snapshot_ids %v, backup_ids %v; want a snapshot", imgID, img.Type, d.SnapshotIDs, d.BackupIDs)
			}
		}
		return nil
	}
	on := `  plan                        = "daily"
  snapshot_backups_on_disable = true`
	off := `  enabled                     = false
  snapshot_backups_on_disable = true`

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: backupsConfig(env, id, on),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("snapshot_backups_on_disable"), knownvalue.Bool(true)),
					expectBackups(env, id, wantBackups{enabled: true, plan: "daily"}),
				},
			},
			{
				PreConfig: takeBackups(3, &first),
				Config:    backupsConfig(env, id, off),
				ConfigStateChecks: []statecheck.StateCheck{
					expectBackups(env, id, wantBackups{enabled: false}),
					acctest.Check(func(context.Context, statecheck.CheckStateRequest) error { return expectSnapshots(&first) }),
				},
			},
			{
				Config: backupsConfig(env, id, on),
				ConfigStateChecks: []statecheck.StateCheck{
					expectBackups(env, id, wantBackups{enabled: true, plan: "daily"}),
				},
			},
			{
				// A new backup before destroy; destroying converts it too.
				PreConfig: takeBackups(2, &last),
				Config:    backupsConfig(env, id, on),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if err := compareDisabled(env, id); err != nil {
				return err
			}
			return expectSnapshots(&last)
		},
	})
}

// TestAccDropletBackups_dropletDeleted: a droplet destroyed outside Terraform takes its backups
// with it; the resource leaves the state and the next plan creates it again.
func TestAccDropletBackups_dropletDeleted(t *testing.T) {
	env := newBackupsEnv(t)
	id := env.CreateDroplet(t, "backups-deleted")

	acctest.ParallelTest(t,
		resource.TestStep{
			Config:            backupsConfig(env, id, `  plan = "daily"`),
			ConfigStateChecks: []statecheck.StateCheck{expectBackups(env, id, wantBackups{enabled: true, plan: "daily"})},
		},
		resource.TestStep{
			PreConfig: func() {
				if !env.Emulator.Server.DeleteDroplet(id) {
					t.Fatalf("droplet %d was already gone", id)
				}
			},
			RefreshState:       true,
			ExpectNonEmptyPlan: true,
			Check: func(s *terraform.State) error {
				if _, ok := s.RootModule().Resources[backupsAddr]; ok {
					return fmt.Errorf("%s is still in the state after its droplet was deleted", backupsAddr)
				}
				return nil
			},
		},
		resource.TestStep{
			Config:             backupsConfig(env, id, `  plan = "daily"`),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		},
	)
}

// TestAccDropletBackups_busyDroplet: the droplet is running another action when Terraform acts;
// the change waits for it and is sent once.
func TestAccDropletBackups_busyDroplet(t *testing.T) {
	env := newBackupsEnv(t)
	id := env.CreateDroplet(t, "backups-busy")
	busy := func() {
		if _, err := env.Emulator.Server.StartAction(id, "reboot", 2*time.Second); err != nil {
			t.Fatalf("start reboot: %v", err)
		}
	}
	startedAfterReboots := acctest.Check(func(context.Context, statecheck.CheckStateRequest) error {
		var rebootsDone []time.Time
		for _, a := range env.Emulator.Server.DropletActions(id) {
			switch a.Type {
			case "reboot":
				if a.Status != "completed" || a.CompletedAt == nil {
					return fmt.Errorf("reboot %d is %s", a.ID, a.Status)
				}
				rebootsDone = append(rebootsDone, *a.CompletedAt)
			case "enable_backups", "change_backup_policy":
				for _, done := range rebootsDone {
					if a.StartedAt.Before(done) {
						return fmt.Errorf("%s %d started at %s, before the reboot ended at %s", a.Type, a.ID, a.StartedAt, done)
					}
				}
			}
		}
		return nil
	})

	acctest.ParallelTest(t,
		resource.TestStep{
			PreConfig: busy,
			Config: backupsConfig(env, id, `  plan = "daily"
  hour = 4`),
			ConfigStateChecks: []statecheck.StateCheck{
				expectBackups(env, id, wantBackups{true, "daily", "", hourPtr(4)}),
				expectActions(env, id, map[string]int{"reboot": 1, "enable_backups": 1}),
				startedAfterReboots,
			},
		},
		resource.TestStep{
			PreConfig: busy,
			Config: backupsConfig(env, id, `  plan = "daily"
  hour = 8`),
			ConfigStateChecks: []statecheck.StateCheck{
				expectBackups(env, id, wantBackups{true, "daily", "", hourPtr(8)}),
				expectActions(env, id, map[string]int{"reboot": 2, "enable_backups": 1, "change_backup_policy": 1}),
				startedAfterReboots,
			},
		},
	)
}

// TestAccDropletBackups_erroredAction: an action that ends errored fails the apply with the
// droplet, action ID and type; the state keeps what DigitalOcean reports and the next apply converges.
func TestAccDropletBackups_erroredAction(t *testing.T) {
	env := newBackupsEnv(t)
	id := env.CreateDroplet(t, "backups-errored")
	daily4 := backupsConfig(env, id, `  plan = "daily"
  hour = 4`)
	daily16 := backupsConfig(env, id, `  plan = "daily"
  hour = 16`)
	actionErr := func(typ string) *regexp.Regexp {
		return regexp.MustCompile(fmt.Sprintf(`(?s)droplet %d.*%s\s+action\s+\d+\s+on\s+droplet\s+%d`, id, typ, id))
	}

	acctest.ParallelTest(t,
		resource.TestStep{
			PreConfig:   func() { env.Emulator.Server.FailNextAction(id, "enable_backups") },
			Config:      daily4,
			ExpectError: actionErr("enable_backups"),
		},
		resource.TestStep{
			// Nothing was recorded; the retry finds backups still off and enables them.
			Config: daily4,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(backupsAddr, plancheck.ResourceActionCreate)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				expectBackups(env, id, wantBackups{true, "daily", "", hourPtr(4)}),
				expectActions(env, id, map[string]int{"enable_backups": 2}),
			},
		},
		resource.TestStep{
			PreConfig:   func() { env.Emulator.Server.FailNextAction(id, "change_backup_policy") },
			Config:      daily16,
			ExpectError: actionErr("change_backup_policy"),
		},
		resource.TestStep{
			// The state still holds hour 4, as DigitalOcean does, so the change is planned again.
			Config: daily16,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(backupsAddr, plancheck.ResourceActionUpdate),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				expectBackups(env, id, wantBackups{true, "daily", "", hourPtr(16)}),
				expectActions(env, id, map[string]int{"change_backup_policy": 2}),
			},
		},
	)
}

// TestAccDropletBackups_validation: configurations DigitalOcean cannot hold fail at plan time and
// name the attribute and the allowed values, without an API call.
func TestAccDropletBackups_validation(t *testing.T) {
	env := newBackupsEnv(t)
	id := env.CreateDroplet(t, "backups-validation")
	cases := []struct {
		args string
		err  string
	}{
		{`  plan = "hourly"`, `(?s)plan.*daily.*weekly.*hourly`},
		{`  plan    = "weekly"
  weekday = "Monday"`, `(?s)weekday.*SUN.*SAT`},
		{`  hour = 5`, `(?s)hour.*0.*4.*8.*12.*16.*20.*got:\s+5`},
		{`  plan    = "daily"
  weekday = "MON"`, `(?s)weekday.*plan = "weekly"`},
		{`  weekday = "MON"`, `(?s)weekday.*plan = "weekly"`},
		{`  enabled = false
  hour    = 4`, `(?s)hour.*enabled = false`},
		{`  enabled = false
  plan    = "daily"`, `(?s)plan.*enabled = false`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      backupsConfig(env, id, c.args),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(c.err),
		})
	}
	steps = append(steps, resource.TestStep{
		Config: env.Config(`
resource "droplet_backups" "test" {
  droplet_id = 0
}
`),
		PlanOnly:    true,
		ExpectError: regexp.MustCompile(`(?s)droplet_id.*at least 1`),
	})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps:                    steps,
		CheckDestroy: func(*terraform.State) error {
			return compareActionCounts(env, id, map[string]int{"enable_backups": 0, "change_backup_policy": 0, "disable_backups": 0})
		},
	})
}

// TestAccDropletBackups_replace: a new droplet_id moves the backups: off on the old droplet,
// on for the new one.
func TestAccDropletBackups_replace(t *testing.T) {
	env := newBackupsEnv(t)
	a := env.CreateDroplet(t, "backups-replace-a")
	b := env.CreateDroplet(t, "backups-replace-b")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:            backupsConfig(env, a, `  plan = "weekly"`),
				ConfigStateChecks: []statecheck.StateCheck{expectBackups(env, a, wantBackups{enabled: true, plan: "weekly"})},
			},
			{
				Config: backupsConfig(env, b, `  plan = "weekly"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(backupsAddr, plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectUnknownValue(backupsAddr, tfjsonpath.New("weekday")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(backupsAddr, tfjsonpath.New("id"), knownvalue.StringExact(strconv.Itoa(b))),
					expectBackups(env, b, wantBackups{enabled: true, plan: "weekly"}),
					acctest.Check(func(context.Context, statecheck.CheckStateRequest) error { return compareDisabled(env, a) }),
				},
			},
		},
		CheckDestroy: func(*terraform.State) error { return compareDisabled(env, b) },
	})
}
