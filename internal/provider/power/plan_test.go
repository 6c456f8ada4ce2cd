package power

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

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
