package digitalocean

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// Execute starts every action exactly once while requests fail and answers of action POSTs
// that took effect are lost, by droplet and by tag, and reports each droplet's result.
func TestExecuteExactlyOnceUnderLostResponses(t *testing.T) {
	r := startEmulator(t, emulator.Options{ActionDuration: 20 * time.Millisecond, FaultRate: 0.2, LostResponseRate: 0.5, Seed: 11})
	ids := createDroplets(r.Server, 4, emulator.DropletSpec{Tags: []string{"web"}})
	cfg := testConfig(r)
	cfg.HTTPRetryMax = 30
	c := newTestClient(t, cfg)
	ctx := ctxTimeout(t, 60*time.Second)

	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			for range 3 {
				res, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "reboot"}})
				if err != nil {
					t.Error(err)
					return
				}
				if len(res) != 1 || res[0].DropletID != id || res[0].Action.Status != "completed" || res[0].Action.ResourceID != id {
					t.Errorf("droplet %d: %+v", id, res)
				}
			}
		}(id)
	}
	wg.Wait()
	for range 3 {
		res, err := c.Execute(ctx, Job{Tag: "web", Request: ActionRequest{Type: "power_cycle"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != len(ids) {
			t.Fatalf("%d results for %d tagged droplets", len(res), len(ids))
		}
		for i, rr := range res {
			if rr.DropletID != ids[i] || rr.Action.Type != "power_cycle" || rr.Action.Status != "completed" || rr.Err != nil {
				t.Errorf("result %d: %+v", i, rr)
			}
		}
	}
	for _, id := range ids {
		if n := countActions(r.Server, id, "reboot"); n != 3 {
			t.Errorf("droplet %d: %d reboots, want 3", id, n)
		}
		if n := countActions(r.Server, id, "power_cycle"); n != 3 {
			t.Errorf("droplet %d: %d power_cycles, want 3", id, n)
		}
	}
	if st := r.Server.Stats(); st.LostResponses == 0 {
		t.Errorf("no answer was lost (%+v); the test proves nothing", st)
	}
}

// An action left running by a command that timed out is adopted by the next command (a new
// Client), never by the command that started it, and never by two jobs of one command.
func TestExecuteAdoptsOnlyWhatAnotherClientLeftRunning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := emulator.New(emulator.Options{ActionDuration: 3 * time.Minute})
		id := s.CreateDroplet(emulator.DropletSpec{Name: "web-1"}).ID
		snapshot := ActionRequest{Type: "snapshot", Name: "nightly"}

		first := bubbleClient(t, s, nil)
		short, cancel := context.WithTimeout(context.Background(), time.Minute)
		res, err := first.Execute(short, Job{DropletID: id, Request: snapshot, Adopt: true})
		cancel()
		if !errors.Is(err, ErrTimeout) || res[0].Action.ID == 0 || res[0].Action.Status != "in-progress" {
			t.Fatalf("first run: %+v, %v; want a timeout with the snapshot in progress", res, err)
		}
		left := res[0].Action.ID

		// The same command again: it waits for its own snapshot, then takes another.
		res, err = first.Execute(context.Background(), Job{DropletID: id, Request: snapshot, Adopt: true})
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Adopted || res[0].Action.ID == left {
			t.Errorf("the Client adopted its own action %d: %+v", left, res[0])
		}
		if n := countActions(s, id, "snapshot"); n != 2 {
			t.Errorf("%d snapshots, want 2", n)
		}

		// The next command adopts what this one left running; two of its jobs adopt it once.
		short, cancel = context.WithTimeout(context.Background(), time.Minute)
		res, _ = first.Execute(short, Job{DropletID: id, Request: snapshot})
		cancel()
		left = res[0].Action.ID
		next := bubbleClient(t, s, nil)
		results := executeTwice(t, context.Background(), next, Job{DropletID: id, Request: snapshot, Adopt: true})
		adopted := 0
		for _, r := range results {
			if r.Adopted {
				adopted++
				if r.Action.ID != left || r.Action.Status != "completed" {
					t.Errorf("adopted %+v, want action %d completed", r.Action, left)
				}
			} else if r.Action.ID == left || r.Action.Status != "completed" {
				t.Errorf("started %+v, want a new completed snapshot", r.Action)
			}
		}
		if adopted != 1 {
			t.Errorf("%d jobs adopted action %d, want exactly 1", adopted, left)
		}
		if n := countActions(s, id, "snapshot"); n != 4 {
			t.Errorf("%d snapshots, want 4 (two of the first command, the one left running, one new)", n)
		}
	})
}

