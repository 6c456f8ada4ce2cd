package digitalocean

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// executeEnableIfOff runs a Decide job with enableIfOff and fails the test if Execute fails.
func executeEnableIfOff(t *testing.T, ctx context.Context, c *Client, id int, calls *atomic.Int32) []Result {
	t.Helper()
	res, err := c.Execute(ctx, Job{DropletID: id, Decide: enableIfOff(c, id, calls)})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// enableIfOff is a Decide function that turns backups on unless the policy says they are.
func enableIfOff(c *Client, id int, calls *atomic.Int32) func(context.Context, int) (*ActionRequest, error) {
	return func(ctx context.Context, _ int) (*ActionRequest, error) {
		calls.Add(1)
		p, err := c.BackupPolicy(ctx, id)
		if err != nil {
			return nil, err
		}
		if p.Enabled {
			return nil, nil
		}
		return &ActionRequest{Type: "enable_backups"}, nil
	}
}

// A droplet busy with the very change an earlier run started (and timed out on) is waited for;
// the decision is then made again from the policy it now has, and no second action is sent.
func TestExecuteDecidesAgainAfterBusy(t *testing.T) {
	r := startEmulator(t, emulator.Options{ActionDurations: map[string]time.Duration{"enable_backups": 300 * time.Millisecond}})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID

	earlier := newTestClient(t, testConfig(r))
	if _, err := earlier.Start(ctxTimeout(t, 5*time.Second), id, ActionRequest{Type: "enable_backups"}); err != nil {
		t.Fatal(err)
	}

	c := newTestClient(t, testConfig(r))
	var calls atomic.Int32
	res := executeEnableIfOff(t, ctxTimeout(t, 10*time.Second), c, id, &calls)
	if a := res[0].Action; a.ID != 0 || res[0].Skipped == "" {
		t.Errorf("started action %d; the running one already enabled backups", a.ID)
	}
	if n := countActions(r.Server, id, "enable_backups"); n != 1 {
		t.Errorf("%d enable_backups actions, want 1", n)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("decide called %d times, want 2 (before and after the busy droplet)", n)
	}
	if rec, _ := r.Server.BackupPolicy(id); !rec.BackupEnabled {
		t.Error("backups are off")
	}
}

// A droplet busy with something else is waited for, and the action that is still needed runs once.
func TestExecuteDecideBusyWithOtherAction(t *testing.T) {
	r := startEmulator(t, emulator.Options{ActionDuration: 50 * time.Millisecond})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	if _, err := r.Server.StartAction(id, "snapshot", 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, testConfig(r))
	var calls atomic.Int32
	res := executeEnableIfOff(t, ctxTimeout(t, 10*time.Second), c, id, &calls)
	if a := res[0].Action; a.ID == 0 || a.Type != "enable_backups" || a.Status != "completed" {
		t.Fatalf("action %+v, want a completed enable_backups", a)
	}
	if n := countActions(r.Server, id, "enable_backups"); n != 1 {
		t.Errorf("%d enable_backups actions, want 1", n)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("decide called %d times, want 2", n)
	}
}

// On an idle droplet a Decide job costs the decision's read, one POST and the wait: no more than
// a job with the request.
func TestExecuteDecideOnIdleDropletCostsNoExtraRequests(t *testing.T) {
	r, id, c := emulatedDroplet(t, emulator.Options{})
	ctx := ctxTimeout(t, 10*time.Second)
	c.ensureActionFloor(ctx)
	r.Server.ResetStats()

	var calls atomic.Int32
	res := executeEnableIfOff(t, ctx, c, id, &calls)
	if a := res[0].Action; a.ID == 0 || a.Status != "completed" {
		t.Fatalf("action %+v", a)
	}
	st := r.Server.Stats()
	if n := st.Requests["POST /v2/droplets/{id}/actions"]; n != 1 {
		t.Errorf("%d action POSTs, want 1", n)
	}
	if st.TotalRequests != 2 {
		t.Errorf("%d requests (%v), want 2: the policy read and the POST of an action that completed at once", st.TotalRequests, st.Requests)
	}

	// Nothing to do: only the read.
	r.Server.ResetStats()
	res, err := c.Execute(ctx, Job{DropletID: id, Decide: enableIfOff(c, id, &calls)})
	if err != nil || res[0].Action.ID != 0 || res[0].Skipped == "" {
		t.Fatalf("got %+v, %v; want nothing started", res, err)
	}
	if n := r.Server.Stats().Requests["POST /v2/droplets/{id}/actions"]; n != 0 {
		t.Errorf("%d action POSTs, want 0", n)
	}
}

// An action whose start answer is already final is not polled when waited for by ID.
func TestWaitByIDOfInstantActionDoesNotPoll(t *testing.T) {
	r, id, c := emulatedDroplet(t, emulator.Options{})
	ctx := ctxTimeout(t, 10*time.Second)
	a, err := c.Start(ctx, id, ActionRequest{Type: "reboot"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != "completed" {
		t.Skipf("the emulator answered %q; this test needs an action that completes at once", a.Status)
	}
	r.Server.ResetStats()
	got, err := c.Wait(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != a.ID || got[0].Status != "completed" || got[0].Type != "reboot" {
		t.Errorf("Wait returned %+v", got)
	}
	if n := r.Server.Stats().TotalRequests; n != 0 {
		t.Errorf("%d requests (%v), want none", n, r.Server.Stats().Requests)
	}
}

// A Decide function that finds nothing to do sends nothing; the result says why, in Decide's
// words when it gives them. By tag, each droplet is decided on its own.
func TestExecuteDecideSkips(t *testing.T) {
	r := startEmulator(t, emulator.Options{})
	ids := createDroplets(r.Server, 3, emulator.DropletSpec{Tags: []string{"b"}})
	if err := r.Server.SetBackupPolicy(ids[1], true, emulator.PolicySpec{Plan: "daily"}); err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, testConfig(r))
	ctx := ctxTimeout(t, 10*time.Second)
	decide := func(ctx context.Context, id int) (*ActionRequest, error) {
		p, err := c.BackupPolicy(ctx, id)
		switch {
		case err != nil:
			return nil, err
		case p.Enabled:
			return nil, Skip("backups are already on")
		}
		return &ActionRequest{Type: "enable_backups"}, nil
	}

	res, err := c.Execute(ctx, Job{DropletID: ids[1], Decide: decide})
	if err != nil || res[0].Skipped != "backups are already on" || res[0].Action.ID != 0 {
		t.Errorf("got %+v, %v", res, err)
	}
	res, err = c.Execute(ctx, Job{DropletID: ids[1], Decide: func(context.Context, int) (*ActionRequest, error) { return nil, nil }})
	if err != nil || res[0].Skipped != "nothing to change" {
		t.Errorf("got %+v, %v", res, err)
	}
	if n := r.Server.Stats().Requests["POST /v2/droplets/{id}/actions"]; n != 0 {
		t.Errorf("%d action POSTs, want none", n)
	}

	res, err = c.Execute(ctx, Job{Tag: "b", Decide: decide})
	if err != nil || len(res) != 3 {
		t.Fatalf("by tag: %+v, %v", res, err)
	}
	for i, rr := range res {
		wantSkip := i == 1
		if (rr.Skipped != "") != wantSkip || (rr.Action.Type == "enable_backups") == wantSkip {
			t.Errorf("droplet %d: %+v", rr.DropletID, rr)
		}
		if n := countActions(r.Server, ids[i], "enable_backups"); (n == 1) == wantSkip {
			t.Errorf("droplet %d: %d enable_backups actions", ids[i], n)
		}
	}
}
