package providerutil

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
)

func TestBackupPlanHours(t *testing.T) {
	for plan, want := range map[string]string{
		"daily": "[0 4 8 12 16 20]", "weekly": "[0 4 8 12 16 20]",
		"intra_daily_4h": "[0]", "intra_daily_6h": "[0 4]", "intra_daily_12h": "[0 4 8]", "monthly": "[]",
	} {
		if got := fmt.Sprint(BackupPlanHours(plan)); got != want {
			t.Errorf("BackupPlanHours(%q) = %s, want %s", plan, got, want)
		}
	}
}

// policy builds values from plan and a few settings; -1 leaves an int unset.
func policy(block, plan, weekday string, hour, window, retention int64) BackupPolicyValues {
	i := func(n int64) types.Int64 {
		if n < 0 {
			return types.Int64Null()
		}
		return types.Int64Value(n)
	}
	s := func(v string) types.String {
		if v == "" {
			return types.StringNull()
		}
		return types.StringValue(v)
	}
	return BackupPolicyValues{Plan: s(plan), Weekday: s(weekday), Hour: i(hour), WindowLengthHours: i(window), RetentionDays: i(retention), Block: block}
}

// oneError checks that diags hold exactly one error, at want, whose text has every piece of text.
func oneError(t *testing.T, diags diag.Diagnostics, want path.Path, text ...string) {
	t.Helper()
	errs := diags.Errors()
	if len(errs) != 1 {
		t.Fatalf("want one error at %s, got %d: %v", want, len(errs), diags)
	}
	d, ok := errs[0].(diag.DiagnosticWithPath)
	if !ok || !d.Path().Equal(want) {
		t.Errorf("error at %v, want %s: %v", d, want, errs[0])
	}
	msg := errs[0].Summary() + ": " + errs[0].Detail()
	for _, s := range text {
		if !strings.Contains(msg, s) {
			t.Errorf("error %q does not say %q", msg, s)
		}
	}
}

func TestValidateShape(t *testing.T) {
	valid := []BackupPolicyValues{
		policy("", "daily", "", 20, -1, -1),
		policy("", "weekly", "MON", 4, -1, -1),
		policy("", "intra_daily_4h", "", 0, 4, 30),
		policy("", "intra_daily_6h", "", 4, -1, 1),
		policy("", "intra_daily_12h", "", 8, 12, -1),
		policy("", "", "", 12, -1, -1),
		// The values DigitalOcean fixes for daily and weekly, as generated configuration states them.
		policy("", "daily", "", 20, 4, 7),
		policy("", "weekly", "SUN", 0, 4, 28),
		{Plan: types.StringUnknown(), Weekday: types.StringValue("MON"), RetentionDays: types.Int64Value(3)},
	}
	for _, v := range valid {
		var diags diag.Diagnostics
		v.ValidateShape(&diags)
		if diags.HasError() {
			t.Errorf("%+v: %v", v, diags)
		}
	}

	cases := []struct {
		name string
		v    BackupPolicyValues
		at   path.Path
		text []string
	}{
		{"retention with daily", policy("", "daily", "", -1, -1, 14), path.Root("retention_period_days"),
			[]string{"`retention_period_days` needs a usage-based plan", "`plan` is \"daily\"", "`intra_daily_4h`"}},
		{"window with weekly", policy("", "weekly", "SUN", -1, 2, -1), path.Root("window_length_hours"),
			[]string{"`window_length_hours` needs a usage-based plan", "2 is not that value"}},
		{"weekly retention with daily", policy("", "daily", "", -1, -1, 28), path.Root("retention_period_days"),
			[]string{"`retention_period_days` needs a usage-based plan"}},
		{"retention without plan", policy("", "", "", -1, -1, 14), path.Root("retention_period_days"), []string{"`plan` is unset"}},
		{"weekday with intra_daily_4h", policy("", "intra_daily_4h", "MON", -1, -1, -1), path.Root("weekday"),
			[]string{"`weekday` needs a weekly plan", `plan = "weekly"`, "every 4 hours"}},
		{"hour outside intra_daily_4h", policy("", "intra_daily_4h", "", 4, -1, -1), path.Root("hour"),
			[]string{`Hour 4 is not a window start of plan "intra_daily_4h"`, "`0`"}},
		{"hour outside intra_daily_12h", policy("", "intra_daily_12h", "", 12, -1, -1), path.Root("hour"), []string{"`0`, `4` or `8`"}},
		{"window longer than the interval", policy("", "intra_daily_4h", "", -1, 5, -1), path.Root("window_length_hours"), []string{"at most 4"}},
		{"nested", policy("backup_policy", "daily", "", -1, -1, 3), path.Root("backup_policy").AtName("retention_period_days"),
			[]string{"`backup_policy.retention_period_days` can only be set", "`backup_policy.plan` is \"daily\""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var diags diag.Diagnostics
			c.v.ValidateShape(&diags)
			oneError(t, diags, c.at, c.text...)
		})
	}
}

