package power

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// positiveDurationValidator accepts a Go duration string ("90s", "2m", "1m30s") greater than zero.
type positiveDurationValidator struct{}

func (positiveDurationValidator) Description(context.Context) string {
	return "must be a Go duration greater than zero, such as \"90s\", \"2m\" or \"1m30s\""
}

func (v positiveDurationValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (positiveDurationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%s must be a Go duration greater than zero, such as \"90s\", \"2m\" or \"1m30s\"; got %q.",
				req.Path, s))
	}
}
