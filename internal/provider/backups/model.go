package backups

import (
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
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

// readState is what droplet_backups stores for its droplet (prior.DropletID) when DigitalOcean
// reports policy p: the policy, and the settings of prior that DigitalOcean does not hold. Read
// and the list resource both use it, so a listed droplet is stored exactly as an import would
// store it. After an import, or for a listed droplet, only droplet_id is known; the rest takes
// its defaults.
func readState(prior dropletBackupsModel, p *digitalocean.BackupPolicy) dropletBackupsModel {
	state := prior.withPolicy(policyStateFrom(p))
	state.ID = types.StringValue(strconv.FormatInt(prior.DropletID.ValueInt64(), 10))
	if state.SnapshotBackupsOnDisable.IsNull() {
		state.SnapshotBackupsOnDisable = types.BoolValue(false)
	}
	return state
}
