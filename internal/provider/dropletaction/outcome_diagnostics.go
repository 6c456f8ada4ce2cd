package dropletaction

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
	"github.com/dropletops/terraform-provider-droplet/internal/provider/providerutil"
)

// addAdoptedWarnings tells the user which actions were adopted rather than started: the usual
// case is the action a timed-out apply left running, but one of the same type started outside
// Terraform looks the same to the API.
func addAdoptedWarnings(diags *diag.Diagnostics, actionType string, results []digitalocean.Result) {
	for _, o := range results {
		if !o.Adopted {
			continue
		}
		started := "earlier"
		if o.Action.StartedAt != nil {
			started = "at " + o.Action.StartedAt.UTC().Format(time.RFC3339)
		}
		diags.AddWarning(fmt.Sprintf("Adopted droplet action %s already in progress on droplet %d", actionType, o.DropletID),
			fmt.Sprintf("Droplet %d already had %s action %d in progress (started %s, before this apply), most likely "+
				"left running by an earlier apply that timed out. It was waited for and recorded instead of starting "+
				"a second %s. If it was started outside Terraform and the action must run again, change `triggers`.",
				o.DropletID, actionType, o.Action.ID, started, actionType))
	}
}

// addDropletOutcomeError explains a failed action on one droplet.
func addDropletOutcomeError(diags *diag.Diagnostics, actionType string, o digitalocean.Result, timeout time.Duration) {
	if o.Action.ID == 0 {
		var b *digitalocean.ActionError
		if errors.As(o.Err, &b) && actionWaitEnded(o.Err) {
			// The wait that ended was for another action that kept the droplet locked.
			diags.AddError(fmt.Sprintf("Droplet %d stayed busy; droplet action %s did not start", o.DropletID, actionType),
				fmt.Sprintf("Droplet %d was busy with action %d (%s, %s) until the wait ended (timeouts.create is %s), "+
					"so no %s action was started and nothing was saved in state. Apply again once that action "+
					"has finished, or raise timeouts.create to wait longer.\n\nDetail: %v",
					o.DropletID, b.ActionID, b.Type, actionStatus(b.Status), timeout, actionType, o.Err))
			return
		}
		// The action did not start: the common hints (busy, not found, invalid, ...) fit.
		providerutil.AddAPIError(diags, fmt.Sprintf("Cannot run droplet action %s on droplet %d", actionType, o.DropletID), o.Err)
		return
	}
	line := outcomeLine(o, timeout)
	switch {
	case errors.Is(o.Err, digitalocean.ErrTimeout):
		diags.AddError(fmt.Sprintf("Timed out waiting for droplet action %s on droplet %d", actionType, o.DropletID),
			line+".\n\n"+actionTimeoutAdvice(actionType))
	case errors.Is(o.Err, context.Canceled):
		diags.AddError(fmt.Sprintf("Interrupted while waiting for droplet action %s on droplet %d", actionType, o.DropletID),
			line+".\n\n"+actionTimeoutAdvice(actionType))
	default:
		diags.AddError(fmt.Sprintf("Droplet action %s failed on droplet %d", actionType, o.DropletID),
			line+".\n\n"+actionErroredAdvice)
	}
}

// actionWaitEnded reports whether err is a wait cut short by the deadline or a cancellation.
func actionWaitEnded(err error) bool {
	return errors.Is(err, digitalocean.ErrTimeout) || errors.Is(err, context.Canceled)
}

func actionStatus(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// addTagOutcomeError explains a failed by-tag run, naming every droplet and action with its
// status: the user has to know which droplets did and did not change. Why actions did not
// start follows the list, once for all of those droplets.
func addTagOutcomeError(diags *diag.Diagnostics, actionType, tag string, results []digitalocean.Result, timeout time.Duration) {
	var b strings.Builder
	var notStarted []error
	failed, timedOut := 0, false
	for _, o := range results {
		if !completed(o) {
			failed++
		}
		if o.Action.ID != 0 && actionWaitEnded(o.Err) {
			timedOut = true
		}
		if o.Action.ID == 0 && o.Err != nil {
			notStarted = append(notStarted, o.Err)
		}
		b.WriteString("  - " + outcomeLine(o, timeout) + "\n")
	}
	summary := fmt.Sprintf("Droplet action %s failed on %d of %d droplets tagged %q", actionType, failed, len(results), tag)
	if len(notStarted) > 0 {
		b.WriteString("\nDigitalOcean answered: " + providerutil.APIErrorDetail(errors.Join(notStarted...)) + "\n")
	}
	advice := actionErroredAdvice
	if timedOut {
		advice = actionTimeoutAdvice(actionType)
	}
	diags.AddError(summary, b.String()+"\n"+advice)
}

// outcomeLine is "droplet 12: action 345 (snapshot) errored", with why a wait ended early.
func outcomeLine(o digitalocean.Result, timeout time.Duration) string {
	if o.Action.ID == 0 {
		return fmt.Sprintf("droplet %d: no action started", o.DropletID)
	}
	s := fmt.Sprintf("droplet %d: action %d (%s) %s", o.DropletID, o.Action.ID, o.Action.Type, actionStatus(o.Action.Status))
	return s + whyWaitEnded(o.Err, "timeouts.create", timeout, "apply")
}

// whyWaitEnded is what a result line adds when its wait ended early: nothing for an action that
// finished (errored included), else the limit that ran out, what was interrupted, or the error.
func whyWaitEnded(err error, limit string, timeout time.Duration, interrupted string) string {
	switch {
	case err == nil, errors.Is(err, digitalocean.ErrActionErrored):
		return ""
	case errors.Is(err, digitalocean.ErrTimeout):
		return fmt.Sprintf(", still running when %s (%s) ran out", limit, timeout)
	case errors.Is(err, context.Canceled):
		return ", still running when the " + interrupted + " was interrupted"
	default:
		return fmt.Sprintf(" (%v)", err)
	}
}

const actionErroredAdvice = "DigitalOcean gives no reason for an errored action; look at the droplet's history in " +
	"the control panel, fix the cause (for example a size or image that does not fit the droplet), and apply " +
	"again. Nothing was saved in state, so the next apply runs the action again."

func actionTimeoutAdvice(actionType string) string {
	return "DigitalOcean keeps running the action. Nothing was saved in state; the next apply adopts the " +
		"action still in progress instead of starting a second " + actionType + ", and waits for it (if it " +
		"has completed by then, the next apply runs the action again). Raise timeouts.create if this action " +
		"normally takes longer."
}
