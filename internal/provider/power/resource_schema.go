package power

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/dropletops/terraform-provider-droplet/internal/provider/providerutil"
)

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
