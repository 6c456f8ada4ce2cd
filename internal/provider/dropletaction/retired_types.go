package dropletaction

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// retiredTypes are droplet action types that DigitalOcean's documentation may still show but its
// API specification no longer lists, with what to do instead: the error says so where a user who
// copied one from that documentation looks.
var retiredTypes = map[string]string{
	"enable_private_networking": "DigitalOcean retired `enable_private_networking` in 2020: every droplet is now " +
		"created in a VPC and has its private address from the start, so there is nothing to enable, and the " +
		"API specification no longer lists the type. Remove this droplet_action; the private address is the " +
		"`ipv4_address_private` attribute of the official provider's `digitalocean_droplet`.",
}

// retiredTypesDescription is the sentence the `type` attribute's documentation ends with.
const retiredTypesDescription = "`enable_private_networking` is not offered: DigitalOcean retired it in 2020, " +
	"when every droplet got a VPC and a private address."

// actionTypeValidator accepts the types of the table, and explains a retired type instead of
// only listing the allowed ones.
func actionTypeValidator() validator.String {
	return actionTypeValue{oneOf: stringvalidator.OneOf(actionTypeStrings()...)}
}

type actionTypeValue struct{ oneOf validator.String }

func (v actionTypeValue) Description(ctx context.Context) string { return v.oneOf.Description(ctx) }

func (v actionTypeValue) MarkdownDescription(ctx context.Context) string {
	return v.oneOf.MarkdownDescription(ctx)
}

func (v actionTypeValue) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !req.ConfigValue.IsNull() && !req.ConfigValue.IsUnknown() {
		if why, ok := retiredTypes[req.ConfigValue.ValueString()]; ok {
			resp.Diagnostics.AddAttributeError(req.Path,
				fmt.Sprintf("Droplet action type %q is retired", req.ConfigValue.ValueString()), why)
			return
		}
	}
	v.oneOf.ValidateString(ctx, req, resp)
}