func TestValidateOffered(t *testing.T) {
	basic := []digitalocean.SupportedPolicy{
		{Name: "weekly", PossibleWindowStarts: []int{0, 4, 8, 12, 16, 20}, WindowLengthHours: 4, RetentionPeriodDays: 28,
			RetentionMinDays: 28, RetentionMaxDays: 28, PossibleDays: []string{"SUN", "MON"}},
		{Name: "daily", PossibleWindowStarts: []int{0, 4, 8, 12, 16, 20}, WindowLengthHours: 4, RetentionPeriodDays: 7,
			RetentionMinDays: 7, RetentionMaxDays: 7},
	}
	usage := append(basic, digitalocean.SupportedPolicy{Name: "intra_daily_6h", PossibleWindowStarts: []int{4},
		WindowLengthHours: 4, RetentionPeriodDays: 7, RetentionMinDays: 2, RetentionMaxDays: 14})

	check := func(v BackupPolicyValues, offered []digitalocean.SupportedPolicy, inUse bool) diag.Diagnostics {
		var diags diag.Diagnostics
		v.ValidateOffered(offered, inUse, &diags)
		return diags
	}
	for _, v := range []BackupPolicyValues{policy("", "intra_daily_6h", "", 4, 4, 14), policy("", "weekly", "MON", 0, -1, -1), policy("", "daily", "", -1, -1, -1)} {
		if diags := check(v, usage, false); diags.HasError() {
			t.Errorf("%+v: %v", v, diags)
		}
	}
	if diags := check(policy("", "intra_daily_4h", "", 0, -1, -1), nil, false); diags.HasError() {
		t.Errorf("without an offer nothing is judged: %v", diags)
	}
	if diags := check(policy("", "intra_daily_4h", "", 0, -1, 99), basic, true); diags.HasError() {
		t.Errorf("a plan the droplet already has is not questioned: %v", diags)
	}

	oneError(t, check(policy("", "intra_daily_6h", "", -1, -1, -1), basic, false), path.Root("plan"),
		`Backup plan "intra_daily_6h" is not offered to this account`, "`weekly` and `daily`", "Nothing was sent")
	oneError(t, check(policy("backup_policy", "intra_daily_6h", "", -1, -1, -1), basic, false), path.Root("backup_policy").AtName("plan"),
		"`backup_policy.plan` cannot be \"intra_daily_6h\"")
	oneError(t, check(policy("", "intra_daily_6h", "", -1, -1, 15), usage, false), path.Root("retention_period_days"),
		"between 2 and 14 days", "default (7 days)")
	oneError(t, check(policy("", "intra_daily_6h", "", 0, -1, -1), usage, false), path.Root("hour"), "`4`")
	oneError(t, check(policy("", "intra_daily_6h", "", -1, 3, -1), usage, false), path.Root("window_length_hours"), "last 4 hours")
	oneError(t, check(policy("", "weekly", "SAT", -1, -1, -1), usage, false), path.Root("weekday"), "`SUN` or `MON`")
}
