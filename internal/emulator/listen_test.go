package emulator_test

import (
	"testing"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func TestStartRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "192.0.2.1:80", ":8080", "example.com:80"} {
		if _, err := emulator.StartOn(addr, emulator.Options{}); err == nil {
			t.Errorf("StartOn(%q) accepted", addr)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0"} {
		r, err := emulator.StartOn(addr, emulator.Options{})
		if err != nil {
			t.Errorf("StartOn(%q): %v", addr, err)
			continue
		}
		r.Close()
	}
}
