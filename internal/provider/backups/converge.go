package backups

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
	"github.com/dropletops/terraform-provider-droplet/internal/provider/providerutil"
)

// converge makes the droplet's backups match the planned values that are known, sending at most
// one backup action (after the conversions, when turning off with snapshot_backups_on_disable), and
// returns the policy DigitalOcean then reports. Planned values that are unknown are left to
// DigitalOcean; what is already right is not sent again.
//
// The decision is made again from a fresh read whenever the droplet turns out to be busy: the
// action it is busy with may be this very change, left running by an earlier apply that timed out.
func (r *dropletBackupsResource) converge(ctx context.Context, dropletID int, planned dropletBackupsModel, diags *diag.Diagnostics) (policyState, bool) {
	current, err := r.client.BackupPolicy(ctx, dropletID)
	if err != nil {
		providerutil.AddAPIError(diags, fmt.Sprintf("Cannot read the backup policy of droplet %d", dropletID), err)
		return policyState{}, false
	}
	if !planned.Enabled.ValueBool() {
		if current.Enabled && !r.disable(ctx, dropletID, planned.SnapshotBackupsOnDisable.ValueBool(), current, diags) {
			return policyState{}, false
		}
	} else {
		d := &backupsDecider{r: r, dropletID: dropletID, planned: planned, current: current}
		res, err := r.client.Execute(ctx, digitalocean.Job{DropletID: dropletID, Decide: d.decide})
		if err != nil {
			d.report(diags, err)
			return policyState{}, false
		}
		if res[0].Skipped != "" {
			// Nothing was (or is any more) needed: the last read is what DigitalOcean holds.
			return policyStateFrom(d.current), true
		}
	}

	after, err := r.client.BackupPolicy(ctx, dropletID)
	if err != nil {
		providerutil.AddAPIError(diags, fmt.Sprintf("Cannot read the backup policy of droplet %d", dropletID), err)
		return policyState{}, false
	}
	return policyStateFrom(after), true
}

// backupsDecider decides which backup action a droplet needs. Its first decision uses the policy
// the caller has read already; every later one (after the droplet was busy) reads it again.
type backupsDecider struct {
	r         *dropletBackupsResource
	dropletID int
	planned   dropletBackupsModel
	current   *digitalocean.BackupPolicy
	used      bool
	// gone: the droplet disappeared while deciding (only a disable treats that as done).
	gone bool
	// readFailed and sent tell report what the error was about.
	readFailed bool
	sent       string
}

// decide is the runner's Decide for the droplet: nil when nothing is needed.
func (d *backupsDecider) decide(ctx context.Context, _ int) (*digitalocean.ActionRequest, error) {
	if d.used {
		p, err := d.r.client.BackupPolicy(ctx, d.dropletID)
		if err != nil {
			if errors.Is(err, digitalocean.ErrNotFound) && !d.planned.Enabled.ValueBool() {
				d.gone = true
				return nil, nil
			}
			d.readFailed = true
			return nil, err
		}
		d.current = p
		tflog.Debug(ctx, "Droplet was busy; deciding again from its current backup policy",
			map[string]any{"droplet_id": d.dropletID, "enabled": p.Enabled})
	}
	d.used = true
	req := d.request(ctx)
	d.sent = ""
	if req != nil {
		d.sent = req.Type
	}
	return req, nil
}

func (d *backupsDecider) request(ctx context.Context) *digitalocean.ActionRequest {
	switch {
	case !d.planned.Enabled.ValueBool():
		if !d.current.Enabled {
			return nil
		}
		tflog.Debug(ctx, "Disabling backups", map[string]any{"droplet_id": d.dropletID})
		return &digitalocean.ActionRequest{Type: "disable_backups"}
	case !d.current.Enabled:
		policy := enablePolicy(d.planned)
		tflog.Debug(ctx, "Enabling backups", map[string]any{"droplet_id": d.dropletID, "policy": describePolicy(policy)})
		return &digitalocean.ActionRequest{Type: "enable_backups", BackupPolicy: policy}
	default:
		policy, needed := changedPolicy(d.planned, d.current)
		if !needed {
			tflog.Debug(ctx, "Backup policy already as configured; nothing to send", map[string]any{"droplet_id": d.dropletID})
			return nil
		}
		tflog.Debug(ctx, "Changing backup policy", map[string]any{"droplet_id": d.dropletID, "policy": describePolicy(&policy)})
		return &digitalocean.ActionRequest{Type: "change_backup_policy", BackupPolicy: &policy}
	}
}

// report adds the diagnostic for an error of the runner's job, naming what was being done.
func (d *backupsDecider) report(diags *diag.Diagnostics, err error) {
	var summary string
	switch {
	case d.readFailed:
		summary = fmt.Sprintf("Cannot read the backup policy of droplet %d", d.dropletID)
	case d.sent == "enable_backups":
		summary = fmt.Sprintf("Cannot enable backups on droplet %d", d.dropletID)
	case d.sent == "disable_backups":
		summary = fmt.Sprintf("Cannot disable backups on droplet %d", d.dropletID)
	default:
		summary = fmt.Sprintf("Cannot change the backup policy of droplet %d", d.dropletID)
	}
	providerutil.AddAPIError(diags, summary, err)
}

