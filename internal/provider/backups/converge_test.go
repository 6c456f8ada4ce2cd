package backups

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
)

func TestChangedPolicy(t *testing.T) {
	current := &digitalocean.BackupPolicy{Enabled: true, Plan: "weekly", Weekday: "FRI", Hour: intPtr(16)}

	if _, needed := changedPolicy(configModel(true, "weekly", "", h64(16)), current); needed {
		t.Error("a policy matching every configured value needs no action")
	}
	p, needed := changedPolicy(configModel(true, "daily", "", nil), current)
	if !needed || p.Plan != "daily" || p.Weekday != "" || p.Hour == nil || *p.Hour != 16 {
		t.Errorf("weekly → daily = %+v (needed %v), want daily at the current hour", p, needed)
	}
	p, needed = changedPolicy(configModel(true, "", "", h64(0)), current)
	if !needed || p.Plan != "weekly" || p.Weekday != "FRI" || *p.Hour != 0 {
		t.Errorf("hour change = %+v (needed %v), want the rest kept", p, needed)
	}
	p, _ = changedPolicy(configModel(true, "weekly", "MON", nil), &digitalocean.BackupPolicy{Enabled: true, Plan: "daily", Hour: intPtr(4)})
	if p.Plan != "weekly" || p.Weekday != "MON" || *p.Hour != 4 {
		t.Errorf("daily → weekly = %+v", p)
	}
}

func TestChangedPolicyUsageBased(t *testing.T) {
	weekly := &digitalocean.BackupPolicy{Enabled: true, Plan: "weekly", Weekday: "FRI", Hour: intPtr(16), WindowLengthHours: 4, RetentionPeriodDays: 28}
	cfg := withRetention(configModel(true, "intra_daily_4h", "", nil), 14)
	cfg.Hour = types.Int64Unknown() // 16 opens no window of intra_daily_4h: DigitalOcean picks
	p, needed := changedPolicy(cfg, weekly)
	if !needed || p.Plan != "intra_daily_4h" || p.Weekday != "" || p.Hour != nil || p.RetentionPeriodDays == nil ||
		*p.RetentionPeriodDays != 14 || p.WindowLengthHours != nil {
		t.Errorf("weekly → intra_daily_4h = %+v (needed %v), want the plan and retention 14 only", describePolicy(&p), needed)
	}

	intra := &digitalocean.BackupPolicy{Enabled: true, Plan: "intra_daily_12h", Hour: intPtr(8), WindowLengthHours: 4, RetentionPeriodDays: 10}
	p, needed = changedPolicy(configModel(true, "intra_daily_12h", "", h64(4)), intra)
	if !needed || p.Hour == nil || *p.Hour != 4 || p.RetentionPeriodDays == nil || *p.RetentionPeriodDays != 10 ||
		p.WindowLengthHours == nil || *p.WindowLengthHours != 4 {
		t.Errorf("hour change = %s (needed %v), want the current retention and window sent along", describePolicy(&p), needed)
	}
	if _, needed := changedPolicy(withRetention(configModel(true, "intra_daily_12h", "", nil), 10), intra); needed {
		t.Error("the retention the droplet has needs no action")
	}

	p, needed = changedPolicy(configModel(true, "daily", "", nil), intra)
	if !needed || p.Plan != "daily" || p.RetentionPeriodDays != nil || p.WindowLengthHours != nil {
		t.Errorf("intra_daily_12h → daily = %s, want neither retention nor window (fixed for daily)", describePolicy(&p))
	}
}

func TestEnablePolicy(t *testing.T) {
	unknown := configModel(true, "", "", nil)
	unknown.Plan, unknown.Weekday, unknown.Hour = types.StringUnknown(), types.StringUnknown(), types.Int64Unknown()
	if p := enablePolicy(unknown); p != nil {
		t.Errorf("nothing configured = %+v, want no policy", p)
	}
	withHour := unknown
	withHour.Hour = types.Int64Value(20)
	if p := enablePolicy(withHour); p == nil || p.Plan != "daily" || *p.Hour != 20 || p.Weekday != "" {
		t.Errorf("hour only = %+v, want daily at 20", p)
	}
	usage := withRetention(configModel(true, "intra_daily_6h", "", h64(4)), 21)
	if p := enablePolicy(usage); p == nil || p.Plan != "intra_daily_6h" || p.RetentionPeriodDays == nil || *p.RetentionPeriodDays != 21 || p.WindowLengthHours != nil {
		t.Errorf("usage-based = %s, want intra_daily_6h kept 21 days", describePolicy(p))
	}
}

// TestDropletBackupsDeleteDropletGone calls Delete directly: Terraform refreshes before destroying,
// so a droplet deleted out of band normally leaves the state before Delete could see it.
