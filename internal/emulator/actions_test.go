package emulator_test

import (
	"testing"
	"time"

	"github.com/digitalocean/godo"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func TestActionLifecycleLockAndPendingEvent(t *testing.T) {
	e := newEnv(t)
	id := e.droplet(emulator.DropletSpec{Name: "web-1"})

	a, resp, err := e.client.DropletActions.Reboot(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 201 {
		t.Errorf("POST action status = %d, want 201", resp.StatusCode)
	}
	if a.Status != godo.ActionInProgress || a.CompletedAt != nil || a.Type != "reboot" ||
		a.ResourceID != id || a.ResourceType != "droplet" || a.RegionSlug != "nyc3" || a.Region == nil {
		t.Fatalf("new action = %+v", a)
	}
	if !e.get(id).Locked {
		t.Error("droplet not locked while its action runs")
	}

	_, _, err = e.client.DropletActions.PowerOff(e.ctx, id)
	er := wantError(t, err, 422)
	if er.Message != "Droplet already has a pending event." {
		t.Errorf("pending-event message = %q", er.Message)
	}

	got := must[*godo.Action](t)(e.client.Actions.Get(e.ctx, a.ID))
	if got.Status != godo.ActionInProgress {
		t.Errorf("status before the duration = %s", got.Status)
	}
	e.clock.Advance(9 * time.Second)
	if got := must[*godo.Action](t)(e.client.DropletActions.Get(e.ctx, id, a.ID)); got.Status != godo.ActionInProgress {
		t.Errorf("status 1s before the end = %s", got.Status)
	}
	e.clock.Advance(time.Second)
	got = must[*godo.Action](t)(e.client.Actions.Get(e.ctx, a.ID))
	if got.Status != godo.ActionCompleted || got.CompletedAt == nil || !got.CompletedAt.Time.Equal(got.StartedAt.Add(10*time.Second)) {
		t.Fatalf("completed action = %+v", got)
	}
	if e.get(id).Locked {
		t.Error("droplet still locked after its action completed")
	}
	if _, _, err := e.client.DropletActions.PowerOff(e.ctx, id); err != nil {
		t.Errorf("action after completion: %v", err)
	}
}

func TestActionDurationsPerType(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) {
		o.ActionDuration = 3 * time.Second
		o.ActionDurations = map[string]time.Duration{"snapshot": 20 * time.Second, "password_reset": 0}
	})
	id1 := e.droplet(emulator.DropletSpec{})
	id2 := e.droplet(emulator.DropletSpec{})
	id3 := e.droplet(emulator.DropletSpec{})
	snap := must[*godo.Action](t)(e.client.DropletActions.Snapshot(e.ctx, id1, "s"))
	reboot := must[*godo.Action](t)(e.client.DropletActions.Reboot(e.ctx, id2))
	reset := must[*godo.Action](t)(e.client.DropletActions.PasswordReset(e.ctx, id3))
	if reset.Status != godo.ActionCompleted || reset.CompletedAt == nil {
		t.Errorf("zero-duration action = %+v, want completed at once", reset)
	}
	e.clock.Advance(3 * time.Second)
	if a, _ := e.srv.Action(reboot.ID); a.Status != "completed" {
		t.Errorf("reboot after 3s = %s", a.Status)
	}
	if a, _ := e.srv.Action(snap.ID); a.Status != "in-progress" {
		t.Errorf("snapshot after 3s = %s", a.Status)
	}
	e.clock.Advance(17 * time.Second)
	if a, _ := e.srv.Action(snap.ID); a.Status != "completed" {
		t.Errorf("snapshot after 20s = %s", a.Status)
	}
}

func TestErroredActions(t *testing.T) {
	e := newEnv(t)
	id := e.droplet(emulator.DropletSpec{})
	e.srv.FailNextAction(id, "power_off")
	a := must[*godo.Action](t)(e.client.DropletActions.PowerOff(e.ctx, id))
	e.finish()
	got := must[*godo.Action](t)(e.client.Actions.Get(e.ctx, a.ID))
	if got.Status != "errored" || got.CompletedAt == nil {
		t.Fatalf("action = %+v, want errored", got)
	}
	if d := e.get(id); d.Status != "active" || d.Locked {
		t.Errorf("errored power_off changed the droplet: %s locked=%v", d.Status, d.Locked)
	}
	// Only the next one fails.
	a = must[*godo.Action](t)(e.client.DropletActions.PowerOff(e.ctx, id))
	e.finish()
	if got := must[*godo.Action](t)(e.client.Actions.Get(e.ctx, a.ID)); got.Status != "completed" {
		t.Errorf("second action = %s", got.Status)
	}
	// "" fails whatever comes next.
	e.srv.FailNextAction(id, "")
	a = must[*godo.Action](t)(e.client.DropletActions.Snapshot(e.ctx, id, "x"))
	e.finish()
	if got, _ := e.srv.Action(a.ID); got.Status != "errored" || len(e.get(id).SnapshotIDs) != 0 {
		t.Errorf("failed snapshot: %s, snapshots %v", got.Status, e.get(id).SnapshotIDs)
	}
}

