package provider

import "github.com/hashicorp/terraform-plugin-framework/resource"

// NewDropletActionResource is being written; this placeholder only keeps the package compiling.
func NewDropletActionResource() resource.Resource { return nil }
