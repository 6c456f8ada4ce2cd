package digitalocean

import (
	"context"
	"time"
)

// clock is the time source of a Client. Tests replace it so waits that would take minutes of
// real time (a 60-second request budget window, a Retry-After) happen in virtual time.
type clock interface {
	Now() time.Time
	// After behaves like time.After.
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// sleep waits for d on c, or until ctx ends.
func sleep(ctx context.Context, c clock, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-c.After(d):
		return nil
	}
}

// fitsDeadline reports whether a wait of d still ends before ctx's deadline. It takes the
// clock the wait will run on, like every wait here, but does not read it (see below).
func fitsDeadline(ctx context.Context, _ clock, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	if !ok {
		return true
	}
	// The deadline is in real time; compare against the real remaining time so a virtual clock
	// in tests does not misjudge it.
	return time.Until(dl) > d
}
