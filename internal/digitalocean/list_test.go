package digitalocean

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// listRequests is what a listing cost, by route, according to the emulator.
func listRequests(s *emulator.Server) (droplets, pages, singles, total int) {
	st := s.Stats()
	return st.Requests["GET /v2/droplets"], st.Requests["GET /v2/droplets/backups/policies"],
		st.Requests["GET /v2/droplets/{id}/backups/policy"], st.TotalRequests
}

// collect runs DropletBackups and keeps up to limit results (0 = all).
func collect(t *testing.T, c *Client, tag string, limit int) []DropletBackup {
	t.Helper()
	var out []DropletBackup
	for db, err := range c.DropletBackups(ctxTimeout(t, testTimeout), tag) {
		if err != nil {
			t.Fatalf("DropletBackups(%q): %v", tag, err)
		}
		out = append(out, db)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out
}

const testTimeout = 30 * time.Second

// checkAgainstAPI compares every listed policy with what the emulator holds.
func checkAgainstAPI(t *testing.T, s *emulator.Server, got []DropletBackup) {
	t.Helper()
	for _, db := range got {
		want, ok := s.BackupPolicy(db.Droplet.ID)
		if !ok {
			t.Fatalf("droplet %d listed but unknown to the emulator", db.Droplet.ID)
		}
		p := db.Policy
		if p == nil || p.DropletID != db.Droplet.ID || p.Enabled != want.BackupEnabled {
			t.Fatalf("droplet %d: policy %+v, emulator %+v", db.Droplet.ID, p, want)
		}
		if want.BackupPolicy != nil {
			if p.Plan != want.BackupPolicy.Plan || p.Weekday != want.BackupPolicy.Weekday ||
				p.Hour == nil || *p.Hour != want.BackupPolicy.Hour {
				t.Errorf("droplet %d: policy %+v, emulator %+v", db.Droplet.ID, p, *want.BackupPolicy)
			}
		}
	}
}

func TestDropletBackupsWholeAccount(t *testing.T) {
	r := startEmulator(t, emulator.Options{})
	ids := createDroplets(r.Server, 450, emulator.DropletSpec{})
	for i, id := range ids {
		if i%3 == 0 {
			if err := r.Server.SetBackupPolicy(id, true, emulator.PolicySpec{Plan: "weekly", Weekday: "TUE", Hour: intPtr(8)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	c := newTestClient(t, testConfig(r))
	r.Server.ResetStats()

	got := collect(t, c, "", 0)
	if len(got) != len(ids) {
		t.Fatalf("listed %d droplets, want %d", len(got), len(ids))
	}
	for i, db := range got {
		if db.Droplet.ID != ids[i] {
			t.Fatalf("result %d is droplet %d, want %d (the API's order)", i, db.Droplet.ID, ids[i])
		}
	}
	checkAgainstAPI(t, r.Server, got)
	if !got[0].Policy.Enabled || got[0].Policy.Plan != "weekly" || got[1].Policy.Enabled {
		t.Errorf("first policies: %+v, %+v", got[0].Policy, got[1].Policy)
	}
	// 450 droplets: 3 pages of droplets and 3 pages of policies, nothing else.
	droplets, pages, singles, total := listRequests(r.Server)
	if droplets != 3 || pages != 3 || singles != 0 || total != 6 {
		t.Errorf("requests: %d droplet pages, %d policy pages, %d single policies, %d in all; want 3, 3, 0, 6",
			droplets, pages, singles, total)
	}
}

func TestDropletBackupsStopEarly(t *testing.T) {
	r := startEmulator(t, emulator.Options{})
	ids := createDroplets(r.Server, 450, emulator.DropletSpec{})
	c := newTestClient(t, testConfig(r))

	for _, tc := range []struct {
		limit, wantRequests int
	}{
		{1, 2},   // page 1 of each
		{200, 2}, // still page 1 of each
		{201, 4}, // one more of each
	} {
		r.Server.ResetStats()
		got := collect(t, c, "", tc.limit)
		if len(got) != tc.limit || got[tc.limit-1].Droplet.ID != ids[tc.limit-1] {
			t.Fatalf("limit %d: got %d results", tc.limit, len(got))
		}
		checkAgainstAPI(t, r.Server, got)
		if _, _, _, total := listRequests(r.Server); total != tc.wantRequests {
			t.Errorf("limit %d: %d requests, want %d", tc.limit, total, tc.wantRequests)
		}
	}

	r.Server.ResetStats()
	some, err := c.ListDroplets(ctxTimeout(t, testTimeout), "", 250)
	if err != nil || len(some) != 250 || some[249].ID != ids[249] {
		t.Fatalf("ListDroplets(limit 250): %d droplets, %v", len(some), err)
	}
	if droplets, _, _, total := listRequests(r.Server); droplets != 2 || total != 2 {
		t.Errorf("ListDroplets(limit 250): %d requests, want 2 droplet pages", total)
	}
}

func TestDropletBackupsByTag(t *testing.T) {
	t.Run("small account", func(t *testing.T) {
		r := startEmulator(t, emulator.Options{})
		createDroplets(r.Server, 5, emulator.DropletSpec{})
		web := createDroplets(r.Server, 3, emulator.DropletSpec{Tags: []string{"web"}, Backups: true})
		c := newTestClient(t, testConfig(r))
		r.Server.ResetStats()

		got := collect(t, c, "web", 0)
		if len(got) != 3 || got[0].Droplet.ID != web[0] || got[2].Droplet.ID != web[2] {
			t.Fatalf("listed %v, want %v", got, web)
		}
		checkAgainstAPI(t, r.Server, got)
		// One page of tagged droplets; one policy page answers all three.
		if droplets, pages, singles, total := listRequests(r.Server); droplets != 1 || pages != 1 || singles != 0 || total != 2 {
			t.Errorf("requests: %d/%d/%d (%d in all), want 1 droplet page and 1 policy page", droplets, pages, singles, total)
		}
	})

	t.Run("few tagged in a large account", func(t *testing.T) {
		r := startEmulator(t, emulator.Options{})
		createDroplets(r.Server, 600, emulator.DropletSpec{})
		one := createDroplets(r.Server, 1, emulator.DropletSpec{Tags: []string{"db"}})
		two := createDroplets(r.Server, 2, emulator.DropletSpec{Tags: []string{"api"}})
		c := newTestClient(t, testConfig(r))

		r.Server.ResetStats()
		got := collect(t, c, "db", 0)
		if len(got) != 1 || got[0].Droplet.ID != one[0] {
			t.Fatalf("listed %v, want %v", got, one)
		}
		checkAgainstAPI(t, r.Server, got)
		// A single policy read instead of four policy pages.
		if droplets, pages, singles, _ := listRequests(r.Server); droplets != 1 || pages != 0 || singles != 1 {
			t.Errorf("one tagged droplet: %d droplet pages, %d policy pages, %d single reads; want 1, 0, 1", droplets, pages, singles)
		}

		r.Server.ResetStats()
		got = collect(t, c, "api", 0)
		if len(got) != 2 || got[0].Droplet.ID != two[0] || got[1].Droplet.ID != two[1] {
			t.Fatalf("listed %v, want %v", got, two)
		}
		checkAgainstAPI(t, r.Server, got)
		// Page 1 tells the account has 4 pages; the two droplets (on page 4) are then read singly.
		if droplets, pages, singles, _ := listRequests(r.Server); droplets != 1 || pages != 1 || singles != 2 {
			t.Errorf("two tagged droplets: %d droplet pages, %d policy pages, %d single reads; want 1, 1, 2", droplets, pages, singles)
		}
	})

	t.Run("tag nobody carries", func(t *testing.T) {
		r := startEmulator(t, emulator.Options{Droplets: 3})
		c := newTestClient(t, testConfig(r))
		r.Server.ResetStats()
		if got := collect(t, c, "nobody", 0); len(got) != 0 {
			t.Fatalf("listed %v, want nothing", got)
		}
		if _, _, _, total := listRequests(r.Server); total != 1 {
			t.Errorf("%d requests, want the one droplet page", total)
		}
	})
}

func TestDropletBackupsErrors(t *testing.T) {
	r := startEmulator(t, emulator.Options{Droplets: 2})
	cfg := testConfig(r)
	cfg.Token = "not-the-token"
	c := newTestClient(t, cfg)
	n := 0
	for _, err := range c.DropletBackups(ctxTimeout(t, testTimeout), "web") {
		n++
		if !errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), `listing droplets tagged "web"`) {
			t.Errorf("error = %v, want ErrUnauthorized naming the listing", err)
		}
	}
	if n != 1 {
		t.Errorf("yielded %d times, want the error once", n)
	}

	// Every request answered 5xx, retries included: the error still says what was being listed.
	r2 := startEmulator(t, emulator.Options{Droplets: 3})
	c2 := newTestClient(t, testConfig(r2))
	r2.Server.SetFaults(emulator.Faults{FaultRate: 1})
	for _, err := range c2.DropletBackups(ctxTimeout(t, testTimeout), "") {
		if err == nil || !strings.Contains(err.Error(), "listing droplets") {
			t.Errorf("error = %v, want one naming the listing", err)
		}
	}
}
