package providerutil

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
)

// ClientFrom turns the provider data handed to a resource or data source into the API client.
// A nil result with no error means the provider is not configured yet (plan with unknown arguments).
func ClientFrom(data any, diags *diag.Diagnostics) *digitalocean.Client {
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

// RequireClient reports an error when an operation that needs the API runs before the provider
// could be configured, which happens when a provider argument is only known after apply.
func RequireClient(client *digitalocean.Client, diags *diag.Diagnostics) bool {
	if client != nil {
		return true
	}
	diags.AddError("Provider not configured",
		"The droplet provider has no API client yet, usually because one of its arguments (such as "+
			"`token`) depends on a value that is only known after apply. Apply that value first, or set it "+
			"directly or through DIGITALOCEAN_TOKEN.")
	return false
}
