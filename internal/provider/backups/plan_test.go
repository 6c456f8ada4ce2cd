package backups

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
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

func withRetention(m dropletBackupsModel, days int64) dropletBackupsModel {
	m.RetentionPeriodDays = types.Int64Value(days)
	return m
}

// testOffered is what the emulator's supported_policies serves.
var testOffered = []digitalocean.SupportedPolicy{
	{Name: "weekly", PossibleWindowStarts: []int{0, 4, 8, 12, 16, 20}, WindowLengthHours: 4, RetentionPeriodDays: 28,
		RetentionMinDays: 28, RetentionMaxDays: 28, PossibleDays: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
	{Name: "daily", PossibleWindowStarts: []int{0, 4, 8, 12, 16, 20}, WindowLengthHours: 4, RetentionPeriodDays: 7,
		RetentionMinDays: 7, RetentionMaxDays: 7},
	{Name: "intra_daily_4h", PossibleWindowStarts: []int{0}, WindowLengthHours: 4, RetentionPeriodDays: 7, RetentionMinDays: 1, RetentionMaxDays: 30},
	{Name: "intra_daily_6h", PossibleWindowStarts: []int{0, 4}, WindowLengthHours: 4, RetentionPeriodDays: 7, RetentionMinDays: 1, RetentionMaxDays: 30},
	{Name: "intra_daily_12h", PossibleWindowStarts: []int{0, 4, 8}, WindowLengthHours: 4, RetentionPeriodDays: 7, RetentionMinDays: 1, RetentionMaxDays: 30},
}

// TestPlanPolicyWithoutOffer: without the account's offer (provider not configured, or the read
// failed), a move to a usage-based plan leaves its retention to DigitalOcean and judges the hour
// by the provider's own rules.
func TestPlanPolicyWithoutOffer(t *testing.T) {
	prior := priorModel("daily", "", 4)
	planned := configModel(true, "intra_daily_6h", "", nil)
	planPolicy(&planned, planned, prior, nil)
	if !planned.RetentionPeriodDays.IsUnknown() || !planned.WindowLengthHours.IsUnknown() {
		t.Errorf("retention/window = %s/%s, want unknown", planned.RetentionPeriodDays, planned.WindowLengthHours)
	}
	if !planned.Hour.Equal(types.Int64Value(4)) {
		t.Errorf("hour = %s, want 4 kept (a window of intra_daily_6h opens at 4)", planned.Hour)
	}
	planned = configModel(true, "intra_daily_4h", "", nil)
	planPolicy(&planned, planned, prior, nil)
	if !planned.Hour.IsUnknown() {
		t.Errorf("hour = %s, want unknown (intra_daily_4h opens at 0 only)", planned.Hour)
	}
}

func TestAsksForChange(t *testing.T) {
	prior := priorModel("intra_daily_4h", "", 0)
	if asksForChange(configModel(true, "intra_daily_4h", "", h64(0)), configModel(true, "intra_daily_4h", "", h64(0)), prior) {
		t.Error("a configuration the droplet already holds asks for a change")
	}
	if !asksForChange(configModel(true, "", "", nil), withRetention(configModel(true, "", "", nil), 9), prior) {
		t.Error("a new retention is not a change")
	}
	if asksForChange(configModel(true, "", "", nil), configModel(true, "", "", nil), nil) {
		t.Error("nothing configured asks for a change")
	}
	if !asksForChange(configModel(true, "daily", "", nil), configModel(true, "daily", "", nil), nil) {
		t.Error("a configured plan on create is not a change")
	}
	if asksForChange(configModel(false, "", "", nil), configModel(false, "", "", nil), prior) {
		t.Error("turning backups off needs the offered plans")
	}
}

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
		{"usage-based plan kept", configModel(true, "", "", nil), priorModel("intra_daily_4h", "", 0), str("intra_daily_4h"), nullS, i64(0), i64(7), false, false},
		// A plan this provider does not know keeps the weekday DigitalOcean reports for it.
		{"unknown plan kept", configModel(true, "", "", nil), priorModel("monthly", "SUN", 4), str("monthly"), str("SUN"), i64(4), i64(7), false, false},
		// The weekday goes, the hour 8 opens no window of intra_daily_4h, and the offered default
		// retention is planned (and sent).
		{"weekly to intra_daily_4h", configModel(true, "intra_daily_4h", "", nil), prior, str("intra_daily_4h"), nullS, unknownI, i64(7), true, false},
		{"weekly to intra_daily_12h keeps a fitting hour", configModel(true, "intra_daily_12h", "", nil), prior, str("intra_daily_12h"), nullS, i64(8), i64(7), true, false},
		{"intra_daily_4h retention only", withRetention(configModel(true, "intra_daily_4h", "", nil), 14), priorModel("intra_daily_4h", "", 0),
			str("intra_daily_4h"), nullS, i64(0), i64(14), true, false},
		{"intra_daily_6h to daily", configModel(true, "daily", "", nil), priorModel("intra_daily_6h", "", 4), str("daily"), nullS, i64(4), unknownI, true, false},
		{"create intra_daily_6h with retention", withRetention(configModel(true, "intra_daily_6h", "", h64(4)), 3), nil,
			str("intra_daily_6h"), nullS, i64(4), i64(3), true, false},
		// Adopting on create: the droplet's own retention may differ from the default, so it stays open.
		{"create intra_daily_6h", configModel(true, "intra_daily_6h", "", nil), nil, str("intra_daily_6h"), nullS, unknownI, unknownI, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			planned := c.cfg
			planPolicy(&planned, c.cfg, c.prior, testOffered)
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
