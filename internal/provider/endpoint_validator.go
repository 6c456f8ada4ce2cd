package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
)

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