// Progress reports the start with droplet name and action ID, a heartbeat at least every 10 s
// of waiting, the status change, and the end with its duration, all on the Client's clock.
func TestExecuteProgress(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := emulator.New(emulator.Options{ActionDuration: 45 * time.Second})
		id := s.CreateDroplet(emulator.DropletSpec{Name: "web-1"}).ID
		c := bubbleClient(t, s, nil)
		var events eventLog
		began := time.Now()
		res, err := c.Execute(context.Background(), Job{DropletID: id, Request: ActionRequest{Type: "snapshot", Name: "s"}, Progress: events.add})
		if err != nil {
			t.Fatal(err)
		}
		all := events.all()
		kinds := events.kinds(id)
		if len(all) < 5 || kinds[0] != EventStarted || kinds[len(kinds)-2] != EventStatus || kinds[len(kinds)-1] != EventDone {
			t.Fatalf("events %v, want started, heartbeats, status, done", kinds)
		}
		for _, k := range kinds[1 : len(kinds)-2] {
			if k != EventWaiting {
				t.Errorf("events %v: only heartbeats belong between start and end", kinds)
			}
		}
		start, done := all[0], all[len(all)-1]
		if start.DropletID != id || start.DropletName != "web-1" || start.ActionID != res[0].Action.ID || start.Status != "in-progress" {
			t.Errorf("started event %+v", start)
		}
		if !strings.Contains(start.String(), "web-1") || !strings.Contains(start.String(), "snapshot action") {
			t.Errorf("started line %q", start)
		}
		if st := all[len(all)-2]; st.Status != "completed" || st.ActionID != start.ActionID {
			t.Errorf("status event %+v", st)
		}
		last := began
		for _, e := range all {
			if gap := e.At.Sub(last); gap > heartbeatEvery {
				t.Errorf("%s between events (%v), want at most %s", gap, e, heartbeatEvery)
			}
			last = e.At
		}
		if done.Err != nil || done.Status != "completed" || done.Elapsed < 45*time.Second || done.Elapsed != done.At.Sub(start.At) {
			t.Errorf("done event %+v (started at %s)", done, start.At)
		}
	})
}

// A by-tag job reports every droplet on its own: one errored action fails only its droplet,
// and the job's error says how many failed without repeating their causes.
func TestExecuteByTagWithOneErroredDroplet(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := emulator.New(emulator.Options{ActionDuration: 20 * time.Second})
		ids := createDroplets(s, 3, emulator.DropletSpec{Tags: []string{"db"}})
		s.FailNextAction(ids[1], "power_off")
		c := bubbleClient(t, s, nil)
		var events eventLog
		res, err := c.Execute(context.Background(), Job{Tag: "db", Request: ActionRequest{Type: "power_off"}, Progress: events.add})
		var te *TagError
		if !errors.As(err, &te) || te.Failed != 1 || te.Total != 3 || te.Tag != "db" {
			t.Fatalf("error %v, want a TagError for 1 of 3", err)
		}
		if len(res) != 3 {
			t.Fatalf("%d results", len(res))
		}
		for i, r := range res {
			if r.DropletID != ids[i] || r.DropletName == "" || r.Action.ResourceID != ids[i] {
				t.Errorf("result %d: %+v", i, r)
			}
			var ae *ActionError
			switch {
			case i == 1 && (!errors.Is(r.Err, ErrActionErrored) || !errors.As(r.Err, &ae) || ae.DropletID != ids[1] || r.Action.Status != "errored"):
				t.Errorf("errored droplet: %+v", r)
			case i != 1 && (r.Err != nil || r.Action.Status != "completed"):
				t.Errorf("droplet %d: %+v", r.DropletID, r)
			}
			if k := events.kinds(ids[i]); len(k) < 2 || k[0] != EventStarted || k[len(k)-1] != EventDone {
				t.Errorf("droplet %d events %v", ids[i], k)
			}
		}
		if n := s.Stats().Requests["POST /v2/droplets/actions"]; n != 1 {
			t.Errorf("%d by-tag POSTs, want 1", n)
		}
	})
}

