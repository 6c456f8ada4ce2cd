package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The emulator cannot produce "new" or "archive" droplets on demand, so the mapping is tested here.
func TestDropletPowerStateFromStatus(t *testing.T) {
	cases := []struct {
		status, prior, want string
	}{
		{"active", "off", "on"},
		{"active", "", "on"},
		{"off", "on", "off"},
		{"archive", "on", "off"},
		{"new", "off", "off"},
		{"new", "on", "on"},
		{"new", "", "on"},
		{"unheard-of", "off", "off"},
	}
	for _, c := range cases {
		if got := stateFromStatus(c.status, c.prior); got != c.want {
			t.Errorf("stateFromStatus(%q, %q) = %q, want %q", c.status, c.prior, got, c.want)
		}
	}
}

func TestDropletPowerStatusFor(t *testing.T) {
	if got := statusFor("on"); got != "active" {
		t.Errorf("statusFor(on) = %q", got)
	}
	if got := statusFor("off"); got != "off" {
		t.Errorf("statusFor(off) = %q", got)
	}
}

func TestPositiveDurationValidator(t *testing.T) {
	cases := map[string]bool{
		"1s": true, "2m": true, "1m30s": true, "90s": true, "1h": true,
		"0s": false, "0": false, "-1m": false, "2 minutes": false, "": false, "2": false,
	}
	for in, ok := range cases {
		resp := &validator.StringResponse{}
		positiveDurationValidator{}.ValidateString(context.Background(), validator.StringRequest{
			Path:        path.Root("graceful_timeout"),
			ConfigValue: types.StringValue(in),
		}, resp)
		if got := !resp.Diagnostics.HasError(); got != ok {
			t.Errorf("%q: valid = %v, want %v (%v)", in, got, ok, resp.Diagnostics)
		}
	}
	for _, v := range []types.String{types.StringNull(), types.StringUnknown()} {
		resp := &validator.StringResponse{}
		positiveDurationValidator{}.ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("graceful_timeout"), ConfigValue: v,
		}, resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("%v: unexpected error %v", v, resp.Diagnostics)
		}
	}
}
