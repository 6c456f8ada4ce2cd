package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// NewDropletBackupsDataSource is being written; this placeholder only keeps the package compiling.
func NewDropletBackupsDataSource() datasource.DataSource { return nil }
