package dropletaction

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestDropletActionValidate(t *testing.T) {
	ctx := context.Background()
	policyTypes := map[string]attr.Type{"plan": types.StringType, "weekday": types.StringType, "hour": types.Int64Type}
	policy := func(plan, weekday string) types.Object {
		v, _ := types.ObjectValueFrom(ctx, policyTypes,
			actionBackupPolicyModel{Plan: types.StringValue(plan), Weekday: optString(weekday), Hour: types.Int64Null()})
		return v
	}
	base := func(typ string) dropletActionModel {
		return dropletActionModel{
			DropletID: types.Int64Value(1), TagName: types.StringNull(), Type: types.StringValue(typ),
			Image: types.StringNull(), Size: types.StringNull(), Disk: types.BoolNull(), Name: types.StringNull(),
			Kernel: types.Int64Null(), BackupPolicy: types.ObjectNull(policyTypes),
		}
	}
	cases := []struct {
		name string
		m    func() dropletActionModel
		want string // "" = valid
	}{
		{"reboot", func() dropletActionModel { return base("reboot") }, ""},
		{"unknown type skips the rules", func() dropletActionModel {
			m := base("reboot")
			m.Type, m.Image = types.StringUnknown(), types.StringValue("x")
			return m
		}, ""},
		{"unknown image for reboot is not judged yet", func() dropletActionModel {
			m := base("reboot")
			m.Image = types.StringUnknown()
			return m
		}, ""},
		{"unknown image satisfies restore", func() dropletActionModel {
			m := base("restore")
			m.Image = types.StringUnknown()
			return m
		}, ""},
		{"restore slug", func() dropletActionModel {
			m := base("restore")
			m.Image = types.StringValue("ubuntu-24-04-x64")
			return m
		}, "Invalid image for restore"},
		{"rebuild slug", func() dropletActionModel {
			m := base("rebuild")
			m.Image = types.StringValue("ubuntu-24-04-x64")
			return m
		}, ""},
		{"disk with power_off", func() dropletActionModel {
			m := base("power_off")
			m.Disk = types.BoolValue(false)
			return m
		}, "`disk` does not apply"},
		{"snapshot without name", func() dropletActionModel { return base("snapshot") }, ""},
		{"enable_backups without policy", func() dropletActionModel { return base("enable_backups") }, ""},
		{"weekday with daily", func() dropletActionModel {
			m := base("enable_backups")
			m.BackupPolicy = policy("daily", "MON")
			return m
		}, "`weekday` needs a weekly plan"},
		{"weekly with weekday", func() dropletActionModel {
			m := base("change_backup_policy")
			m.BackupPolicy = policy("weekly", "MON")
			return m
		}, ""},
		{"unknown tag counts as by tag", func() dropletActionModel {
			m := base("rename")
			m.DropletID, m.TagName, m.Name = types.Int64Null(), types.StringUnknown(), types.StringValue("x")
			return m
		}, `Type "rename" cannot run by tag`},
		{"policy by tag", func() dropletActionModel {
			m := base("enable_backups")
			m.DropletID, m.TagName, m.BackupPolicy = types.Int64Null(), types.StringValue("web"), policy("daily", "")
			return m
		}, "`backup_policy` cannot be used with `tag_name`"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			diags := c.m().validate(ctx)
			switch {
			case c.want == "" && diags.HasError():
				t.Errorf("want valid, got %v", diags)
			case c.want != "" && !strings.Contains(fmt.Sprint(diags), c.want):
				t.Errorf("want an error with %q, got %v", c.want, diags)
			}
		})
	}
}

func optString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