func TestActionsListNewestFirstAndPaginated(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.ActionDuration = 0 })
	id := e.droplet(emulator.DropletSpec{})
	for range 6 {
		must[*godo.Action](t)(e.client.DropletActions.Reboot(e.ctx, id))
	}
	all := e.srv.DropletActions(id) // oldest first: create + 6 reboots
	if len(all) != 7 || all[0].Type != "create" {
		t.Fatalf("DropletActions = %d, first %s", len(all), all[0].Type)
	}

	var got []godo.Action
	opt := &godo.ListOptions{PerPage: 3}
	pages := 0
	for {
		as, resp, err := e.client.Actions.List(e.ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		got = append(got, as...)
		if resp.Meta == nil || resp.Meta.Total != 7 {
			t.Fatalf("meta = %+v", resp.Meta)
		}
		if resp.Links == nil || resp.Links.IsLastPage() {
			break
		}
		cur, err := resp.Links.CurrentPage()
		if err != nil || cur != pages {
			t.Fatalf("CurrentPage = %d, %v on page %d", cur, err, pages)
		}
		opt.Page = cur + 1
	}
	if pages != 3 || len(got) != 7 {
		t.Fatalf("%d pages, %d actions", pages, len(got))
	}
	for i := range got {
		if got[i].ID != all[len(all)-1-i].ID {
			t.Fatalf("action %d is %d, want newest first", i, got[i].ID)
		}
	}
	// The droplet's own list: same order.
	das := must[[]godo.Action](t)(e.client.Droplets.Actions(e.ctx, id, &godo.ListOptions{PerPage: 200}))
	if len(das) != 7 || das[0].ID != all[6].ID || das[6].Type != "create" {
		t.Errorf("droplet actions = %+v", das)
	}
	// Past the end: empty page, still valid.
	as, resp, err := e.client.Actions.List(e.ctx, &godo.ListOptions{Page: 9, PerPage: 3})
	if err != nil || len(as) != 0 || resp.Meta.Total != 7 {
		t.Errorf("page 9: %v %v", as, err)
	}
	// Unknown and mismatched IDs are 404s.
	_, _, err = e.client.Actions.Get(e.ctx, id) // a droplet ID is never an action ID
	wantStatus(t, err, 404)
	other := e.droplet(emulator.DropletSpec{})
	_, _, err = e.client.DropletActions.Get(e.ctx, other, all[1].ID)
	wantStatus(t, err, 404)
	// GetByURI uses the path of the URI.
	if a := must[*godo.Action](t)(e.client.DropletActions.GetByURI(e.ctx, e.run.URL+"/v2/droplets/"+itoa(id)+"/actions/"+itoa(all[1].ID))); a.ID != all[1].ID {
		t.Errorf("GetByURI = %d", a.ID)
	}
}

func TestErroredRate(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.ErroredRate = 1 })
	id := e.droplet(emulator.DropletSpec{})
	a := must[*godo.Action](t)(e.client.DropletActions.PowerOff(e.ctx, id))
	backup, _ := e.srv.TakeBackup(id)
	ia := must[*godo.Action](t)(e.client.ImageActions.Convert(e.ctx, backup.ID))
	e.finish()
	for _, id := range []int{a.ID, ia.ID} {
		if got := must[*godo.Action](t)(e.client.Actions.Get(e.ctx, id)); got.Status != "errored" {
			t.Errorf("action %d ended %s", id, got.Status)
		}
	}
	if d := e.get(id); d.Status != "active" {
		t.Errorf("errored power_off took effect: %s", d.Status)
	}
	if img, _ := e.srv.Image(backup.ID); img.Type != "backup" {
		t.Error("errored convert took effect")
	}
}
