package digitalocean

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// Usage-based plans send window_length_hours and retention_period_days, which godo cannot
// express, through the same exactly-once path as every action; daily and weekly plans send
// neither.
func TestUsageBasedPolicyBody(t *testing.T) {
	r := startEmulator(t, emulator.Options{})
	id := r.Server.CreateDroplet(emulator.DropletSpec{Backups: true}).ID
	var mu sync.Mutex
	var bodies []string
	c := clientBehind(t, r, func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodPost {
			data, _ := io.ReadAll(req.Body)
			mu.Lock()
			bodies = append(bodies, strings.TrimSpace(string(data)))
			mu.Unlock()
			// Answer as an API that offers the plan would, without the emulator knowing it.
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"action":{"id":7,"status":"completed","type":"change_backup_policy","resource_id":` + jsonInt(id) + `,"resource_type":"droplet"}}`))
			return
		}
		r.Server.ServeHTTP(w, req)
	})
	p := Policy{Plan: "intra_daily_4h", Hour: intPtr(0), WindowLengthHours: intPtr(4), RetentionPeriodDays: intPtr(7)}
	if _, err := c.Execute(ctxTimeout(t, 10*time.Second), Job{DropletID: id, Request: ActionRequest{Type: "change_backup_policy", BackupPolicy: &p}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Execute(ctxTimeout(t, 10*time.Second), Job{DropletID: id, Request: ActionRequest{Type: "enable_backups", BackupPolicy: &Policy{Plan: "intra_daily_12h", RetentionPeriodDays: intPtr(3)}}}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"backup_policy":{"hour":0,"plan":"intra_daily_4h","retention_period_days":7,"window_length_hours":4},"type":"change_backup_policy"}`,
		`{"backup_policy":{"plan":"intra_daily_12h","retention_period_days":3},"type":"enable_backups"}`,
	}
	if len(bodies) != len(want) {
		t.Fatalf("bodies %v", bodies)
	}
	for i := range want {
		if !jsonEqual(t, bodies[i], want[i]) {
			t.Errorf("body %s, want %s", bodies[i], want[i])
		}
	}
}

// A refusal of the plan (by an account without usage-based plans) names the droplet, the plan
// and what DigitalOcean said.
func TestUsageBasedPolicyRefused(t *testing.T) {
	r := startEmulator(t, emulator.Options{NoUsageBasedBackups: true})
	id := r.Server.CreateDroplet(emulator.DropletSpec{Backups: true}).ID
	c := newTestClient(t, testConfig(r))
	_, err := c.Execute(ctxTimeout(t, 10*time.Second), Job{DropletID: id, Request: ActionRequest{Type: "change_backup_policy", BackupPolicy: &Policy{Plan: "intra_daily_6h", Hour: intPtr(0), RetentionPeriodDays: intPtr(14)}}})
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("got %v, want ErrInvalid", err)
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.Message == "" {
		t.Fatalf("%v carries no API message", err)
	}
	for _, part := range []string{"droplet " + jsonInt(id), `"intra_daily_6h"`, "retention 14 days", ae.Message} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("message %q lacks %q", err, part)
		}
	}
	if n := countActions(r.Server, id, "change_backup_policy"); n != 0 {
		t.Errorf("%d actions after a refusal", n)
	}
}

// Against an account that offers them, a usage-based plan is set in one action and reads back
// as set; the supported plans list it with its retention range.
func TestUsageBasedPolicyAgainstTheEmulator(t *testing.T) {
	r, id, c := emulatedDroplet(t, emulator.Options{})
	ctx := ctxTimeout(t, 10*time.Second)
	if _, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "enable_backups", BackupPolicy: &Policy{Plan: "intra_daily_6h", Hour: intPtr(0), RetentionPeriodDays: intPtr(14)}}}); err != nil {
		t.Fatal(err)
	}
	p, err := c.BackupPolicy(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Enabled || p.Plan != "intra_daily_6h" || p.RetentionPeriodDays != 14 || p.WindowLengthHours == 0 || p.Weekday != "" {
		t.Errorf("policy %+v", p)
	}
	if n := countActions(r.Server, id, "enable_backups"); n != 1 {
		t.Errorf("%d enable_backups actions, want 1", n)
	}
	plans, err := c.SupportedBackupPolicies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, sp := range plans {
		if sp.Name == "intra_daily_6h" {
			found = true
			if sp.RetentionMinDays < 1 || sp.RetentionMaxDays <= sp.RetentionMinDays || len(sp.PossibleWindowStarts) == 0 {
				t.Errorf("intra_daily_6h %+v: no retention range or window starts", sp)
			}
		}
	}
	if !found {
		t.Errorf("supported plans %+v lack intra_daily_6h", plans)
	}
}

