package dropletaction

import (
	"context"
	"fmt"
	"testing"

	"github.com/digitalocean/godo"
)

func TestSetResult(t *testing.T) {
	m := dropletActionModel{}
	diags := m.setResult(context.Background(), []godo.Action{
		{ID: 30, ResourceID: 2, Status: "completed", StartedAt: ts(1), CompletedAt: ts(9), RegionSlug: "ams3"},
		{ID: 20, ResourceID: 5, Status: "completed", StartedAt: ts(0), CompletedAt: ts(4), Region: &godo.Region{Slug: "lon1"}},
		{ID: 40, ResourceID: 1, Status: "completed", StartedAt: ts(2), CompletedAt: ts(7), RegionSlug: "ams3"},
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	if m.ID.ValueString() != "20" || m.RegionSlug.ValueString() != "lon1" || m.Status.ValueString() != "completed" {
		t.Errorf("id %s region %s status %s, want 20, lon1 (the region of action 20), completed", m.ID, m.RegionSlug, m.Status)
	}
	if m.StartedAt.ValueString() != "2025-06-01T12:00:00Z" || m.CompletedAt.ValueString() != "2025-06-01T12:00:09Z" {
		t.Errorf("started %s completed %s, want the first start and the last completion", m.StartedAt, m.CompletedAt)
	}
	var droplets, actions []int64
	m.DropletIDs.ElementsAs(context.Background(), &droplets, false)
	m.ActionIDs.ElementsAs(context.Background(), &actions, false)
	if fmt.Sprint(droplets) != "[1 2 5]" || fmt.Sprint(actions) != "[40 30 20]" {
		t.Errorf("droplet_ids %v action_ids %v, want [1 2 5] and [40 30 20]", droplets, actions)
	}
}

// The per-type rules, including values unknown at plan time.
