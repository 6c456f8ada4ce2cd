package power

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

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