// A usage-based plan reads back with its window and retention, and no weekday.
func TestUsageBasedPolicyReadBack(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"policy":{"droplet_id":5,"backup_enabled":true,
			"backup_policy":{"plan":"intra_daily_4h","hour":0,"window_length_hours":4,"retention_period_days":7},
			"next_backup_window":{"start":"2026-12-01T04:00:00Z","end":"2026-12-01T08:00:00Z"}}}`))
	}))
	defer srv.Close()
	c := newTestClient(t, Config{Token: "t", APIEndpoint: srv.URL, RequestBudgetPerMinute: -1})
	p, err := c.BackupPolicy(ctxTimeout(t, 5*time.Second), 5)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Enabled || p.Plan != "intra_daily_4h" || p.Weekday != "" || p.Hour == nil || *p.Hour != 0 ||
		p.WindowLengthHours != 4 || p.RetentionPeriodDays != 7 || p.NextWindowStart == nil || p.NextWindowStart.Hour() != 4 {
		t.Errorf("policy %+v", p)
	}
}

// Supported policies are read once per Client, however many ask at once, with the window
// starts, window length and retention range of each plan.
func TestSupportedBackupPoliciesReadOnce(t *testing.T) {
	var mu sync.Mutex
	reads := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		reads++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"supported_policies":[
			{"name":"weekly","possible_window_starts":[0,4,8,12,16,20],"window_length_hours":4,"retention_period_days":28,"possible_days":["SUN","MON"]},
			{"name":"intra_daily_4h","possible_window_starts":[0,4],"window_length_hours":4,"retention_period_days":7,"possible_days":[],
			 "min_retention_period_days":1,"max_retention_period_days":30},
			{"name":"intra_daily_6h","possible_window_starts":[0],"window_length_hours":6,"retention_period_days":7,"possible_days":[],
			 "possible_retention_period_days":[3,7,14]}]}`))
	}))
	defer srv.Close()
	c := newTestClient(t, Config{Token: "t", APIEndpoint: srv.URL, RequestBudgetPerMinute: -1})
	ctx := ctxTimeout(t, 5*time.Second)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.SupportedBackupPolicies(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	list, err := c.SupportedBackupPolicies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if reads != 1 {
		t.Errorf("%d reads, want 1", reads)
	}
	if len(list) != 3 {
		t.Fatalf("%d plans", len(list))
	}
	weekly, four, six := list[0], list[1], list[2]
	if weekly.RetentionMinDays != 28 || weekly.RetentionMaxDays != 28 || len(weekly.PossibleWindowStarts) != 6 || len(weekly.PossibleDays) != 2 {
		t.Errorf("weekly %+v", weekly)
	}
	if four.Name != "intra_daily_4h" || four.WindowLengthHours != 4 || four.RetentionMinDays != 1 || four.RetentionMaxDays != 30 {
		t.Errorf("4h %+v", four)
	}
	if six.WindowLengthHours != 6 || six.RetentionMinDays != 3 || six.RetentionMaxDays != 14 {
		t.Errorf("6h %+v", six)
	}
	list[0].PossibleWindowStarts[0] = 99
	again, _ := c.SupportedBackupPolicies(ctx)
	if again[0].PossibleWindowStarts[0] != 0 {
		t.Error("a caller's change reached the cached list")
	}
}

func jsonInt(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func jsonEqual(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}