// A tag that matches nothing is an error callers can tell apart, and nothing is sent.
func TestExecuteByTagMatchingNothing(t *testing.T) {
	r := startEmulator(t, emulator.Options{})
	createDroplets(r.Server, 2, emulator.DropletSpec{Tags: []string{"web"}})
	c := newTestClient(t, testConfig(r))
	res, err := c.Execute(ctxTimeout(t, 10*time.Second), Job{Tag: "nothing-here", Request: ActionRequest{Type: "power_on"}})
	if !errors.Is(err, ErrNoTaggedDroplets) || res != nil || !strings.Contains(err.Error(), "nothing-here") {
		t.Errorf("got %v, %v; want ErrNoTaggedDroplets naming the tag", res, err)
	}
	if n := r.Server.Stats().Requests["POST /v2/droplets/actions"]; n != 0 {
		t.Errorf("%d by-tag POSTs", n)
	}
}

// A job the runner cannot run fails before any request.
func TestExecuteRejectsBadJobs(t *testing.T) {
	r := startEmulator(t, emulator.Options{})
	c := newTestClient(t, testConfig(r))
	decide := func(context.Context, int) (*ActionRequest, error) { return nil, nil }
	for name, job := range map[string]Job{
		"no target":               {Request: ActionRequest{Type: "reboot"}},
		"both targets":            {DropletID: 1, Tag: "x", Request: ActionRequest{Type: "reboot"}},
		"no request":              {DropletID: 1},
		"request and decide":      {DropletID: 1, Request: ActionRequest{Type: "reboot"}, Decide: decide},
		"not by tag":              {Tag: "x", Request: ActionRequest{Type: "reboot"}},
		"force after a reboot":    {DropletID: 1, Request: ActionRequest{Type: "reboot"}, ForceAfter: time.Minute},
		"resize without size":     {DropletID: 1, Request: ActionRequest{Type: "resize"}},
		"policy by tag":           {Tag: "x", Request: ActionRequest{Type: "enable_backups", BackupPolicy: &Policy{Plan: "daily"}}},
		"no force on error alone": {DropletID: 1, Request: ActionRequest{Type: "shutdown"}, NoForceOnError: true},
	} {
		if _, err := c.Execute(ctxTimeout(t, 5*time.Second), job); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if n := r.Server.Stats().TotalRequests; n != 0 {
		t.Errorf("%d requests for jobs that cannot run", n)
	}
}

// A droplet that is gone fails its run with ErrNotFound, reported as its done event.
func TestExecuteGoneDroplet(t *testing.T) {
	r := startEmulator(t, emulator.Options{})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	r.Server.DeleteDroplet(id)
	c := newTestClient(t, testConfig(r))
	var events eventLog
	res, err := c.Execute(ctxTimeout(t, 10*time.Second), Job{DropletID: id, Request: ActionRequest{Type: "reboot"}, Progress: events.add})
	if !errors.Is(err, ErrNotFound) || len(res) != 1 || !errors.Is(res[0].Err, ErrNotFound) || res[0].Action.ID != 0 {
		t.Fatalf("got %+v, %v; want ErrNotFound and no action", res, err)
	}
	all := events.all()
	if len(all) != 1 || all[0].Kind != EventDone || !errors.Is(all[0].Err, ErrNotFound) || !strings.Contains(all[0].String(), "reboot action failed") {
		t.Errorf("events %v", all)
	}
}

// A droplet's result holds its action in its last known state: the wait's, or the start answer
// (type, status, region) when the job ended before the first poll. An errored action is the
// droplet's error, and a wait that ended is a timeout naming the action.
func TestExecuteResultIsTheLastKnownAction(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := emulator.New(emulator.Options{ActionDuration: 10 * time.Second})
		ids := createDroplets(s, 3, emulator.DropletSpec{})
		s.FailNextAction(ids[1], "reboot")
		c := bubbleClient(t, s, nil)
		run := func(ctx context.Context, id int) Result {
			res, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "reboot"}})
			if len(res) != 1 || res[0].Err != err {
				t.Fatalf("droplet %d: %+v, %v; want one result carrying the error", id, res, err)
			}
			return res[0]
		}

		if r := run(context.Background(), ids[0]); r.Err != nil || r.Action.Status != "completed" || r.Action.ResourceID != ids[0] || r.Action.RegionSlug != "nyc3" {
			t.Errorf("completed reboot: %+v", r)
		}

		r := run(context.Background(), ids[1])
		var ae *ActionError
		if !errors.Is(r.Err, ErrActionErrored) || !errors.As(r.Err, &ae) || ae.ActionID != r.Action.ID || r.Action.Status != "errored" {
			t.Errorf("errored reboot: %+v", r)
		}

		s.ResetStats()
		ctx, cancel := context.WithTimeout(context.Background(), firstPoll/2)
		r = run(ctx, ids[2])
		cancel()
		if r.Action.ID == 0 || r.Action.Type != "reboot" || r.Action.Status != "in-progress" || r.Action.RegionSlug != "nyc3" {
			t.Errorf("reboot cut short before its first poll: %+v, want the start answer", r.Action)
		}
		if !errors.Is(r.Err, ErrTimeout) || !errors.As(r.Err, &ae) || ae.ActionID != r.Action.ID || ae.Status != "in-progress" {
			t.Errorf("reboot cut short: error %v, want a timeout naming action %d", r.Err, r.Action.ID)
		}
		if list, single := pollRequests(s.Stats()); list+single != 0 {
			t.Errorf("%d action polls; the job was meant to end before the first", list+single)
		}
	})
}

