package emulator_test

import (
	"slices"
	"testing"
	"time"

	"github.com/digitalocean/godo"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// TestEveryActionTypeEffect starts each droplet action type through godo and
// checks what it changed once completed.
func TestEveryActionTypeEffect(t *testing.T) {
	hour := func(h int) *int { return &h }
	type tc struct {
		name  string
		setup func(e *env, id int) // before the action
		do    func(e *env, id int) (*godo.Action, error)
		check func(t *testing.T, e *env, before, after emulator.Droplet)
	}
	cases := []tc{
		{name: "enable_backups", do: func(e *env, id int) (*godo.Action, error) {
			a, _, err := e.client.DropletActions.EnableBackups(e.ctx, id)
			return a, err
		}, check: func(t *testing.T, e *env, before, after emulator.Droplet) {
			if slices.Contains(before.Features, "backups") || !slices.Contains(after.Features, "backups") || after.NextBackupWindow == nil {
				t.Errorf("features %v → %v, window %v", before.Features, after.Features, after.NextBackupWindow)
			}
			p, _ := e.srv.BackupPolicy(after.ID)
			if !p.BackupEnabled || p.BackupPolicy.Plan != "daily" || p.BackupPolicy.RetentionPeriodDays != 7 {
				t.Errorf("policy %+v %+v", p, p.BackupPolicy)
			}
		}},
		{name: "enable_backups with policy", do: func(e *env, id int) (*godo.Action, error) {
			a, _, err := e.client.DropletActions.EnableBackupsWithPolicy(e.ctx, id, &godo.DropletBackupPolicyRequest{Plan: "weekly", Weekday: "TUE", Hour: hour(0)})
			return a, err
		}, check: func(t *testing.T, e *env, _, after emulator.Droplet) {
			p, _ := e.srv.BackupPolicy(after.ID)
			if p.BackupPolicy.Plan != "weekly" || p.BackupPolicy.Weekday != "TUE" || p.BackupPolicy.Hour != 0 || p.BackupPolicy.RetentionPeriodDays != 28 {
				t.Errorf("policy %+v", p.BackupPolicy)
			}
			if w := after.NextBackupWindow; w.Start.Weekday() != time.Tuesday || w.Start.Hour() != 0 || w.End.Sub(w.Start) != 4*time.Hour {
				t.Errorf("window %v", w)
			}
		}},
		{name: "change_backup_policy", setup: func(e *env, id int) {
			if err := e.srv.SetBackupPolicy(id, true, emulator.PolicySpec{Plan: "daily", Hour: hour(8)}); err != nil {
				t.Fatal(err)
			}
		}, do: func(e *env, id int) (*godo.Action, error) {
			a, _, err := e.client.DropletActions.ChangeBackupPolicy(e.ctx, id, &godo.DropletBackupPolicyRequest{Plan: "weekly", Weekday: "SAT", Hour: hour(20)})
			return a, err
		}, check: func(t *testing.T, e *env, before, after emulator.Droplet) {
			p, _ := e.srv.BackupPolicy(after.ID)
			if p.BackupPolicy.Plan != "weekly" || p.BackupPolicy.Weekday != "SAT" || p.BackupPolicy.Hour != 20 {
				t.Errorf("policy %+v", p.BackupPolicy)
			}
			if before.NextBackupWindow.Start.Equal(after.NextBackupWindow.Start) || after.NextBackupWindow.Start.Weekday() != time.Saturday {
				t.Errorf("window %v → %v", before.NextBackupWindow, after.NextBackupWindow)
			}
		}},
		{name: "disable_backups", setup: func(e *env, id int) {
			_ = e.srv.SetBackupPolicy(id, true, emulator.PolicySpec{})
			if _, err := e.srv.TakeBackup(id); err != nil {
				t.Fatal(err)
			}
		}, do: func(e *env, id int) (*godo.Action, error) {
			a, _, err := e.client.DropletActions.DisableBackups(e.ctx, id)
			return a, err
		}, check: func(t *testing.T, e *env, before, after emulator.Droplet) {
			if slices.Contains(after.Features, "backups") || after.NextBackupWindow != nil {
				t.Errorf("features %v, window %v", after.Features, after.NextBackupWindow)
			}
			if len(after.BackupIDs) != 1 || !slices.Equal(before.BackupIDs, after.BackupIDs) {
				t.Errorf("backups %v → %v, want kept", before.BackupIDs, after.BackupIDs)
			}
			if p, _ := e.srv.BackupPolicy(after.ID); p.BackupEnabled || p.BackupPolicy != nil || p.NextBackupWindow != nil {
				t.Errorf("policy record %+v", p)
			}
		}},
		{name: "power_off", do: func(e *env, id int) (*godo.Action, error) {
			a, _, err := e.client.DropletActions.PowerOff(e.ctx, id)
			return a, err
		}, check: wantDropletStatus("active", "off")},
		{name: "shutdown", do: func(e *env, id int) (*godo.Action, error) {
			a, _, err := e.client.DropletActions.Shutdown(e.ctx, id)
			return a, err
		}, check: wantDropletStatus("active", "off")},
		{name: "power_on", setup: powerOff, do: func(e *env, id int) (*godo.Action, error) {
			a, _, err := e.client.DropletActions.PowerOn(e.ctx, id)
			return a, err
		}, check: wantDropletStatus("off", "active")},
		{name: "power_cycle", setup: powerOff, do: func(e *env, id int) (*godo.Action, error) {
			a, _, err := e.client.DropletActions.PowerCycle(e.ctx, id)
			return a, err
		}, check: wantDropletStatus("off", "active")},
		{name: "reboot", do: func(e *env, id int) (*godo.Action, error) {
			a, _, err := e.client.DropletActions.Reboot(e.ctx, id)
			return a, err
		}, check: wantDropletStatus("active", "active")},
		{name: "password_reset", do: func(e *env, id int) (*godo.Action, error) {
			a, _, err := e.client.DropletActions.PasswordReset(e.ctx, id)
			return a, err
		}, check: func(t *testing.T, _ *env, before, after emulator.Droplet) {
			before.Locked, after.Locked = false, false
			if before.Name != after.Name || before.Status != after.Status {
				t.Errorf("password_reset changed the droplet")
			}
		}},
		{name: "resize", do: func(e *env, id int) (*godo.Action, error) {
			a, _, err := e.client.DropletActions.Resize(e.ctx, id, "s-2vcpu-4gb", false)
			return a, err
		}, check: func(t *testing.T, _ *env, before, after emulator.Droplet) {
			if after.SizeSlug != "s-2vcpu-4gb" || after.Size.Slug != "s-2vcpu-4gb" || after.Memory != 4096 || after.Vcpus != 2 || after.Disk != before.Disk {
				t.Errorf("after resize without disk: %s mem %d vcpus %d disk %d→%d", after.SizeSlug, after.Memory, after.Vcpus, before.Disk, after.Disk)
			}
		}},
		{name: "resize with disk", do: func(e *env, id int) (*godo.Action, error) {
			a, _, err := e.client.DropletActions.Resize(e.ctx, id, "s-2vcpu-4gb", true)
			return a, err
		}, check: func(t *testing.T, _ *env, _, after emulator.Droplet) {
			if after.Disk != 80 {
				t.Errorf("disk after resize with disk = %d, want 80", after.Disk)
			}
		}},
		{name: "rebuild by slug", do: func(e *env, id int) (*godo.Action, error) {
			a, _, err := e.client.DropletActions.RebuildByImageSlug(e.ctx, id, "debian-12-x64")
			return a, err
		}, check: func(t *testing.T, _ *env, _, after emulator.Droplet) {
			if after.Image.Slug == nil || *after.Image.Slug != "debian-12-x64" || after.Image.Distribution != "Debian" {
				t.Errorf("image after rebuild = %+v", after.Image)
			}
		}},
		{name: "rebuild by ID", do: func(e *env, id int) (*godo.Action, error) {
			img, _, err := e.client.Images.GetBySlug(e.ctx, "fedora-40-x64")
			if err != nil {
				return nil, err
			}
			a, _, err := e.client.DropletActions.RebuildByImageID(e.ctx, id, img.ID)
			return a, err
		}, check: func(t *testing.T, _ *env, _, after emulator.Droplet) {
			if after.Image.Distribution != "Fedora" {
				t.Errorf("image after rebuild = %+v", after.Image)
			}
		}},
		{name: "restore", setup: func(e *env, id int) {
			if _, err := e.srv.TakeBackup(id); err != nil {
				t.Fatal(err)
			}
			powerOff(e, id)
		}, do: func(e *env, id int) (*godo.Action, error) {
			d := e.get(id)
			a, _, err := e.client.DropletActions.Restore(e.ctx, id, d.BackupIDs[0])
			return a, err
		}, check: func(t *testing.T, _ *env, before, after emulator.Droplet) {
			if after.Status != "active" || !slices.Equal(before.BackupIDs, after.BackupIDs) {
				t.Errorf("after restore: status %s, backups %v → %v", after.Status, before.BackupIDs, after.BackupIDs)
			}
		}},
		{name: "rename", do: func(e *env, id int) (*godo.Action, error) {
			a, _, err := e.client.DropletActions.Rename(e.ctx, id, "renamed.example.com")
			return a, err
		}, check: func(t *testing.T, _ *env, _, after emulator.Droplet) {
			if after.Name != "renamed.example.com" {
				t.Errorf("name = %s", after.Name)
			}
		}},
		{name: "change_kernel", do: func(e *env, id int) (*godo.Action, error) {
			ks, _, err := e.client.Droplets.Kernels(e.ctx, id, nil)
			if err != nil {
				return nil, err
			}
			a, _, err := e.client.DropletActions.ChangeKernel(e.ctx, id, ks[1].ID)
			return a, err
		}, check: func(t *testing.T, _ *env, before, after emulator.Droplet) {
			if before.Kernel != nil || after.Kernel == nil || after.Kernel.ID != 7516 {
				t.Errorf("kernel %v → %v", before.Kernel, after.Kernel)
			}
		}},
		{name: "enable_ipv6", do: func(e *env, id int) (*godo.Action, error) {
			a, _, err := e.client.DropletActions.EnableIPv6(e.ctx, id)
			return a, err
		}, check: func(t *testing.T, _ *env, before, after emulator.Droplet) {
			if len(before.Networks.V6) != 0 || len(after.Networks.V6) != 1 || !slices.Contains(after.Features, "ipv6") {
				t.Errorf("v6 %v → %v, features %v", before.Networks.V6, after.Networks.V6, after.Features)
			}
		}},
		{name: "enable_private_networking", do: func(e *env, id int) (*godo.Action, error) {
			a, _, err := e.client.DropletActions.EnablePrivateNetworking(e.ctx, id)
			return a, err
		}, check: func(t *testing.T, _ *env, _, after emulator.Droplet) {
			if !slices.Contains(after.Features, "private_networking") {
				t.Errorf("features %v", after.Features)
			}
		}},
		{name: "snapshot", do: func(e *env, id int) (*godo.Action, error) {
			a, _, err := e.client.DropletActions.Snapshot(e.ctx, id, "before-upgrade")
			return a, err
		}, check: func(t *testing.T, e *env, before, after emulator.Droplet) {
			if len(before.SnapshotIDs) != 0 || len(after.SnapshotIDs) != 1 {
				t.Fatalf("snapshots %v → %v", before.SnapshotIDs, after.SnapshotIDs)
			}
			img, ok := e.srv.Image(after.SnapshotIDs[0])
			if !ok || img.Name != "before-upgrade" || img.Type != "snapshot" || img.DropletID != after.ID {
				t.Errorf("snapshot image %+v", img)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			id := e.droplet(emulator.DropletSpec{Name: "web"})
			if c.setup != nil {
				c.setup(e, id)
			}
			before := e.get(id)
			a, err := c.do(e, id)
			if err != nil {
				t.Fatal(err)
			}
			if a.Status != "in-progress" {
				t.Fatalf("action status = %s", a.Status)
			}
			// Nothing changes before the action completes.
			mid := e.get(id)
			if !mid.Locked || mid.Status != before.Status || mid.SizeSlug != before.SizeSlug || mid.Name != before.Name ||
				!slices.Equal(mid.Features, before.Features) || len(mid.SnapshotIDs) != len(before.SnapshotIDs) {
				t.Errorf("droplet changed while the action ran: %+v", mid)
			}
			e.finish()
			done := must[*godo.Action](t)(e.client.Actions.Get(e.ctx, a.ID))
			if done.Status != "completed" {
				t.Fatalf("action ended %s", done.Status)
			}
			after := e.get(id)
			if after.Locked {
				t.Error("still locked")
			}
			c.check(t, e, before, after)
			// The API view matches the Go view.
			gd := must[*godo.Droplet](t)(e.client.Droplets.Get(e.ctx, id))
			if gd.Status != after.Status || gd.SizeSlug != after.SizeSlug || gd.Name != after.Name || !slices.Equal(gd.Features, after.Features) {
				t.Errorf("API view %+v differs from %+v", gd, after)
			}
		})
	}
}

func wantDropletStatus(from, to string) func(*testing.T, *env, emulator.Droplet, emulator.Droplet) {
	return func(t *testing.T, _ *env, before, after emulator.Droplet) {
		t.Helper()
		if before.Status != from || after.Status != to {
			t.Errorf("status %s → %s, want %s → %s", before.Status, after.Status, from, to)
		}
	}
}

func powerOff(e *env, id int) {
	if _, err := e.srv.StartAction(id, "power_off", 0); err != nil {
		e.t.Fatal(err)
	}
	if s := e.get(id).Status; s != "off" {
		e.t.Fatalf("status after power_off = %s", s)
	}
}

func TestActionValidation(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.ActionDuration = 0 })
	id := e.droplet(emulator.DropletSpec{Name: "web"})
	other := e.droplet(emulator.DropletSpec{Name: "other"})
	otherBackup, _ := e.srv.TakeBackup(other)
	public, _, _ := e.client.Images.GetBySlug(e.ctx, "ubuntu-24-04-x64")
	hour := func(h int) *int { return &h }

	type req = godo.ActionRequest
	post := func(body req) error {
		r, err := e.client.NewRequest(e.ctx, "POST", "v2/droplets/"+itoa(id)+"/actions", body)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.client.Do(e.ctx, r, nil)
		return err
	}
	cases := map[string]req{
		"missing type":              {},
		"unknown type":              {"type": "explode"},
		"resize without size":       {"type": "resize"},
		"resize to unknown size":    {"type": "resize", "size": "s-99vcpu"},
		"resize shrinking the disk": {"type": "resize", "size": "s-1vcpu-512mb-10gb", "disk": false},
		"rebuild without image":     {"type": "rebuild"},
		"rebuild unknown slug":      {"type": "rebuild", "image": "windows-95"},
		"rebuild unknown ID":        {"type": "rebuild", "image": 5},
		"rename without name":       {"type": "rename"},
		"rename to invalid name":    {"type": "rename", "name": "bad name!"},
		"change_kernel without ID":  {"type": "change_kernel"},
		"change_kernel unknown ID":  {"type": "change_kernel", "kernel": 1},
		"restore without image":     {"type": "restore"},
		"restore public image":      {"type": "restore", "image": public.ID},
		"restore other droplet's":   {"type": "restore", "image": otherBackup.ID},
		"enable_backups hour 3":     {"type": "enable_backups", "backup_policy": map[string]any{"plan": "daily", "hour": 3}},
		"enable_backups hour 24":    {"type": "enable_backups", "backup_policy": map[string]any{"plan": "daily", "hour": 24}},
		"enable_backups bad plan":   {"type": "enable_backups", "backup_policy": map[string]any{"plan": "hourly", "hour": 4}},
		"enable_backups bad day":    {"type": "enable_backups", "backup_policy": map[string]any{"plan": "weekly", "weekday": "sunday", "hour": 4}},
		"change policy when off":    {"type": "change_backup_policy", "backup_policy": map[string]any{"plan": "daily", "hour": 4}},
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			er := wantError(t, post(body), 422)
			if er.Message == "" {
				t.Error("422 without a message")
			}
		})
	}
	t.Run("change policy without policy", func(t *testing.T) {
		_ = e.srv.SetBackupPolicy(id, true, emulator.PolicySpec{})
		wantStatus(t, post(req{"type": "change_backup_policy"}), 422)
		_, _, err := e.client.DropletActions.ChangeBackupPolicy(e.ctx, id, &godo.DropletBackupPolicyRequest{Plan: "daily", Hour: hour(7)})
		wantStatus(t, err, 422)
	})
	t.Run("malformed body", func(t *testing.T) {
		r, _ := e.client.NewRequest(e.ctx, "POST", "v2/droplets/"+itoa(id)+"/actions", "not an object")
		_, err := e.client.Do(e.ctx, r, nil)
		wantStatus(t, err, 400)
	})
	t.Run("unknown droplet", func(t *testing.T) {
		_, _, err := e.client.DropletActions.Reboot(e.ctx, 99)
		wantStatus(t, err, 404)
		_, _, err = e.client.DropletActions.Get(e.ctx, 99, 3000000000)
		wantStatus(t, err, 404)
	})
	if n := len(e.srv.DropletActions(id)); n != 1 { // only the create action
		t.Errorf("refused requests started actions: %d actions", n)
	}
}

