package power

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/digitalocean/godo"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
	"github.com/dropletops/terraform-provider-droplet/internal/provider/providerutil"
)

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
		providerutil.AddAPIError(diags, fmt.Sprintf("Cannot read droplet %d before powering it %s", id, want), err)
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
		providerutil.AddAPIError(diags, summary, err)
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
			providerutil.AddAPIError(diags, fmt.Sprintf("Cannot read droplet %d after shutting it down", id), err)
			return nil, false
		}
		if d.Status == dropletStatusOff && !d.Locked {
			return d, true
		}
		tflog.Info(ctx, "droplet not off within graceful_timeout; falling back to power_off",
			map[string]any{"graceful_timeout": graceful, "status": d.Status})
		return nil, true
	default:
		providerutil.AddAPIError(diags, fmt.Sprintf("Cannot shut down droplet %d", id), err)
		return nil, false
	}
}

// run starts one droplet action and waits for it to complete; summary names what failed.
func (r *dropletPowerResource) run(ctx context.Context, id int, actionType, summary string, diags *diag.Diagnostics) bool {
	tflog.Debug(ctx, "running droplet action", map[string]any{"type": actionType})
	a, err := r.client.Run(ctx, id, digitalocean.ActionRequest{Type: actionType})
	if err != nil {
		providerutil.AddAPIError(diags, summary, err)
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
