package dropletaction

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/digitalocean/godo"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func ts(sec int) *godo.Timestamp {
	return &godo.Timestamp{Time: time.Date(2025, 6, 1, 12, 0, sec, 0, time.UTC)}
}

// A by-tag run whose start failed part-way: the droplets that got an action keep it, the others
// are listed as not started, and a droplet untagged meanwhile (no action, no error) is dropped.
func TestTagOutcomesStartFailure(t *testing.T) {
	droplets := []godo.Droplet{{ID: 3}, {ID: 1}, {ID: 2}}
	got := []godo.Action{{ID: 11, ResourceID: 1, Type: "snapshot", Status: "in-progress"}}
	runErr := fmt.Errorf("starting snapshot action on droplet 2: %w", digitalocean.ErrPendingEvent)

	outcomes := tagOutcomes(droplets, got, runErr)
	if len(outcomes) != 3 {
		t.Fatalf("got %d outcomes, want 3: %+v", len(outcomes), outcomes)
	}
	for i, want := range []int{1, 2, 3} {
		if outcomes[i].dropletID != want {
			t.Errorf("outcome %d is droplet %d, want %d (sorted)", i, outcomes[i].dropletID, want)
		}
	}
	if outcomes[0].action.ID != 11 || outcomes[0].err != nil {
		t.Errorf("droplet 1: %+v, want action 11 without error", outcomes[0])
	}
	for _, o := range outcomes[1:] {
		if o.action.ID != 0 || !errors.Is(o.err, errActionNotStarted) {
			t.Errorf("droplet %d: %+v, want not started", o.dropletID, o)
		}
	}

	// Without an error, a listed droplet without an action was untagged before the request.
	outcomes = tagOutcomes(droplets, got, nil)
	if len(outcomes) != 1 || outcomes[0].dropletID != 1 {
		t.Errorf("got %+v, want only droplet 1", outcomes)
	}
}

// Wait errors are matched to actions by action ID, and the wait's last state replaces the start
// response unless the wait never saw the action.
func TestMergeActionStates(t *testing.T) {
	outcomes := []actionOutcome{
		{dropletID: 1, action: godo.Action{ID: 11, Type: "reboot", Status: "in-progress", RegionSlug: "nyc3"}},
		{dropletID: 2, action: godo.Action{ID: 12, Type: "reboot", Status: "in-progress", RegionSlug: "nyc3"}},
		{dropletID: 3, action: godo.Action{ID: 13, Type: "reboot", Status: "in-progress", RegionSlug: "nyc3"}},
	}
	got := []godo.Action{
		{ID: 11, Type: "reboot", Status: "completed", ResourceID: 1},
		{ID: 12, Type: "reboot", Status: "errored", ResourceID: 2, RegionSlug: "nyc3"},
		{ID: 13}, // never polled before the deadline
	}
	errored := &digitalocean.ActionError{DropletID: 2, ActionID: 12, Type: "reboot", Status: "errored", Err: digitalocean.ErrActionErrored}
	timedOut := &digitalocean.ActionError{ActionID: 13, Status: "in-progress", Err: digitalocean.ErrTimeout}
	mergeActionStates(outcomes, got, errors.Join(errored, fmt.Errorf("wrapped: %w", timedOut)))

	if !outcomes[0].completed() || outcomes[0].action.RegionSlug != "nyc3" {
		t.Errorf("droplet 1: %+v, want completed, region kept from the start response", outcomes[0])
	}
	if outcomes[1].completed() || !errors.Is(outcomes[1].err, digitalocean.ErrActionErrored) {
		t.Errorf("droplet 2: %+v, want errored", outcomes[1])
	}
	if outcomes[2].action.Type != "reboot" || outcomes[2].action.Status != "in-progress" || !errors.Is(outcomes[2].err, digitalocean.ErrTimeout) {
		t.Errorf("droplet 3: %+v, want the start response kept and the timeout recorded", outcomes[2])
	}
}

// The by-tag error lists every droplet, and the summary counts the failures.
// An in-progress action of the type is adopted once, by one resource only; an action this command
// started itself is never adopted by another resource.
func TestAdoptable(t *testing.T) {
	emu, err := emulator.Start(emulator.Options{Tokens: []string{"t"}})
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	client, err := digitalocean.NewClient(context.Background(), digitalocean.Config{Token: "t", APIEndpoint: emu.URL})
	if err != nil {
		t.Fatal(err)
	}
	r := &dropletActionResource{client: client}
	id := emu.Server.CreateDroplet(emulator.DropletSpec{}).ID
	running, err := emu.Server.StartAction(id, "snapshot", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// Started by this command (claimed when it was started): never adopted by another resource.
	l := &actionLedger{claimed: map[int]bool{running.ID: true}}
	if a, err := r.adoptable(ctx, l, id, "snapshot"); err != nil || a != nil {
		t.Errorf("action of this command: adoptable returned %v, %v; want nothing", a, err)
	}

	// Left running by an earlier command: adopted once, by one resource only.
	l = &actionLedger{claimed: map[int]bool{}}
	if a, err := r.adoptable(ctx, l, id, "reboot"); err != nil || a != nil {
		t.Errorf("another type: adoptable returned %v, %v; want nothing", a, err)
	}
	a, err := r.adoptable(ctx, l, id, "snapshot")
	if err != nil || a == nil || a.ID != running.ID {
		t.Fatalf("adoptable returned %v, %v; want action %d", a, err, running.ID)
	}
	if a, err := r.adoptable(ctx, l, id, "snapshot"); err != nil || a != nil {
		t.Errorf("second resource: adoptable returned %v, %v; want nothing (already adopted)", a, err)
	}
}
