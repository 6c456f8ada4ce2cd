package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
)

// clientFrom turns the provider data handed to a resource or data source into the API client.
// A nil result with no error means the provider is not configured yet (plan with unknown arguments).
func clientFrom(data any, diags *diag.Diagnostics) *digitalocean.Client {
	if data == nil {
		return nil
	}
	client, ok := data.(*digitalocean.Client)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *digitalocean.Client, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return client
}

// requireClient reports an error when an operation that needs the API runs before the provider
// could be configured, which happens when a provider argument is only known after apply.
func requireClient(client *digitalocean.Client, diags *diag.Diagnostics) bool {
	if client != nil {
		return true
	}
	diags.AddError("Provider not configured",
		"The droplet provider has no API client yet, usually because one of its arguments (such as "+
			"`token`) depends on a value that is only known after apply. Apply that value first, or set it "+
			"directly or through DIGITALOCEAN_TOKEN.")
	return false
}

// addAPIError adds an error diagnostic whose detail says what DigitalOcean answered and what to do.
// summary says what failed, for example "Cannot enable backups on droplet 123".
func addAPIError(diags *diag.Diagnostics, summary string, err error) {
	diags.AddError(summary, apiErrorDetail(err))
}

func apiErrorDetail(err error) string {
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

// endpointValidator checks api_endpoint at plan time with the same rule the client applies.
type endpointValidator struct{}

func (endpointValidator) Description(context.Context) string {
	return "must be an absolute https URL, or http for a loopback host"
}

func (v endpointValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (endpointValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := digitalocean.ValidateEndpoint(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid DigitalOcean API endpoint",
			fmt.Sprintf("api_endpoint: %s.", err))
	}
}

// tfLogger sends the client's HTTP logs to Terraform's log, with the token masked wherever it might
// appear (the client already redacts the Authorization header; this is the second lock).
type tfLogger struct {
	secret string
}

func newTFLogger(token string) digitalocean.Logger { return tfLogger{secret: strings.TrimSpace(token)} }

func (l tfLogger) mask(ctx context.Context) context.Context {
	if l.secret == "" {
		return ctx
	}
	ctx = tflog.MaskMessageStrings(ctx, l.secret)
	return tflog.MaskAllFieldValuesStrings(ctx, l.secret)
}

func (l tfLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.mask(ctx), msg, fields)
}

func (l tfLogger) Trace(ctx context.Context, msg string, fields map[string]any) {
	tflog.Trace(l.mask(ctx), msg, fields)
}
