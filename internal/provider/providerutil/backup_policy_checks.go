package providerutil

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
)

// BackupPolicyValues are the backup policy arguments of a configuration or plan, and where they
// sit: at the top level of droplet_backups, or inside droplet_action's backup_policy. Null and
// unknown values are not checked.
type BackupPolicyValues struct {
	Plan                             types.String
	Weekday                          types.String
	Hour                             types.Int64
	WindowLengthHours, RetentionDays types.Int64
	// Block is the attribute that holds the policy ("backup_policy"); "" when it is top level.
	Block string
}

func (v BackupPolicyValues) path(attr string) path.Path {
	if v.Block == "" {
		return path.Root(attr)
	}
	return path.Root(v.Block).AtName(attr)
}

// name is the attribute as written in a configuration, quoted for a message.
func (v BackupPolicyValues) name(attr string) string { return v.code(attr) }

// code quotes an expression that starts with one of the policy's attributes, such as
// `backup_policy.plan = "weekly"`.
func (v BackupPolicyValues) code(expr string) string {
	if v.Block == "" {
		return "`" + expr + "`"
	}
	return "`" + v.Block + "." + expr + "`"
}

// planIs describes the plan for a message: `plan` is "daily", or `plan` is unset.
func (v BackupPolicyValues) planIs() string {
	if v.Plan.IsNull() {
		return v.name("plan") + " is unset"
	}
	return fmt.Sprintf("%s is %q", v.name("plan"), v.Plan.ValueString())
}

// ValidateShape applies the rules that need no API: weekday only with weekly, retention and
// window length only with a usage-based plan, and the hours each plan's windows may open at.
func (v BackupPolicyValues) ValidateShape(diags *diag.Diagnostics) {
	if v.Plan.IsUnknown() {
		return // every rule depends on the plan; they run again once it is known
	}
	plan := v.Plan.ValueString()

	if IsKnown(v.Weekday) && plan != BackupPlanWeekly {
		why := "daily backups run every day"
		if IsUsageBasedPlan(plan) {
			why = fmt.Sprintf("plan %q runs every %d hours, every day", plan, UsageBasedInterval(plan))
		}
		diags.AddAttributeError(v.path("weekday"), "`weekday` needs a weekly plan",
			fmt.Sprintf("%s (one of %s) can only be set together with %s, but %s. Set %s, or remove %s: %s.",
				v.name("weekday"), Quoted(BackupWeekdays), v.code(`plan = "weekly"`), v.planIs(),
				v.code(`plan = "weekly"`), v.name("weekday"), why))
	}

	for _, a := range []struct {
		attr  string
		value types.Int64
	}{{"retention_period_days", v.RetentionDays}, {"window_length_hours", v.WindowLengthHours}} {
		if IsKnown(a.value) && !IsUsageBasedPlan(plan) && a.value.ValueInt64() != fixedPolicyValue(plan, a.attr) {
			diags.AddAttributeError(v.path(a.attr), fmt.Sprintf("`%s` needs a usage-based plan", a.attr),
				fmt.Sprintf("%s can only be set with a usage-based plan (%s), but %s: DigitalOcean fixes it for "+
					"daily and weekly plans (backups kept 7 and 28 days, in 4-hour windows), and %d is not "+
					"that value. Remove %s (the value DigitalOcean reports is still shown), or choose a "+
					"usage-based plan.",
					v.name(a.attr), Quoted(UsageBasedBackupPlans), v.planIs(), a.value.ValueInt64(), v.name(a.attr)))
		}
	}

	if !IsUsageBasedPlan(plan) {
		return // daily and weekly hours are checked by the attribute's own validator
	}
	every := UsageBasedInterval(plan)
	if IsKnown(v.Hour) && !slices.Contains(BackupPlanHours(plan), v.Hour.ValueInt64()) {
		diags.AddAttributeError(v.path("hour"), fmt.Sprintf("Hour %d is not a window start of plan %q", v.Hour.ValueInt64(), plan),
			fmt.Sprintf("Plan %q takes a backup every %d hours; %s is the UTC hour of the day's first window, one "+
				"of %s. The later windows follow every %d hours. Set %s to one of those values, or leave it unset.",
				plan, every, v.name("hour"), Quoted(BackupPlanHours(plan)), every, v.name("hour")))
	}
	if IsKnown(v.WindowLengthHours) && v.WindowLengthHours.ValueInt64() > every {
		diags.AddAttributeError(v.path("window_length_hours"), "Backup window longer than the plan's interval",
			fmt.Sprintf("%s is %d, but plan %q starts a backup every %d hours, so its windows would overlap. Set "+
				"it to at most %d, or leave it unset for DigitalOcean's window length.",
				v.name("window_length_hours"), v.WindowLengthHours.ValueInt64(), plan, every, every))
	}
}

