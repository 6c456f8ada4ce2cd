package emulator_test

import (
	"slices"
	"testing"
	"time"

	"github.com/digitalocean/godo"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func TestBackupPolicyAndNextWindow(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.ActionDuration = 0 })
	// The fake clock starts on Wednesday 2026-03-04 10:17 UTC.
	cases := []struct {
		policy     *godo.DropletBackupPolicyRequest
		plan, day  string
		hour       int
		retention  int
		start, end string
	}{
		{&godo.DropletBackupPolicyRequest{Plan: "weekly", Weekday: "SUN", Hour: intp(4)}, "weekly", "SUN", 4, 28, "2026-03-08T04:00:00Z", "2026-03-08T08:00:00Z"},
		{&godo.DropletBackupPolicyRequest{Plan: "weekly", Weekday: "WED", Hour: intp(8)}, "weekly", "WED", 8, 28, "2026-03-11T08:00:00Z", "2026-03-11T12:00:00Z"},
		{&godo.DropletBackupPolicyRequest{Plan: "weekly", Weekday: "WED", Hour: intp(12)}, "weekly", "WED", 12, 28, "2026-03-04T12:00:00Z", "2026-03-04T16:00:00Z"},
		{&godo.DropletBackupPolicyRequest{Plan: "daily", Hour: intp(20)}, "daily", "", 20, 7, "2026-03-04T20:00:00Z", "2026-03-05T00:00:00Z"},
		{&godo.DropletBackupPolicyRequest{Plan: "daily", Hour: intp(0)}, "daily", "", 0, 7, "2026-03-05T00:00:00Z", "2026-03-05T04:00:00Z"},
		// A weekday sent with a daily plan is ignored.
		{&godo.DropletBackupPolicyRequest{Plan: "daily", Weekday: "MON", Hour: intp(8)}, "daily", "", 8, 7, "2026-03-05T08:00:00Z", "2026-03-05T12:00:00Z"},
	}
	for _, c := range cases {
		id := e.droplet(emulator.DropletSpec{})
		must[*godo.Action](t)(e.client.DropletActions.EnableBackupsWithPolicy(e.ctx, id, c.policy))
		p := must[*godo.DropletBackupPolicy](t)(e.client.Droplets.GetBackupPolicy(e.ctx, id))
		bp := p.BackupPolicy
		if !p.BackupEnabled || p.DropletID != id || bp.Plan != c.plan || bp.Weekday != c.day || bp.Hour != c.hour ||
			bp.WindowLengthHours != 4 || bp.RetentionPeriodDays != c.retention {
			t.Errorf("%+v: policy %+v", c.policy, bp)
		}
		if got := p.NextBackupWindow; got.Start.Format(time.RFC3339) != c.start || got.End.Format(time.RFC3339) != c.end {
			t.Errorf("%+v: window %v – %v, want %s – %s", c.policy, got.Start, got.End, c.start, c.end)
		}
		d := must[*godo.Droplet](t)(e.client.Droplets.Get(e.ctx, id))
		if d.NextBackupWindow == nil || d.NextBackupWindow.Start.Format(time.RFC3339) != c.start {
			t.Errorf("droplet window %v", d.NextBackupWindow)
		}
	}

	// Without a policy: daily at a window the emulator picks.
	id := e.droplet(emulator.DropletSpec{})
	must[*godo.Action](t)(e.client.DropletActions.EnableBackups(e.ctx, id))
	p, _ := e.srv.BackupPolicy(id)
	if p.BackupPolicy.Plan != "daily" || p.BackupPolicy.Weekday != "" {
		t.Errorf("default policy %+v", p.BackupPolicy)
	}
	// godo's EnableBackupsWithPolicy with an empty policy sends plan "" and weekday "".
	id = e.droplet(emulator.DropletSpec{})
	must[*godo.Action](t)(e.client.DropletActions.EnableBackupsWithPolicy(e.ctx, id, &godo.DropletBackupPolicyRequest{}))
	if p, _ := e.srv.BackupPolicy(id); p.BackupPolicy.Plan != "daily" {
		t.Errorf("empty policy → %+v", p.BackupPolicy)
	}
	// change_backup_policy merges: plan "" keeps the plan, a nil hour keeps the hour.
	must[*godo.Action](t)(e.client.DropletActions.ChangeBackupPolicy(e.ctx, id, &godo.DropletBackupPolicyRequest{Hour: intp(16)}))
	if p, _ := e.srv.BackupPolicy(id); p.BackupPolicy.Plan != "daily" || p.BackupPolicy.Hour != 16 {
		t.Errorf("hour-only change → %+v", p.BackupPolicy)
	}
	must[*godo.Action](t)(e.client.DropletActions.ChangeBackupPolicy(e.ctx, id, &godo.DropletBackupPolicyRequest{Plan: "weekly", Weekday: "FRI"}))
	if p, _ := e.srv.BackupPolicy(id); p.BackupPolicy.Plan != "weekly" || p.BackupPolicy.Weekday != "FRI" || p.BackupPolicy.Hour != 16 {
		t.Errorf("plan change → %+v", p.BackupPolicy)
	}
	// Disabled: only droplet_id and backup_enabled.
	must[*godo.Action](t)(e.client.DropletActions.DisableBackups(e.ctx, id))
	p2 := must[*godo.DropletBackupPolicy](t)(e.client.Droplets.GetBackupPolicy(e.ctx, id))
	if p2.BackupEnabled || p2.BackupPolicy != nil || p2.NextBackupWindow != nil || p2.DropletID != id {
		t.Errorf("disabled policy record %+v", p2)
	}
	_, _, err := e.client.Droplets.GetBackupPolicy(e.ctx, 3)
	wantStatus(t, err, 404)
}

