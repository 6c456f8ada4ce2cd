package backups

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
	"github.com/dropletops/terraform-provider-droplet/internal/provider/providerutil"
)

// ValidateConfig rejects combinations DigitalOcean cannot hold, so `terraform validate` catches them.
func (r *dropletBackupsResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg dropletBackupsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if providerutil.IsKnown(cfg.Enabled) && !cfg.Enabled.ValueBool() {
		for _, a := range []struct {
			name, example string
			value         attr.Value
		}{
			{"plan", `"weekly"`, cfg.Plan},
			{"weekday", `"SUN"`, cfg.Weekday},
			{"hour", "4", cfg.Hour},
			{"window_length_hours", "4", cfg.WindowLengthHours},
			{"retention_period_days", "14", cfg.RetentionPeriodDays},
		} {
			if providerutil.IsKnown(a.value) {
				resp.Diagnostics.AddAttributeError(path.Root(a.name), "Backup schedule set while backups are disabled",
					fmt.Sprintf("`%s` cannot be set when `enabled = false`: with backups off DigitalOcean holds no "+
						"backup policy. Remove `%s`, or make it conditional, for example `%s = var.backups_on ? %s : null`.",
						a.name, a.name, a.name, a.example))
			}
		}
		return
	}
	cfg.policyValues().ValidateShape(&resp.Diagnostics)
}

