package dropletaction

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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

	"github.com/dropletops/terraform-provider-droplet/internal/provider/providerutil"
)

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
						MarkdownDescription: "How often backups are taken: `daily` (kept 7 days) or `weekly` " +
							"(kept 28 days).",
						Validators: []validator.String{stringvalidator.OneOf(providerutil.BackupPlans...)},
					},
					"weekday": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "Day of the weekly backup: one of `SUN`, `MON`, `TUE`, `WED`, `THU`, " +
							"`FRI`, `SAT`. Only with `plan = \"weekly\"`; when omitted DigitalOcean picks the day.",
						Validators: []validator.String{stringvalidator.OneOf(providerutil.BackupWeekdays...)},
					},
					"hour": schema.Int64Attribute{
						Optional: true,
						MarkdownDescription: "UTC hour the 4-hour backup window opens: one of `0`, `4`, `8`, `12`, " +
							"`16`, `20`. When omitted DigitalOcean picks the window.",
						Validators: []validator.Int64{int64validator.OneOf(providerutil.BackupHours...)},
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
