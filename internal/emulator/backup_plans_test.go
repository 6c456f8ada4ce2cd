package emulator_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/digitalocean/godo"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// policyAction sends a backup-policy action with a body godo cannot build
// (window_length_hours, retention_period_days), through the validating
// client, as the provider does with godo's NewRequest and Do.
func (e *env) policyAction(id int, typ string, policy map[string]any) (*godo.Action, error) {
	e.t.Helper()
	body := map[string]any{"type": typ}
	if policy != nil {
		body["backup_policy"] = policy
	}
	req, err := e.client.NewRequest(e.ctx, http.MethodPost, fmt.Sprintf("v2/droplets/%d/actions", id), body)
	if err != nil {
		e.t.Fatal(err)
	}
	var root struct {
		Action *godo.Action `json:"action"`
	}
	_, err = e.client.Do(e.ctx, req, &root)
	return root.Action, err
}

func (e *env) policyOf(id int) *godo.DropletBackupPolicy {
	e.t.Helper()
	return must[*godo.DropletBackupPolicy](e.t)(e.client.Droplets.GetBackupPolicy(e.ctx, id))
}

func TestSupportedPoliciesListUsageBasedPlans(t *testing.T) {
	e := newEnv(t)
	sp := must[[]*godo.SupportedBackupPolicy](t)(e.client.Droplets.ListSupportedBackupPolicies(e.ctx))
	type row struct {
		name      string
		starts    []int
		retention int
		days      int
	}
	want := []row{
		{"weekly", []int{0, 4, 8, 12, 16, 20}, 28, 7},
		{"daily", []int{0, 4, 8, 12, 16, 20}, 7, 0},
		{"intra_daily_4h", []int{0}, 7, 0},
		{"intra_daily_6h", []int{0, 4}, 7, 0},
		{"intra_daily_12h", []int{0, 4, 8}, 7, 0},
	}
	if len(sp) != len(want) {
		t.Fatalf("%d supported policies, want %d", len(sp), len(want))
	}
	for i, w := range want {
		p := sp[i]
		if p.Name != w.name || !slices.Equal(p.PossibleWindowStarts, w.starts) || p.WindowLengthHours != 4 ||
			p.RetentionPeriodDays != w.retention || len(p.PossibleDays) != w.days {
			t.Errorf("supported policy %d = %+v, want %+v", i, p, w)
		}
	}
	// The retention range is only on the usage-based plans.
	r, _ := e.client.NewRequest(e.ctx, "GET", "v2/droplets/backups/supported_policies", nil)
	var raw struct {
		SupportedPolicies []map[string]any `json:"supported_policies"`
	}
	if _, err := e.client.Do(e.ctx, r, &raw); err != nil {
		t.Fatal(err)
	}
	for _, p := range raw.SupportedPolicies {
		_, hasMin := p["min_retention_period_days"]
		name, ok := p["name"].(string)
		if !ok {
			t.Fatalf("policy without a name: %v", p)
		}
		usage := strings.HasPrefix(name, "intra_daily_")
		if hasMin != usage || (usage && (p["min_retention_period_days"] != 1.0 || p["max_retention_period_days"] != 30.0)) {
			t.Errorf("retention range of %v: %v – %v", p["name"], p["min_retention_period_days"], p["max_retention_period_days"])
		}
	}
	if got := e.srv.SupportedPolicies(); len(got) != 5 || len(emulator.SupportedPolicies()) != 5 {
		t.Errorf("SupportedPolicies: %d, %d", len(got), len(emulator.SupportedPolicies()))
	}
}

