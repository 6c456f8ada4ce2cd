package backups

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/dropletops/terraform-provider-droplet/internal/provider/providerutil"
)

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
				MarkdownDescription: "Backup frequency: " + providerutil.Quoted(providerutil.BackupPlans) + ". Unset means DigitalOcean's " +
					"choice: `daily` when backups are turned on, or the droplet's current plan when they already are. " +
					"Changes in place (`change_backup_policy`). DigitalOcean may report a usage-based plan set outside " +
					"Terraform (such as `intra_daily_4h`); it is read and shown as is.",
				Validators: []validator.String{stringvalidator.OneOf(providerutil.BackupPlans...)},
			},
			"weekday": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Day of the weekly backup: " + providerutil.Quoted(providerutil.BackupWeekdays) + ". Only with " +
					"`plan = \"weekly\"`; null for daily plans. Unset means DigitalOcean's choice, or the current day " +
					"when the plan stays weekly. Changes in place (`change_backup_policy`).",
				Validators: []validator.String{stringvalidator.OneOf(providerutil.BackupWeekdays...)},
			},
			"hour": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "UTC hour at which the backup window opens: " + providerutil.Quoted(providerutil.BackupHours) + ". " +
					"Unset means DigitalOcean's choice, or the current hour when backups are already on. Changes in " +
					"place (`change_backup_policy`).",
				Validators: []validator.Int64{int64validator.OneOf(providerutil.BackupHours...)},
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
	resp.IdentitySchema = providerutil.DropletIdentitySchema("ID of the droplet whose backups are managed.")
}
