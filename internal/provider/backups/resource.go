// Package backups is the droplet_backups capability: the resource that keeps a droplet's automatic
// backups on or off with a schedule, the droplet_backups and droplet_backup_policies data sources,
// and the planning of policy attributes they share.
//
// Files: resource.go (CRUD and import), resource_schema.go, plan.go (validation and ModifyPlan),
// converge.go (which backup action a droplet needs, and sending it), convert.go (backups kept as
// snapshots), policy.go (the API's policy in Terraform types), model.go, data_source.go and
// policies_data_source.go.
package backups

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
	"github.com/dropletops/terraform-provider-droplet/internal/provider/providerutil"
)

var (
	_ resource.Resource                   = (*dropletBackupsResource)(nil)
	_ resource.ResourceWithConfigure      = (*dropletBackupsResource)(nil)
	_ resource.ResourceWithImportState    = (*dropletBackupsResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*dropletBackupsResource)(nil)
	_ resource.ResourceWithValidateConfig = (*dropletBackupsResource)(nil)
	_ resource.ResourceWithIdentity       = (*dropletBackupsResource)(nil)
)

// Each write waits for DigitalOcean to finish its action; conversions of large backups to
// snapshots can take long, hence the generous default.
const defaultBackupsTimeout = 60 * time.Minute

// NewResource returns the droplet_backups resource.
func NewResource() resource.Resource {
	return &dropletBackupsResource{}
}

type dropletBackupsResource struct {
	client *digitalocean.Client
}

func (r *dropletBackupsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backups"
}

func (r *dropletBackupsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerutil.ClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *dropletBackupsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var planned dropletBackupsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &planned)...)
	if resp.Diagnostics.HasError() || !providerutil.RequireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel, ok := providerutil.WithTimeout(ctx, planned.Timeouts.Create, defaultBackupsTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	dropletID := int(planned.DropletID.ValueInt64())
	got, ok := r.converge(ctx, dropletID, planned, &resp.Diagnostics)
	if !ok {
		// Nothing is recorded: the next apply reads the droplet again and continues from what it finds.
		return
	}
	state := planned.withPolicy(got)
	state.ID = types.StringValue(strconv.Itoa(dropletID))
	checkApplied(dropletID, planned, state, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	providerutil.SetDropletIdentity(ctx, resp.Identity, int64(dropletID), &resp.Diagnostics)
}

func (r *dropletBackupsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state dropletBackupsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !providerutil.RequireClient(r.client, &resp.Diagnostics) {
		return
	}
	dropletID := int(state.DropletID.ValueInt64())
	p, err := r.client.BackupPolicy(ctx, dropletID)
	if errors.Is(err, digitalocean.ErrNotFound) {
		tflog.Info(ctx, "Droplet no longer exists; removing its backups from state", map[string]any{"droplet_id": dropletID})
		// The framework (v1.19) insists on an identity even for a removed resource when Terraform
		// sent none (Terraform before 1.12).
		providerutil.SetDropletIdentity(ctx, resp.Identity, int64(dropletID), &resp.Diagnostics)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		providerutil.AddAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot read the backup policy of droplet %d", dropletID), err)
		return
	}

	state = state.withPolicy(policyStateFrom(p))
	// After an import only droplet_id is known; the rest takes its defaults.
	state.ID = types.StringValue(strconv.Itoa(dropletID))
	if state.SnapshotBackupsOnDisable.IsNull() {
		state.SnapshotBackupsOnDisable = types.BoolValue(false)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	providerutil.SetDropletIdentity(ctx, resp.Identity, int64(dropletID), &resp.Diagnostics)
}

func (r *dropletBackupsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var planned, prior dropletBackupsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &planned)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	dropletID := int(planned.DropletID.ValueInt64())

	// Only snapshot_backups_on_disable or timeouts changed: nothing to send, and the refreshed
	// policy in the plan is already what DigitalOcean reports.
	if !scheduleChanged(planned, prior) && !hasUnknownPolicy(planned) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &planned)...)
		providerutil.SetDropletIdentity(ctx, resp.Identity, int64(dropletID), &resp.Diagnostics)
		return
	}

	if !providerutil.RequireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel, ok := providerutil.WithTimeout(ctx, planned.Timeouts.Update, defaultBackupsTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	got, ok := r.converge(ctx, dropletID, planned, &resp.Diagnostics)
	if !ok {
		// Record what DigitalOcean holds now, so the next plan shows what is still to do. The wait
		// may have ended with ctx, so this read gets a short deadline of its own.
		readCtx, cancelRead := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancelRead()
		state := prior
		state.SnapshotBackupsOnDisable = planned.SnapshotBackupsOnDisable
		state.Timeouts = planned.Timeouts
		if p, err := r.client.BackupPolicy(readCtx, dropletID); err == nil {
			state = state.withPolicy(policyStateFrom(p))
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		providerutil.SetDropletIdentity(ctx, resp.Identity, int64(dropletID), &resp.Diagnostics)
		return
	}
	state := planned.withPolicy(got)
	checkApplied(dropletID, planned, state, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	providerutil.SetDropletIdentity(ctx, resp.Identity, int64(dropletID), &resp.Diagnostics)
}

func (r *dropletBackupsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state dropletBackupsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !providerutil.RequireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel, ok := providerutil.WithTimeout(ctx, state.Timeouts.Delete, defaultBackupsTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	dropletID := int(state.DropletID.ValueInt64())
	current, err := r.client.BackupPolicy(ctx, dropletID)
	if errors.Is(err, digitalocean.ErrNotFound) {
		return // the droplet and its backups are gone already
	}
	if err != nil {
		providerutil.AddAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot read the backup policy of droplet %d", dropletID), err)
		return
	}
	if !current.Enabled {
		return
	}
	r.disable(ctx, dropletID, state.SnapshotBackupsOnDisable.ValueBool(), current, &resp.Diagnostics)
}

// ImportState accepts a droplet ID, from `terraform import`, an import block's `id`, or (Terraform
// 1.12+) an import block's `identity`. Read fills in the rest.
func (r *dropletBackupsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var dropletID int64
	if req.ID != "" {
		id, err := strconv.ParseInt(strings.TrimSpace(req.ID), 10, 64)
		if err != nil || id < 1 {
			resp.Diagnostics.AddError("Invalid import ID for droplet_backups",
				fmt.Sprintf("The import ID must be the droplet's numeric ID (a whole number of at least 1), got %q. "+
					"Example: terraform import droplet_backups.web 123456789", req.ID))
			return
		}
		dropletID = id
	} else {
		var identity providerutil.DropletIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &identity)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if !providerutil.IsKnown(identity.DropletID) || identity.DropletID.ValueInt64() < 1 {
			resp.Diagnostics.AddError("Invalid import identity for droplet_backups",
				"The identity's `droplet_id` must be the droplet's numeric ID (a whole number of at least 1).")
			return
		}
		dropletID = identity.DropletID.ValueInt64()
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("droplet_id"), dropletID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), strconv.FormatInt(dropletID, 10))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("snapshot_backups_on_disable"), false)...)
	providerutil.SetDropletIdentity(ctx, resp.Identity, dropletID, &resp.Diagnostics)
}
