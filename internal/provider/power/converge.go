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

// converge brings the droplet to plan.State and returns the droplet's status afterwards, which is
// always the status that means that state ("active" or "off"). It reports failures in diags.
//
// The Client's runner decides on a droplet that is not in the middle of another action (a
// reboot, a power_off started elsewhere, could change the status the decision is based on),
// sends nothing when the droplet is already there, and powers off a guest that ignores the
// shutdown once graceful_timeout has passed since the request, on the Client's clock.
func (r *dropletPowerResource) converge(ctx context.Context, plan dropletPowerModel, diags *diag.Diagnostics) (string, bool) {
	id := int(plan.DropletID.ValueInt64())
	want := plan.State.ValueString()
	target := statusFor(want)
	ctx = tflog.SetField(ctx, "droplet_id", id)

	job, ok := powerJob(id, plan, diags)
	if !ok {
		return "", false
	}
	fellBack := false
	job.Progress = func(e digitalocean.Event) {
		if e.Kind == digitalocean.EventFallback {
			fellBack = true
			tflog.Info(ctx, "droplet not off within graceful_timeout; falling back to power_off",
				map[string]any{"graceful_timeout": plan.GracefulTimeout.ValueString(), "reason": e.Reason})
			return
		}
		tflog.Debug(ctx, e.String())
	}
	tflog.Debug(ctx, "running droplet action", map[string]any{"type": job.Request.Type})
	results, err := r.client.Execute(ctx, job)
	if len(results) == 0 {
		providerutil.AddAPIError(diags, fmt.Sprintf("Cannot power droplet %d %s", id, want), err)
		return "", false
	}
	res := results[0]
	if err != nil {
		providerutil.AddAPIError(diags, failureSummary(id, want, job.Request.Type, res, fellBack), err)
		return "", false
	}

	last := res.Action.Type // the action whose completion should have brought the droplet to target
	switch {
	case res.DropletStatus == target:
		// Already there (nothing sent), or seen switching itself off after the shutdown.
		tflog.Debug(ctx, "droplet in the desired power state", map[string]any{"status": res.DropletStatus, "skipped": res.Skipped})
		return res.DropletStatus, true
	case res.Skipped != "" && res.DropletStatus == dropletStatusNew:
		// The first boot is still running; the droplet becomes active by itself.
		last = "create"
	case res.Skipped != "":
		// Archived: nothing to switch off, but it will never report "off" either.
		diags.AddError(fmt.Sprintf("Droplet %d did not reach status %q", id, target),
			fmt.Sprintf("Droplet %d reports status %q (%s), so no action was sent, but its status cannot become %q. "+
				"Check the droplet in the control panel.", id, res.DropletStatus, res.Skipped, target))
		return "", false
	case res.PowerOff != nil:
		last = res.PowerOff.Type
	}

	// DigitalOcean may report the new status a moment after the action completed.
	d, err := r.client.WaitDroplet(ctx, id, statusIs(target))
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

// powerJob is the runner's job that brings the droplet to plan.State: power_on, power_off at
// once (shutdown = "force"), or shutdown with power_off after graceful_timeout. An errored
// shutdown fails the apply rather than forcing the droplet off: the guest did not refuse it,
// DigitalOcean could not send it, and the next apply tries again.
func powerJob(id int, plan dropletPowerModel, diags *diag.Diagnostics) (digitalocean.Job, bool) {
	job := digitalocean.Job{DropletID: id, SkipNoop: true}
	switch {
	case plan.State.ValueString() == powerStateOn:
		job.Request.Type = "power_on"
	case plan.Shutdown.ValueString() == shutdownForce:
		job.Request.Type = "power_off"
	default:
		graceful := plan.GracefulTimeout.ValueString()
		grace, err := time.ParseDuration(graceful)
		if err != nil || grace <= 0 {
			// Validated at plan time; this only guards against a state written by something else.
			diags.AddAttributeError(path.Root("graceful_timeout"), "Invalid graceful_timeout",
				fmt.Sprintf("graceful_timeout must be a duration greater than zero such as \"2m\"; got %q.", graceful))
			return job, false
		}
		job.Request.Type, job.ForceAfter, job.NoForceOnError = "shutdown", grace, true
	}
	return job, true
}

// failureSummary says what failed: reading the droplet before anything was decided, the
// power_off after an ignored shutdown, or the job's own action.
func failureSummary(id int, want, actionType string, res digitalocean.Result, fellBack bool) string {
	switch {
	case res.Action.ID == 0 && res.DropletStatus == "":
		return fmt.Sprintf("Cannot read droplet %d before powering it %s", id, want)
	case fellBack:
		return fmt.Sprintf("Cannot power off droplet %d after its graceful shutdown timed out", id)
	case actionType == "power_on":
		return fmt.Sprintf("Cannot power on droplet %d", id)
	case actionType == "power_off":
		return fmt.Sprintf("Cannot power off droplet %d", id)
	default:
		return fmt.Sprintf("Cannot shut down droplet %d", id)
	}
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
