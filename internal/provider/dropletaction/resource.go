// Package dropletaction is the droplet action capability: the droplet_action resource, which runs
// one droplet action on a droplet or on every droplet with a tag, exactly once, and the table of
// action types that drives its validation, documentation and by-tag rules.
//
// Files: resource.go (schema and CRUD), types.go (the action type table), validate.go (per-type
// rules), run.go (the action through the Client's runner, adopting what an earlier apply left
// running), outcome_diagnostics.go (what failed, on which droplet, and what the next apply does)
// and model.go (the model, and its conversions to the API's request and from its actions).
//
// It also holds the Terraform actions (Terraform 1.14 and later), one per droplet action type
// (droplet_reboot, droplet_snapshot, …), which run through the same runner: actions.go (one action
// parameterised by its type, and Invoke), action_schema.go (schemas and pages from the type table),
// action_progress.go (the runner's events as progress lines), action_diagnostics.go (what failed,
// on which droplet, and what invoking again does) and retired_types.go.
package dropletaction

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/digitalocean/godo"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
	"github.com/dropletops/terraform-provider-droplet/internal/provider/providerutil"
)

// defaultActionCreateTimeout covers the slow actions (snapshot and resize of a large droplet);
// it is also what the official provider waits for a droplet action.
const defaultActionCreateTimeout = 60 * time.Minute

var (
	_ resource.Resource                     = (*dropletActionResource)(nil)
	_ resource.ResourceWithConfigure        = (*dropletActionResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*dropletActionResource)(nil)
	_ resource.ResourceWithConfigValidators = (*dropletActionResource)(nil)
	_ resource.ResourceWithImportState      = (*dropletActionResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*dropletActionResource)(nil)
)

// NewResource returns the droplet_action resource: a one-shot droplet action, run on
// one droplet or on every droplet with a tag, recorded in state once it has completed.
func NewResource() resource.Resource { return &dropletActionResource{} }

type dropletActionResource struct {
	client *digitalocean.Client
}

func (r *dropletActionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_action"
}

