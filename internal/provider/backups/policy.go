package backups

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
	"github.com/dropletops/terraform-provider-droplet/internal/provider/providerutil"
)

// nextBackupWindowAttrTypes is the shape of the next_backup_window object.
var nextBackupWindowAttrTypes = map[string]attr.Type{
	"start": types.StringType,
	"end":   types.StringType,
}

// policyState is a backup policy as DigitalOcean reports it, in Terraform types. The resource's
// and the data source's models both embed it, so drift and imports read the same way everywhere.
type policyState struct {
	Enabled             types.Bool   `tfsdk:"enabled"`
	Plan                types.String `tfsdk:"plan"`
	Weekday             types.String `tfsdk:"weekday"`
	Hour                types.Int64  `tfsdk:"hour"`
	WindowLengthHours   types.Int64  `tfsdk:"window_length_hours"`
	RetentionPeriodDays types.Int64  `tfsdk:"retention_period_days"`
	NextBackupWindow    types.Object `tfsdk:"next_backup_window"`
}

// policyStateFrom converts the API's policy record. With backups off the API reports no policy,
// so every policy field is null. The weekday is only kept for weekly plans: it means nothing for a
// daily one, and storing a stray value would produce a diff the user cannot fix.
func policyStateFrom(p *digitalocean.BackupPolicy) policyState {
	s := policyState{
		Enabled:             types.BoolValue(p != nil && p.Enabled),
		Plan:                types.StringNull(),
		Weekday:             types.StringNull(),
		Hour:                types.Int64Null(),
		WindowLengthHours:   types.Int64Null(),
		RetentionPeriodDays: types.Int64Null(),
		NextBackupWindow:    types.ObjectNull(nextBackupWindowAttrTypes),
	}
	if p == nil || !p.Enabled {
		return s
	}
	if p.Plan != "" {
		s.Plan = types.StringValue(p.Plan)
	}
	if p.Weekday != "" && p.Plan != providerutil.BackupPlanDaily {
		s.Weekday = types.StringValue(p.Weekday)
	}
	if p.Hour != nil {
		s.Hour = types.Int64Value(int64(*p.Hour))
	}
	if p.WindowLengthHours > 0 {
		s.WindowLengthHours = types.Int64Value(int64(p.WindowLengthHours))
	}
	if p.RetentionPeriodDays > 0 {
		s.RetentionPeriodDays = types.Int64Value(int64(p.RetentionPeriodDays))
	}
	if p.NextWindowStart != nil && p.NextWindowEnd != nil {
		s.NextBackupWindow = nextBackupWindowValue(*p.NextWindowStart, *p.NextWindowEnd)
	}
	return s
}

func nextBackupWindowValue(start, end time.Time) types.Object {
	return types.ObjectValueMust(nextBackupWindowAttrTypes, map[string]attr.Value{
		"start": types.StringValue(start.UTC().Format(time.RFC3339)),
		"end":   types.StringValue(end.UTC().Format(time.RFC3339)),
	})
}
