package provider

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
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
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

// NewDropletPowerResource returns the droplet_power resource.
func NewDropletPowerResource() resource.Resource { return &dropletPowerResource{} }

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
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"droplet_id": identityschema.Int64Attribute{
				RequiredForImport: true,
				Description:       "ID of the droplet whose power state is managed.",
			},
		},
	}
}

func (r *dropletPowerResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *dropletPowerResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg dropletPowerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if cfg.Shutdown.ValueString() == shutdownForce && !cfg.GracefulTimeout.IsNull() && !cfg.GracefulTimeout.IsUnknown() {
		resp.Diagnostics.AddAttributeWarning(path.Root("graceful_timeout"), "graceful_timeout has no effect",
			"With shutdown = \"force\" the droplet is powered off at once, so graceful_timeout is never used. "+
				"Remove it, or set shutdown = \"graceful\".")
		return
	}
	if cfg.Shutdown.IsUnknown() || cfg.GracefulTimeout.IsUnknown() || cfg.Timeouts.IsUnknown() {
		return
	}
	graceful := defaultGracefulTimeout
	if !cfg.GracefulTimeout.IsNull() {
		graceful = cfg.GracefulTimeout.ValueString()
	}
	grace, err := time.ParseDuration(graceful)
	if err != nil {
		return // reported by the attribute's validator
	}
	// A grace period that fills the whole operation timeout leaves no time for the power_off fallback.
	for _, op := range []struct {
		name string
		get  func(context.Context, time.Duration) (time.Duration, diag.Diagnostics)
	}{{"create", cfg.Timeouts.Create}, {"update", cfg.Timeouts.Update}} {
		limit, diags := op.get(ctx, defaultPowerTimeout)
		if diags.HasError() {
			return // reported by the timeouts attribute's own validation
		}
		if grace >= limit {
			resp.Diagnostics.AddAttributeWarning(path.Root("graceful_timeout"), "graceful_timeout leaves no time for power_off",
				fmt.Sprintf("graceful_timeout (%s) is not shorter than the %s timeout (%s), so a droplet that ignores "+
					"shutdown fails the apply instead of being powered off. Lower graceful_timeout or raise "+
					"timeouts.%s.", grace, op.name, limit, op.name))
			return
		}
	}
}

