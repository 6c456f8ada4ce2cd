package emulator_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func TestConcurrentFaultSettings(t *testing.T) {
	// Changing faults while requests run is safe (checked under -race).
	e := newEnv(t)
	id := e.droplet(emulator.DropletSpec{})
	var stop atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; !stop.Load(); i++ {
			d := time.Duration(i%3) * time.Second
			e.srv.SetFaults(emulator.Faults{ActionDuration: &d, ActionDurations: map[string]time.Duration{"reboot": d}})
		}
	}()
	for range 50 {
		if _, _, err := e.client.Droplets.Get(e.ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	<-done
}
