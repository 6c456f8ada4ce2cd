// Package backups is the droplet_backups capability: the resource that keeps a droplet's automatic
// backups on or off with a schedule, the droplet_backups and droplet_backup_policies data sources,
// and the planning of policy attributes they share.
//
// Files: resource.go (schema, CRUD, import, model), plan.go (validation and ModifyPlan),
// converge.go (which backup action a droplet needs, and sending it), convert.go (backups kept as
// snapshots), policy.go (the API's policy in Terraform types, shared by the resource and the data
// source), data_source.go and policies_data_source.go.
package backups

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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

func (r *dropletBackupsResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages the automatic backups of one droplet: whether they are on, and their schedule " +
			"(plan, weekday, hour, and for usage-based plans the retention). Every change is one droplet action (`enable_backups`, `change_backup_policy` or " +
			"`disable_backups`) followed by a wait until DigitalOcean reports it `completed`; the state then holds " +
			"what DigitalOcean reports, so changes made elsewhere (control panel, API) show as a diff in the next plan.\n\n" +
			"Creating the resource adopts the droplet's current backups: if they are already on with the configured " +
			"schedule, nothing is sent. Destroying it turns backups off. DigitalOcean keeps existing backups until " +
			"their retention ends (7 days daily, 28 days weekly, `retention_period_days` for usage-based plans); set `snapshot_backups_on_disable = true` to convert " +
			"them into snapshots first, which are kept until you delete them.\n\n" +
			"When the droplet is managed by the official provider's `digitalocean_droplet`, leave `backups` and " +
			"`backup_policy` unset there and add `lifecycle { ignore_changes = [backups, backup_policy] }`, so the two " +
			"providers do not undo each other's changes.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The droplet ID as a string, the same as `droplet_id`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"droplet_id": schema.Int64Attribute{
				Required: true,
				MarkdownDescription: "ID of the droplet whose backups are managed. Changing it replaces the resource: " +
					"backups are turned off on the old droplet and set up on the new one.",
				Validators:    []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"enabled": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: "Whether automatic backups are on. Defaults to `true`. `false` turns them off " +
					"(`disable_backups`) and keeps them off: if they are turned on elsewhere, the next plan shows it. " +
					"With `false`, `plan`, `weekday`, `hour`, `window_length_hours` and `retention_period_days` must be " +
					"unset, and every policy attribute is null.",
			},
			"plan": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Backup frequency: `daily` (kept 7 days), `weekly` (kept 28 days), or a usage-based " +
					"plan that backs up every 4, 6 or 12 hours: " + providerutil.Quoted(providerutil.UsageBasedBackupPlans) + ", " +
					"kept `retention_period_days`. Unset means DigitalOcean's choice: `daily` when backups are turned on, " +
					"or the droplet's current plan when they already are. Changes in place (`change_backup_policy`, one " +
					"action between any two plans), never replaces the resource. When the provider is configured, the " +
					"plan is also checked against the plans DigitalOcean offers the account (see the " +
					"`droplet_backup_policies` data source), so a plan it does not offer fails at plan time.",
				Validators: []validator.String{stringvalidator.OneOf(providerutil.BackupPlans...)},
			},
			"weekday": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Day of the weekly backup: " + providerutil.Quoted(providerutil.BackupWeekdays) + ". Only with " +
					"`plan = \"weekly\"`; null for every other plan. Unset means DigitalOcean's choice, or the current day " +
					"when the plan stays weekly. Changes in place (`change_backup_policy`).",
				Validators: []validator.String{stringvalidator.OneOf(providerutil.BackupWeekdays...)},
			},
			"hour": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "UTC hour at which the (day's first) backup window opens. `daily` and `weekly`: " +
					providerutil.Quoted(providerutil.BackupHours) + ". Usage-based plans repeat the window every 4, 6 or 12 " +
					"hours from it: `intra_daily_4h` takes `0`; `intra_daily_6h` `0` or `4`; `intra_daily_12h` `0`, `4` or " +
					"`8`. Unset means DigitalOcean's choice, or the current hour when backups are already on and it fits " +
					"the plan. Changes in place (`change_backup_policy`).",
				Validators: []validator.Int64{int64validator.OneOf(providerutil.BackupHours...)},
			},
			"window_length_hours": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Length of each backup window in hours. Can only be set with a usage-based plan, and " +
					"at most the plan's interval; when the provider is configured, it must be the window length " +
					"DigitalOcean offers for the plan (`droplet_backup_policies`). With `daily` and `weekly` it is read " +
					"only (4). Unset means the plan's window length. Always shows what DigitalOcean " +
					"reports; null when backups are off. Changes in place (`change_backup_policy`).",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"retention_period_days": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "How many days each backup is kept. Can only be set with a usage-based plan: at " +
					"least 1, and within the range DigitalOcean offers for the plan (checked at plan time when the " +
					"provider is configured; `droplet_backup_policies` lists it). With `daily` (7) and `weekly` (28) it " +
					"is read only. Unset means the plan's default when the plan changes or backups are turned on, and " +
					"the current retention otherwise. Always shows what DigitalOcean reports; null when backups are " +
					"off. Changes in place (`change_backup_policy`).",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"next_backup_window": schema.SingleNestedAttribute{
				Computed: true,
				MarkdownDescription: "The next backup window as reported by DigitalOcean; refreshed on every read, " +
					"so it moves forward as windows pass without causing a diff. Null when backups are off.",
				Attributes: map[string]schema.Attribute{
					"start": schema.StringAttribute{Computed: true, MarkdownDescription: "Start of the window, RFC 3339 in UTC."},
					"end":   schema.StringAttribute{Computed: true, MarkdownDescription: "End of the window, RFC 3339 in UTC."},
				},
			},
			"snapshot_backups_on_disable": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Defaults to `false`. When `true`, every existing backup of the droplet is " +
					"converted into a snapshot (image action `convert`, waited for) before backups are turned off, " +
					"whether by destroying this resource or by setting `enabled = false`. Snapshots are kept until " +
					"deleted and are billed as snapshots. If a conversion fails, backups stay on. Changing this " +
					"argument sends nothing to DigitalOcean.",
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func (r *dropletBackupsResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = providerutil.DropletIdentitySchema("ID of the droplet whose backups are managed.")
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

	state = readState(state, p)
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

type dropletBackupsModel struct {
	ID        types.String `tfsdk:"id"`
	DropletID types.Int64  `tfsdk:"droplet_id"`
	// policyState holds the attributes DigitalOcean reports: enabled, plan, weekday, hour, ...
	policyState
	SnapshotBackupsOnDisable types.Bool     `tfsdk:"snapshot_backups_on_disable"`
	Timeouts                 timeouts.Value `tfsdk:"timeouts"`
}

// withPolicy returns the model with its policy attributes replaced by what DigitalOcean reports.
func (m dropletBackupsModel) withPolicy(p policyState) dropletBackupsModel {
	m.policyState = p
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
