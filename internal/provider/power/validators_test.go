package power

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestPositiveDurationValidator(t *testing.T) {
	cases := map[string]bool{
		"1s": true, "2m": true, "1m30s": true, "90s": true, "1h": true,
		"0s": false, "0": false, "-1m": false, "2 minutes": false, "": false, "2": false,
	}
	for in, ok := range cases {
		resp := &validator.StringResponse{}
		positiveDurationValidator{}.ValidateString(t.Context(), validator.StringRequest{
			Path:        path.Root("graceful_timeout"),
			ConfigValue: types.StringValue(in),
		}, resp)
		if got := !resp.Diagnostics.HasError(); got != ok {
			t.Errorf("%q: valid = %v, want %v (%v)", in, got, ok, resp.Diagnostics)
		}
	}
	for _, v := range []types.String{types.StringNull(), types.StringUnknown()} {
		resp := &validator.StringResponse{}
		positiveDurationValidator{}.ValidateString(t.Context(), validator.StringRequest{
			Path: path.Root("graceful_timeout"), ConfigValue: v,
		}, resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("%v: unexpected error %v", v, resp.Diagnostics)
		}
	}
}

// Warnings cannot be observed through terraform-plugin-testing, so ValidateConfig is called directly.
