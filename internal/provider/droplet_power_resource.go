package provider

import "github.com/hashicorp/terraform-plugin-framework/resource"

// NewDropletPowerResource is being written; this placeholder only keeps the package compiling.
func NewDropletPowerResource() resource.Resource { return nil }
