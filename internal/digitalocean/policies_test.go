package digitalocean

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// refresh reads every droplet's policy the way Terraform refreshes resources: `parallel`
// workers, each starting the next read when its last one returns.
func refresh(t *testing.T, c *Client, ids []int, parallel int) map[int]*BackupPolicy {
	t.Helper()
	ctx := ctxTimeout(t, 60*time.Second)
	out := make(map[int]*BackupPolicy, len(ids))
	var mu sync.Mutex
	next := make(chan int)
	var wg sync.WaitGroup
	for range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range next {
				p, err := c.BackupPolicy(ctx, id)
				if err != nil {
					t.Errorf("droplet %d: %v", id, err)
					continue
				}
				mu.Lock()
				out[id] = p
				mu.Unlock()
			}
		}()
	}
	for _, id := range ids {
		next <- id
	}
	close(next)
	wg.Wait()
	return out
}

func policyRequests(st emulator.Stats) (list, single int) {
	return st.Requests["GET /v2/droplets/backups/policies"], st.Requests["GET /v2/droplets/{id}/backups/policy"]
}

// Target: a plan of 500 droplet_backups in an account of 500 droplets costs at most 10 requests.
func TestBackupPolicyRefreshOfMany(t *testing.T) {
	r := startEmulator(t, emulator.Options{})
	ids := createDroplets(r.Server, 500, emulator.DropletSpec{Backups: true, BackupPolicy: &emulator.PolicySpec{Plan: "weekly", Weekday: "TUE", Hour: intPtr(8)}})
	c := newTestClient(t, testConfig(r))
	got := refresh(t, c, ids, 10)
	st := r.Server.Stats()
	list, single := policyRequests(st)
	t.Logf("500 of 500: %d requests (%d list pages, %d single)", st.TotalRequests, list, single)
	if st.TotalRequests > 10 {
		t.Errorf("%d requests, want at most 10", st.TotalRequests)
	}
	for _, id := range ids {
		p := got[id]
		if p == nil || !p.Enabled || p.Plan != "weekly" || p.Weekday != "TUE" || p.Hour == nil || *p.Hour != 8 || p.DropletID != id {
			t.Fatalf("droplet %d: %+v", id, p)
		}
	}
}

// Target: a plan of one droplet_backups among 5,000 droplets costs at most 2 requests.
func TestBackupPolicyOneAmongThousands(t *testing.T) {
	r := startEmulator(t, emulator.Options{Droplets: 5000})
	c := newTestClient(t, testConfig(r))
	id := r.Server.CreateDroplet(emulator.DropletSpec{Backups: true}).ID
	p, err := c.BackupPolicy(ctxTimeout(t, 10*time.Second), id)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Enabled || p.Plan != "daily" {
		t.Errorf("policy %+v", p)
	}
	if st := r.Server.Stats(); st.TotalRequests > 2 {
		t.Errorf("%d requests, want at most 2: %v", st.TotalRequests, st.Requests)
	}
}

// A handful of resources among thousands of droplets must not page through them all.
func TestBackupPolicyFewAmongThousands(t *testing.T) {
	r := startEmulator(t, emulator.Options{Droplets: 5000})
	c := newTestClient(t, testConfig(r))
	ids := createDroplets(r.Server, 10, emulator.DropletSpec{})
	refresh(t, c, ids, 10)
	st := r.Server.Stats()
	list, single := policyRequests(st)
	t.Logf("10 of 5010: %d list pages, %d single", list, single)
	if st.TotalRequests > 11 {
		t.Errorf("%d requests for 10 reads: %v", st.TotalRequests, st.Requests)
	}
}

// Many resources among many more droplets: the reader switches to listing once the reads
// outnumber the pages.
func TestBackupPolicyManyAmongThousands(t *testing.T) {
	r := startEmulator(t, emulator.Options{Droplets: 5000})
	c := newTestClient(t, testConfig(r))
	ids := createDroplets(r.Server, 500, emulator.DropletSpec{})
	refresh(t, c, ids, 10)
	st := r.Server.Stats()
	list, single := policyRequests(st)
	t.Logf("500 of 5500: %d list pages, %d single", list, single)
	if st.TotalRequests > 100 {
		t.Errorf("%d requests for 500 reads", st.TotalRequests)
	}
}

