package backups

import (
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type dropletBackupsModel struct {
	ID                       types.String   `tfsdk:"id"`
	DropletID                types.Int64    `tfsdk:"droplet_id"`
	Enabled                  types.Bool     `tfsdk:"enabled"`
	Plan                     types.String   `tfsdk:"plan"`
	Weekday                  types.String   `tfsdk:"weekday"`
	Hour                     types.Int64    `tfsdk:"hour"`
	WindowLengthHours        types.Int64    `tfsdk:"window_length_hours"`
	RetentionPeriodDays      types.Int64    `tfsdk:"retention_period_days"`
	NextBackupWindow         types.Object   `tfsdk:"next_backup_window"`
	SnapshotBackupsOnDisable types.Bool     `tfsdk:"snapshot_backups_on_disable"`
	Timeouts                 timeouts.Value `tfsdk:"timeouts"`
}

// withPolicy returns the model with its policy attributes replaced by what DigitalOcean reports.
func (m dropletBackupsModel) withPolicy(p policyState) dropletBackupsModel {
	m.Enabled = p.Enabled
	m.Plan = p.Plan
	m.Weekday = p.Weekday
	m.Hour = p.Hour
	m.WindowLengthHours = p.WindowLengthHours
	m.RetentionPeriodDays = p.RetentionPeriodDays
	m.NextBackupWindow = p.NextBackupWindow
	return m
}