// ValidateOffered checks the known values against the policies DigitalOcean offers the account
// (GET /v2/droplets/backups/supported_policies). inUse says the droplet already has the plan:
// DigitalOcean evidently serves it then, so it is not rejected for missing from the list.
func (v BackupPolicyValues) ValidateOffered(offered []digitalocean.SupportedPolicy, inUse bool, diags *diag.Diagnostics) {
	if !IsKnown(v.Plan) || len(offered) == 0 {
		return
	}
	plan := v.Plan.ValueString()
	p, ok := FindOffered(offered, plan)
	if !ok {
		if !inUse {
			names := make([]string, len(offered))
			for j, p := range offered {
				names[j] = p.Name
			}
			diags.AddAttributeError(v.path("plan"), fmt.Sprintf("Backup plan %q is not offered to this account", plan),
				fmt.Sprintf("DigitalOcean offers this account the backup plans %s (GET /v2/droplets/backups/supported_policies, "+
					"also listed by the `droplet_backup_policies` data source), so %s cannot be %q. Choose one of "+
					"those plans. Nothing was sent to DigitalOcean.", QuotedAnd(names), v.name("plan"), plan))
		}
		return
	}
	if IsKnown(v.Hour) && len(p.PossibleWindowStarts) > 0 && !slices.Contains(p.PossibleWindowStarts, int(v.Hour.ValueInt64())) {
		diags.AddAttributeError(v.path("hour"), fmt.Sprintf("Hour %d is not offered with plan %q", v.Hour.ValueInt64(), plan),
			fmt.Sprintf("DigitalOcean opens the windows of plan %q at %s (UTC) for this account. Set %s to one of "+
				"those hours, or leave it unset.", plan, Quoted(p.PossibleWindowStarts), v.name("hour")))
	}
	if IsKnown(v.Weekday) && plan == BackupPlanWeekly && len(p.PossibleDays) > 0 && !slices.Contains(p.PossibleDays, v.Weekday.ValueString()) {
		diags.AddAttributeError(v.path("weekday"), fmt.Sprintf("Weekday %q is not offered", v.Weekday.ValueString()),
			fmt.Sprintf("DigitalOcean takes weekly backups on %s for this account. Set %s to one of those days.",
				Quoted(p.PossibleDays), v.name("weekday")))
	}
	if IsKnown(v.RetentionDays) && p.RetentionMinDays > 0 {
		days := int(v.RetentionDays.ValueInt64())
		if days < p.RetentionMinDays || days > p.RetentionMaxDays {
			allowed := fmt.Sprintf("between %d and %d days", p.RetentionMinDays, p.RetentionMaxDays)
			if p.RetentionMinDays == p.RetentionMaxDays {
				allowed = fmt.Sprintf("exactly %d days", p.RetentionMinDays)
			}
			diags.AddAttributeError(v.path("retention_period_days"), fmt.Sprintf("Retention of %d days is not offered with plan %q", days, plan),
				fmt.Sprintf("DigitalOcean keeps the backups of plan %q %s for this account. Set %s within that "+
					"range, or leave it unset for the plan's default (%d days).", plan, allowed, v.name("retention_period_days"), p.RetentionPeriodDays))
		}
	}
	if IsKnown(v.WindowLengthHours) && p.WindowLengthHours > 0 && int(v.WindowLengthHours.ValueInt64()) != p.WindowLengthHours {
		diags.AddAttributeError(v.path("window_length_hours"), fmt.Sprintf("Window of %d hours is not offered with plan %q", v.WindowLengthHours.ValueInt64(), plan),
			fmt.Sprintf("DigitalOcean's backup windows of plan %q last %d hours for this account. Set %s to %d, or "+
				"leave it unset.", plan, p.WindowLengthHours, v.name("window_length_hours"), p.WindowLengthHours))
	}
}

// OfferedBackupPolicies reads the policies DigitalOcean offers the account, for the plan-time
// checks; the client reads them once and keeps them. A failed read is a warning, not an error:
// the checks are skipped, and DigitalOcean still judges the policy when it is sent.
func OfferedBackupPolicies(ctx context.Context, client *digitalocean.Client, diags *diag.Diagnostics) []digitalocean.SupportedPolicy {
	if client == nil {
		return nil // not configured yet: only the offline rules apply
	}
	offered, err := client.SupportedBackupPolicies(ctx)
	if err != nil {
		diags.AddWarning("Cannot check the backup policy against the plans DigitalOcean offers",
			"Reading the supported backup policies failed, so the plan, hour and retention were only checked "+
				"against the provider's own rules; DigitalOcean judges them when they are sent.\n\n"+APIErrorDetail(err))
		return nil
	}
	return offered
}

// FindOffered returns the offered policy of that plan name.
func FindOffered(offered []digitalocean.SupportedPolicy, plan string) (digitalocean.SupportedPolicy, bool) {
	i := slices.IndexFunc(offered, func(p digitalocean.SupportedPolicy) bool { return p.Name == plan })
	if i < 0 {
		return digitalocean.SupportedPolicy{}, false
	}
	return offered[i], true
}

// fixedPolicyValue is the retention or window length DigitalOcean fixes for a daily or weekly
// plan, or -1 when the plan has none (unset or unknown to this provider). A configuration may
// state the fixed value, as `terraform query -generate-config-out` writes it, since it changes
// nothing; any other value would be a change DigitalOcean cannot make.
func fixedPolicyValue(plan, attr string) int64 {
	switch {
	case attr == "window_length_hours" && (plan == BackupPlanDaily || plan == BackupPlanWeekly):
		return 4
	case attr == "retention_period_days" && plan == BackupPlanDaily:
		return 7
	case attr == "retention_period_days" && plan == BackupPlanWeekly:
		return 28
	default:
		return -1
	}
}
