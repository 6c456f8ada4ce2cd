package provider

import "github.com/hashicorp/terraform-plugin-framework/resource"

// NewDropletBackupsResource is being written; this placeholder only keeps the package compiling.
func NewDropletBackupsResource() resource.Resource { return nil }