// TestUsageBasedPlans moves a droplet through usage-based and basic plans,
// each in one action, and reads every policy back.
func TestUsageBasedPlans(t *testing.T) {
	e := newEnv(t)
	// The fake clock starts on Wednesday 2026-03-04 10:17 UTC.
	id := e.droplet(emulator.DropletSpec{})
	a, err := e.policyAction(id, "enable_backups", map[string]any{"plan": "intra_daily_4h", "hour": 0, "window_length_hours": 4, "retention_period_days": 7})
	if err != nil {
		t.Fatal(err)
	}
	if p := e.policyOf(id); p.BackupEnabled {
		t.Errorf("backups on before the action completed: %+v", p)
	}
	e.clock.Advance(10 * time.Second)
	if got, _ := e.srv.Action(a.ID); got.Status != "completed" {
		t.Fatalf("enable_backups: %s", got.Status)
	}
	steps := []struct {
		typ        string
		policy     map[string]any
		plan, day  string
		hour       int
		retention  int
		start, end string // the next window, seen at 10:17:10 + 20 s per step
	}{
		{"", nil, "intra_daily_4h", "", 0, 7, "2026-03-04T12:00:00Z", "2026-03-04T16:00:00Z"},
		{"change_backup_policy", map[string]any{"plan": "intra_daily_12h", "hour": 8, "window_length_hours": 4, "retention_period_days": 14},
			"intra_daily_12h", "", 8, 14, "2026-03-04T20:00:00Z", "2026-03-05T00:00:00Z"},
		// Retention is kept while the plan stays.
		{"change_backup_policy", map[string]any{"hour": 0}, "intra_daily_12h", "", 0, 14, "2026-03-04T12:00:00Z", "2026-03-04T16:00:00Z"},
		// To a basic plan: its fixed retention, window and schedule.
		{"change_backup_policy", map[string]any{"plan": "daily", "hour": 4}, "daily", "", 4, 7, "2026-03-05T04:00:00Z", "2026-03-05T08:00:00Z"},
		{"change_backup_policy", map[string]any{"plan": "weekly", "weekday": "SAT", "hour": 20}, "weekly", "SAT", 20, 28, "2026-03-07T20:00:00Z", "2026-03-08T00:00:00Z"},
		// Back to a usage-based plan with another retention; hour 20 is not
		// one of its window starts, so the kept hour becomes its first.
		{"change_backup_policy", map[string]any{"plan": "intra_daily_6h", "retention_period_days": 3}, "intra_daily_6h", "", 0, 3, "2026-03-04T12:00:00Z", "2026-03-04T16:00:00Z"},
		{"change_backup_policy", map[string]any{"plan": "intra_daily_6h", "hour": 4}, "intra_daily_6h", "", 4, 3, "2026-03-04T16:00:00Z", "2026-03-04T20:00:00Z"},
	}
	for _, s := range steps {
		if s.typ != "" {
			n := len(e.srv.DropletActions(id))
			if _, err := e.policyAction(id, s.typ, s.policy); err != nil {
				t.Fatalf("%v: %v", s.policy, err)
			}
			e.clock.Advance(10 * time.Second)
			if got := e.srv.DropletActions(id); len(got) != n+1 || got[n].Status != "completed" {
				t.Fatalf("%v: actions %+v", s.policy, got[n:])
			}
		}
		e.clock.Advance(10 * time.Second)
		p := e.policyOf(id)
		bp := p.BackupPolicy
		if !p.BackupEnabled || bp.Plan != s.plan || bp.Weekday != s.day || bp.Hour != s.hour || bp.WindowLengthHours != 4 || bp.RetentionPeriodDays != s.retention {
			t.Errorf("after %v: policy %+v", s.policy, bp)
		}
		if w := p.NextBackupWindow; w.Start.Format(time.RFC3339) != s.start || w.End.Format(time.RFC3339) != s.end {
			t.Errorf("after %v: window %v – %v, want %s – %s", s.policy, w.Start, w.End, s.start, s.end)
		}
		d := must[*godo.Droplet](t)(e.client.Droplets.Get(e.ctx, id))
		if d.NextBackupWindow == nil || d.NextBackupWindow.Start.Format(time.RFC3339) != s.start || !slices.Contains(d.Features, "backups") {
			t.Errorf("after %v: droplet window %v, features %v", s.policy, d.NextBackupWindow, d.Features)
		}
		all := must[map[int]*godo.DropletBackupPolicy](t)(e.client.Droplets.ListBackupPolicies(e.ctx, &godo.ListOptions{PerPage: 200}))
		if got := all[id]; got == nil || got.BackupPolicy.Plan != s.plan || got.BackupPolicy.RetentionPeriodDays != s.retention {
			t.Errorf("after %v: policies list has %+v", s.policy, got)
		}
	}

	// Created with a usage-based plan, and set out of band.
	var created struct {
		Droplet godo.Droplet `json:"droplet"`
	}
	req, _ := e.client.NewRequest(e.ctx, "POST", "v2/droplets", map[string]any{
		"name": "ub", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64", "backups": true,
		"backup_policy": map[string]any{"plan": "intra_daily_12h", "hour": 4, "retention_period_days": 2},
	})
	if _, err := e.client.Do(e.ctx, req, &created); err != nil {
		t.Fatal(err)
	}
	if bp := e.policyOf(created.Droplet.ID).BackupPolicy; bp.Plan != "intra_daily_12h" || bp.Hour != 4 || bp.RetentionPeriodDays != 2 {
		t.Errorf("created with %+v", bp)
	}
	if err := e.srv.SetBackupPolicy(created.Droplet.ID, true, emulator.PolicySpec{Plan: "intra_daily_4h", RetentionPeriodDays: intp(30)}); err != nil {
		t.Fatal(err)
	}
	if bp := e.policyOf(created.Droplet.ID).BackupPolicy; bp.Plan != "intra_daily_4h" || bp.Hour != 0 || bp.RetentionPeriodDays != 30 {
		t.Errorf("set out of band: %+v", bp)
	}
}

