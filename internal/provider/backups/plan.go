package backups

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

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
		} {
			if providerutil.IsKnown(a.value) {
				resp.Diagnostics.AddAttributeError(path.Root(a.name), "Backup schedule set while backups are disabled",
					fmt.Sprintf("`%s` cannot be set when `enabled = false`: with backups off DigitalOcean holds no "+
						"backup policy. Remove `%s`, or make it conditional, for example `%s = var.backups_on ? %s : null`.",
						a.name, a.name, a.name, a.example))
			}
		}
	}

	if providerutil.IsKnown(cfg.Weekday) && !cfg.Plan.IsUnknown() && cfg.Plan.ValueString() != providerutil.BackupPlanWeekly {
		got := "is unset"
		if !cfg.Plan.IsNull() {
			got = fmt.Sprintf("is %q", cfg.Plan.ValueString())
		}
		resp.Diagnostics.AddAttributeError(path.Root("weekday"), "Weekday needs a weekly plan",
			fmt.Sprintf("`weekday` (one of %s) can only be set together with `plan = \"weekly\"`, but `plan` %s. "+
				"Set `plan = \"weekly\"`, or remove `weekday`: daily backups run every day.", providerutil.Quoted(providerutil.BackupWeekdays), got))
	}
}

// ModifyPlan works out every policy attribute at once, because they depend on each other: a
// disabled droplet has no policy at all, a daily plan has no weekday, and the window only moves
// when the schedule does. Values the user leaves unset keep what DigitalOcean reported, so a plan
// after an apply or an import is empty.
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

	planPolicy(&planned, cfg, prior)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &planned)...)
}

// planPolicy fills the planned policy attributes from the configuration and, when the droplet's
// backups are on and stay on, from the prior state.
func planPolicy(planned *dropletBackupsModel, cfg dropletBackupsModel, prior *dropletBackupsModel) {
	unknownComputed := func() {
		planned.WindowLengthHours = types.Int64Unknown()
		planned.RetentionPeriodDays = types.Int64Unknown()
		planned.NextBackupWindow = types.ObjectUnknown(nextBackupWindowAttrTypes)
	}
	switch {
	case planned.Enabled.IsUnknown():
		planned.Plan = orUnknownString(cfg.Plan)
		planned.Weekday = orUnknownString(cfg.Weekday)
		planned.Hour = orUnknownInt64(cfg.Hour)
		unknownComputed()

	case !planned.Enabled.ValueBool():
		// The configuration is null here (ValidateConfig), unless it is still unknown.
		planned.Plan = orNullString(cfg.Plan)
		planned.Weekday = orNullString(cfg.Weekday)
		planned.Hour = orNullInt64(cfg.Hour)
		planned.WindowLengthHours = types.Int64Null()
		planned.RetentionPeriodDays = types.Int64Null()
		planned.NextBackupWindow = types.ObjectNull(nextBackupWindowAttrTypes)

	case prior == nil || !prior.Enabled.ValueBool():
		// Turning backups on (or adopting a droplet on create): whatever is unset is DigitalOcean's choice.
		planned.Plan = orUnknownString(cfg.Plan)
		planned.Weekday = orUnknownString(cfg.Weekday)
		if cfg.Weekday.IsNull() && planned.Plan.ValueString() == providerutil.BackupPlanDaily {
			planned.Weekday = types.StringNull()
		}
		planned.Hour = orUnknownInt64(cfg.Hour)
		unknownComputed()

	default:
		// Backups stay on: unset values keep what DigitalOcean reports.
		planned.Plan = cfg.Plan
		if cfg.Plan.IsNull() {
			planned.Plan = prior.Plan
		}
		switch {
		case !cfg.Weekday.IsNull():
			planned.Weekday = cfg.Weekday
		case planned.Plan.ValueString() == providerutil.BackupPlanDaily && providerutil.IsKnown(planned.Plan):
			// weekly → daily: the old weekday means nothing any more.
			planned.Weekday = types.StringNull()
		case providerutil.IsKnown(planned.Plan) && planned.Plan.Equal(prior.Plan):
			planned.Weekday = prior.Weekday
		default:
			planned.Weekday = types.StringUnknown()
		}
		planned.Hour = cfg.Hour
		if cfg.Hour.IsNull() {
			planned.Hour = prior.Hour
		}

		if planned.Plan.Equal(prior.Plan) {
			planned.WindowLengthHours = prior.WindowLengthHours
			planned.RetentionPeriodDays = prior.RetentionPeriodDays
		} else {
			planned.WindowLengthHours = types.Int64Unknown()
			planned.RetentionPeriodDays = types.Int64Unknown()
		}
		if scheduleChanged(*planned, *prior) {
			planned.NextBackupWindow = types.ObjectUnknown(nextBackupWindowAttrTypes)
		} else {
			planned.NextBackupWindow = prior.NextBackupWindow
		}
	}
}

// scheduleChanged reports whether the planned policy differs from the prior one in anything that
// needs an API call.
func scheduleChanged(planned, prior dropletBackupsModel) bool {
	return !planned.Enabled.Equal(prior.Enabled) ||
		!planned.Plan.Equal(prior.Plan) ||
		!planned.Weekday.Equal(prior.Weekday) ||
		!planned.Hour.Equal(prior.Hour)
}

func hasUnknownPolicy(m dropletBackupsModel) bool {
	for _, v := range []attr.Value{m.Enabled, m.Plan, m.Weekday, m.Hour, m.WindowLengthHours, m.RetentionPeriodDays, m.NextBackupWindow} {
		if v.IsUnknown() {
			return true
		}
	}
	return false
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
