package emulator_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/digitalocean/godo"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func TestDeleteDropletDeletesBackupsNotSnapshots(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.ActionDuration = 0 })
	id := e.droplet(emulator.DropletSpec{})
	b, _ := e.srv.TakeBackup(id)
	a := must[*godo.Action](t)(e.client.DropletActions.Snapshot(e.ctx, id, "snap"))
	if a.ResourceID != id {
		t.Errorf("snapshot action resource_id = %d, want the droplet", a.ResourceID)
	}
	snapID := e.get(id).SnapshotIDs[0]
	if !e.srv.DeleteDroplet(id) {
		t.Fatal("DeleteDroplet")
	}
	if _, ok := e.srv.Image(b.ID); ok {
		t.Error("backup survived its droplet")
	}
	if img, ok := e.srv.Image(snapID); !ok || img.DropletID != id {
		t.Error("snapshot was deleted with its droplet")
	}
}

func TestCreateGetDeleteDroplet(t *testing.T) {
	e := newEnv(t)
	hour := 8
	d, resp, err := e.client.Droplets.Create(e.ctx, &godo.DropletCreateRequest{
		Name: "web-01", Region: "nyc3", Size: "s-1vcpu-2gb",
		Image:   godo.DropletCreateImage{Slug: "ubuntu-24-04-x64"},
		Backups: true, BackupPolicy: &godo.DropletBackupPolicyRequest{Plan: "weekly", Weekday: "TUE", Hour: &hour},
		IPv6: true, Tags: []string{"web", "env:prod"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 202 || d.Status != "new" || d.Name != "web-01" || d.SizeSlug != "s-1vcpu-2gb" || d.Memory != 2048 {
		t.Fatalf("created %d: %+v", resp.StatusCode, d)
	}
	if d.ID < 100000 || d.Image == nil || d.Image.Slug != "ubuntu-24-04-x64" || !slices.Equal(d.Tags, []string{"web", "env:prod"}) {
		t.Errorf("created droplet %+v", d)
	}
	if !slices.Contains(d.Features, "backups") || !slices.Contains(d.Features, "ipv6") || d.NextBackupWindow == nil {
		t.Errorf("features %v window %v", d.Features, d.NextBackupWindow)
	}
	if resp.Links == nil || len(resp.Links.Actions) != 1 || resp.Links.Actions[0].Rel != "create" {
		t.Fatalf("links = %+v", resp.Links)
	}
	create, _, err := resp.Links.Actions[0].Get(e.ctx, e.client)
	if err != nil || create.Type != "create" || create.Status != "in-progress" || create.ResourceID != d.ID {
		t.Fatalf("create action %+v, %v", create, err)
	}
	_, _, err = e.client.DropletActions.Reboot(e.ctx, d.ID)
	wantStatus(t, err, 422) // still being created

	e.finish()
	got := must[*godo.Droplet](t)(e.client.Droplets.Get(e.ctx, d.ID))
	if got.Status != "active" || got.Locked {
		t.Errorf("after create: %s locked=%v", got.Status, got.Locked)
	}
	if ip, _ := got.PublicIPv4(); ip == "" {
		t.Error("no public IPv4")
	}
	if ip, _ := got.PublicIPv6(); ip == "" {
		t.Error("no public IPv6")
	}
	pol := must[*godo.DropletBackupPolicy](t)(e.client.Droplets.GetBackupPolicy(e.ctx, d.ID))
	if pol.BackupPolicy.Plan != "weekly" || pol.BackupPolicy.Weekday != "TUE" || pol.BackupPolicy.Hour != 8 {
		t.Errorf("policy after create %+v", pol.BackupPolicy)
	}

	resp, err = e.client.Droplets.Delete(e.ctx, d.ID)
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("delete: %v %v", resp, err)
	}
	_, _, err = e.client.Droplets.Get(e.ctx, d.ID)
	wantStatus(t, err, 404)
	_, err = e.client.Droplets.Delete(e.ctx, d.ID)
	wantStatus(t, err, 404)
	// The create action is still there.
	if a := must[*godo.Action](t)(e.client.Actions.Get(e.ctx, create.ID)); a.Status != "completed" {
		t.Errorf("create action after delete = %s", a.Status)
	}
}

func TestCreateMultipleAndFilters(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.ActionDuration = 0 })
	ds, resp, err := e.client.Droplets.CreateMultiple(e.ctx, &godo.DropletMultiCreateRequest{
		Names: []string{"api-1", "api-2", "API-3"}, Region: "ams3", Size: "s-1vcpu-1gb",
		Image: godo.DropletCreateImage{Slug: "debian-12-x64"}, Tags: []string{"api"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 202 || len(ds) != 3 || len(resp.Links.Actions) != 3 || ds[0].Region.Slug != "ams3" {
		t.Fatalf("multi-create: %d %d droplets %+v", resp.StatusCode, len(ds), resp.Links)
	}
	e.droplet(emulator.DropletSpec{Name: "db-1", Tags: []string{"db"}})

	if got := must[[]godo.Droplet](t)(e.client.Droplets.ListByTag(e.ctx, "api", nil)); len(got) != 3 {
		t.Errorf("ListByTag(api) = %d droplets", len(got))
	}
	if got := must[[]godo.Droplet](t)(e.client.Droplets.ListByName(e.ctx, "api-3", nil)); len(got) != 1 || got[0].Name != "API-3" {
		t.Errorf("ListByName is exact and case-insensitive: %+v", got)
	}
	if got := must[[]godo.Droplet](t)(e.client.Droplets.ListWithGPUs(e.ctx, nil)); len(got) != 0 {
		t.Errorf("GPU droplets: %d", len(got))
	}
	resp, err = e.client.Droplets.DeleteByTag(e.ctx, "api")
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("DeleteByTag: %v", err)
	}
	left := must[[]godo.Droplet](t)(e.client.Droplets.List(e.ctx, nil))
	if len(left) != 1 || left[0].Name != "db-1" {
		t.Errorf("after DeleteByTag: %+v", left)
	}
	r, _ := e.client.NewRequest(e.ctx, "DELETE", "v2/droplets", nil)
	_, err = e.client.Do(e.ctx, r, nil)
	wantStatus(t, err, 422)
	r, _ = e.client.NewRequest(e.ctx, "GET", "v2/droplets?tag_name=db&name=db-1", nil)
	_, err = e.client.Do(e.ctx, r, nil)
	wantStatus(t, err, 422)
}

func TestCreateDropletValidation(t *testing.T) {
	e := newEnv(t)
	img := godo.DropletCreateImage{Slug: "ubuntu-24-04-x64"}
	bad := func(h int) *int { return &h }
	cases := map[string]*godo.DropletCreateRequest{
		"missing name":    {Size: "s-1vcpu-1gb", Image: img},
		"invalid name":    {Name: "no spaces allowed", Size: "s-1vcpu-1gb", Image: img},
		"missing size":    {Name: "a", Image: img},
		"unknown size":    {Name: "a", Size: "huge", Image: img},
		"missing image":   {Name: "a", Size: "s-1vcpu-1gb"},
		"unknown image":   {Name: "a", Size: "s-1vcpu-1gb", Image: godo.DropletCreateImage{Slug: "beos-5"}},
		"unknown region":  {Name: "a", Region: "mars1", Size: "s-1vcpu-1gb", Image: img},
		"invalid tag":     {Name: "a", Size: "s-1vcpu-1gb", Image: img, Tags: []string{"white space"}},
		"bad policy hour": {Name: "a", Size: "s-1vcpu-1gb", Image: img, Backups: true, BackupPolicy: &godo.DropletBackupPolicyRequest{Plan: "daily", Hour: bad(5)}},
	}
	for name, req := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := e.client.Droplets.Create(e.ctx, req)
			wantStatus(t, err, 422)
		})
	}
	names := make([]string, 11)
	for i := range names {
		names[i] = fmt.Sprintf("n%d", i)
	}
	_, _, err := e.client.Droplets.CreateMultiple(e.ctx, &godo.DropletMultiCreateRequest{Names: names, Size: "s-1vcpu-1gb", Image: img})
	wantStatus(t, err, 422)
	if ds, _ := e.srv.Droplet(100000); ds.ID != 0 {
		t.Error("a refused create made a droplet")
	}
	// A region prefix picks a datacenter in it; no region picks one.
	d := must[*godo.Droplet](t)(e.client.Droplets.Create(e.ctx, &godo.DropletCreateRequest{Name: "a", Region: "sfo", Size: "s-1vcpu-1gb", Image: img}))
	if d.Region.Slug != "sfo3" {
		t.Errorf("region for prefix sfo = %s", d.Region.Slug)
	}
}

func TestKernels(t *testing.T) {
	e := newEnv(t)
	id := e.droplet(emulator.DropletSpec{})
	ks, resp, err := e.client.Droplets.Kernels(e.ctx, id, &godo.ListOptions{PerPage: 2})
	if err != nil || len(ks) != 2 || resp.Meta.Total < 3 || resp.Links.IsLastPage() {
		t.Fatalf("kernels %v %+v %v", ks, resp.Meta, err)
	}
	_, _, err = e.client.Droplets.Kernels(e.ctx, 5, nil)
	wantStatus(t, err, 404)
}