func TestScheduledBackupsAndRetention(t *testing.T) {
	e := newEnv(t)
	id := e.droplet(emulator.DropletSpec{Backups: true, BackupPolicy: &emulator.PolicySpec{Plan: "daily", Hour: intp(20)}})
	e.clock.Advance(3 * 24 * time.Hour) // 2026-03-07 10:17
	d := e.get(id)
	if len(d.BackupIDs) != 3 {
		t.Fatalf("after 3 days: %d backups", len(d.BackupIDs))
	}
	if got := d.NextBackupWindow.Start.Format(time.RFC3339); got != "2026-03-07T20:00:00Z" {
		t.Errorf("next window %s", got)
	}
	first, _ := e.srv.Image(d.BackupIDs[0])
	if first.Type != "backup" || first.CreatedAt.Format(time.RFC3339) != "2026-03-04T20:00:00Z" ||
		first.ExpiresAt == nil || first.ExpiresAt.Format(time.RFC3339) != "2026-03-11T20:00:00Z" {
		t.Errorf("first backup %+v", first)
	}
	e.clock.Advance(7 * 24 * time.Hour) // 2026-03-14 10:17: 7 more taken, 3 expired
	d = e.get(id)
	if len(d.BackupIDs) != 7 {
		t.Fatalf("after 10 days: %d backups", len(d.BackupIDs))
	}
	if _, ok := e.srv.Image(first.ID); ok {
		t.Error("expired backup still exists")
	}
	// Through the API: newest first, paginated.
	var listed []godo.Image
	opt := &godo.ListOptions{PerPage: 3}
	for {
		bs, resp, err := e.client.Droplets.Backups(e.ctx, id, opt)
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, bs...)
		if resp.Meta.Total != 7 {
			t.Fatalf("meta %+v", resp.Meta)
		}
		if resp.Links.IsLastPage() {
			break
		}
		cur, _ := resp.Links.CurrentPage()
		opt.Page = cur + 1
	}
	if len(listed) != 7 || listed[0].ID != d.BackupIDs[6] || listed[6].ID != d.BackupIDs[0] || listed[0].Type != "backup" {
		t.Errorf("listed backups %v, droplet has %v", listed, d.BackupIDs)
	}
}

func TestDisableBackupsKeepsBackupsUntilRetention(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.ActionDuration = 0 })
	id := e.droplet(emulator.DropletSpec{Backups: true, BackupPolicy: &emulator.PolicySpec{Plan: "weekly", Weekday: "MON", Hour: intp(0)}})
	b, err := e.srv.TakeBackup(id)
	if err != nil {
		t.Fatal(err)
	}
	must[*godo.Action](t)(e.client.DropletActions.DisableBackups(e.ctx, id))
	e.clock.Advance(27 * 24 * time.Hour)
	bs := must[[]godo.Image](t)(e.client.Droplets.Backups(e.ctx, id, nil))
	if len(bs) != 1 || bs[0].ID != b.ID {
		t.Fatalf("after 27 days: %v", bs)
	}
	if d := e.get(id); !slices.Equal(d.BackupIDs, []int{b.ID}) || d.NextBackupWindow != nil {
		t.Errorf("droplet backups %v window %v (no new backups once disabled)", d.BackupIDs, d.NextBackupWindow)
	}
	e.clock.Advance(24 * time.Hour) // weekly retention is 28 days
	if bs := must[[]godo.Image](t)(e.client.Droplets.Backups(e.ctx, id, nil)); len(bs) != 0 {
		t.Errorf("after 28 days: %v", bs)
	}
}
