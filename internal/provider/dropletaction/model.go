package dropletaction

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/digitalocean/godo"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
)

// actionRequest turns the plan into the API layer's request; call it after validate.
func (m dropletActionModel) actionRequest(ctx context.Context) (digitalocean.ActionRequest, diag.Diagnostics) {
	var diags diag.Diagnostics
	req := digitalocean.ActionRequest{
		Type:  m.Type.ValueString(),
		Image: strings.TrimSpace(m.Image.ValueString()),
		Size:  m.Size.ValueString(),
		Disk:  m.Disk.ValueBool(),
		Name:  m.Name.ValueString(),
	}
	if !m.Kernel.IsNull() {
		req.Kernel = int(m.Kernel.ValueInt64())
	}
	if !m.BackupPolicy.IsNull() {
		var p actionBackupPolicyModel
		diags.Append(m.BackupPolicy.As(ctx, &p, basetypes.ObjectAsOptions{})...)
		policy := &digitalocean.Policy{Plan: p.Plan.ValueString(), Weekday: p.Weekday.ValueString()}
		if !p.Hour.IsNull() {
			h := int(p.Hour.ValueInt64())
			policy.Hour = &h
		}
		req.BackupPolicy = policy
	}
	return req, diags
}

// setResult records the completed actions, sorted by droplet ID so the lists are stable.
func (m *dropletActionModel) setResult(ctx context.Context, actions []godo.Action) diag.Diagnostics {
	var diags diag.Diagnostics
	sorted := slices.Clone(actions)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ResourceID < sorted[j].ResourceID })

	actionIDs := make([]int64, len(sorted))
	dropletIDs := make([]int64, len(sorted))
	first := sorted[0]
	var started, completed time.Time
	status := "completed"
	for i, a := range sorted {
		actionIDs[i] = int64(a.ID)
		dropletIDs[i] = int64(a.ResourceID)
		if a.ID < first.ID {
			first = a
		}
		if a.Status != "completed" {
			status = a.Status
		}
		if a.StartedAt != nil && (started.IsZero() || a.StartedAt.Before(started)) {
			started = a.StartedAt.Time
		}
		if a.CompletedAt != nil && a.CompletedAt.After(completed) {
			completed = a.CompletedAt.Time
		}
	}

	m.ID = types.StringValue(strconv.Itoa(first.ID))
	var d diag.Diagnostics
	m.ActionIDs, d = types.ListValueFrom(ctx, types.Int64Type, actionIDs)
	diags.Append(d...)
	m.DropletIDs, d = types.ListValueFrom(ctx, types.Int64Type, dropletIDs)
	diags.Append(d...)
	m.Status = types.StringValue(status)
	m.StartedAt = actionTime(started)
	m.CompletedAt = actionTime(completed)
	region := first.RegionSlug
	if region == "" && first.Region != nil {
		region = first.Region.Slug
	}
	m.RegionSlug = types.StringValue(region)
	return diags
}

func actionTime(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

type dropletActionModel struct {
	ID           types.String   `tfsdk:"id"`
	DropletID    types.Int64    `tfsdk:"droplet_id"`
	TagName      types.String   `tfsdk:"tag_name"`
	Type         types.String   `tfsdk:"type"`
	Image        types.String   `tfsdk:"image"`
	Size         types.String   `tfsdk:"size"`
	Disk         types.Bool     `tfsdk:"disk"`
	Name         types.String   `tfsdk:"name"`
	Kernel       types.Int64    `tfsdk:"kernel"`
	BackupPolicy types.Object   `tfsdk:"backup_policy"`
	Triggers     types.Map      `tfsdk:"triggers"`
	ActionIDs    types.List     `tfsdk:"action_ids"`
	DropletIDs   types.List     `tfsdk:"droplet_ids"`
	Status       types.String   `tfsdk:"status"`
	StartedAt    types.String   `tfsdk:"started_at"`
	CompletedAt  types.String   `tfsdk:"completed_at"`
	RegionSlug   types.String   `tfsdk:"region_slug"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

type actionBackupPolicyModel struct {
	Plan    types.String `tfsdk:"plan"`
	Weekday types.String `tfsdk:"weekday"`
	Hour    types.Int64  `tfsdk:"hour"`
}