func (r *dropletActionResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replaceString := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keepString := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	keepList := []planmodifier.List{listplanmodifier.UseStateForUnknown()}

	resp.Schema = schema.Schema{
		MarkdownDescription: "Runs one droplet action — reboot, power off, resize, snapshot, restore, … — on one " +
			"droplet (`droplet_id`) or on every droplet with a tag (`tag_name`), and waits until DigitalOcean " +
			"reports every action `completed`.\n\n" +
			"An action is an event, not an object, so this resource behaves like `terraform_data`: creating it " +
			"runs the action once; an unchanged configuration runs nothing (refresh makes no API call); changing " +
			"any argument, or any value in `triggers`, replaces the resource and runs the action again. " +
			"Destroying it only removes it from the state: DigitalOcean cannot undo an action.\n\n" +
			"Exactly one action is started per droplet. If an apply fails (an action errored, or " +
			"`timeouts.create` ran out), nothing is saved, so the next apply runs the action again; when the " +
			"droplet still has an action of the same type in progress — the one the failed apply started — " +
			"that action is adopted and waited for instead of starting a second one, with a warning. (The API " +
			"cannot tell who started an action, so a same-type action started outside Terraform before the " +
			"apply and still running is adopted too.) A droplet busy with an action of another type is " +
			"waited for before the action starts; that wait counts against `timeouts.create`.\n\n" +
			"Order several actions with `depends_on`, for example `power_off` → `resize` → `power_on`.\n\n" +
			"This resource cannot be imported: an action that already ran is an entry in the droplet's " +
			"history, not an object to take over. To run an action, add the resource and apply.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "ID of the action as a string. With `tag_name`, the lowest of the action IDs " +
					"(one action per droplet), which is unique and never changes.",
				PlanModifiers: keepString,
			},
			"droplet_id": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "ID of the droplet to act on. Exactly one of `droplet_id` and `tag_name` is " +
					"required. Changing it replaces the resource and runs the action on the new droplet.",
				Validators:    []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"tag_name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Run the action on every droplet that has this tag, with one request " +
					"(`POST /v2/droplets/actions?tag_name=`), and wait for all of them. Only these types can run " +
					"by tag: " + providerutil.QuotedAnd(byTagTypes()) + "; `backup_policy` cannot be given (the by-tag " +
					"endpoint takes none, so `enable_backups` uses DigitalOcean's default daily schedule). A tag " +
					"that matches no droplet is an error. The droplets are the ones tagged when the action runs; " +
					"tagging more droplets later does not run it on them unless `triggers` change. Exactly one of " +
					"`droplet_id` and `tag_name` is required; changing it replaces the resource.",
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 255),
					stringvalidator.RegexMatches(actionTagPattern, "must contain only letters, digits, `_`, `-` and `:`"),
				},
				PlanModifiers: replaceString,
			},
			"type": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The droplet action to run (`POST /v2/droplets/{id}/actions`). Changing it " +
					"replaces the resource and runs the new action. One of:" + typesDescription() + "\n\n" +
					"An argument the type does not use, or a missing one it needs, is a plan-time error. " +
					retiredTypesDescription,
				Validators:    []validator.String{actionTypeValidator()},
				PlanModifiers: replaceString,
			},
			argImage: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Image to use. For `rebuild`: a public image slug such as `ubuntu-24-04-x64` " +
					"or a numeric image ID. For `restore`: the numeric ID of a backup of this same droplet (see the " +
					"`droplet_backups` data source). " + argumentUseDescription(argImage),
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: replaceString,
			},
			argSize: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "New size slug for `resize`, such as `s-2vcpu-4gb`. Power the droplet off " +
					"first (a `power_off` action it `depends_on`). " + argumentUseDescription(argSize),
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: replaceString,
			},
			argDisk: schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "With `resize`: also grow the disk to the new size's. Permanent — a disk " +
					"cannot shrink, so the droplet can never be resized down again. Defaults to `false` (CPU and " +
					"memory only). " + argumentUseDescription(argDisk),
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			argName: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "For `rename`: the droplet's new name. For `snapshot`: the snapshot's name " +
					"(DigitalOcean picks one when omitted). " + argumentUseDescription(argName),
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: replaceString,
			},
			argKernel: schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Kernel ID for `change_kernel` (from `GET /v2/droplets/{id}/kernels`). Only " +
					"droplets with externally managed kernels use it. " + argumentUseDescription(argKernel),
				Validators:    []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			argBackupPolicy: schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Backup schedule for `enable_backups` (optional: DigitalOcean's default is " +
					"daily) and `change_backup_policy` (required; backups must already be enabled). Not allowed " +
					"with `tag_name`. " + argumentUseDescription(argBackupPolicy),
				PlanModifiers: []planmodifier.Object{objectplanmodifier.RequiresReplace()},
				Attributes: map[string]schema.Attribute{
					"plan": schema.StringAttribute{
						Required: true,
						MarkdownDescription: "How often backups are taken: `daily` (kept 7 days), `weekly` (kept 28 " +
							"days), or a usage-based plan that backs up every 4, 6 or 12 hours and keeps backups " +
							"`retention_period_days`: " + providerutil.Quoted(providerutil.UsageBasedBackupPlans) + ". When " +
							"the provider is configured, a plan DigitalOcean does not offer the account fails at plan time.",
						Validators: []validator.String{stringvalidator.OneOf(providerutil.BackupPlans...)},
					},
					"weekday": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "Day of the weekly backup: one of " + providerutil.Quoted(providerutil.BackupWeekdays) +
							". Only with `plan = \"weekly\"`; when omitted DigitalOcean picks the day.",
						Validators: []validator.String{stringvalidator.OneOf(providerutil.BackupWeekdays...)},
					},
					"hour": schema.Int64Attribute{
						Optional: true,
						MarkdownDescription: "UTC hour the (day's first) backup window opens. `daily` and `weekly`: one of " +
							providerutil.Quoted(providerutil.BackupHours) + ". Usage-based plans repeat the window every 4, 6 " +
							"or 12 hours from it: `intra_daily_4h` takes `0`; `intra_daily_6h` `0` or `4`; " +
							"`intra_daily_12h` `0`, `4` or `8`. When omitted DigitalOcean picks the window.",
						Validators: []validator.Int64{int64validator.OneOf(providerutil.BackupHours...)},
					},
					"window_length_hours": schema.Int64Attribute{
						Optional: true,
						MarkdownDescription: "Length of each backup window in hours. Only with a usage-based plan, and at " +
							"most its interval; when omitted, the plan's window length (4). Sent as `window_length_hours`.",
						Validators: []validator.Int64{int64validator.AtLeast(1)},
					},
					"retention_period_days": schema.Int64Attribute{
						Optional: true,
						MarkdownDescription: "How many days each backup is kept: at least 1, within the range DigitalOcean " +
							"offers for the plan (see `droplet_backup_policies`). Only with a usage-based plan; `daily` " +
							"and `weekly` keep their backups 7 and 28 days. When omitted, the plan's default. Sent as " +
							"`retention_period_days`.",
						Validators: []validator.Int64{int64validator.AtLeast(1)},
					},
				},
			},
			"triggers": schema.MapAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Arbitrary strings; any change replaces the resource and runs the action " +
					"again, as with `terraform_data`'s `triggers_replace`. For example, reboot whenever a " +
					"configuration file's hash changes.",
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"action_ids": schema.ListAttribute{
				Computed:    true,
				ElementType: types.Int64Type,
				MarkdownDescription: "IDs of the actions started, one per droplet, in the order of " +
					"`droplet_ids` (for `GET /v2/actions/{id}`).",
				PlanModifiers: keepList,
			},
			"droplet_ids": schema.ListAttribute{
				Computed:    true,
				ElementType: types.Int64Type,
				MarkdownDescription: "IDs of the droplets acted on, in ascending order. With `tag_name`, every " +
					"droplet that had the tag when the action ran.",
				PlanModifiers: keepList,
			},
			"status": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Status DigitalOcean reported for the action(s): always `completed` in the " +
					"state, because an apply whose actions did not all complete fails and saves nothing.",
				PlanModifiers: keepString,
			},
			"started_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the (first) action started, RFC 3339 UTC.",
				PlanModifiers:       keepString,
			},
			"completed_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the (last) action completed, RFC 3339 UTC.",
				PlanModifiers:       keepString,
			},
			"region_slug": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Region of the droplet acted on, such as `nyc3`. With `tag_name`, the " +
					"region of the action whose ID is `id` (tagged droplets may be in several regions).",
				PlanModifiers: keepString,
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{
				Create: true,
				CreateDescription: "How long to wait for the action(s) to start and complete, as a duration " +
					"such as `30s`, `10m` or `2h`. Defaults to `60m`, enough for a snapshot or resize of a large " +
					"droplet. It includes waiting for a busy droplet's other action to finish. When it runs " +
					"out the apply fails and nothing is saved; the next apply adopts the action that is still " +
					"running instead of starting another. Changing it only updates the state: no action runs.",
			}),
		},
	}
}

