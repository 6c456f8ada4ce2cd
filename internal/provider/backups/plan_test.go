package backups

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func priorModel(plan, weekday string, hour int64) *dropletBackupsModel {
	m := dropletBackupsModel{DropletID: types.Int64Value(7), policyState: policyState{
		Enabled:             types.BoolValue(true),
		Plan:                types.StringValue(plan),
		Weekday:             types.StringNull(),
		Hour:                types.Int64Value(hour),
		WindowLengthHours:   types.Int64Value(4),
		RetentionPeriodDays: types.Int64Value(7),
		NextBackupWindow:    nextBackupWindowValue(time.Unix(0, 0), time.Unix(4*3600, 0)),
	}}
	if weekday != "" {
		m.Weekday = types.StringValue(weekday)
	}
	return &m
}

func configModel(enabled bool, plan, weekday string, hour *int64) dropletBackupsModel {
	m := dropletBackupsModel{DropletID: types.Int64Value(7), policyState: policyState{
		Enabled: types.BoolValue(enabled),
		Plan:    types.StringNull(),
		Weekday: types.StringNull(),
		Hour:    types.Int64Null(),
	}}
	if plan != "" {
		m.Plan = types.StringValue(plan)
	}
	if weekday != "" {
		m.Weekday = types.StringValue(weekday)
	}
	if hour != nil {
		m.Hour = types.Int64Value(*hour)
	}
	return m
}

func h64(v int64) *int64 { return &v }

func TestPlanPolicy(t *testing.T) {
	unknownS, nullS := types.StringUnknown(), types.StringNull()
	unknownI, nullI := types.Int64Unknown(), types.Int64Null()
	str, i64 := types.StringValue, types.Int64Value
	prior := priorModel("weekly", "TUE", 8)
	prior.RetentionPeriodDays = i64(28)

	cases := []struct {
		name                 string
		cfg                  dropletBackupsModel
		prior                *dropletBackupsModel
		plan, weekday        types.String
		hour, retention      types.Int64
		windowUnknown, nullW bool
	}{
		{"create with nothing set", configModel(true, "", "", nil), nil, unknownS, unknownS, unknownI, unknownI, true, false},
		{"create daily", configModel(true, "daily", "", h64(4)), nil, str("daily"), nullS, i64(4), unknownI, true, false},
		{"create weekly without weekday", configModel(true, "weekly", "", nil), nil, str("weekly"), unknownS, unknownI, unknownI, true, false},
		{"disabled", configModel(false, "", "", nil), prior, nullS, nullS, nullI, nullI, false, true},
		{"unchanged, nothing set", configModel(true, "", "", nil), prior, str("weekly"), str("TUE"), i64(8), i64(28), false, false},
		{"unchanged, all set", configModel(true, "weekly", "TUE", h64(8)), prior, str("weekly"), str("TUE"), i64(8), i64(28), false, false},
		{"hour change", configModel(true, "weekly", "", h64(12)), prior, str("weekly"), str("TUE"), i64(12), i64(28), true, false},
		{"weekly to daily", configModel(true, "daily", "", nil), prior, str("daily"), nullS, i64(8), unknownI, true, false},
		{"re-enable", configModel(true, "", "", nil), &dropletBackupsModel{DropletID: types.Int64Value(7), policyState: policyState{Enabled: types.BoolValue(false),
			Plan: nullS, Weekday: nullS, Hour: nullI, WindowLengthHours: nullI, RetentionPeriodDays: nullI,
			NextBackupWindow: types.ObjectNull(nextBackupWindowAttrTypes)}}, unknownS, unknownS, unknownI, unknownI, true, false},
		{"usage-based plan kept", configModel(true, "", "", nil), priorModel("intra_daily_4h", "", 4), str("intra_daily_4h"), nullS, i64(4), i64(7), false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			planned := c.cfg
			planPolicy(&planned, c.cfg, c.prior)
			if !planned.Plan.Equal(c.plan) || !planned.Weekday.Equal(c.weekday) || !planned.Hour.Equal(c.hour) {
				t.Errorf("plan/weekday/hour = %s/%s/%s, want %s/%s/%s", planned.Plan, planned.Weekday, planned.Hour, c.plan, c.weekday, c.hour)
			}
			if !planned.RetentionPeriodDays.Equal(c.retention) {
				t.Errorf("retention = %s, want %s", planned.RetentionPeriodDays, c.retention)
			}
			switch {
			case c.windowUnknown && !planned.NextBackupWindow.IsUnknown():
				t.Errorf("next window = %s, want unknown", planned.NextBackupWindow)
			case c.nullW && !planned.NextBackupWindow.IsNull():
				t.Errorf("next window = %s, want null", planned.NextBackupWindow)
			case !c.windowUnknown && !c.nullW && !planned.NextBackupWindow.Equal(c.prior.NextBackupWindow):
				t.Errorf("next window = %s, want the prior one", planned.NextBackupWindow)
			}
		})
	}
}
