package digitalocean

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/digitalocean/godo"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func TestWaitDropletReachesStatus(t *testing.T) {
	_, id, c := emulatedDroplet(t, emulator.Options{ActionDuration: 300 * time.Millisecond})
	ctx := ctxTimeout(t, 10*time.Second)
	if _, err := c.Start(ctx, id, ActionRequest{Type: "power_off"}); err != nil {
		t.Fatal(err)
	}
	d, err := c.WaitDroplet(ctx, id, func(d *godo.Droplet) bool { return d.Status == "off" && !d.Locked })
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != id || d.Status != "off" || d.Locked {
		t.Errorf("droplet %d status %q locked %v", d.ID, d.Status, d.Locked)
	}
}

func TestWaitDropletEndsWithContext(t *testing.T) {
	_, id, c := emulatedDroplet(t, emulator.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	d, err := c.WaitDroplet(ctx, id, func(d *godo.Droplet) bool { return d.Status == "off" })
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
	if d == nil || d.Status != "active" {
		t.Errorf("last droplet %+v, want the active one last read", d)
	}
	for _, part := range []string{"droplet", "active"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("message %q lacks %q", err, part)
		}
	}

	cctx, ccancel := context.WithCancel(context.Background())
	ccancel()
	if _, err := c.WaitDroplet(cctx, id, func(*godo.Droplet) bool { return false }); !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
		t.Errorf("canceled: %v", err)
	}
}

func TestWaitDropletGone(t *testing.T) {
	r := startEmulator(t, emulator.Options{})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	r.Server.DeleteDroplet(id)
	c := newTestClient(t, testConfig(r))
	if _, err := c.WaitDroplet(ctxTimeout(t, 5*time.Second), id, func(*godo.Droplet) bool { return true }); !errors.Is(err, ErrNotFound) {
		t.Errorf("got %v, want ErrNotFound", err)
	}
}

// A droplet busy with an action started elsewhere is idle once that action ends, whether it
// completed or errored.
func TestWaitIdle(t *testing.T) {
	r, id, c := emulatedDroplet(t, emulator.Options{})
	ctx := ctxTimeout(t, 10*time.Second)

	d, err := c.WaitIdle(ctx, id)
	if err != nil || d.Locked {
		t.Fatalf("idle droplet: %+v, %v", d, err)
	}

	busy, err := r.Server.StartAction(id, "snapshot", 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	d, err = c.WaitIdle(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Locked {
		t.Error("droplet still locked")
	}
	if a, _ := r.Server.Action(busy.ID); a.Status == "in-progress" {
		t.Errorf("returned while action %d is still running", busy.ID)
	}

	r.Server.FailNextAction(id, "reboot")
	if _, err := r.Server.StartAction(id, "reboot", 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if d, err = c.WaitIdle(ctx, id); err != nil || d.Locked {
		t.Errorf("after an errored action elsewhere: %+v, %v", d, err)
	}
}

func TestWaitIdleEndsWithContext(t *testing.T) {
	r := startEmulator(t, emulator.Options{})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	if _, err := r.Server.StartAction(id, "snapshot", time.Hour); err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, testConfig(r))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := c.WaitIdle(ctx, id); !errors.Is(err, ErrTimeout) {
		t.Errorf("got %v, want ErrTimeout", err)
	}
}
