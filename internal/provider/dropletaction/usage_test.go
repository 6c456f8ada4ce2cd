package dropletaction_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dropletops/terraform-provider-droplet/internal/acctest"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// expectUsagePolicy checks the usage-based policy the emulator holds for the droplet.
func expectUsagePolicy(env *acctest.Env, id int, plan string, hour, retention int) statecheck.StateCheck {
	return acctest.Check(func(context.Context, statecheck.CheckStateRequest) error {
		rec, ok := env.Emulator.Server.BackupPolicy(id)
		if !ok || !rec.BackupEnabled || rec.BackupPolicy == nil {
			return fmt.Errorf("emulator: droplet %d has no backups on (%+v)", id, rec)
		}
		p := rec.BackupPolicy
		if p.Plan != plan || p.Hour != hour || p.RetentionPeriodDays != retention || p.Weekday != "" {
			return fmt.Errorf("emulator: droplet %d policy %+v, want %s at %d kept %d days", id, p, plan, hour, retention)
		}
		return nil
	})
}

// TestAccDropletAction_usageBasedPolicy sends a usage-based policy with enable_backups and with
// change_backup_policy, one action each, and the emulator then holds it.
func TestAccDropletAction_usageBasedPolicy(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	off := env.CreateDroplet(t, "action-usage-enable")
	daily := actionNewDroplet(env, emulator.DropletSpec{Name: "action-usage-change", Backups: true,
		BackupPolicy: &emulator.PolicySpec{Plan: "daily", Hour: acctest.Ptr(16)}})

	acctest.ParallelTest(t,
		resource.TestStep{
			Config: actionOnDroplet(env, daily, `type = "change_backup_policy"
  backup_policy = {
    plan                  = "intra_daily_12h"
    hour                  = 8
    window_length_hours   = 4
    retention_period_days = 21
  }`),
			ConfigStateChecks: append(actionCompletedState(),
				statecheck.ExpectKnownValue(actionAddr, tfjsonpath.New("backup_policy").AtMapKey("retention_period_days"), knownvalue.Int64Exact(21)),
				expectActionHistory(t, env, map[int][]string{daily: {"change_backup_policy:completed"}}),
				expectUsagePolicy(env, daily, "intra_daily_12h", 8, 21),
			),
		},
		resource.TestStep{
			Config: actionOnDroplet(env, off, `type = "enable_backups"
  backup_policy = {
    plan                  = "intra_daily_4h"
    retention_period_days = 2
  }`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(actionAddr, plancheck.ResourceActionDestroyBeforeCreate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				expectActionHistory(t, env, map[int][]string{off: {"enable_backups:completed"}}),
				expectUsagePolicy(env, off, "intra_daily_4h", 0, 2),
				// The first droplet keeps its policy: nothing more ran on it.
				env.ExpectActionHistory(t, daily, "change_backup_policy:completed"),
			},
		},
	)
}

// TestAccDropletAction_usageBasedNotOffered: on an account without usage-based plans, the
// policy fails at plan time, listing the plans the account offers, and no action starts.
func TestAccDropletAction_usageBasedNotOffered(t *testing.T) {
	env := acctest.NewEnv(t, func(o *emulator.Options) { o.NoUsageBasedBackups = true })
	env.SkipIfReal(t)
	id := actionNewDroplet(env, emulator.DropletSpec{Name: "action-usage-not-offered", Backups: true,
		BackupPolicy: &emulator.PolicySpec{Plan: "weekly", Weekday: "MON", Hour: acctest.Ptr(4)}})

	acctest.ParallelTest(t,
		resource.TestStep{
			Config: actionOnDroplet(env, id, `type = "change_backup_policy"
  backup_policy = {
    plan = "intra_daily_6h"
    hour = 4
  }`),
			ExpectError: actionErrorText(`Backup plan "intra_daily_6h" is not offered to this account`,
				"`weekly` and `daily`", "`backup_policy.plan` cannot be"),
		},
		resource.TestStep{
			// Nothing started, and the policy is untouched.
			Config: actionOnDroplet(env, id, `type = "change_backup_policy"
  backup_policy = {
    plan    = "weekly"
    weekday = "MON"
    hour    = 4
  }`),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			PreConfig: func() {
				if h := env.ActionHistory(t, id); len(h) != 0 {
					t.Errorf("droplet %d: actions %q after a refused plan, want none", id, h)
				}
				rec, _ := env.Emulator.Server.BackupPolicy(id)
				if rec.BackupPolicy == nil || rec.BackupPolicy.Plan != "weekly" {
					t.Errorf("droplet %d: policy %+v, want weekly untouched", id, rec.BackupPolicy)
				}
			},
		},
	)
}