func TestUsageBasedPlanValidation(t *testing.T) {
	e := newEnv(t)
	id := e.droplet(emulator.DropletSpec{})
	daily := e.droplet(emulator.DropletSpec{Backups: true})
	cases := []struct {
		policy map[string]any
		want   string
	}{
		{map[string]any{"plan": "intra_daily_4h", "hour": 4}, "invalid backup hour 4 for plan intra_daily_4h: must be one of 0"},
		{map[string]any{"plan": "intra_daily_12h", "hour": 12}, "invalid backup hour 12 for plan intra_daily_12h: must be one of 0, 4, 8"},
		{map[string]any{"plan": "intra_daily_6h", "retention_period_days": 0}, "invalid retention_period_days 0 for plan intra_daily_6h: must be between 1 and 30"},
		{map[string]any{"plan": "intra_daily_6h", "retention_period_days": 31}, "invalid retention_period_days 31 for plan intra_daily_6h: must be between 1 and 30"},
		{map[string]any{"plan": "intra_daily_6h", "window_length_hours": 6}, "invalid window_length_hours 6 for plan intra_daily_6h: must be 4"},
		{map[string]any{"plan": "intra_daily_2h"}, `invalid backup plan "intra_daily_2h": must be one of daily, weekly, intra_daily_4h, intra_daily_6h, intra_daily_12h`},
	}
	for _, c := range cases {
		for _, typ := range []string{"enable_backups", "change_backup_policy"} {
			target := id
			if typ == "change_backup_policy" {
				target = daily
			}
			n := len(e.srv.DropletActions(target))
			_, err := e.policyAction(target, typ, c.policy)
			if er := wantError(t, err, 422); er.Message != c.want {
				t.Errorf("%s %v: %q, want %q", typ, c.policy, er.Message, c.want)
			}
			if got := len(e.srv.DropletActions(target)); got != n {
				t.Errorf("%s %v started an action", typ, c.policy)
			}
		}
	}
	if err := e.srv.SetBackupPolicy(id, true, emulator.PolicySpec{Plan: "intra_daily_4h", Hour: intp(8)}); err == nil {
		t.Error("SetBackupPolicy accepted hour 8 for intra_daily_4h")
	}
	// The basic plans keep their fixed window and retention: the fields are ignored.
	if _, err := e.policyAction(daily, "change_backup_policy", map[string]any{"plan": "weekly", "weekday": "TUE", "hour": 0, "retention_period_days": 90, "window_length_hours": 8}); err != nil {
		t.Fatal(err)
	}
	e.finish()
	if bp := e.policyOf(daily).BackupPolicy; bp.Plan != "weekly" || bp.RetentionPeriodDays != 28 || bp.WindowLengthHours != 4 {
		t.Errorf("weekly with retention and window sent: %+v", bp)
	}
}

// TestUsageBasedBackupsCadenceAndRetention: the lazy clock takes a backup at
// every window of the plan and removes each when its retention ends.
func TestUsageBasedBackupsCadenceAndRetention(t *testing.T) {
	e := newEnv(t)
	id := e.droplet(emulator.DropletSpec{})
	if err := e.srv.SetBackupPolicy(id, true, emulator.PolicySpec{Plan: "intra_daily_6h", Hour: intp(0), RetentionPeriodDays: intp(2)}); err != nil {
		t.Fatal(err)
	}
	// Windows open at 00:00, 06:00, 12:00 and 18:00: from 10:17 to 18:17, two.
	e.clock.Advance(8 * time.Hour)
	if n := len(e.get(id).BackupIDs); n != 2 {
		t.Fatalf("%d backups after 8 hours, want 2", n)
	}
	// Five days on, only the last two days of backups are left: one every 6 hours.
	e.clock.Advance(5 * 24 * time.Hour)
	now := e.clock.Now()
	ids := e.get(id).BackupIDs
	if len(ids) != 8 {
		t.Errorf("%d backups kept with a 2-day retention every 6 hours, want 8", len(ids))
	}
	names := map[string]bool{}
	var prev time.Time
	for _, bid := range ids {
		img, ok := e.srv.Image(bid)
		if !ok {
			t.Fatalf("backup %d is listed but gone", bid)
		}
		if img.Type != "backup" || now.Sub(img.CreatedAt) > 48*time.Hour || img.CreatedAt.Hour()%6 != 0 || img.CreatedAt.Minute() != 0 {
			t.Errorf("backup %d %s created %v (now %v)", bid, img.Type, img.CreatedAt, now)
		}
		if !prev.IsZero() && img.CreatedAt.Sub(prev) != 6*time.Hour {
			t.Errorf("backups %v apart, want 6h", img.CreatedAt.Sub(prev))
		}
		prev = img.CreatedAt
		if names[img.Name] {
			t.Errorf("two backups named %q", img.Name)
		}
		names[img.Name] = true
	}
	bs := must[[]godo.Image](t)(e.client.Droplets.Backups(e.ctx, id, &godo.ListOptions{PerPage: 50}))
	if len(bs) != len(ids) {
		t.Errorf("GET backups lists %d, the droplet has %d", len(bs), len(ids))
	}
}

