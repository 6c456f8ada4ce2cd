package emulator_test

import (
	"testing"
	"time"

	"github.com/digitalocean/godo"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func TestIgnoreShutdown(t *testing.T) {
	e := newEnv(t)
	id := e.droplet(emulator.DropletSpec{})
	e.srv.SetIgnoreShutdown(id, true)
	a := must[*godo.Action](t)(e.client.DropletActions.Shutdown(e.ctx, id))
	e.finish()
	if got, _ := e.srv.Action(a.ID); got.Status != "completed" {
		t.Errorf("shutdown ended %s", got.Status)
	}
	if s := e.get(id).Status; s != "active" {
		t.Errorf("status = %s, want active (guest ignored shutdown)", s)
	}
	must[*godo.Action](t)(e.client.DropletActions.PowerOff(e.ctx, id))
	e.finish()
	if s := e.get(id).Status; s != "off" {
		t.Errorf("power_off: status = %s", s)
	}
}

func TestStartActionOutOfBand(t *testing.T) {
	e := newEnv(t)
	id := e.droplet(emulator.DropletSpec{})
	a, err := e.srv.StartAction(id, "backup", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = e.client.DropletActions.Reboot(e.ctx, id)
	wantStatus(t, err, 422)
	if _, err := e.srv.StartAction(id, "reboot", 0); err == nil {
		t.Error("StartAction on a busy droplet succeeded")
	}
	e.clock.Advance(time.Minute)
	if got, _ := e.srv.Action(a.ID); got.Status != "completed" || e.get(id).Locked {
		t.Errorf("out-of-band action %s, locked %v", got.Status, e.get(id).Locked)
	}
	if _, err := e.srv.StartAction(424242, "reboot", 0); err == nil {
		t.Error("StartAction on an unknown droplet succeeded")
	}
	if st := e.srv.Stats(); st.TotalRequests != 1 || st.ActionsStarted["backup"] != 0 {
		t.Errorf("direct calls were counted: %+v", st)
	}
}

func TestIgnoreShutdownForFutureDroplets(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.IgnoreShutdown = []int{100001}; o.ActionDuration = 0 })
	for round := range 2 {
		first := e.droplet(emulator.DropletSpec{})
		second := e.droplet(emulator.DropletSpec{})
		if second != 100001 {
			t.Fatalf("second droplet is %d", second)
		}
		must[*godo.Action](t)(e.client.DropletActions.Shutdown(e.ctx, first))
		must[*godo.Action](t)(e.client.DropletActions.Shutdown(e.ctx, second))
		if e.get(first).Status != "off" || e.get(second).Status != "active" {
			t.Errorf("round %d: %s / %s", round, e.get(first).Status, e.get(second).Status)
		}
		e.srv.Reset() // the setting comes from Options, so it survives
	}
}

func TestSetBackupPolicyOutOfBand(t *testing.T) {
	e := newEnv(t)
	id := e.droplet(emulator.DropletSpec{})
	if err := e.srv.SetBackupPolicy(id, true, emulator.PolicySpec{Plan: "weekly", Weekday: "THU", Hour: intp(12)}); err != nil {
		t.Fatal(err)
	}
	p := must[*godo.DropletBackupPolicy](t)(e.client.Droplets.GetBackupPolicy(e.ctx, id))
	if p.BackupPolicy.Weekday != "THU" || p.BackupPolicy.Hour != 12 {
		t.Errorf("policy %+v", p.BackupPolicy)
	}
	if e.get(id).Locked {
		t.Error("an out-of-band change locked the droplet")
	}
	if err := e.srv.SetBackupPolicy(id, true, emulator.PolicySpec{Hour: intp(13)}); err == nil {
		t.Error("hour 13 accepted")
	}
	if err := e.srv.SetBackupPolicy(id, true, emulator.PolicySpec{Weekday: "XYZ"}); err == nil {
		t.Error("weekday XYZ accepted")
	}
	if err := e.srv.SetBackupPolicy(1, true, emulator.PolicySpec{}); err == nil {
		t.Error("unknown droplet accepted")
	}
	if err := e.srv.SetBackupPolicy(id, false, emulator.PolicySpec{}); err != nil {
		t.Fatal(err)
	}
	if p, _ := e.srv.BackupPolicy(id); p.BackupEnabled {
		t.Error("still enabled")
	}
}
