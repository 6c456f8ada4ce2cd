// Package power is the droplet_power capability: the resource that keeps a droplet powered on or
// off, with a graceful shutdown that falls back to a hard power-off.
//
// Files: resource.go (CRUD and import), resource_schema.go, plan.go (validation and ModifyPlan),
// converge.go (bringing the droplet to the wanted state), validators.go and model.go.
package power

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

// Values of the `state` and `shutdown` arguments, and the droplet statuses DigitalOcean reports.
const (
	powerStateOn  = "on"
	powerStateOff = "off"

	shutdownGraceful = "graceful"
	shutdownForce    = "force"

	dropletStatusNew     = "new"
	dropletStatusActive  = "active"
	dropletStatusOff     = "off"
	dropletStatusArchive = "archive"

	defaultGracefulTimeout = "2m"
	// defaultPowerTimeout leaves room for the default graceful_timeout, the power_off fallback and
	// a droplet that is busy with another action first.
	defaultPowerTimeout = 10 * time.Minute
)

var (
	_ resource.Resource                   = (*dropletPowerResource)(nil)
	_ resource.ResourceWithConfigure      = (*dropletPowerResource)(nil)
	_ resource.ResourceWithImportState    = (*dropletPowerResource)(nil)
	_ resource.ResourceWithIdentity       = (*dropletPowerResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*dropletPowerResource)(nil)
	_ resource.ResourceWithValidateConfig = (*dropletPowerResource)(nil)
)

// NewResource returns the droplet_power resource.
func NewResource() resource.Resource { return &dropletPowerResource{} }

type dropletPowerResource struct {
	client *digitalocean.Client
}

func (r *dropletPowerResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_power"
}

func (r *dropletPowerResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerutil.ClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *dropletPowerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !providerutil.RequireClient(r.client, &resp.Diagnostics) {
		return
	}
	var plan dropletPowerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := providerutil.WithTimeout(ctx, plan.Timeouts.Create, defaultPowerTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	status, ok := r.converge(ctx, plan, &resp.Diagnostics)
	if !ok {
		return
	}
	plan.ID = types.StringValue(strconv.FormatInt(plan.DropletID.ValueInt64(), 10))
	plan.Status = types.StringValue(status)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	providerutil.SetDropletIdentity(ctx, resp.Identity, plan.DropletID.ValueInt64(), &resp.Diagnostics)
}

func (r *dropletPowerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !providerutil.RequireClient(r.client, &resp.Diagnostics) {
		return
	}
	var state dropletPowerModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := int(state.DropletID.ValueInt64())
	d, err := r.client.Droplet(ctx, id)
	if errors.Is(err, digitalocean.ErrNotFound) {
		tflog.Warn(ctx, "droplet no longer exists; removing droplet_power from state", map[string]any{"droplet_id": id})
		// The framework insists on an identity even for a removed resource (state written before
		// identity existed, or by Terraform older than 1.12, has none), so backfill it first.
		providerutil.SetDropletIdentity(ctx, resp.Identity, state.DropletID.ValueInt64(), &resp.Diagnostics)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		providerutil.AddAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot read the power state of droplet %d", id), err)
		return
	}
	state.ID = types.StringValue(strconv.Itoa(id))
	state.Status = types.StringValue(d.Status)
	state.State = types.StringValue(stateFromStatus(d.Status, state.State.ValueString()))
	// An import leaves the arguments with defaults unset; fill them so a config that leaves them out
	// plans no change.
	if state.Shutdown.IsNull() {
		state.Shutdown = types.StringValue(shutdownGraceful)
	}
	if state.GracefulTimeout.IsNull() {
		state.GracefulTimeout = types.StringValue(defaultGracefulTimeout)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	providerutil.SetDropletIdentity(ctx, resp.Identity, state.DropletID.ValueInt64(), &resp.Diagnostics)
}

func (r *dropletPowerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !providerutil.RequireClient(r.client, &resp.Diagnostics) {
		return
	}
	var plan, prior dropletPowerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := providerutil.WithTimeout(ctx, plan.Timeouts.Update, defaultPowerTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	plan.ID = types.StringValue(strconv.FormatInt(plan.DropletID.ValueInt64(), 10))
	if plan.State.Equal(prior.State) {
		// Only shutdown, graceful_timeout or timeouts changed: they are settings of this resource and
		// need no request. The refresh before this plan already read the droplet's status.
		plan.Status = prior.Status
	} else {
		status, ok := r.converge(ctx, plan, &resp.Diagnostics)
		if !ok {
			return
		}
		plan.Status = types.StringValue(status)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	providerutil.SetDropletIdentity(ctx, resp.Identity, plan.DropletID.ValueInt64(), &resp.Diagnostics)
}

// Delete leaves the droplet as it is: the resource describes a wish about the droplet, and
// forgetting the wish must not switch a production droplet off (or on).
func (r *dropletPowerResource) Delete(ctx context.Context, req resource.DeleteRequest, _ *resource.DeleteResponse) {
	var id types.Int64
	_ = req.State.GetAttribute(ctx, path.Root("droplet_id"), &id)
	tflog.Debug(ctx, "droplet_power removed from state; the droplet keeps its power state", map[string]any{"droplet_id": id.ValueInt64()})
}

// ImportState accepts the droplet ID (`terraform import droplet_power.web 123` or an import block
// with id = "123"), or an identity with droplet_id (Terraform 1.12 and later).
func (r *dropletPowerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var id int64
	if req.ID != "" {
		v, err := strconv.ParseInt(strings.TrimSpace(req.ID), 10, 64)
		if err != nil || v < 1 {
			resp.Diagnostics.AddError("Invalid import ID for droplet_power",
				fmt.Sprintf("Expected the numeric ID of a droplet, such as 3164444; got %q.", req.ID))
			return
		}
		id = v
	} else {
		var ident providerutil.DropletIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &ident)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if ident.DropletID.IsNull() || ident.DropletID.IsUnknown() || ident.DropletID.ValueInt64() < 1 {
			resp.Diagnostics.AddAttributeError(path.Root("droplet_id"), "Invalid import identity for droplet_power",
				"The identity's droplet_id must be the numeric ID of a droplet, such as 3164444.")
			return
		}
		id = ident.DropletID.ValueInt64()
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("droplet_id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), strconv.FormatInt(id, 10))...)
	providerutil.SetDropletIdentity(ctx, resp.Identity, id, &resp.Diagnostics)
}

// converge brings the droplet to plan.State and returns the droplet's status afterwards, which is
