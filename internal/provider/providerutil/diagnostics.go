package providerutil

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
)

// AddAPIError adds an error diagnostic whose detail says what DigitalOcean answered and what to do.
// summary says what failed, for example "Cannot enable backups on droplet 123".
func AddAPIError(diags *diag.Diagnostics, summary string, err error) {
	diags.AddError(summary, APIErrorDetail(err))
}

// APIErrorDetail is err's message followed by advice for its class of error, when there is any.
func APIErrorDetail(err error) string {
	msg := err.Error()
	var hint string
	switch {
	case errors.Is(err, digitalocean.ErrUnauthorized):
		hint = "DigitalOcean did not accept the API token (401). Check the provider's `token` argument or " +
			"the DIGITALOCEAN_TOKEN environment variable, and that the token has not expired or been revoked."
	case errors.Is(err, digitalocean.ErrForbidden):
		hint = "The API token is valid but lacks a scope this operation needs (403). Grant the token the " +
			"droplet, actions and image scopes listed in the provider documentation."
	case errors.Is(err, digitalocean.ErrNotFound):
		hint = "DigitalOcean does not know this object (404). Check the ID; the droplet or image may have " +
			"been destroyed outside Terraform."
	case errors.Is(err, digitalocean.ErrActionErrored):
		hint = "DigitalOcean reported the action as errored. Look at the droplet's history in the control " +
			"panel for the cause, fix it, and apply again: the action is not recorded in state, so the next " +
			"apply runs it again."
	case errors.Is(err, digitalocean.ErrTimeout):
		hint = "The wait ended before DigitalOcean finished the action. It may still complete; the next " +
			"apply reads the real state and adopts an action that is still running instead of starting a " +
			"second one. Raise the resource's `timeouts` if this action normally takes longer."
	case errors.Is(err, digitalocean.ErrRateLimited):
		hint = "DigitalOcean's rate limit for this token is exhausted (250 requests per minute, 5,000 per " +
			"hour, shared with everything else that uses the token). Wait and apply again, or lower " +
			"`requests_per_second`."
	case errors.Is(err, digitalocean.ErrPendingEvent):
		hint = "The droplet is busy with another action and did not become free in time. Apply again " +
			"once it has finished, or raise the resource's `timeouts`."
	case errors.Is(err, digitalocean.ErrInvalid):
		hint = "DigitalOcean rejected the request's parameters (422). Check the arguments against the " +
			"provider documentation."
	case errors.Is(err, context.Canceled):
		hint = "The operation was cancelled. The next apply reads the real state and continues from there."
	}
	if hint == "" {
		return msg
	}
	return msg + "\n\n" + hint
}
