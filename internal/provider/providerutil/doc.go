// Package providerutil holds what every capability package of the provider shares: the API client
// handed over by the provider, diagnostics built from API errors, operation timeouts, the backup
// policy vocabulary and small helpers for Terraform values and documentation.
//
// It is a leaf: it imports internal/digitalocean and the plugin framework, never another package
// of internal/provider, so every capability can import it without a cycle.
package providerutil
