package digitalocean

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digitalocean/godo"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func pollRequests(st emulator.Stats) (list, single int) {
	return st.Requests["GET /v2/actions"], st.Requests["GET /v2/actions/{id}"]
}

// Many actions in flight are followed with list requests, not one poll each.
func TestWaiterBatchesManyActions(t *testing.T) {
	r := startEmulator(t, emulator.Options{ActionDuration: 400 * time.Millisecond})
	const n = 30
	ids := createDroplets(r.Server, n, emulator.DropletSpec{})
	cfg := testConfig(r)
	cfg.PollInterval = 100 * time.Millisecond
	c := newTestClient(t, cfg)
	ctx := ctxTimeout(t, 30*time.Second)
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			if _, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "reboot"}}); err != nil {
				t.Error(err)
			}
		}(id)
	}
	wg.Wait()
	list, single := pollRequests(r.Server.Stats())
	t.Logf("%d actions: %d list polls, %d single polls", n, list, single)
	if list == 0 {
		t.Error("no list request; every action was polled on its own")
	}
	// Polling each action alone needs at least one request per action (four at this pace).
	if list+single >= n {
		t.Errorf("%d poll requests for %d actions; want fewer than one per action", list+single, n)
	}
}

// One or two actions are polled singly: a list page would cost the same or more.
func TestWaiterFewActionsPollSingly(t *testing.T) {
	r := startEmulator(t, emulator.Options{ActionDuration: 200 * time.Millisecond})
	ids := createDroplets(r.Server, 2, emulator.DropletSpec{})
	c := newTestClient(t, testConfig(r))
	ctx := ctxTimeout(t, 10*time.Second)
	c.ensureActionFloor(ctx) // not a poll
	r.Server.ResetStats()
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			if _, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "power_cycle"}}); err != nil {
				t.Error(err)
			}
		}(id)
	}
	wg.Wait()
	if list, single := pollRequests(r.Server.Stats()); list != 0 || single == 0 {
		t.Errorf("%d list polls, %d single polls; want only single ones", list, single)
	}
}

// Wait by ID follows actions it did not start, and several waiters of one action share polls.
func TestWaitByIDShared(t *testing.T) {
	r := startEmulator(t, emulator.Options{})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	a, err := r.Server.StartAction(id, "snapshot", 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, testConfig(r))
	ctx := ctxTimeout(t, 10*time.Second)
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			as, err := c.Wait(ctx, a.ID)
			if err != nil || len(as) != 1 || as[0].Status != "completed" || as[0].ResourceID != id {
				t.Errorf("Wait = %+v, %v", as, err)
			}
		}()
	}
	wg.Wait()
	_, single := pollRequests(r.Server.Stats())
	// Five waiters alone would poll five times per round.
	if single > 15 {
		t.Errorf("%d polls for one action with five waiters", single)
	}
	if _, err := c.Wait(ctx, 0); err == nil {
		t.Error("Wait(0) must fail")
	}
}

// Once actions of a type have completed, the next one is first polled when it is expected to
// be done, instead of on the young-action schedule.
func TestWaiterLearnsDurations(t *testing.T) {
	r := startEmulator(t, emulator.Options{ActionDuration: 300 * time.Millisecond})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	c := newTestClient(t, testConfig(r)) // polls every 50ms while nothing is known
	ctx := ctxTimeout(t, 30*time.Second)
	if _, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "reboot"}}); err != nil {
		t.Fatal(err)
	}
	_, first := pollRequests(r.Server.Stats())
	r.Server.ResetStats()
	const more = 4
	for range more {
		if _, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "reboot"}}); err != nil {
			t.Fatal(err)
		}
	}
	_, later := pollRequests(r.Server.Stats())
	t.Logf("first reboot: %d polls; next %d reboots: %d polls", first, more, later)
	if first < 4 {
		t.Fatalf("the first reboot needed only %d polls; the test cannot show learning", first)
	}
	if later > 3*more {
		t.Errorf("%d polls for %d reboots of a known duration", later, more)
	}
}

// A poll held back (here 50 s, as the request budget did when it was used up) must not teach the
// waiter that the action takes that long: the next action of the type is polled when it should
// be done, about 3 s after its start, not 50 s.
func TestWaiterLearnsFromHeldBackPoll(t *testing.T) {
	clk := newFakeClock()
	r := startEmulator(t, emulator.Options{Now: clk.Now, ActionDuration: 3 * time.Second})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	var mu sync.Mutex
	held := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodGet && strings.HasPrefix(req.URL.Path, "/v2/actions/") {
			mu.Lock()
			first := !held
			held = true
			mu.Unlock()
			if first {
				<-clk.After(50 * time.Second)
			}
		}
		r.Server.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	cfg := testConfig(r)
	cfg.APIEndpoint = srv.URL
	cfg.PollInterval = 0
	cfg.clock = clk
	c := newTestClient(t, cfg)
	ctx := ctxTimeout(t, 10*time.Second)
	if _, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "reboot"}}); err != nil {
		t.Fatal(err)
	}
	c.waiter.mu.Lock()
	est, ok := c.waiter.durations.estimate("reboot")
	c.waiter.mu.Unlock()
	if !held || !ok || est < 2*time.Second || est > 4*time.Second {
		t.Fatalf("held back %v; learnt that reboots take %v (%v), want about 3 s", held, est, ok)
	}
	start := clk.Now()
	if _, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "reboot"}}); err != nil {
		t.Fatal(err)
	}
	if took := clk.Now().Sub(start); took > 6*time.Second {
		t.Errorf("the next reboot was seen completed after %v of virtual time, want about 3 s", took)
	}
}

// When the poll goes out for actions due at different times: a moment after the first, to take
// in those due right after it; while the request budget is used up, when the last is due, but
// never later than one action's duration after the first.
func TestWaiterTick(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	w := newWaiter(&Client{}, 0)
	w.durations.add("enable_backups", 3*time.Second)
	set := func(timed bool, nexts ...time.Time) {
		w.entries = map[int]*waitEntry{}
		for i, n := range nexts {
			w.entries[i+1] = &waitEntry{id: i + 1, next: n, timed: timed, last: godo.Action{Type: "enable_backups", Status: "in-progress"}}
		}
	}
	for _, tc := range []struct {
		name      string
		timed     bool
		nexts     []time.Time
		saturated bool
		want      time.Time
	}{
		{"two actions: no merging", true, []time.Time{ms(0), ms(100)}, false, ms(0)},
		{"unknown duration: 150 ms", false, []time.Time{ms(0), ms(100), ms(200)}, false, ms(100)},
		{"3 s actions: an eighth of that", true, []time.Time{ms(0), ms(300), ms(400)}, false, ms(300)},
		{"saturated: when the last is due", true, []time.Time{ms(0), ms(300), ms(2500)}, true, ms(2500)},
		{"saturated: at most one duration past the first", true, []time.Time{ms(0), ms(300), ms(9000)}, true, ms(3000)},
		{"saturated, unknown duration: at most 5 s", false, []time.Time{ms(0), ms(300), ms(9000)}, true, ms(5000)},
	} {
		set(tc.timed, tc.nexts...)
		if got := w.tickLocked(tc.saturated); !got.Equal(tc.want) {
			t.Errorf("%s: tick at %v, want %v", tc.name, got.Sub(t0), tc.want.Sub(t0))
		}
	}
}
