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
}

// TestDropletBackupsDeleteDropletGone calls Delete directly: Terraform refreshes before destroying,
// so a droplet deleted out of band normally leaves the state before Delete could see it.
