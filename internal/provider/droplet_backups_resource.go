package provider

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
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

// maxParallelConversions bounds how many backup-to-snapshot conversions run at once. A droplet
// keeps at most seven daily or four weekly backups, so this normally converts all of them together.
const maxParallelConversions = 4

// NewDropletBackupsResource returns the droplet_backups resource.
func NewDropletBackupsResource() resource.Resource {
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
			"(plan, weekday, hour). Every change is one droplet action (`enable_backups`, `change_backup_policy` or " +
			"`disable_backups`) followed by a wait until DigitalOcean reports it `completed`; the state then holds " +
			"what DigitalOcean reports, so changes made elsewhere (control panel, API) show as a diff in the next plan.\n\n" +
			"Creating the resource adopts the droplet's current backups: if they are already on with the configured " +
			"schedule, nothing is sent. Destroying it turns backups off. DigitalOcean keeps existing backups until " +
			"their retention ends (7 days daily, 28 days weekly); set `snapshot_backups_on_disable = true` to convert " +
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
					"With `false`, `plan`, `weekday` and `hour` must be unset, and every policy attribute is null.",
			},
			"plan": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Backup frequency: " + quoted(backupPlans) + ". Unset means DigitalOcean's " +
					"choice: `daily` when backups are turned on, or the droplet's current plan when they already are. " +
					"Changes in place (`change_backup_policy`). DigitalOcean may report a usage-based plan set outside " +
					"Terraform (such as `intra_daily_4h`); it is read and shown as is.",
				Validators: []validator.String{stringvalidator.OneOf(backupPlans...)},
			},
			"weekday": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Day of the weekly backup: " + quoted(backupWeekdays) + ". Only with " +
					"`plan = \"weekly\"`; null for daily plans. Unset means DigitalOcean's choice, or the current day " +
					"when the plan stays weekly. Changes in place (`change_backup_policy`).",
				Validators: []validator.String{stringvalidator.OneOf(backupWeekdays...)},
			},
			"hour": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "UTC hour at which the backup window opens: " + quoted(backupHours) + ". " +
					"Unset means DigitalOcean's choice, or the current hour when backups are already on. Changes in " +
					"place (`change_backup_policy`).",
				Validators: []validator.Int64{int64validator.OneOf(backupHours...)},
			},
			"window_length_hours": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Length of the backup window in hours, as reported by DigitalOcean (4 for daily and weekly plans). Null when backups are off.",
			},
			"retention_period_days": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "How many days each backup is kept, as reported by DigitalOcean (7 for daily, 28 for weekly). Null when backups are off.",
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
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"droplet_id": identityschema.Int64Attribute{
				RequiredForImport: true,
				Description:       "ID of the droplet whose backups are managed.",
			},
		},
	}
}

func (r *dropletBackupsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig rejects combinations DigitalOcean cannot hold, so `terraform validate` catches them.
func (r *dropletBackupsResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg dropletBackupsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if isKnown(cfg.Enabled) && !cfg.Enabled.ValueBool() {
		for _, a := range []struct {
			name, example string
			value         attr.Value
		}{
			{"plan", `"weekly"`, cfg.Plan},
			{"weekday", `"SUN"`, cfg.Weekday},
			{"hour", "4", cfg.Hour},
		} {
			if isKnown(a.value) {
				resp.Diagnostics.AddAttributeError(path.Root(a.name), "Backup schedule set while backups are disabled",
					fmt.Sprintf("`%s` cannot be set when `enabled = false`: with backups off DigitalOcean holds no "+
						"backup policy. Remove `%s`, or make it conditional, for example `%s = var.backups_on ? %s : null`.",
						a.name, a.name, a.name, a.example))
			}
		}
	}

	if isKnown(cfg.Weekday) && !cfg.Plan.IsUnknown() && cfg.Plan.ValueString() != backupPlanWeekly {
		got := "is unset"
		if !cfg.Plan.IsNull() {
			got = fmt.Sprintf("is %q", cfg.Plan.ValueString())
		}
		resp.Diagnostics.AddAttributeError(path.Root("weekday"), "Weekday needs a weekly plan",
			fmt.Sprintf("`weekday` (one of %s) can only be set together with `plan = \"weekly\"`, but `plan` %s. "+
				"Set `plan = \"weekly\"`, or remove `weekday`: daily backups run every day.", quoted(backupWeekdays), got))
	}
}

// ModifyPlan works out every policy attribute at once, because they depend on each other: a
// disabled droplet has no policy at all, a daily plan has no weekday, and the window only moves
// when the schedule does. Values the user leaves unset keep what DigitalOcean reported, so a plan
// after an apply or an import is empty.
func (r *dropletBackupsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var planned, cfg dropletBackupsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &planned)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	var prior *dropletBackupsModel
	if !req.State.Raw.IsNull() {
		var st dropletBackupsModel
		resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
		// A new droplet is a new resource: nothing of the old one's policy carries over.
		if planned.DropletID.Equal(st.DropletID) {
			prior = &st
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	if isKnown(planned.DropletID) {
		planned.ID = types.StringValue(strconv.FormatInt(planned.DropletID.ValueInt64(), 10))
	} else {
		planned.ID = types.StringUnknown()
	}

	planPolicy(&planned, cfg, prior)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &planned)...)
}