// ModifyPlan shows the status the droplet will have after the apply, and the id, at plan time.
func (r *dropletPowerResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy: nothing to show
	}
	var plan dropletPowerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.DropletID.IsUnknown() && !plan.DropletID.IsNull() {
		plan.ID = types.StringValue(strconv.FormatInt(plan.DropletID.ValueInt64(), 10))
	}
	plan.Status = types.StringUnknown()
	if !plan.State.IsUnknown() && !plan.State.IsNull() {
		plan.Status = types.StringValue(statusFor(plan.State.ValueString()))
		if !req.State.Raw.IsNull() {
			var prior dropletPowerModel
			resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
			if resp.Diagnostics.HasError() {
				return
			}
			// Unchanged state: the apply sends no action, so the status stays what the refresh saw
			// (which may be "new" or "archive"), and changing only shutdown settings shows no status diff.
			if prior.State.Equal(plan.State) && prior.DropletID.Equal(plan.DropletID) && !prior.Status.IsNull() {
				plan.Status = prior.Status
			}
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *dropletPowerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	var plan dropletPowerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultPowerTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	status, ok := r.converge(ctx, plan, &resp.Diagnostics)
	if !ok {
		return
	}
	plan.ID = types.StringValue(strconv.FormatInt(plan.DropletID.ValueInt64(), 10))
	plan.Status = types.StringValue(status)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setPowerIdentity(ctx, resp.Identity, plan.DropletID, &resp.Diagnostics)
}

func (r *dropletPowerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !requireClient(r.client, &resp.Diagnostics) {
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
		setPowerIdentity(ctx, resp.Identity, state.DropletID, &resp.Diagnostics)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot read the power state of droplet %d", id), err)
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
	setPowerIdentity(ctx, resp.Identity, state.DropletID, &resp.Diagnostics)
}

func (r *dropletPowerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	var plan, prior dropletPowerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultPowerTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

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
	setPowerIdentity(ctx, resp.Identity, plan.DropletID, &resp.Diagnostics)
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
		var ident dropletPowerIdentityModel
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
	setPowerIdentity(ctx, resp.Identity, types.Int64Value(id), &resp.Diagnostics)
}

// converge brings the droplet to plan.State and returns the droplet's status afterwards, which is
// always the status that means that state ("active" or "off"). It reports failures in diags.
func (r *dropletPowerResource) converge(ctx context.Context, plan dropletPowerModel, diags *diag.Diagnostics) (string, bool) {
	id := int(plan.DropletID.ValueInt64())
	want := plan.State.ValueString()
	target := statusFor(want)
	ctx = tflog.SetField(ctx, "droplet_id", id)

	// Decide on a droplet that is not in the middle of another action: an action still running (a
	// reboot, a power_off started elsewhere) could change the status this decision is based on.
	d, err := r.client.WaitIdle(ctx, id)
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Cannot read droplet %d before powering it %s", id, want), err)
		return "", false
	}
	if d.Status == target {
		tflog.Debug(ctx, "droplet already in the desired power state; no action", map[string]any{"status": d.Status})
		return d.Status, true
	}

	var last string // the action whose completion should have brought the droplet to target
	switch {
	case want == powerStateOn && d.Status == dropletStatusNew:
		// The first boot is still running; the droplet becomes active by itself.
		last = "create"
	case want == powerStateOn:
		if !r.run(ctx, id, "power_on", fmt.Sprintf("Cannot power on droplet %d", id), diags) {
			return "", false
		}
		last = "power_on"
	case plan.Shutdown.ValueString() == shutdownForce:
		if !r.run(ctx, id, "power_off", fmt.Sprintf("Cannot power off droplet %d", id), diags) {
			return "", false
		}
		last = "power_off"
	default:
		off, ok := r.shutdownGracefully(ctx, id, plan.GracefulTimeout.ValueString(), diags)
		if !ok {
			return "", false
		}
		if off != nil {
			return off.Status, true
		}
		if !r.run(ctx, id, "power_off", fmt.Sprintf("Cannot power off droplet %d after its graceful shutdown timed out", id), diags) {
			return "", false
		}
		last = "power_off"
	}

	// DigitalOcean may report the new status a moment after the action completed.
	d, err = r.client.WaitDroplet(ctx, id, statusIs(target))
	if err != nil {
		summary := fmt.Sprintf("Droplet %d did not reach status %q", id, target)
		if d != nil && errors.Is(err, digitalocean.ErrTimeout) {
			diags.AddError(summary, fmt.Sprintf("The %s action completed, but droplet %d still reports status %q "+
				"when the timeout ended. Check the droplet in the control panel, then apply again (or raise the "+
				"resource's `timeouts`).", last, id, d.Status))
			return "", false
		}
		addAPIError(diags, summary, err)
		return "", false
	}
	return d.Status, true
}

// shutdownGracefully sends shutdown and waits, within graceful_timeout counted from the request, for
// the droplet to switch itself off. It returns the droplet when it is off, nil when the caller should
// fall back to power_off, and false when it failed (reported in diags).
func (r *dropletPowerResource) shutdownGracefully(ctx context.Context, id int, graceful string, diags *diag.Diagnostics) (*godo.Droplet, bool) {
	grace, err := time.ParseDuration(graceful)
	if err != nil || grace <= 0 {
		// Validated at plan time; this only guards against a state written by something else.
		diags.AddAttributeError(path.Root("graceful_timeout"), "Invalid graceful_timeout",
			fmt.Sprintf("graceful_timeout must be a duration greater than zero such as \"2m\"; got %q.", graceful))
		return nil, false
	}
	deadline := time.Now().Add(grace)
	if !r.run(ctx, id, "shutdown", fmt.Sprintf("Cannot shut down droplet %d", id), diags) {
		return nil, false
	}
	graceCtx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	d, err := r.client.WaitDroplet(graceCtx, id, statusIs(dropletStatusOff))
	switch {
	case err == nil:
		return d, true
	case ctx.Err() == nil && graceCtx.Err() != nil:
		// One last look: waiting for the shutdown action itself may have used up the grace period
		// before the droplet's status was read even once.
		d, err = r.client.Droplet(ctx, id)
		if err != nil {
			addAPIError(diags, fmt.Sprintf("Cannot read droplet %d after shutting it down", id), err)
			return nil, false
		}
		if d.Status == dropletStatusOff && !d.Locked {
			return d, true
		}
		tflog.Info(ctx, "droplet not off within graceful_timeout; falling back to power_off",
			map[string]any{"graceful_timeout": graceful, "status": d.Status})
		return nil, true
	default:
		addAPIError(diags, fmt.Sprintf("Cannot shut down droplet %d", id), err)
		return nil, false
	}
}

// run starts one droplet action and waits for it to complete; summary names what failed.
func (r *dropletPowerResource) run(ctx context.Context, id int, actionType, summary string, diags *diag.Diagnostics) bool {
	tflog.Debug(ctx, "running droplet action", map[string]any{"type": actionType})
	a, err := r.client.Run(ctx, id, digitalocean.ActionRequest{Type: actionType})
	if err != nil {
		addAPIError(diags, summary, err)
		return false
	}
	tflog.Debug(ctx, "droplet action completed", map[string]any{"type": actionType, "action_id": a.ID})
	return true
}

// statusFor is the droplet status that means a power state has been reached.
func statusFor(state string) string {
	if state == powerStateOn {
		return dropletStatusActive
	}
	return dropletStatusOff
}

// stateFromStatus maps a droplet status to a power state. A "new" droplet is on its way to
// "active", so the state already recorded stands ("on" when there is none yet).
func stateFromStatus(status, prior string) string {
	switch status {
	case dropletStatusActive:
		return powerStateOn
	case dropletStatusOff, dropletStatusArchive:
		return powerStateOff
	}
	if prior != "" {
		return prior
	}
	return powerStateOn
}

func statusIs(status string) func(*godo.Droplet) bool {
	return func(d *godo.Droplet) bool { return d.Status == status && !d.Locked }
}

// setPowerIdentity records the resource identity; identity is nil for clients that predate it.
func setPowerIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, dropletID types.Int64, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, dropletPowerIdentityModel{DropletID: dropletID})...)
}

// positiveDurationValidator accepts a Go duration string ("90s", "2m", "1m30s") greater than zero.
type positiveDurationValidator struct{}

func (positiveDurationValidator) Description(context.Context) string {
	return "must be a Go duration greater than zero, such as \"90s\", \"2m\" or \"1m30s\""
}

func (v positiveDurationValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (positiveDurationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%s must be a Go duration greater than zero, such as \"90s\", \"2m\" or \"1m30s\"; got %q.",
				req.Path, s))
	}
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

type dropletPowerIdentityModel struct {
	DropletID types.Int64 `tfsdk:"droplet_id"`
}