// ModifyPlan works out every policy attribute at once, because they depend on each other: a
// disabled droplet has no policy at all, only a weekly plan has a weekday, an hour must fit the
// plan, and the window only moves when the schedule does. Values the user leaves unset keep what
// DigitalOcean reported, so a plan after an apply or an import is empty.
//
// When the configuration asks for something the droplet does not have yet, the policy is also
// checked against the plans DigitalOcean offers the account, so that a plan, hour or retention it
// would refuse fails here, before any action.
func (r *dropletBackupsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var planned, cfg dropletBackupsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &planned)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	var prior *dropletBackupsModel
	if !req.State.Raw.IsNull() {
		var st dropletBackupsModel
		resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
		// A new droplet is a new resource: nothing of the old one's policy carries over.
		if planned.DropletID.Equal(st.DropletID) {
			prior = &st
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	if providerutil.IsKnown(planned.DropletID) {
		planned.ID = types.StringValue(strconv.FormatInt(planned.DropletID.ValueInt64(), 10))
	} else {
		planned.ID = types.StringUnknown()
	}

	var offered []digitalocean.SupportedPolicy
	if asksForChange(planned, cfg, prior) {
		offered = providerutil.OfferedBackupPolicies(ctx, r.client, &resp.Diagnostics)
	}
	planPolicy(&planned, cfg, prior, offered)

	if providerutil.IsKnown(planned.Enabled) && planned.Enabled.ValueBool() {
		// The plan may come from the prior state here, which the configuration alone cannot tell.
		v := cfg.policyValues()
		v.Plan = planned.Plan
		v.ValidateShape(&resp.Diagnostics)
		inUse := prior != nil && prior.Enabled.ValueBool() && planned.Plan.Equal(prior.Plan)
		v.ValidateOffered(offered, inUse, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &planned)...)
}

// asksForChange reports whether backups stay or go on and the configuration sets a policy value
// the droplet does not hold yet. Only then are the account's policies needed, so a plan with
// nothing to do reads nothing more.
func asksForChange(planned, cfg dropletBackupsModel, prior *dropletBackupsModel) bool {
	if !providerutil.IsKnown(planned.Enabled) || !planned.Enabled.ValueBool() {
		return false
	}
	wasOn := prior != nil && prior.Enabled.ValueBool()
	configured := []attr.Value{cfg.Plan, cfg.Weekday, cfg.Hour, cfg.WindowLengthHours, cfg.RetentionPeriodDays}
	var held []attr.Value
	if wasOn {
		held = []attr.Value{prior.Plan, prior.Weekday, prior.Hour, prior.WindowLengthHours, prior.RetentionPeriodDays}
	}
	for i, v := range configured {
		if providerutil.IsKnown(v) && (!wasOn || !v.Equal(held[i])) {
			return true
		}
	}
	return false
}

// planPolicy fills the planned policy attributes from the configuration and, when the droplet's
// backups are on and stay on, from the prior state. offered, when read, refines what a change of
// plan leads to: which hours fit the new plan, and a usage-based plan's default retention.
func planPolicy(planned *dropletBackupsModel, cfg dropletBackupsModel, prior *dropletBackupsModel, offered []digitalocean.SupportedPolicy) {
	switch {
	case planned.Enabled.IsUnknown():
		planned.setPolicyFrom(cfg, orUnknownString, orUnknownInt64)
		planned.NextBackupWindow = types.ObjectUnknown(nextBackupWindowAttrTypes)

	case !planned.Enabled.ValueBool():
		// The configuration is null here (ValidateConfig), unless it is still unknown.
		planned.setPolicyFrom(cfg, orNullString, orNullInt64)
		planned.NextBackupWindow = types.ObjectNull(nextBackupWindowAttrTypes)

	case prior == nil || !prior.Enabled.ValueBool():
		// Turning backups on (or adopting a droplet on create): whatever is unset is DigitalOcean's
		// choice, or what the droplet already has.
		planned.Plan = orUnknownString(cfg.Plan)
		planned.Weekday = orUnknownString(cfg.Weekday)
		if cfg.Weekday.IsNull() && knownNotWeekly(planned.Plan) {
			planned.Weekday = types.StringNull()
		}
		planned.Hour = orUnknownInt64(cfg.Hour)
		planned.WindowLengthHours = orUnknownInt64(cfg.WindowLengthHours)
		planned.RetentionPeriodDays = orUnknownInt64(cfg.RetentionPeriodDays)
		planned.NextBackupWindow = types.ObjectUnknown(nextBackupWindowAttrTypes)

	default:
		// Backups stay on: unset values keep what DigitalOcean reports, as far as they fit the plan.
		planned.Plan = cfg.Plan
		if cfg.Plan.IsNull() {
			planned.Plan = prior.Plan
		}
		samePlan := providerutil.IsKnown(planned.Plan) && planned.Plan.Equal(prior.Plan)
		switch {
		case !cfg.Weekday.IsNull():
			planned.Weekday = cfg.Weekday
		case samePlan:
			planned.Weekday = prior.Weekday
		case knownNotWeekly(planned.Plan):
			// weekly → any other plan: the old weekday means nothing any more.
			planned.Weekday = types.StringNull()
		default:
			planned.Weekday = types.StringUnknown()
		}
		switch {
		case !cfg.Hour.IsNull():
			planned.Hour = cfg.Hour
		case samePlan || hourFits(planned.Plan, prior.Hour, offered):
			planned.Hour = prior.Hour
		default:
			// The current hour opens no window of the new plan: DigitalOcean picks one.
			planned.Hour = types.Int64Unknown()
		}

		if samePlan {
			planned.WindowLengthHours = orPrior(cfg.WindowLengthHours, prior.WindowLengthHours)
			planned.RetentionPeriodDays = orPrior(cfg.RetentionPeriodDays, prior.RetentionPeriodDays)
		} else {
			planned.WindowLengthHours, planned.RetentionPeriodDays = newPlanUsage(planned.Plan, cfg, offered)
		}
		if scheduleChanged(*planned, *prior) {
			planned.NextBackupWindow = types.ObjectUnknown(nextBackupWindowAttrTypes)
		} else {
			planned.NextBackupWindow = prior.NextBackupWindow
		}
	}
}

// newPlanUsage is the window length and retention planned for a move to another plan: what is
// configured, else, for a usage-based plan DigitalOcean offers, the plan's own values, which are
// then sent with the change; else whatever DigitalOcean applies (unknown until then).
func newPlanUsage(plan types.String, cfg dropletBackupsModel, offered []digitalocean.SupportedPolicy) (window, retention types.Int64) {
	window, retention = orUnknownInt64(cfg.WindowLengthHours), orUnknownInt64(cfg.RetentionPeriodDays)
	if !providerutil.IsKnown(plan) || !providerutil.IsUsageBasedPlan(plan.ValueString()) {
		return window, retention
	}
	p, ok := providerutil.FindOffered(offered, plan.ValueString())
	if !ok {
		return window, retention
	}
	if cfg.WindowLengthHours.IsNull() && p.WindowLengthHours > 0 {
		window = types.Int64Value(int64(p.WindowLengthHours))
	}
	if cfg.RetentionPeriodDays.IsNull() && p.RetentionPeriodDays > 0 {
		retention = types.Int64Value(int64(p.RetentionPeriodDays))
	}
	return window, retention
}

// hourFits reports whether a window of plan opens at hour: by the account's offer when it was
// read, else by the provider's own rules.
func hourFits(plan types.String, hour types.Int64, offered []digitalocean.SupportedPolicy) bool {
	if !providerutil.IsKnown(plan) || !providerutil.IsKnown(hour) {
		return false
	}
	if p, ok := providerutil.FindOffered(offered, plan.ValueString()); ok && len(p.PossibleWindowStarts) > 0 {
		return slices.Contains(p.PossibleWindowStarts, int(hour.ValueInt64()))
	}
	return slices.Contains(providerutil.BackupPlanHours(plan.ValueString()), hour.ValueInt64())
}

// knownNotWeekly reports whether plan is one of the configurable plans that have no weekday.
func knownNotWeekly(plan types.String) bool {
	return providerutil.IsKnown(plan) && plan.ValueString() != providerutil.BackupPlanWeekly &&
		slices.Contains(providerutil.BackupPlans, plan.ValueString())
}

// scheduleChanged reports whether the planned policy differs from the prior one in anything that
// needs an API call.
func scheduleChanged(planned, prior dropletBackupsModel) bool {
	return !planned.Enabled.Equal(prior.Enabled) ||
		!planned.Plan.Equal(prior.Plan) ||
		!planned.Weekday.Equal(prior.Weekday) ||
		!planned.Hour.Equal(prior.Hour) ||
		!planned.WindowLengthHours.Equal(prior.WindowLengthHours) ||
		!planned.RetentionPeriodDays.Equal(prior.RetentionPeriodDays)
}

func hasUnknownPolicy(m dropletBackupsModel) bool {
	for _, v := range []attr.Value{m.Enabled, m.Plan, m.Weekday, m.Hour, m.WindowLengthHours, m.RetentionPeriodDays, m.NextBackupWindow} {
		if v.IsUnknown() {
			return true
		}
	}
	return false
}

// setPolicyFrom plans the policy attributes from the configuration, each value unset there
// replaced as str or num decides.
func (m *dropletBackupsModel) setPolicyFrom(cfg dropletBackupsModel, str func(types.String) types.String, num func(types.Int64) types.Int64) {
	m.Plan = str(cfg.Plan)
	m.Weekday = str(cfg.Weekday)
	m.Hour = num(cfg.Hour)
	m.WindowLengthHours = num(cfg.WindowLengthHours)
	m.RetentionPeriodDays = num(cfg.RetentionPeriodDays)
}

func orUnknownString(v types.String) types.String {
	if v.IsNull() {
		return types.StringUnknown()
	}
	return v
}

func orUnknownInt64(v types.Int64) types.Int64 {
	if v.IsNull() {
		return types.Int64Unknown()
	}
	return v
}

func orPrior(v, prior types.Int64) types.Int64 {
	if v.IsNull() {
		return prior
	}
	return v
}

func orNullString(v types.String) types.String {
	if v.IsUnknown() {
		return v
	}
	return types.StringNull()
}

func orNullInt64(v types.Int64) types.Int64 {
	if v.IsUnknown() {
		return v
	}
	return types.Int64Null()
}