// What this client changes is never served from an older listing.
func TestBackupPolicyCacheInvalidatedByChange(t *testing.T) {
	r := startEmulator(t, emulator.Options{ActionDuration: 20 * time.Millisecond})
	ids := createDroplets(r.Server, 20, emulator.DropletSpec{Backups: true})
	c := newTestClient(t, testConfig(r))
	refresh(t, c, ids, 10)
	ctx := ctxTimeout(t, 10*time.Second)
	if _, err := c.Execute(ctx, Job{DropletID: ids[3], Request: ActionRequest{Type: "change_backup_policy", BackupPolicy: &Policy{Plan: "weekly", Weekday: "FRI", Hour: intPtr(0)}}}); err != nil {
		t.Fatal(err)
	}
	p, err := c.BackupPolicy(ctx, ids[3])
	if err != nil {
		t.Fatal(err)
	}
	if p.Plan != "weekly" || p.Weekday != "FRI" || p.Hour == nil || *p.Hour != 0 {
		t.Errorf("after change: %+v", p)
	}
	if _, err := c.Execute(ctx, Job{DropletID: ids[4], Request: ActionRequest{Type: "disable_backups"}}); err != nil {
		t.Fatal(err)
	}
	p, err = c.BackupPolicy(ctx, ids[4])
	if err != nil {
		t.Fatal(err)
	}
	if p.Enabled || p.Hour != nil || p.Plan != "" {
		t.Errorf("after disable: %+v", p)
	}
	// Unchanged droplets are still answered from the listing.
	before := r.Server.Stats().TotalRequests
	if _, err := c.BackupPolicy(ctx, ids[5]); err != nil {
		t.Fatal(err)
	}
	if after := r.Server.Stats().TotalRequests; after != before {
		t.Errorf("an unchanged droplet cost %d requests", after-before)
	}
}

// Changes made elsewhere show up once the listing is older than its time to live.
func TestBackupPolicyCacheExpires(t *testing.T) {
	r := startEmulator(t, emulator.Options{})
	ids := createDroplets(r.Server, 5, emulator.DropletSpec{Backups: true})
	clk := newFakeClock()
	cfg := testConfig(r)
	cfg.clock = clk
	c := newTestClient(t, cfg)
	refresh(t, c, ids, 5)
	if err := r.Server.SetBackupPolicy(ids[0], true, emulator.PolicySpec{Plan: "weekly", Weekday: "MON", Hour: intPtr(4)}); err != nil {
		t.Fatal(err)
	}
	clk.After(policyTTL + time.Second)
	p, err := c.BackupPolicy(ctxTimeout(t, 10*time.Second), ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if p.Plan != "weekly" || p.Weekday != "MON" {
		t.Errorf("out-of-band change not seen after the cache expired: %+v", p)
	}
}

func TestBackupPolicyNotFound(t *testing.T) {
	r := startEmulator(t, emulator.Options{})
	ids := createDroplets(r.Server, 6, emulator.DropletSpec{})
	c := newTestClient(t, testConfig(r))
	r.Server.DeleteDroplet(ids[2])
	ctx := ctxTimeout(t, 10*time.Second)
	var wg sync.WaitGroup
	errs := make([]error, len(ids))
	for i, id := range ids {
		wg.Add(1)
		go func(i, id int) {
			defer wg.Done()
			_, errs[i] = c.BackupPolicy(ctx, id)
		}(i, id)
	}
	wg.Wait()
	for i, err := range errs {
		if i == 2 {
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("deleted droplet: %v, want ErrNotFound", err)
			}
		} else if err != nil {
			t.Errorf("droplet %d: %v", ids[i], err)
		}
	}
}

func TestBackupPolicyReadEndsWithContext(t *testing.T) {
	r := startEmulator(t, emulator.Options{Latency: time.Hour})
	c := newTestClient(t, testConfig(r))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := c.BackupPolicy(ctx, 1); !errors.Is(err, ErrTimeout) {
		t.Errorf("got %v, want ErrTimeout", err)
	}
}

func TestSupportedBackupPoliciesFetchedOnce(t *testing.T) {
	r := startEmulator(t, emulator.Options{})
	c := newTestClient(t, testConfig(r))
	ctx := ctxTimeout(t, 10*time.Second)
	for range 3 {
		ps, err := c.SupportedBackupPolicies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) < 2 {
			t.Fatalf("policies %+v", ps)
		}
	}
	if n := r.Server.Stats().TotalRequests; n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// A read after this client's change never returns the policy from before it, even when the
