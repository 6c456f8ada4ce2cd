package dropletaction

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
	"github.com/dropletops/terraform-provider-droplet/internal/provider/providerutil"
)

// invokeDiagnostics explains how an invocation ended: an error naming every droplet, action ID
// and last status when something failed, and a warning for each action that was adopted rather
// than started. Skipped droplets need no diagnostic: the progress already said why.
func invokeDiagnostics(t actionType, tag string, timeout time.Duration, results []digitalocean.Result, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, r := range results {
		if r.Adopted {
			addInvokeAdoptedWarning(&diags, t, r)
		}
	}
	switch {
	case err == nil:
	case len(results) == 0 && errors.Is(err, digitalocean.ErrNoTaggedDroplets):
		diags.AddAttributeError(path.Root(argTagName), fmt.Sprintf("No droplet has the tag %q", tag),
			fmt.Sprintf("DigitalOcean lists no droplet tagged %q, so no %s action was started. Check the tag name, "+
				"or tag the droplets first.", tag, t))
	case len(results) == 0:
		providerutil.AddAPIError(&diags, fmt.Sprintf("Cannot run droplet action %s on the droplets tagged %q", t, tag), err)
	case tag != "":
		addTagFailure(&diags, t, tag, timeout, results)
	default:
		addDropletFailure(&diags, t, timeout, results[0])
	}
	return diags
}

// dropletLabel names a droplet the way the progress lines do: "droplet web-1 (100001)".
func dropletLabel(r digitalocean.Result) string {
	if r.DropletName != "" {
		return fmt.Sprintf("droplet %s (%d)", r.DropletName, r.DropletID)
	}
	return fmt.Sprintf("droplet %d", r.DropletID)
}

func addDropletFailure(diags *diag.Diagnostics, t actionType, timeout time.Duration, r digitalocean.Result) {
	who := dropletLabel(r)
	if r.Action.ID == 0 {
		if b := blockingAction(r.Err); b != nil {
			diags.AddError(fmt.Sprintf("%s stayed busy; droplet action %s did not start", capitalize(who), t),
				fmt.Sprintf("%s was busy with %s action %d (last status %s) until %s, so no %s action was "+
					"started. Invoke again once that action has finished, or raise `timeout` to wait longer.\n\n"+
					"Detail: %v", capitalize(who), b.Type, b.ActionID, statusOrUnknown(b.Status), waitEnd(r.Err, timeout), t, r.Err))
			return
		}
		if errors.Is(r.Err, context.Canceled) || errors.Is(r.Err, digitalocean.ErrTimeout) {
			diags.AddError(fmt.Sprintf("Droplet action %s did not start on %s", t, who),
				fmt.Sprintf("The wait ended (%s) before any %s action was started on %s, so nothing changed.\n\n"+
					"Detail: %v", waitEnd(r.Err, timeout), t, who, r.Err))
			return
		}
		// The start itself failed: the API's own hints (not found, scope, invalid, ...) fit.
		providerutil.AddAPIError(diags, fmt.Sprintf("Cannot run droplet action %s on %s", t, who), r.Err)
		return
	}
	line := resultLine(r, timeout)
	switch {
	case errors.Is(r.Err, digitalocean.ErrTimeout):
		diags.AddError(fmt.Sprintf("Timed out waiting for droplet action %s on %s", t, who), line+".\n\n"+invokeTimeoutAdvice(t))
	case errors.Is(r.Err, context.Canceled):
		diags.AddError(fmt.Sprintf("Interrupted while waiting for droplet action %s on %s", t, who), line+".\n\n"+invokeTimeoutAdvice(t))
	case errors.Is(r.Err, digitalocean.ErrActionErrored):
		diags.AddError(fmt.Sprintf("Droplet action %s failed on %s", t, who), line+".\n\n"+invokeErroredAdvice)
	default:
		diags.AddError(fmt.Sprintf("Droplet action %s failed on %s", t, who), line+".\n\n"+providerutil.APIErrorDetail(r.Err))
	}
}

