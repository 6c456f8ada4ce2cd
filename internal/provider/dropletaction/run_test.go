package dropletaction

import (
	"testing"
	"time"

	"github.com/digitalocean/godo"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
)

func ts(sec int) *godo.Timestamp {
	return &godo.Timestamp{Time: time.Date(2025, 6, 1, 12, 0, sec, 0, time.UTC)}
}

// A by-tag run whose start failed part-way: the droplets that got an action keep it, the others
// are kept as not started with their error, and a droplet untagged meanwhile (nothing sent to
// it) is dropped. The runner's order, by droplet ID, is kept.
func TestRanOnDropsUntaggedDroplets(t *testing.T) {
	notStarted := digitalocean.ErrPendingEvent
	results := []digitalocean.Result{
		{DropletID: 1, Action: godo.Action{ID: 11, ResourceID: 1, Type: "snapshot", Status: "in-progress"}},
		{DropletID: 2, Err: notStarted},
		{DropletID: 3, Skipped: "the droplet no longer had the tag when the by-tag request was sent"},
		{DropletID: 4, Err: notStarted},
	}
	kept := ranOn(results)
	if len(kept) != 3 {
		t.Fatalf("got %d results, want 3: %+v", len(kept), kept)
	}
	for i, want := range []int{1, 2, 4} {
		if kept[i].DropletID != want {
			t.Errorf("result %d is droplet %d, want %d", i, kept[i].DropletID, want)
		}
	}
	if kept[0].Action.ID != 11 || kept[0].Err != nil {
		t.Errorf("droplet 1: %+v, want action 11 without error", kept[0])
	}
	for _, o := range kept[1:] {
		if o.Action.ID != 0 || o.Err != notStarted || completed(o) {
			t.Errorf("droplet %d: %+v, want not started", o.DropletID, o)
		}
	}

	// Every droplet untagged meanwhile: nothing ran, so nothing is the resource's.
	if kept := ranOn(results[2:3]); len(kept) != 0 {
		t.Errorf("got %+v, want no result", kept)
	}
}

// Only an action that ran to completion counts as done.
func TestCompleted(t *testing.T) {
	for _, tc := range []struct {
		res  digitalocean.Result
		want bool
	}{
		{digitalocean.Result{Action: godo.Action{ID: 1, Status: "completed"}}, true},
		{digitalocean.Result{Action: godo.Action{ID: 1, Status: "in-progress"}}, false},
		{digitalocean.Result{Action: godo.Action{ID: 1, Status: "completed"}, Err: digitalocean.ErrTimeout}, false},
		{digitalocean.Result{Action: godo.Action{Status: "completed"}}, false},
		{digitalocean.Result{Skipped: "nothing to change"}, false},
	} {
		if got := completed(tc.res); got != tc.want {
			t.Errorf("completed(%+v) = %v, want %v", tc.res, got, tc.want)
		}
	}
}