// action completes at once and listings for other droplets are under way at the same time.
func TestBackupPolicyReadAfterOwnChange(t *testing.T) {
	for _, d := range []time.Duration{0, 30 * time.Millisecond} {
		r := startEmulator(t, emulator.Options{ActionDuration: d, Latency: 5 * time.Millisecond})
		ids := createDroplets(r.Server, 40, emulator.DropletSpec{})
		c := newTestClient(t, testConfig(r))
		ctx := ctxTimeout(t, 30*time.Second)
		next := make(chan int)
		var wg sync.WaitGroup
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for id := range next {
					if _, err := c.BackupPolicy(ctx, id); err != nil {
						t.Error(err)
						continue
					}
					if _, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "enable_backups", BackupPolicy: &Policy{Plan: "weekly", Weekday: "WED", Hour: intPtr(12)}}}); err != nil {
						t.Error(err)
						continue
					}
					p, err := c.BackupPolicy(ctx, id)
					if err != nil {
						t.Error(err)
						continue
					}
					if !p.Enabled || p.Plan != "weekly" || p.Weekday != "WED" {
						t.Errorf("action duration %v, droplet %d: read %+v after enabling", d, id, p)
					}
				}
			}()
		}
		for _, id := range ids {
			next <- id
		}
		close(next)
		wg.Wait()
	}
}

// An apply reads back the droplets its actions changed. Those few reads cost a request each,
// not a listing of the whole account, even right after a refresh that listed it: the earlier
// reads were answered already, and the listing would answer only these.
func TestBackupPolicyReadsAfterChangesAreSingle(t *testing.T) {
	r := startEmulator(t, emulator.Options{})
	ids := createDroplets(r.Server, 1000, emulator.DropletSpec{})
	c := newTestClient(t, testConfig(r))
	refresh(t, c, ids, 10)
	if list, _ := policyRequests(r.Server.Stats()); list < 5 {
		t.Fatalf("the refresh listed %d pages; the test needs the account listed", list)
	}
	r.Server.ResetStats()
	changed := ids[100:103]
	for _, id := range changed {
		c.policies.invalidate(id)
	}
	refresh(t, c, changed, 3)
	if list, single := policyRequests(r.Server.Stats()); list != 0 || single != len(changed) {
		t.Errorf("reading back %d changed droplets cost %d list pages and %d single reads; want 0 and %d",
			len(changed), list, single, len(changed))
	}
	// As many changed droplets as the account has pages, or more: one listing is cheaper.
	r.Server.ResetStats()
	changed = ids[200:260]
	for _, id := range changed {
		c.policies.invalidate(id)
	}
	refresh(t, c, changed, 60)
	if list, single := policyRequests(r.Server.Stats()); list+single > 15 {
		t.Errorf("reading back %d changed droplets cost %d list pages and %d single reads", len(changed), list, single)
	}
}

// A refresh of thousands of resources can take minutes on a busy machine. While its reads keep
// coming, the listing that answered the first of them answers the rest; reads that stop for
// longer than the time to live, or a listing older than its maximum age, list again.
func TestBackupPolicyListingLiveWhileReadsKeepComing(t *testing.T) {
	// Time moves only when the test says: the Client's own timers (the reads' collection window,
	// pacing) fire at once without moving it, so how many of them run cannot age the listing.
	clk := &steppedClock{fakeClock: newFakeClock()}
	r := startEmulator(t, emulator.Options{Now: clk.Now})
	ids := createDroplets(r.Server, 1000, emulator.DropletSpec{})
	cfg := testConfig(r)
	cfg.clock = clk
	c := newTestClient(t, cfg)
	refresh(t, c, ids, 10)
	if list, _ := policyRequests(r.Server.Stats()); list < 5 {
		t.Fatalf("the first reads listed %d pages; the account has 5", list)
	}
	r.Server.ResetStats()
	for k := range 25 {
		clk.advance(5 * time.Second)
		refresh(t, c, ids[k*40:(k+1)*40], 10)
	}
	if st := r.Server.Stats(); st.TotalRequests != 0 {
		t.Errorf("reads every 5 s for 2 minutes cost %d requests (%v); the listing should answer them", st.TotalRequests, st.Requests)
	}
	clk.advance(policyTTL + time.Second)
	refresh(t, c, ids[:20], 10)
	if st := r.Server.Stats(); st.TotalRequests == 0 {
		t.Error("after a pause longer than the time to live the listing still answered")
	}
}

// steppedClock is a fakeClock whose timers fire at once without moving it; advance moves it.
type steppedClock struct{ *fakeClock }

func (c *steppedClock) After(time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	ch <- c.Now()
	return ch
}

func (c *steppedClock) advance(d time.Duration) { c.fakeClock.After(d) }
