package backups

import (
	"testing"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
)

func TestListDisplayName(t *testing.T) {
	hour := func(h int) *int { return &h }
	for _, tc := range []struct {
		name string
		id   int
		p    *digitalocean.BackupPolicy
		want string
	}{
		{"web-1", 100001, &digitalocean.BackupPolicy{Enabled: true, Plan: "weekly", Weekday: "SUN", Hour: hour(4)}, "web-1 (100001): weekly SUN 04:00"},
		{"db-1", 100002, &digitalocean.BackupPolicy{Enabled: true, Plan: "daily", Hour: hour(20)}, "db-1 (100002): daily 20:00"},
		{"db-2", 100005, &digitalocean.BackupPolicy{Enabled: true, Plan: "daily", Hour: hour(0)}, "db-2 (100005): daily 00:00"},
		{"batch", 100004, &digitalocean.BackupPolicy{Enabled: false}, "batch (100004): backups off"},
		{"batch", 100004, nil, "batch (100004): backups off"},
		{"api", 100003, &digitalocean.BackupPolicy{Enabled: true, Plan: "intra_daily_4h", Hour: hour(0), RetentionPeriodDays: 7}, "api (100003): every 4 h, kept 7 days"},
		{"api", 100006, &digitalocean.BackupPolicy{Enabled: true, Plan: "intra_daily_6h", RetentionPeriodDays: 14}, "api (100006): every 6 h, kept 14 days"},
		{"api", 100007, &digitalocean.BackupPolicy{Enabled: true, Plan: "intra_daily_12h", Hour: hour(12)}, "api (100007): every 12 h"},
		{"odd", 100008, &digitalocean.BackupPolicy{Enabled: true, Plan: "monthly", Hour: hour(8)}, "odd (100008): monthly 08:00"},
		{"odd", 100009, &digitalocean.BackupPolicy{Enabled: true, Plan: "weekly", Hour: hour(8)}, "odd (100009): weekly 08:00"},
		{"odd", 100010, &digitalocean.BackupPolicy{Enabled: true}, "odd (100010): backups on"},
		{"", 100011, &digitalocean.BackupPolicy{Enabled: true, Plan: "daily", Hour: hour(4)}, "droplet 100011: daily 04:00"},
	} {
		if got := listDisplayName(tc.name, tc.id, tc.p); got != tc.want {
			t.Errorf("listDisplayName(%q, %d, %+v) = %q, want %q", tc.name, tc.id, tc.p, got, tc.want)
		}
	}
}
