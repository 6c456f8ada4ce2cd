package digitalocean

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// heartbeatEvery is the longest a Job's Progress goes without an event while the runner waits.
const heartbeatEvery = 10 * time.Second

// EventKind says what an Event reports.
type EventKind string

// The kinds of Event, in the order a droplet sees them. Every droplet of a Job ends with
// exactly one EventDone or EventSkipped.
const (
	// EventStarted: the action was started (ActionID, ActionType, Status).
	EventStarted EventKind = "started"
	// EventAdopted: an action of the type already in progress, which this Client did not
	// start, is followed instead of starting another (Job.Adopt).
	EventAdopted EventKind = "adopted"
	// EventBusy: the droplet is busy, so the start waits. ActionID is the blocking action when
	// one is visible; Reason says what the wait is for.
	EventBusy EventKind = "busy"
	// EventStatus: an action's status changed (Status), Elapsed after it started.
	EventStatus EventKind = "status"
	// EventWaiting: a heartbeat, sent when nothing else was reported for heartbeatEvery.
	EventWaiting EventKind = "waiting"
	// EventFallback: a shutdown did not switch the droplet off within Job.ForceAfter (or
	// errored), so power_off follows. Reason says which.
	EventFallback EventKind = "fallback"
	// EventDone: the droplet's run ended, Elapsed after its action started; Err is set when it
	// failed.
	EventDone EventKind = "done"
	// EventSkipped: nothing was sent; Reason says why.
	EventSkipped EventKind = "skipped"
)

// Event is one line of a Job's progress. Events of one droplet arrive in order; a Job's
// Progress function is never called concurrently.
type Event struct {
	Kind        EventKind
	At          time.Time // on the Client's clock
	DropletID   int
	DropletName string // when known: always with Job.Progress set
	ActionID    int
	ActionType  string
	Status      string
	Elapsed     time.Duration
	Reason      string
	Err         error
}

// String is the event as a line a person reads, such as
// `droplet web-1 (100001): snapshot action 42 completed after 31s`.
func (e Event) String() string {
	who := fmt.Sprintf("droplet %d", e.DropletID)
	if e.DropletName != "" {
		who = fmt.Sprintf("droplet %s (%d)", e.DropletName, e.DropletID)
	}
	what := "action"
	if e.ActionType != "" {
		what = e.ActionType + " action"
	}
	if e.ActionID != 0 {
		what += fmt.Sprintf(" %d", e.ActionID)
	}
	elapsed := e.Elapsed.Round(time.Second).String()
	switch e.Kind {
	case EventStarted:
		return fmt.Sprintf("%s: %s started (%s)", who, what, status(e.Status))
	case EventAdopted:
		return fmt.Sprintf("%s: %s was already in progress; waiting for it instead of starting another", who, what)
	case EventStatus:
		return fmt.Sprintf("%s: %s is %s after %s", who, what, status(e.Status), elapsed)
	case EventWaiting:
		if e.Reason != "" {
			return fmt.Sprintf("%s: %s (%s so far)", who, e.Reason, elapsed)
		}
		return fmt.Sprintf("%s: %s still %s after %s", who, what, status(e.Status), elapsed)
	case EventDone:
		if e.Err != nil {
			return fmt.Sprintf("%s: %s failed after %s: %v", who, what, elapsed, e.Err)
		}
		return fmt.Sprintf("%s: %s %s after %s", who, what, status(e.Status), elapsed)
	case EventSkipped:
		return fmt.Sprintf("%s: nothing sent: %s", who, e.Reason)
	default:
		return fmt.Sprintf("%s: %s", who, e.Reason)
	}
}

func status(s string) string {
	if s == "" {
		return "status unknown"
	}
	return s
}

// jobProgress serialises the Progress calls of one Job.
type jobProgress struct {
	mu sync.Mutex
	fn func(Event)
}

// forDroplet returns the reporter of one droplet's events; nil (which reports nothing) when
// the Job has no Progress.
func (j *jobProgress) forDroplet(c *Client, id int, name string) *progress {
	if j == nil || j.fn == nil {
		return nil
	}
	return &progress{c: c, job: j, droplet: id, name: name, last: c.clock.Now()}
}

// progress reports one droplet's events. A nil *progress reports nothing and costs nothing.
type progress struct {
	c       *Client
	job     *jobProgress
	droplet int
	name    string
	last    time.Time // when the droplet's last event was sent; guarded by job.mu
}

func (p *progress) setName(name string) {
	if p == nil {
		return
	}
	p.job.mu.Lock()
	p.name = name
	p.job.mu.Unlock()
}

func (p *progress) emit(e Event) {
	if p == nil {
		return
	}
	p.job.mu.Lock()
	defer p.job.mu.Unlock()
	e.At = p.c.clock.Now()
	e.DropletID, e.DropletName = p.droplet, p.name
	p.last = e.At
	p.job.fn(e)
}

func (p *progress) lastAt() time.Time {
	p.job.mu.Lock()
	defer p.job.mu.Unlock()
	return p.last
}

// while runs f and, until it returns, sends the heartbeat beat makes whenever heartbeatEvery
// has passed since the droplet's last event.
func (p *progress) while(beat func() Event, f func()) {
	if p == nil {
		f()
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	for {
		wait := p.lastAt().Add(heartbeatEvery).Sub(p.c.clock.Now())
		if wait <= 0 {
			e := beat()
			e.Kind = EventWaiting
			p.emit(e)
			continue
		}
		select {
		case <-done:
			return
		case <-p.c.clock.After(wait):
		}
	}
}

// sleep waits for d on the Client's clock, or until ctx ends, with heartbeats.
func (p *progress) sleep(ctx context.Context, c *Client, d time.Duration, beat func() Event) error {
	var err error
	p.while(beat, func() { err = sleep(ctx, c.clock, d) })
	return err
}