// actionTagPattern is DigitalOcean's rule for tag names.
var actionTagPattern = regexp.MustCompile(`^[a-zA-Z0-9_\-:]+$`)

func (r *dropletActionResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("droplet_id"), path.MatchRoot("tag_name")),
	}
}

func (r *dropletActionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerutil.ClientFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig applies the per-type rules (which arguments a type takes, which types run by tag).
// Values that are unknown until apply are skipped here and checked again in Create.
func (r *dropletActionResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	readValidModel(ctx, req.Config.Get, &resp.Diagnostics)
}

// readValidModel reads the model with get and applies the per-type rules to it, as ValidateConfig
// and Create both must; ok is false when either step failed.
func readValidModel(ctx context.Context, get func(context.Context, any) diag.Diagnostics, diags *diag.Diagnostics) (m dropletActionModel, ok bool) {
	diags.Append(get(ctx, &m)...)
	if diags.HasError() {
		return m, false
	}
	diags.Append(m.validate(ctx)...)
	return m, !diags.HasError()
}

func (r *dropletActionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	// Values that were unknown at plan time are known now: apply the plan-time rules to them too.
	plan, ok := readValidModel(ctx, req.Plan.Get, &resp.Diagnostics)
	if !ok || !providerutil.RequireClient(r.client, &resp.Diagnostics) {
		return
	}
	timeout, ok := providerutil.Timeout(ctx, plan.Timeouts.Create, defaultActionCreateTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	actionReq, diags := plan.actionRequest(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	var actions []godo.Action
	if !plan.DropletID.IsNull() {
		dropletID := int(plan.DropletID.ValueInt64())
		tflog.Debug(ctx, "running droplet action", map[string]any{"droplet_id": dropletID, "type": actionReq.Type})
		results, err := r.run(ctx, digitalocean.Job{DropletID: dropletID, Request: actionReq})
		if len(results) == 0 {
			providerutil.AddAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot run droplet action %s on droplet %d", actionReq.Type, dropletID), err)
			return
		}
		o := results[0]
		addAdoptedWarnings(&resp.Diagnostics, actionReq.Type, results)
		if !completed(o) {
			addDropletOutcomeError(&resp.Diagnostics, actionReq.Type, o, timeout)
			return
		}
		actions = []godo.Action{o.Action}
	} else {
		tag := plan.TagName.ValueString()
		tflog.Debug(ctx, "running droplet action by tag", map[string]any{"tag_name": tag, "type": actionReq.Type})
		results, err := r.run(ctx, digitalocean.Job{Tag: tag, Request: actionReq})
		if len(results) == 0 && err != nil && !errors.Is(err, digitalocean.ErrNoTaggedDroplets) {
			providerutil.AddAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot run droplet action %s on the droplets tagged %q", actionReq.Type, tag), err)
			return
		}
		if len(results) == 0 {
			resp.Diagnostics.AddAttributeError(path.Root("tag_name"),
				fmt.Sprintf("No droplet has the tag %q", tag),
				fmt.Sprintf("DigitalOcean lists no droplet tagged %q, so no %s action ran and nothing was saved. "+
					"Check the tag name, or tag the droplets first.", tag, actionReq.Type))
			return
		}
		addAdoptedWarnings(&resp.Diagnostics, actionReq.Type, results)
		for _, o := range results {
			if !completed(o) {
				addTagOutcomeError(&resp.Diagnostics, actionReq.Type, tag, results, timeout)
				return
			}
			actions = append(actions, o.Action)
		}
	}

	resp.Diagnostics.Append(plan.setResult(ctx, actions)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Read makes no API call: the state only ever holds actions that completed, and a completed action
// never changes again (DigitalOcean keeps it, unchanged, for good).
func (r *dropletActionResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

// Update only runs when `timeouts` changed, since every other argument replaces the resource.
func (r *dropletActionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan dropletActionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// ImportState refuses with an explanation: the framework's default message would suggest a
// missing feature, while there is simply nothing to import.
func (r *dropletActionResource) ImportState(_ context.Context, _ resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.AddError("droplet_action cannot be imported",
		"A droplet action is an event, not an object: importing one would record an action that already ran "+
			"without running anything. To record that an action is wanted from now on, add the resource to the "+
			"configuration and apply; it runs the action once. Remove any import block or command for it.")
}

// Delete only forgets the action: DigitalOcean cannot undo one.
func (r *dropletActionResource) Delete(ctx context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
	tflog.Debug(ctx, "droplet action removed from state; DigitalOcean keeps it in the droplet's history")
}