func TestActionsByTag(t *testing.T) {
	e := newEnv(t)
	a := e.droplet(emulator.DropletSpec{Name: "a", Tags: []string{"env:prod", "web"}})
	b := e.droplet(emulator.DropletSpec{Name: "b", Tags: []string{"env:prod"}})
	c := e.droplet(emulator.DropletSpec{Name: "c", Tags: []string{"env:dev"}})

	as := must[[]godo.Action](t)(e.client.DropletActions.PowerOffByTag(e.ctx, "env:prod"))
	if len(as) != 2 || as[0].ResourceID != a || as[1].ResourceID != b || as[0].Type != "power_off" {
		t.Fatalf("by-tag actions = %+v", as)
	}
	if !e.get(a).Locked || !e.get(b).Locked || e.get(c).Locked {
		t.Error("lock state after by-tag action is wrong")
	}
	// A tagged droplet that is busy refuses the whole request.
	_, _, err := e.client.DropletActions.PowerOnByTag(e.ctx, "env:prod")
	if er := wantError(t, err, 422); er.Message != "Droplet already has a pending event." {
		t.Errorf("message %q", er.Message)
	}
	e.finish()
	if e.get(a).Status != "off" || e.get(b).Status != "off" || e.get(c).Status != "active" {
		t.Error("power_off by tag did not power off exactly the tagged droplets")
	}

	byTag := []struct {
		typ string
		f   func(tag string) ([]godo.Action, *godo.Response, error)
	}{
		{"power_cycle", func(tag string) ([]godo.Action, *godo.Response, error) {
			return e.client.DropletActions.PowerCycleByTag(e.ctx, tag)
		}},
		{"power_on", func(tag string) ([]godo.Action, *godo.Response, error) {
			return e.client.DropletActions.PowerOnByTag(e.ctx, tag)
		}},
		{"shutdown", func(tag string) ([]godo.Action, *godo.Response, error) {
			return e.client.DropletActions.ShutdownByTag(e.ctx, tag)
		}},
		{"enable_ipv6", func(tag string) ([]godo.Action, *godo.Response, error) {
			return e.client.DropletActions.EnableIPv6ByTag(e.ctx, tag)
		}},
		{"enable_backups", func(tag string) ([]godo.Action, *godo.Response, error) {
			return e.client.DropletActions.EnableBackupsByTag(e.ctx, tag)
		}},
		{"disable_backups", func(tag string) ([]godo.Action, *godo.Response, error) {
			return e.client.DropletActions.DisableBackupsByTag(e.ctx, tag)
		}},
		{"snapshot", func(tag string) ([]godo.Action, *godo.Response, error) {
			return e.client.DropletActions.SnapshotByTag(e.ctx, tag, "nightly")
		}},
		{"enable_private_networking", func(tag string) ([]godo.Action, *godo.Response, error) {
			return e.client.DropletActions.EnablePrivateNetworkingByTag(e.ctx, tag)
		}},
	}
	for _, bt := range byTag {
		typ := bt.typ
		as, resp, err := bt.f("env:prod")
		if err != nil {
			t.Fatalf("%s by tag: %v", typ, err)
		}
		if resp.StatusCode != 201 || len(as) != 2 || as[0].Type != typ {
			t.Errorf("%s by tag: %d %+v", typ, resp.StatusCode, as)
		}
		e.finish()
	}
	if got := e.get(a); !slices.Contains(got.Features, "ipv6") || len(got.SnapshotIDs) != 1 || slices.Contains(got.Features, "backups") {
		t.Errorf("droplet a after by-tag actions: features %v snapshots %v", got.Features, got.SnapshotIDs)
	}

	for _, typ := range []string{"reboot", "restore", "password_reset", "resize", "rebuild", "rename", "change_kernel", "change_backup_policy"} {
		r, _ := e.client.NewRequest(e.ctx, "POST", "v2/droplets/actions?tag_name=env:prod", map[string]any{"type": typ})
		_, err := e.client.Do(e.ctx, r, nil)
		wantStatus(t, err, 422)
	}
	// No droplet carries the tag: nothing to do.
	if as := must[[]godo.Action](t)(e.client.DropletActions.PowerOffByTag(e.ctx, "nobody")); len(as) != 0 {
		t.Errorf("actions for an unused tag: %v", as)
	}
}
