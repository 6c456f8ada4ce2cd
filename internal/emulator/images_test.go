package emulator_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/digitalocean/godo"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func TestConvertBackupToSnapshot(t *testing.T) {
	e := newEnv(t)
	id := e.droplet(emulator.DropletSpec{Name: "keep-me", Backups: true})
	b, _ := e.srv.TakeBackup(id)
	other, _ := e.srv.TakeBackup(id)

	a, resp, err := e.client.ImageActions.Convert(e.ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 201 || a.Type != "convert" || a.ResourceType != "image" || a.ResourceID != b.ID || a.Status != "in-progress" {
		t.Fatalf("convert action %d %+v", resp.StatusCode, a)
	}
	_, _, err = e.client.ImageActions.Convert(e.ctx, b.ID)
	wantStatus(t, err, 422) // the image is busy
	e.finish()
	if got := must[*godo.Action](t)(e.client.ImageActions.Get(e.ctx, b.ID, a.ID)); got.Status != "completed" {
		t.Fatalf("convert ended %s", got.Status)
	}
	img := must[*godo.Image](t)(e.client.Images.GetByID(e.ctx, b.ID))
	if img.Type != "snapshot" || img.ID != b.ID {
		t.Errorf("converted image %+v", img)
	}
	d := e.get(id)
	if slices.Contains(d.BackupIDs, b.ID) || !slices.Contains(d.SnapshotIDs, b.ID) {
		t.Errorf("backups %v snapshots %v", d.BackupIDs, d.SnapshotIDs)
	}
	snaps := must[[]godo.Image](t)(e.client.Droplets.Snapshots(e.ctx, id, nil))
	if len(snaps) != 1 || snaps[0].ID != b.ID || snaps[0].Type != "snapshot" {
		t.Errorf("snapshots %+v", snaps)
	}
	// Converting a snapshot (or a public image) is refused.
	_, _, err = e.client.ImageActions.Convert(e.ctx, b.ID)
	wantStatus(t, err, 422)

	// A snapshot outlives retention, disable_backups and the droplet; backups don't.
	e.clock.Advance(60 * 24 * time.Hour)
	must[*godo.Action](t)(e.client.DropletActions.DisableBackups(e.ctx, id))
	e.finish()
	if _, err := e.client.Droplets.Delete(e.ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.client.Images.GetByID(e.ctx, b.ID); err != nil {
		t.Errorf("snapshot gone with the droplet: %v", err)
	}
	_, _, err = e.client.Images.GetByID(e.ctx, other.ID)
	wantStatus(t, err, 404)
}

func TestImagesAndImageActions(t *testing.T) {
	e := newEnv(t)
	pub := must[*godo.Image](t)(e.client.Images.GetBySlug(e.ctx, "ubuntu-24-04-x64"))
	if pub.ID < 200000000 || !pub.Public || pub.Type != "base" || pub.Distribution != "Ubuntu" {
		t.Errorf("public image %+v", pub)
	}
	if got := must[*godo.Image](t)(e.client.Images.GetByID(e.ctx, pub.ID)); got.Slug != pub.Slug {
		t.Errorf("by ID %+v", got)
	}
	_, err := e.client.Images.Delete(e.ctx, pub.ID)
	wantStatus(t, err, 403)

	id := e.droplet(emulator.DropletSpec{Region: "lon1"})
	backup, _ := e.srv.TakeBackup(id)
	_, err = e.client.Images.Delete(e.ctx, backup.ID)
	wantStatus(t, err, 422)
	_, _, err = e.client.ImageActions.Transfer(e.ctx, backup.ID, &godo.ActionRequest{"type": "transfer", "region": "nyc3"})
	wantStatus(t, err, 422) // backups stay in their region

	snapAction := must[*godo.Action](t)(e.client.DropletActions.Snapshot(e.ctx, id, "golden"))
	e.finish()
	snapID := e.get(id).SnapshotIDs[0]
	if a, _ := e.srv.Action(snapAction.ID); a.Status != "completed" {
		t.Fatal("snapshot did not complete")
	}

	for _, body := range []godo.ActionRequest{
		{"type": "transfer"},
		{"type": "transfer", "region": "mars1"},
		{"type": "flip"},
	} {
		_, _, err := e.client.ImageActions.Transfer(e.ctx, snapID, &body)
		wantStatus(t, err, 422)
	}
	tr, resp, err := e.client.ImageActions.Transfer(e.ctx, snapID, &godo.ActionRequest{"type": "transfer", "region": "sfo3"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 201 || tr.Type != "transfer" || tr.ResourceType != "image" || tr.RegionSlug != "lon1" {
		t.Errorf("transfer %d %+v", resp.StatusCode, tr)
	}
	e.finish()
	img := must[*godo.Image](t)(e.client.Images.GetByID(e.ctx, snapID))
	if !slices.Equal(img.Regions, []string{"lon1", "sfo3"}) {
		t.Errorf("regions after transfer %v", img.Regions)
	}
	if a := must[*godo.Action](t)(e.client.ImageActions.Get(e.ctx, snapID, tr.ID)); a.Status != "completed" {
		t.Errorf("transfer ended %s", a.Status)
	}
	if a := must[*godo.Action](t)(e.client.ImageActions.GetByURI(e.ctx, "/v2/images/"+itoa(snapID)+"/actions/"+itoa(tr.ID))); a.ID != tr.ID {
		t.Errorf("GetByURI %d", a.ID)
	}
	// The droplet's snapshot action is not an action of the image.
	_, _, err = e.client.ImageActions.Get(e.ctx, snapID, snapAction.ID)
	wantStatus(t, err, 404)

	// godo has no method for GET /v2/images/{id}/actions.
	r, _ := e.client.NewRequest(e.ctx, "GET", "v2/images/"+itoa(snapID)+"/actions", nil)
	var root struct {
		Actions []godo.Action `json:"actions"`
		Meta    godo.Meta     `json:"meta"`
	}
	if _, err := e.client.Do(e.ctx, r, &root); err != nil {
		t.Fatal(err)
	}
	if len(root.Actions) != 1 || root.Actions[0].ID != tr.ID || root.Meta.Total != 1 {
		t.Errorf("image actions %+v", root)
	}

	up, resp, err := e.client.Images.Update(e.ctx, snapID, &godo.ImageUpdateRequest{Name: "golden-2", Distribution: "Debian", Description: "base for web"})
	if err != nil || resp.StatusCode != 200 || up.Name != "golden-2" || up.Distribution != "Debian" || up.Description != "base for web" {
		t.Errorf("update: %+v %v", up, err)
	}
	_, _, err = e.client.Images.Update(e.ctx, pub.ID, &godo.ImageUpdateRequest{Name: "mine"})
	wantStatus(t, err, 403)

	resp, err = e.client.Images.Delete(e.ctx, snapID)
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("delete snapshot: %v", err)
	}
	if d := e.get(id); len(d.SnapshotIDs) != 0 {
		t.Errorf("deleted snapshot still listed: %v", d.SnapshotIDs)
	}
	_, err = e.client.Images.Delete(e.ctx, snapID)
	wantStatus(t, err, 404)
	_, _, err = e.client.ImageActions.Convert(e.ctx, snapID)
	wantStatus(t, err, 404)
}

func TestImageJSONShape(t *testing.T) {
	// Backups and snapshots have "slug": null; public images a string.
	e := newEnv(t)
	id := e.droplet(emulator.DropletSpec{})
	b, _ := e.srv.TakeBackup(id)
	raw, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	if v, ok := m["slug"]; !ok || v != nil {
		t.Errorf("backup slug = %v (present %v)", v, ok)
	}
	if _, ok := m["DropletID"]; ok {
		t.Error("internal fields leak into JSON")
	}
}