// planPolicy fills the planned policy attributes from the configuration and, when the droplet's
// backups are on and stay on, from the prior state.
func planPolicy(planned *dropletBackupsModel, cfg dropletBackupsModel, prior *dropletBackupsModel) {
	unknownComputed := func() {
		planned.WindowLengthHours = types.Int64Unknown()
		planned.RetentionPeriodDays = types.Int64Unknown()
		planned.NextBackupWindow = types.ObjectUnknown(nextBackupWindowAttrTypes)
	}
	switch {
	case planned.Enabled.IsUnknown():
		planned.Plan = orUnknownString(cfg.Plan)
		planned.Weekday = orUnknownString(cfg.Weekday)
		planned.Hour = orUnknownInt64(cfg.Hour)
		unknownComputed()

	case !planned.Enabled.ValueBool():
		// The configuration is null here (ValidateConfig), unless it is still unknown.
		planned.Plan = orNullString(cfg.Plan)
		planned.Weekday = orNullString(cfg.Weekday)
		planned.Hour = orNullInt64(cfg.Hour)
		planned.WindowLengthHours = types.Int64Null()
		planned.RetentionPeriodDays = types.Int64Null()
		planned.NextBackupWindow = types.ObjectNull(nextBackupWindowAttrTypes)

	case prior == nil || !prior.Enabled.ValueBool():
		// Turning backups on (or adopting a droplet on create): whatever is unset is DigitalOcean's choice.
		planned.Plan = orUnknownString(cfg.Plan)
		planned.Weekday = orUnknownString(cfg.Weekday)
		if cfg.Weekday.IsNull() && planned.Plan.ValueString() == backupPlanDaily {
			planned.Weekday = types.StringNull()
		}
		planned.Hour = orUnknownInt64(cfg.Hour)
		unknownComputed()

	default:
		// Backups stay on: unset values keep what DigitalOcean reports.
		planned.Plan = cfg.Plan
		if cfg.Plan.IsNull() {
			planned.Plan = prior.Plan
		}
		switch {
		case !cfg.Weekday.IsNull():
			planned.Weekday = cfg.Weekday
		case planned.Plan.ValueString() == backupPlanDaily && isKnown(planned.Plan):
			// weekly → daily: the old weekday means nothing any more.
			planned.Weekday = types.StringNull()
		case isKnown(planned.Plan) && planned.Plan.Equal(prior.Plan):
			planned.Weekday = prior.Weekday
		default:
			planned.Weekday = types.StringUnknown()
		}
		planned.Hour = cfg.Hour
		if cfg.Hour.IsNull() {
			planned.Hour = prior.Hour
		}

		if planned.Plan.Equal(prior.Plan) {
			planned.WindowLengthHours = prior.WindowLengthHours
			planned.RetentionPeriodDays = prior.RetentionPeriodDays
		} else {
			planned.WindowLengthHours = types.Int64Unknown()
			planned.RetentionPeriodDays = types.Int64Unknown()
		}
		if scheduleChanged(*planned, *prior) {
			planned.NextBackupWindow = types.ObjectUnknown(nextBackupWindowAttrTypes)
		} else {
			planned.NextBackupWindow = prior.NextBackupWindow
		}
	}
}

// scheduleChanged reports whether the planned policy differs from the prior one in anything that
// needs an API call.
func scheduleChanged(planned, prior dropletBackupsModel) bool {
	return !planned.Enabled.Equal(prior.Enabled) ||
		!planned.Plan.Equal(prior.Plan) ||
		!planned.Weekday.Equal(prior.Weekday) ||
		!planned.Hour.Equal(prior.Hour)
}

func (r *dropletBackupsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var planned dropletBackupsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &planned)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	timeout, diags := planned.Timeouts.Create(ctx, defaultBackupsTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

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
	setIdentity(ctx, resp.Identity, dropletID, &resp.Diagnostics)
}