// addTagFailure lists every tagged droplet with what happened to it: the user has to know which
// droplets changed and which did not.
func addTagFailure(diags *diag.Diagnostics, t actionType, tag string, timeout time.Duration, results []digitalocean.Result) {
	var b strings.Builder
	failed := 0
	var waitEnded, errored bool
	for _, r := range results {
		if r.Err != nil {
			failed++
		}
		waitEnded = waitEnded || errors.Is(r.Err, digitalocean.ErrTimeout) || errors.Is(r.Err, context.Canceled)
		errored = errored || errors.Is(r.Err, digitalocean.ErrActionErrored)
		b.WriteString("  - " + resultLine(r, timeout) + "\n")
	}
	var advice []string
	if errored {
		advice = append(advice, invokeErroredAdvice)
	}
	if waitEnded {
		advice = append(advice, invokeTimeoutAdvice(t))
	}
	if len(advice) == 0 {
		advice = append(advice, "Invoke again once the cause is fixed: droplets whose action completed run it again too.")
	}
	diags.AddError(fmt.Sprintf("Droplet action %s failed on %d of %d droplets tagged %q", t, failed, len(results), tag),
		b.String()+"\n"+strings.Join(advice, "\n\n"))
}

// resultLine is one droplet's outcome, such as
// "droplet web-1 (100001): reboot action 345 in-progress, still running when `timeout` (10m) ran out".
func resultLine(r digitalocean.Result, timeout time.Duration) string {
	who := dropletLabel(r)
	switch {
	case r.Action.ID == 0 && r.Skipped != "":
		return fmt.Sprintf("%s: nothing sent: %s", who, r.Skipped)
	case r.Action.ID == 0 && r.Err != nil:
		return fmt.Sprintf("%s: no action started: %v", who, r.Err)
	case r.Action.ID == 0:
		return fmt.Sprintf("%s: no action started", who)
	}
	s := fmt.Sprintf("%s: %s action %d %s", who, r.Action.Type, r.Action.ID, statusOrUnknown(r.Action.Status))
	if r.PowerOff != nil {
		s += fmt.Sprintf(", then power_off action %d %s", r.PowerOff.ID, statusOrUnknown(r.PowerOff.Status))
	}
	return s + whyWaitEnded(r.Err, "`timeout`", timeout, "invocation")
}

// blockingAction is the other action a start waited for in vain, when that is why it failed.
func blockingAction(err error) *digitalocean.ActionError {
	var ae *digitalocean.ActionError
	if errors.As(err, &ae) && (errors.Is(err, digitalocean.ErrTimeout) || errors.Is(err, context.Canceled)) {
		return ae
	}
	return nil
}

func waitEnd(err error, timeout time.Duration) string {
	if errors.Is(err, context.Canceled) {
		return "the invocation was interrupted"
	}
	return fmt.Sprintf("`timeout` (%s) ran out", timeout)
}

func addInvokeAdoptedWarning(diags *diag.Diagnostics, t actionType, r digitalocean.Result) {
	started := "earlier"
	if r.Action.StartedAt != nil {
		started = "at " + r.Action.StartedAt.UTC().Format(time.RFC3339)
	}
	who := dropletLabel(r)
	diags.AddWarning(fmt.Sprintf("Followed droplet action %s already in progress on %s", t, who),
		fmt.Sprintf("%s already had %s action %d in progress (started %s), most likely left running by an earlier "+
			"invocation whose `timeout` ran out. It was waited for instead of starting a second %s. If it was "+
			"started outside Terraform and the action must run again, invoke it again.", capitalize(who), t,
			r.Action.ID, started, t))
}

const invokeErroredAdvice = "DigitalOcean gives no reason for an errored action; look at the droplet's history in " +
	"the control panel, fix the cause (for example a size or image that does not fit the droplet), and invoke " +
	"the action again."

func invokeTimeoutAdvice(t actionType) string {
	return "DigitalOcean keeps running the action. Invoking again waits for the action still in progress " +
		"instead of starting a second " + string(t) + " (once it has completed, invoking again runs a new one). " +
		"Raise `timeout` if this action normally takes longer."
}

func statusOrUnknown(s string) string {
	if s == "" {
		return "status unknown"
	}
	return s
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