// Only an action of the job's type that this Client did not start is adopted, by one job only:
// an action it started itself, or one of another type, is waited out and a new one started.
func TestExecuteAdoptsOnlyTheJobsTypeOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := emulator.New(emulator.Options{ActionDuration: time.Minute})
		ids := createDroplets(s, 2, emulator.DropletSpec{})
		left := make([]int, len(ids))
		for i, id := range ids {
			a, err := s.StartAction(id, "snapshot", time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			left[i] = a.ID
		}
		ctx := context.Background()

		// As if this Client had started it (claimed when it was started): never adopted.
		mine := bubbleClient(t, s, nil)
		mine.claims.add(left[0])
		res, err := mine.Execute(ctx, Job{DropletID: ids[0], Request: ActionRequest{Type: "snapshot"}, Adopt: true})
		if err != nil || res[0].Adopted || res[0].Action.ID == left[0] {
			t.Errorf("action of this Client: %+v, %v; want a new snapshot", res, err)
		}

		// Left running by another command: another type is not adopted; the type is, once.
		c := bubbleClient(t, s, nil)
		res, err = c.Execute(ctx, Job{DropletID: ids[1], Request: ActionRequest{Type: "reboot"}, Adopt: true})
		if err != nil || res[0].Adopted || res[0].Action.Type != "reboot" {
			t.Errorf("another type: %+v, %v; want a reboot started", res, err)
		}
		if a, _ := s.Action(left[1]); a.Status != "completed" {
			t.Fatalf("snapshot %d is %s; the reboot should have waited for it", left[1], a.Status)
		}
		for i := range ids {
			a, err := s.StartAction(ids[i], "snapshot", time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			left[i] = a.ID
		}
		results := executeTwice(t, ctx, c, Job{DropletID: ids[1], Request: ActionRequest{Type: "snapshot"}, Adopt: true})
		if results[0].Adopted == results[1].Adopted {
			t.Errorf("results %+v; want exactly one of the two jobs to adopt snapshot %d", results, left[1])
		}
		for _, r := range results {
			if r.Adopted && r.Action.ID != left[1] {
				t.Errorf("adopted %d, want %d", r.Action.ID, left[1])
			}
		}
	})
}

// executeTwice runs job on c from two goroutines at once and returns the first result of each.
func executeTwice(t *testing.T, ctx context.Context, c *Client, job Job) []Result {
	t.Helper()
	var wg sync.WaitGroup
	results := make([]Result, 2)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := c.Execute(ctx, job)
			if err != nil {
				t.Error(err)
				return
			}
			results[i] = res[0]
		}()
	}
	wg.Wait()
	return results
}