// disable turns backups off, converting the existing ones to snapshots first when asked; current
// is the policy just read (backups on). A droplet that disappears meanwhile counts as done: its
// backups are gone with it.
func (r *dropletBackupsResource) disable(ctx context.Context, dropletID int, convert bool, current *digitalocean.BackupPolicy, diags *diag.Diagnostics) bool {
	if convert && !r.convertBackups(ctx, dropletID, diags) {
		return false
	}
	planned := dropletBackupsModel{policyState: policyState{Enabled: types.BoolValue(false)}}
	d := &backupsDecider{r: r, dropletID: dropletID, planned: planned, current: current}
	_, err := r.client.Execute(ctx, digitalocean.Job{DropletID: dropletID, Decide: d.decide})
	if err != nil && !errors.Is(err, digitalocean.ErrNotFound) {
		d.report(diags, err)
		return false
	}
	return true
}

// enablePolicy is the policy sent with enable_backups: only what the user set. Nothing set means
// no policy at all, and DigitalOcean applies its default (daily).
func enablePolicy(planned dropletBackupsModel) *digitalocean.Policy {
	var p digitalocean.Policy
	set := false
	if providerutil.IsKnown(planned.Plan) {
		p.Plan, set = planned.Plan.ValueString(), true
	}
	if providerutil.IsKnown(planned.Weekday) {
		p.Weekday, set = planned.Weekday.ValueString(), true
	}
	if providerutil.IsKnown(planned.Hour) {
		h := int(planned.Hour.ValueInt64())
		p.Hour, set = &h, true
	}
	usagePolicy(&p, planned, nil)
	if !set {
		return nil
	}
	if p.Plan == "" {
		// Send the documented default rather than an empty plan name.
		p.Plan = providerutil.BackupPlanDaily
	}
	return &p
}

// changedPolicy merges the planned values that are known over the droplet's current policy and
// reports whether that differs from it. Only values the plan fixes are compared, so a droplet
// adopted on create with the configured schedule gets no action.
func changedPolicy(planned dropletBackupsModel, current *digitalocean.BackupPolicy) (digitalocean.Policy, bool) {
	p := digitalocean.Policy{Plan: current.Plan, Weekday: current.Weekday, Hour: current.Hour}
	needed := false
	if providerutil.IsKnown(planned.Plan) && planned.Plan.ValueString() != current.Plan {
		p.Plan, needed = planned.Plan.ValueString(), true
		p.Weekday = "" // a weekday only carries over while the plan stays the same
		if planned.Hour.IsUnknown() {
			p.Hour = nil // the current hour opens no window of the new plan: DigitalOcean picks one
		}
	}
	if providerutil.IsKnown(planned.Weekday) && planned.Weekday.ValueString() != current.Weekday {
		p.Weekday, needed = planned.Weekday.ValueString(), true
	}
	if providerutil.IsKnown(planned.Hour) && (current.Hour == nil || int64(*current.Hour) != planned.Hour.ValueInt64()) {
		h := int(planned.Hour.ValueInt64())
		p.Hour, needed = &h, true
	}
	if usagePolicy(&p, planned, current) {
		needed = true
	}
	if p.Plan == providerutil.BackupPlanDaily || providerutil.IsUsageBasedPlan(p.Plan) {
		p.Weekday = ""
	}
	return p, needed
}

// checkApplied reports planned values DigitalOcean did not end up with. Terraform would otherwise
// reject the result with a message that does not say which droplet or value is concerned.
func checkApplied(dropletID int, planned, got dropletBackupsModel, diags *diag.Diagnostics) {
	var diffs []string
	compare := func(name string, want, have attr.Value) {
		if want.IsUnknown() || want.Equal(have) {
			return
		}
		diffs = append(diffs, fmt.Sprintf("%s: planned %s, DigitalOcean reports %s", name, want, have))
	}
	compare("enabled", planned.Enabled, got.Enabled)
	compare("plan", planned.Plan, got.Plan)
	compare("weekday", planned.Weekday, got.Weekday)
	compare("hour", planned.Hour, got.Hour)
	compare("window_length_hours", planned.WindowLengthHours, got.WindowLengthHours)
	compare("retention_period_days", planned.RetentionPeriodDays, got.RetentionPeriodDays)
	compare("next_backup_window", planned.NextBackupWindow, got.NextBackupWindow)
	if len(diffs) == 0 {
		return
	}
	diags.AddError(fmt.Sprintf("Droplet %d's backup policy differs from the plan", dropletID),
		"The backup action completed, but DigitalOcean now reports a different policy than was planned:\n\n"+
			strings.Join(diffs, "\n")+"\n\nThe state holds what DigitalOcean reports. The policy may have been "+
			"changed at the same time outside Terraform; apply again to converge.")
}

func describePolicy(p *digitalocean.Policy) string {
	if p == nil {
		return "DigitalOcean's default"
	}
	s := "plan=" + p.Plan
	if p.Weekday != "" {
		s += " weekday=" + p.Weekday
	}
	if p.Hour != nil {
		s += " hour=" + strconv.Itoa(*p.Hour)
	}
	if p.WindowLengthHours != nil {
		s += " window_length_hours=" + strconv.Itoa(*p.WindowLengthHours)
	}
	if p.RetentionPeriodDays != nil {
		s += " retention_period_days=" + strconv.Itoa(*p.RetentionPeriodDays)
	}
	return s
}
