package power

import (
	"testing"
)

// The emulator cannot produce "new" or "archive" droplets on demand, so the mapping is tested here.
func TestDropletPowerStateFromStatus(t *testing.T) {
	cases := []struct {
		status, prior, want string
	}{
		{"active", "off", "on"},
		{"active", "", "on"},
		{"off", "on", "off"},
		{"archive", "on", "off"},
		{"new", "off", "off"},
		{"new", "on", "on"},
		{"new", "", "on"},
		{"unheard-of", "off", "off"},
	}
	for _, c := range cases {
		if got := stateFromStatus(c.status, c.prior); got != c.want {
			t.Errorf("stateFromStatus(%q, %q) = %q, want %q", c.status, c.prior, got, c.want)
		}
	}
}

func TestDropletPowerStatusFor(t *testing.T) {
	if got := statusFor("on"); got != "active" {
		t.Errorf("statusFor(on) = %q", got)
	}
	if got := statusFor("off"); got != "off" {
		t.Errorf("statusFor(off) = %q", got)
	}
}
