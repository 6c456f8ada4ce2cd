package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// NewDropletBackupPoliciesDataSource is being written; this placeholder only keeps the package compiling.
func NewDropletBackupPoliciesDataSource() datasource.DataSource { return nil }
