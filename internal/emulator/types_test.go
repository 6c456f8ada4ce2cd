package emulator_test

import (
	"testing"
	"time"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func TestNoEmptyTimestamps(t *testing.T) {
	// Timestamps are RFC 3339 in UTC to the second; unset ones are null.
	e := newEnv(t, func(o *emulator.Options) { o.Droplets = 2 })
	d := e.get(100000)
	if d.CreatedAt.IsZero() || d.CreatedAt.Location() != time.UTC || d.CreatedAt.Nanosecond() != 0 {
		t.Errorf("created_at %v", d.CreatedAt)
	}
}