func (r *dropletBackupsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state dropletBackupsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	dropletID := int(state.DropletID.ValueInt64())
	p, err := r.client.BackupPolicy(ctx, dropletID)
	if errors.Is(err, digitalocean.ErrNotFound) {
		tflog.Info(ctx, "Droplet no longer exists; removing its backups from state", map[string]any{"droplet_id": dropletID})
		// The framework (v1.19) insists on an identity even for a removed resource when Terraform
		// sent none (Terraform before 1.12).
		setIdentity(ctx, resp.Identity, dropletID, &resp.Diagnostics)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot read the backup policy of droplet %d", dropletID), err)
		return
	}

	state = state.withPolicy(policyStateFrom(p))
	// After an import only droplet_id is known; the rest takes its defaults.
	state.ID = types.StringValue(strconv.Itoa(dropletID))
	if state.SnapshotBackupsOnDisable.IsNull() {
		state.SnapshotBackupsOnDisable = types.BoolValue(false)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	setIdentity(ctx, resp.Identity, dropletID, &resp.Diagnostics)
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
		setIdentity(ctx, resp.Identity, dropletID, &resp.Diagnostics)
		return
	}

	if !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	timeout, diags := planned.Timeouts.Update(ctx, defaultBackupsTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

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
		setIdentity(ctx, resp.Identity, dropletID, &resp.Diagnostics)
		return
	}
	state := planned.withPolicy(got)
	checkApplied(dropletID, planned, state, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	setIdentity(ctx, resp.Identity, dropletID, &resp.Diagnostics)
}

func (r *dropletBackupsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state dropletBackupsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultBackupsTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	dropletID := int(state.DropletID.ValueInt64())
	current, err := r.client.BackupPolicy(ctx, dropletID)
	if errors.Is(err, digitalocean.ErrNotFound) {
		return // the droplet and its backups are gone already
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot read the backup policy of droplet %d", dropletID), err)
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
		var identity dropletBackupsIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &identity)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if !isKnown(identity.DropletID) || identity.DropletID.ValueInt64() < 1 {
			resp.Diagnostics.AddError("Invalid import identity for droplet_backups",
				"The identity's `droplet_id` must be the droplet's numeric ID (a whole number of at least 1).")
			return
		}
		dropletID = identity.DropletID.ValueInt64()
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("droplet_id"), dropletID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), strconv.FormatInt(dropletID, 10))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("snapshot_backups_on_disable"), false)...)
	setIdentity(ctx, resp.Identity, int(dropletID), &resp.Diagnostics)
}

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
		addAPIError(diags, fmt.Sprintf("Cannot read the backup policy of droplet %d", dropletID), err)
		return policyState{}, false
	}
	if !planned.Enabled.ValueBool() {
		if current.Enabled && !r.disable(ctx, dropletID, planned.SnapshotBackupsOnDisable.ValueBool(), current, diags) {
			return policyState{}, false
		}
	} else {
		d := &backupsDecider{r: r, dropletID: dropletID, planned: planned, current: current}
		a, err := r.client.Converge(ctx, dropletID, d.decide)
		if err != nil {
			d.report(diags, err)
			return policyState{}, false
		}
		if a == nil {
			// Nothing was (or is any more) needed: the last read is what DigitalOcean holds.
			return policyStateFrom(d.current), true
		}
	}

	after, err := r.client.BackupPolicy(ctx, dropletID)
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Cannot read the backup policy of droplet %d", dropletID), err)
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

func (d *backupsDecider) decide(ctx context.Context) (*digitalocean.ActionRequest, error) {
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

// report adds the diagnostic for an error of Converge, naming what was being done.
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
	addAPIError(diags, summary, err)
}

// disable turns backups off, converting the existing ones to snapshots first when asked; current
// is the policy just read (backups on). A droplet that disappears meanwhile counts as done: its
// backups are gone with it.
func (r *dropletBackupsResource) disable(ctx context.Context, dropletID int, convert bool, current *digitalocean.BackupPolicy, diags *diag.Diagnostics) bool {
	if convert && !r.convertBackups(ctx, dropletID, diags) {
		return false
	}
	planned := dropletBackupsModel{Enabled: types.BoolValue(false)}
	d := &backupsDecider{r: r, dropletID: dropletID, planned: planned, current: current}
	_, err := r.client.Converge(ctx, dropletID, d.decide)
	if err != nil && !errors.Is(err, digitalocean.ErrNotFound) {
		d.report(diags, err)
		return false
	}
	return true
}

