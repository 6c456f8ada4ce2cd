// Package dropletaction is the droplet action capability: the droplet_action resource, which runs
// one droplet action on a droplet or on every droplet with a tag, exactly once, and the table of
// action types that drives its validation, documentation and by-tag rules.
//
// Files: resource.go (CRUD), resource_schema.go, types.go (the action type table), validate.go
// (per-type rules), run.go (start or adopt, then wait), outcome_diagnostics.go (what failed, on
// which droplet, and what the next apply does) and model.go.
package dropletaction

import (
	"context"
	"fmt"
	"time"

	"github.com/digitalocean/godo"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
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
	var cfg dropletActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(cfg.validate(ctx)...)
}

func (r *dropletActionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan dropletActionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Values that were unknown at plan time are known now: apply the plan-time rules to them too.
	resp.Diagnostics.Append(plan.validate(ctx)...)
	if resp.Diagnostics.HasError() || !providerutil.RequireClient(r.client, &resp.Diagnostics) {
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
		o := r.runOnDroplet(ctx, dropletID, actionReq)
		addAdoptedWarnings(&resp.Diagnostics, actionReq.Type, []actionOutcome{o})
		if !o.completed() {
			addDropletOutcomeError(&resp.Diagnostics, actionReq.Type, o, timeout)
			return
		}
		actions = []godo.Action{o.action}
	} else {
		tag := plan.TagName.ValueString()
		tflog.Debug(ctx, "running droplet action by tag", map[string]any{"tag_name": tag, "type": actionReq.Type})
		outcomes, err := r.runOnTag(ctx, tag, actionReq)
		if len(outcomes) == 0 && err != nil {
			providerutil.AddAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot run droplet action %s on the droplets tagged %q", actionReq.Type, tag), err)
			return
		}
		if len(outcomes) == 0 {
			resp.Diagnostics.AddAttributeError(path.Root("tag_name"),
				fmt.Sprintf("No droplet has the tag %q", tag),
				fmt.Sprintf("DigitalOcean lists no droplet tagged %q, so no %s action ran and nothing was saved. "+
					"Check the tag name, or tag the droplets first.", tag, actionReq.Type))
			return
		}
		addAdoptedWarnings(&resp.Diagnostics, actionReq.Type, outcomes)
		for _, o := range outcomes {
			if !o.completed() {
				addTagOutcomeError(&resp.Diagnostics, actionReq.Type, tag, outcomes, err, timeout)
				return
			}
			actions = append(actions, o.action)
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
