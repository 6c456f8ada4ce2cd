// Package power is the droplet_power capability: the resource that keeps a droplet powered on or
// off, with a graceful shutdown that falls back to a hard power-off.
//
// Files: resource.go (schema, CRUD, import, model), plan.go (validation and ModifyPlan),
// converge.go (bringing the droplet to the wanted state) and validators.go.
package power

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/digitalocean/godo"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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

func (r *dropletPowerResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Keeps a droplet powered on or off. Creating or updating the resource brings the " +
			"droplet to `state` with a droplet action (`power_on`, or `shutdown` falling back to `power_off`, " +
			"or `power_off` at once) and waits until DigitalOcean reports the action `completed` and the " +
			"droplet `active` or `off`; a droplet that is already there gets no action. A droplet busy with " +
			"another action is waited for first.\n\n" +
			"Every refresh reads the droplet's real status, so a droplet switched on or off outside Terraform " +
			"shows as a change to `state` in the next plan, and applying switches it back.\n\n" +
			"Destroying the resource only removes it from the Terraform state: the droplet keeps its current " +
			"power state (like `aws_ec2_instance_state`). Destroy the droplet itself with the provider that " +
			"created it.\n\n" +
			"Status mapping: `active` is `on`; `off` and `archive` are `off` (an archived droplet does not run); " +
			"`new` (the droplet's first boot is still in progress) keeps the `state` already recorded, or `on` " +
			"right after an import.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The droplet ID as a string.",
			},
			"droplet_id": schema.Int64Attribute{
				Required: true,
				MarkdownDescription: "ID of the droplet whose power state is managed. Changing it replaces the " +
					"resource: the old droplet is left as it is and the new one is brought to `state`.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{
					int64planmodifier.RequiresReplace(),
				},
			},
			"state": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Desired power state: `on` or `off`. Changing it is done in place: `on` runs " +
					"the `power_on` droplet action, `off` runs `shutdown` or `power_off` as `shutdown` says. " +
					"Refresh sets it from the droplet's real status, so a change made outside Terraform shows " +
					"as a diff.",
				Validators: []validator.String{stringvalidator.OneOf(powerStateOn, powerStateOff)},
			},
			"shutdown": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(shutdownGraceful),
				MarkdownDescription: "How the droplet is switched off: `graceful` (default) sends the `shutdown` " +
					"droplet action (an ACPI signal the guest can act on) and, if the droplet is not `off` within " +
					"`graceful_timeout`, falls back to `power_off`; `force` sends `power_off` at once (like pulling " +
					"the plug; unsaved data in the guest is lost). Changing it is done in place and takes effect the " +
					"next time the droplet is switched off.",
				Validators: []validator.String{stringvalidator.OneOf(shutdownGraceful, shutdownForce)},
			},
			"graceful_timeout": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(defaultGracefulTimeout),
				MarkdownDescription: "With `shutdown = \"graceful\"`: how long, counted from the `shutdown` request, " +
					"the droplet gets to switch itself off before `power_off` takes over. A Go duration such as " +
					"`90s`, `2m` or `1m30s`, greater than zero; default `" + defaultGracefulTimeout + "`. It counts " +
					"against the `create`/`update` timeout, so keep it well below that. Ignored with " +
					"`shutdown = \"force\"`. Changing it is done in place.",
				Validators: []validator.String{positiveDurationValidator{}},
			},
			"status": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The droplet's status as DigitalOcean reports it (`GET /v2/droplets/{id}`): " +
					"`active`, `off`, `new` or `archive`. After an apply it is `active` for `state = \"on\"` and " +
					"`off` for `state = \"off\"`.",
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{
				Create:            true,
				Update:            true,
				CreateDescription: "How long creating may take, including waiting for a busy droplet, `graceful_timeout` and the `power_off` fallback. A Go duration such as `15m`; default `10m`.",
				UpdateDescription: "How long changing `state` may take, including waiting for a busy droplet, `graceful_timeout` and the `power_off` fallback. A Go duration such as `15m`; default `10m`.",
			}),
		},
	}
}

func (r *dropletPowerResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = providerutil.DropletIdentitySchema("ID of the droplet whose power state is managed.")
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
	state = readState(state, d)
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

type dropletPowerModel struct {
	ID              types.String   `tfsdk:"id"`
	DropletID       types.Int64    `tfsdk:"droplet_id"`
	State           types.String   `tfsdk:"state"`
	Shutdown        types.String   `tfsdk:"shutdown"`
	GracefulTimeout types.String   `tfsdk:"graceful_timeout"`
	Status          types.String   `tfsdk:"status"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

// readState is what droplet_power stores for its droplet (prior.DropletID) when DigitalOcean
// reports droplet d: its status and the power state that means, with prior's settings. Read and
// the list resource both use it, so a listed droplet is stored exactly as an import would store
// it. An import, or a listed droplet, leaves the arguments with defaults unset; they are filled so
// a configuration that leaves them out plans no change.
func readState(prior dropletPowerModel, d *godo.Droplet) dropletPowerModel {
	state := prior
	state.ID = types.StringValue(strconv.FormatInt(prior.DropletID.ValueInt64(), 10))
	state.Status = types.StringValue(d.Status)
	state.State = types.StringValue(stateFromStatus(d.Status, prior.State.ValueString()))
	if state.Shutdown.IsNull() {
		state.Shutdown = types.StringValue(shutdownGraceful)
	}
	if state.GracefulTimeout.IsNull() {
		state.GracefulTimeout = types.StringValue(defaultGracefulTimeout)
	}
	return state
}