// convertBackups turns every current backup of the droplet into a snapshot and waits for all of
// them. A backup that disappears meanwhile (its retention ended) is skipped.
func (r *dropletBackupsResource) convertBackups(ctx context.Context, dropletID int, diags *diag.Diagnostics) bool {
	backups, err := r.client.Backups(ctx, dropletID)
	if errors.Is(err, digitalocean.ErrNotFound) {
		return true
	}
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Cannot list the backups of droplet %d", dropletID), err)
		return false
	}
	tflog.Debug(ctx, "Converting backups to snapshots before disabling backups",
		map[string]any{"droplet_id": dropletID, "backups": len(backups)})

	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		failed []string
		sem    = make(chan struct{}, maxParallelConversions)
	)
	for _, img := range backups {
		wg.Add(1)
		go func(imageID int) {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
				mu.Lock()
				failed = append(failed, fmt.Sprintf("backup %d: %v", imageID, ctx.Err()))
				mu.Unlock()
				return
			}
			_, err := r.client.ConvertImageToSnapshot(ctx, imageID)
			if err == nil || errors.Is(err, digitalocean.ErrNotFound) {
				return
			}
			mu.Lock()
			failed = append(failed, fmt.Sprintf("backup %d: %s", imageID, apiErrorDetail(err)))
			mu.Unlock()
		}(img.ID)
	}
	wg.Wait()

	if len(failed) > 0 {
		diags.AddError(fmt.Sprintf("Cannot convert the backups of droplet %d to snapshots", dropletID),
			fmt.Sprintf("Backups were left on because snapshot_backups_on_disable is true and %d of %d conversions "+
				"failed:\n\n%s\n\nBackups already converted stay snapshots. Fix the cause and apply again, or set "+
				"snapshot_backups_on_disable = false to turn backups off without keeping them.",
				len(failed), len(backups), strings.Join(failed, "\n")))
		return false
	}
	return true
}

// enablePolicy is the policy sent with enable_backups: only what the user set. Nothing set means
// no policy at all, and DigitalOcean applies its default (daily).
func enablePolicy(planned dropletBackupsModel) *digitalocean.Policy {
	var p digitalocean.Policy
	set := false
	if isKnown(planned.Plan) {
		p.Plan, set = planned.Plan.ValueString(), true
	}
	if isKnown(planned.Weekday) {
		p.Weekday, set = planned.Weekday.ValueString(), true
	}
	if isKnown(planned.Hour) {
		h := int(planned.Hour.ValueInt64())
		p.Hour, set = &h, true
	}
	if !set {
		return nil
	}
	if p.Plan == "" {
		// Send the documented default rather than an empty plan name.
		p.Plan = backupPlanDaily
	}
	return &p
}

// changedPolicy merges the planned values that are known over the droplet's current policy and
// reports whether that differs from it. Only values the plan fixes are compared, so a droplet
// adopted on create with the configured schedule gets no action.
func changedPolicy(planned dropletBackupsModel, current *digitalocean.BackupPolicy) (digitalocean.Policy, bool) {
	p := digitalocean.Policy{Plan: current.Plan, Weekday: current.Weekday, Hour: current.Hour}
	needed := false
	if isKnown(planned.Plan) && planned.Plan.ValueString() != current.Plan {
		p.Plan, needed = planned.Plan.ValueString(), true
		p.Weekday = "" // a weekday only carries over while the plan stays the same
	}
	if isKnown(planned.Weekday) && planned.Weekday.ValueString() != current.Weekday {
		p.Weekday, needed = planned.Weekday.ValueString(), true
	}
	if isKnown(planned.Hour) && (current.Hour == nil || int64(*current.Hour) != planned.Hour.ValueInt64()) {
		h := int(planned.Hour.ValueInt64())
		p.Hour, needed = &h, true
	}
	if p.Plan == backupPlanDaily {
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

// setIdentity records the resource identity (Terraform 1.12+). The framework supplies an identity
// object for every Terraform version; older ones simply ignore it.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, dropletID int, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, dropletBackupsIdentityModel{DropletID: types.Int64Value(int64(dropletID))})...)
}

func hasUnknownPolicy(m dropletBackupsModel) bool {
	for _, v := range []attr.Value{m.Enabled, m.Plan, m.Weekday, m.Hour, m.WindowLengthHours, m.RetentionPeriodDays, m.NextBackupWindow} {
		if v.IsUnknown() {
			return true
		}
	}
	return false
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
	return s
}

func isKnown(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }

func orUnknownString(v types.String) types.String {
	if v.IsNull() {
		return types.StringUnknown()
	}
	return v
}

func orUnknownInt64(v types.Int64) types.Int64 {
	if v.IsNull() {
		return types.Int64Unknown()
	}
	return v
}

func orNullString(v types.String) types.String {
	if v.IsUnknown() {
		return v
	}
	return types.StringNull()
}

func orNullInt64(v types.Int64) types.Int64 {
	if v.IsUnknown() {
		return v
	}
	return types.Int64Null()
}

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

type dropletBackupsIdentityModel struct {
	DropletID types.Int64 `tfsdk:"droplet_id"`
}
