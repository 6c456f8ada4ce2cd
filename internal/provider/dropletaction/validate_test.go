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
	policyTypes := map[string]attr.Type{"plan": types.StringType, "weekday": types.StringType, "hour": types.Int64Type,
		"window_length_hours": types.Int64Type, "retention_period_days": types.Int64Type}
	policyWith := func(p actionBackupPolicyModel) types.Object {
		v, diags := types.ObjectValueFrom(ctx, policyTypes, p)
		if diags.HasError() {
			t.Fatalf("policy %+v: %v", p, diags)
		}
		return v
	}
	policy := func(plan, weekday string) types.Object {
		return policyWith(actionBackupPolicyModel{Plan: types.StringValue(plan), Weekday: optString(weekday)})
	}
	base := func(typ string) dropletActionModel {
		return dropletActionModel{
			DropletID: types.Int64Value(1), TagName: types.StringNull(), Type: types.StringValue(typ),
			Image: types.StringNull(), Size: types.StringNull(), Disk: types.BoolNull(), Name: types.StringNull(),
			Kernel: types.Int64Null(), BackupPolicy: types.ObjectNull(policyTypes),
		}
	}
	// withPolicy is a typ action with a plan and weekday for its backup policy.
	withPolicy := func(typ, plan, weekday string) func() dropletActionModel {
		return func() dropletActionModel {
			m := base(typ)
			m.BackupPolicy = policy(plan, weekday)
			return m
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
		{"weekday with daily", withPolicy("enable_backups", "daily", "MON"), "`weekday` needs a weekly plan"},
		{"weekly with weekday", withPolicy("change_backup_policy", "weekly", "MON"), ""},
		{"weekday with intra_daily_4h", withPolicy("change_backup_policy", "intra_daily_4h", "SUN"), "`weekday` needs a weekly plan"},
		{"usage-based with retention", func() dropletActionModel {
			m := base("change_backup_policy")
			m.BackupPolicy = policyWith(actionBackupPolicyModel{Plan: types.StringValue("intra_daily_12h"),
				Hour: types.Int64Value(8), RetentionPeriodDays: types.Int64Value(14), WindowLengthHours: types.Int64Value(4)})
			return m
		}, ""},
		{"retention with daily", func() dropletActionModel {
			m := base("enable_backups")
			m.BackupPolicy = policyWith(actionBackupPolicyModel{Plan: types.StringValue("daily"), RetentionPeriodDays: types.Int64Value(14)})
			return m
		}, "`retention_period_days` needs a usage-based plan"},
		{"hour outside intra_daily_6h", func() dropletActionModel {
			m := base("enable_backups")
			m.BackupPolicy = policyWith(actionBackupPolicyModel{Plan: types.StringValue("intra_daily_6h"), Hour: types.Int64Value(8)})
			return m
		}, `Hour 8 is not a window start of plan "intra_daily_6h"`},
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
