package backups

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
)

func intPtr(v int) *int { return &v }

func TestPolicyStateFrom(t *testing.T) {
	start := time.Date(2024, 9, 15, 20, 0, 0, 0, time.UTC)
	end := start.Add(4 * time.Hour)

	t.Run("disabled", func(t *testing.T) {
		s := policyStateFrom(&digitalocean.BackupPolicy{DropletID: 1})
		if s.Enabled.ValueBool() {
			t.Fatal("enabled")
		}
		for name, v := range map[string]attr.Value{"plan": s.Plan, "weekday": s.Weekday, "hour": s.Hour,
			"window": s.WindowLengthHours, "retention": s.RetentionPeriodDays, "next": s.NextBackupWindow} {
			if !v.IsNull() {
				t.Errorf("%s = %s, want null", name, v)
			}
		}
	})

	t.Run("weekly", func(t *testing.T) {
		s := policyStateFrom(&digitalocean.BackupPolicy{Enabled: true, Plan: "weekly", Weekday: "SUN", Hour: intPtr(0),
			WindowLengthHours: 4, RetentionPeriodDays: 28, NextWindowStart: &start, NextWindowEnd: &end})
		if s.Plan.ValueString() != "weekly" || s.Weekday.ValueString() != "SUN" || s.Hour.IsNull() || s.Hour.ValueInt64() != 0 {
			t.Errorf("policy = %s %s %s", s.Plan, s.Weekday, s.Hour)
		}
		want := nextBackupWindowValue(start, end)
		if !s.NextBackupWindow.Equal(want) {
			t.Errorf("window = %s, want %s", s.NextBackupWindow, want)
		}
		start, ok := s.NextBackupWindow.Attributes()["start"].(types.String)
		if !ok || start.ValueString() != "2024-09-15T20:00:00Z" {
			t.Errorf("start = %s", s.NextBackupWindow.Attributes()["start"])
		}
	})

	t.Run("daily weekday dropped", func(t *testing.T) {
		s := policyStateFrom(&digitalocean.BackupPolicy{Enabled: true, Plan: "daily", Weekday: "MON", Hour: intPtr(8)})
		if !s.Weekday.IsNull() {
			t.Errorf("weekday = %s, want null for a daily plan", s.Weekday)
		}
	})

	t.Run("usage-based weekday dropped", func(t *testing.T) {
		s := policyStateFrom(&digitalocean.BackupPolicy{Enabled: true, Plan: "intra_daily_6h", Weekday: "SUN", Hour: intPtr(4),
			WindowLengthHours: 4, RetentionPeriodDays: 9})
		if !s.Weekday.IsNull() || s.RetentionPeriodDays.ValueInt64() != 9 || s.WindowLengthHours.ValueInt64() != 4 {
			t.Errorf("state = %+v, want no weekday, retention 9, window 4", s)
		}
	})

	t.Run("unknown plan keeps what is reported", func(t *testing.T) {
		s := policyStateFrom(&digitalocean.BackupPolicy{Enabled: true, Plan: "monthly", Weekday: "SUN", Hour: intPtr(4)})
		if s.Plan.ValueString() != "monthly" || s.Weekday.ValueString() != "SUN" {
			t.Errorf("state = %+v", s)
		}
	})

	t.Run("usage-based plan", func(t *testing.T) {
		// Plans outside the spec are read as reported, without error.
		s := policyStateFrom(&digitalocean.BackupPolicy{Enabled: true, Plan: "intra_daily_4h", Hour: intPtr(4),
			WindowLengthHours: 1, RetentionPeriodDays: 3})
		if s.Plan.ValueString() != "intra_daily_4h" || s.RetentionPeriodDays.ValueInt64() != 3 || !s.NextBackupWindow.IsNull() {
			t.Errorf("state = %+v", s)
		}
	})
}