// TestUsageBasedBackupsSwitchedOff: for an account without usage-based plans
// (the option, or the usage-based-backups setting) they are not listed and
// are refused as an unknown plan is; switching them on again offers them.
func TestUsageBasedBackupsSwitchedOff(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.NoUsageBasedBackups = true })
	id := e.droplet(emulator.DropletSpec{Backups: true})
	unknown := `invalid backup plan "intra_daily_4h": must be one of daily, weekly`
	if sp := must[[]*godo.SupportedBackupPolicy](t)(e.client.Droplets.ListSupportedBackupPolicies(e.ctx)); len(sp) != 2 {
		t.Errorf("%d supported policies, want daily and weekly", len(sp))
	}
	for _, typ := range []string{"enable_backups", "change_backup_policy"} {
		_, err := e.policyAction(id, typ, map[string]any{"plan": "intra_daily_4h", "hour": 0, "window_length_hours": 4, "retention_period_days": 7})
		if er := wantError(t, err, 422); er.Message != unknown {
			t.Errorf("%s: %q, want %q", typ, er.Message, unknown)
		}
	}
	var f map[string]any
	if code := e.control("GET", "/_emulator/faults", nil, &f); code != 200 || f["usage-based-backups"] != false {
		t.Errorf("GET faults: %d %v", code, f)
	}
	if code := e.control("PUT", "/_emulator/faults", map[string]any{"usage-based-backups": true}, &f); code != 200 || f["usage-based-backups"] != true {
		t.Fatalf("PUT faults: %d %v", code, f)
	}
	if sp := must[[]*godo.SupportedBackupPolicy](t)(e.client.Droplets.ListSupportedBackupPolicies(e.ctx)); len(sp) != 5 {
		t.Errorf("%d supported policies after switching usage-based plans on", len(sp))
	}
	if _, err := e.policyAction(id, "change_backup_policy", map[string]any{"plan": "intra_daily_4h", "hour": 0}); err != nil {
		t.Fatal(err)
	}
	e.finish()
	// Switched off again: the droplet keeps its plan, but no droplet can move to one.
	e.srv.SetFaults(emulator.Faults{UsageBasedBackups: new(bool)})
	if bp := e.policyOf(id).BackupPolicy; bp.Plan != "intra_daily_4h" {
		t.Errorf("plan after switching usage-based plans off: %+v", bp)
	}
	_, err := e.policyAction(id, "change_backup_policy", map[string]any{"plan": "intra_daily_12h", "hour": 0})
	if er := wantError(t, err, 422); !strings.Contains(er.Message, `"intra_daily_12h": must be one of daily, weekly`) {
		t.Errorf("change to intra_daily_12h while off: %q", er.Message)
	}
	if code, ae := e.controlRaw("PUT", "/_emulator/faults", `{"usage-based-backups": "no"}`); code != 400 || !strings.Contains(ae.Message, `"usage-based-backups"`) {
		t.Errorf("PUT usage-based-backups \"no\": %d %q", code, ae.Message)
	}
	if r := e.srv.Faults(); r.UsageBasedBackups == nil || *r.UsageBasedBackups {
		t.Errorf("Faults().UsageBasedBackups = %v", r.UsageBasedBackups)
	}
	e.srv.Reset() // back to the option
	if sp := must[[]*godo.SupportedBackupPolicy](t)(e.client.Droplets.ListSupportedBackupPolicies(e.ctx)); len(sp) != 2 {
		t.Errorf("%d supported policies after Reset", len(sp))
	}
}
