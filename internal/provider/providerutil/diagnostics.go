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
	for _, h := range apiErrorHints {
		if errors.Is(err, h.class) {
			return err.Error() + "\n\n" + h.hint
		}
	}
	return err.Error()
}

// apiErrorHints says what to do about each class of error, the first that matches winning.
var apiErrorHints = []struct {
	class error
	hint  string
}{
	{digitalocean.ErrUnauthorized, "DigitalOcean did not accept the API token (401). Check the provider's `token` argument or " +
		"the DIGITALOCEAN_TOKEN environment variable, and that the token has not expired or been revoked."},
	{digitalocean.ErrForbidden, "The API token is valid but lacks a scope this operation needs (403). Grant the token the " +
		"droplet, actions and image scopes listed in the provider documentation."},
	{digitalocean.ErrNotFound, "DigitalOcean does not know this object (404). Check the ID; the droplet or image may have " +
		"been destroyed outside Terraform."},
	{digitalocean.ErrActionErrored, "DigitalOcean reported the action as errored. Look at the droplet's history in the control " +
		"panel for the cause, fix it, and apply again: the action is not recorded in state, so the next " +
		"apply runs it again."},
	{digitalocean.ErrTimeout, "The wait ended before DigitalOcean finished the action. It may still complete; the next " +
		"apply reads the real state and adopts an action that is still running instead of starting a " +
		"second one. Raise the resource's `timeouts` if this action normally takes longer."},
	{digitalocean.ErrRateLimited, "DigitalOcean's rate limit for this token is exhausted (250 requests per minute, 5,000 per " +
		"hour, shared with everything else that uses the token). Wait and apply again, or lower " +
		"`requests_per_second`."},
	{digitalocean.ErrPendingEvent, "The droplet is busy with another action and did not become free in time. Apply again " +
		"once it has finished, or raise the resource's `timeouts`."},
	{digitalocean.ErrInvalid, "DigitalOcean rejected the request's parameters (422). Check the arguments against the " +
		"provider documentation."},
	{context.Canceled, "The operation was cancelled. The next apply reads the real state and continues from there."},
}
