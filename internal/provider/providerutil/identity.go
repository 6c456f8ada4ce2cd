package providerutil

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// DropletIdentityModel is the identity (Terraform 1.12+) of a resource that manages one aspect of
// one droplet: the droplet's ID is all it takes to import it.
type DropletIdentityModel struct {
	DropletID types.Int64 `tfsdk:"droplet_id"`
}

// DropletIdentitySchema is the identity schema of such a resource; description says what of the
// droplet is managed.
func DropletIdentitySchema(description string) identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"droplet_id": identityschema.Int64Attribute{
				RequiredForImport: true,
				Description:       description,
			},
		},
	}
}

// SetDropletIdentity records the resource identity. The framework supplies an identity object for
// every Terraform version; older ones simply ignore it, and it is nil only where there is none.
func SetDropletIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, dropletID int64, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, DropletIdentityModel{DropletID: types.Int64Value(dropletID)})...)
}
