package providerutil

import (
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// tagNamePattern is what DigitalOcean accepts as a tag name.
var tagNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_\-:]+$`)

// TagNameValidators accept the tag names DigitalOcean allows (up to 255 letters, digits, `_`, `-`
// and `:`), so a typo fails at validate time instead of matching no droplet.
func TagNameValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(1, 255),
		stringvalidator.RegexMatches(tagNamePattern, "must contain only letters, digits, `_`, `-` and `:`"),
	}
}
