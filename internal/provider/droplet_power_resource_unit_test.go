package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
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
func TestDropletPowerValidateConfigWarnings(t *testing.T) {
	ctx := t.Context()
	r := &dropletPowerResource{}
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	objType, ok := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("schema type is %T, want an object", sresp.Schema.Type().TerraformType(ctx))
	}
	timeoutsType, ok := objType.AttributeTypes["timeouts"].(tftypes.Object)
	if !ok {
		t.Fatalf("timeouts type is %T, want an object", objType.AttributeTypes["timeouts"])
	}

	config := func(args map[string]tftypes.Value) tfsdk.Config {
		vals := map[string]tftypes.Value{}
		for name, typ := range objType.AttributeTypes {
			vals[name] = tftypes.NewValue(typ, nil)
		}
		vals["droplet_id"] = tftypes.NewValue(tftypes.Number, 1)
		vals["state"] = tftypes.NewValue(tftypes.String, "off")
		for k, v := range args {
			vals[k] = v
		}
		return tfsdk.Config{Schema: sresp.Schema, Raw: tftypes.NewValue(objType, vals)}
	}
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	timeouts := func(update string) tftypes.Value {
		return tftypes.NewValue(timeoutsType, map[string]tftypes.Value{
			"create": tftypes.NewValue(tftypes.String, nil),
			"update": str(update),
		})
	}

	cases := []struct {
		name string
		args map[string]tftypes.Value
		want string // "" = no warning
	}{
		{"defaults", nil, ""},
		{"graceful with room", map[string]tftypes.Value{"graceful_timeout": str("5m")}, ""},
		{"force alone", map[string]tftypes.Value{"shutdown": str("force")}, ""},
		{"force with graceful_timeout", map[string]tftypes.Value{"shutdown": str("force"), "graceful_timeout": str("1m")}, "has no effect"},
		{"grace fills default timeout", map[string]tftypes.Value{"graceful_timeout": str("10m")}, "create timeout"},
		{"grace fills update timeout", map[string]tftypes.Value{"graceful_timeout": str("3m"), "timeouts": timeouts("2m")}, "update timeout"},
		{"unknown grace", map[string]tftypes.Value{"graceful_timeout": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var resp resource.ValidateConfigResponse
			r.ValidateConfig(ctx, resource.ValidateConfigRequest{Config: config(c.args)}, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatalf("unexpected error: %v", resp.Diagnostics)
			}
			warnings := resp.Diagnostics.Warnings()
			switch {
			case c.want == "" && len(warnings) > 0:
				t.Errorf("unexpected warning: %v", warnings)
			case c.want != "" && (len(warnings) != 1 || !strings.Contains(warnings[0].Summary()+" "+warnings[0].Detail(), c.want)):
				t.Errorf("want one warning mentioning %q, got %v", c.want, warnings)
			}
		})
	}
}
