package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/digitalocean/godo"
)

// Job is one run of the action runner: an action on one droplet, or on every droplet that
// carries a tag. Set exactly one of DropletID and Tag, and exactly one of Request and Decide.
type Job struct {
	DropletID int
	// Tag runs the job on every droplet with the tag: with a Request of a type DigitalOcean
	// accepts by tag, one by-tag request starts every action when no droplet is busy; otherwise
	// each droplet is started on its own. Each droplet gets its own Result.
	Tag string

	// Request is the action to run.
	Request ActionRequest
	// Decide chooses the action from what the droplet holds now, for changes that depend on it
	// (backup policies): nil means nothing is needed, and Skip gives a reason. It is called
	// again after a busy droplet was waited for, because the action the droplet was busy with
	// (often the same change, left running by an earlier run that timed out) may have made the
	// change already; the Client's cached backup policy of the droplet is stale by then.
	Decide func(ctx context.Context, dropletID int) (*ActionRequest, error)

	// Adopt follows an in-progress action of the same type that this Client did not start (one
	// an earlier command left running when it timed out) instead of starting another. The
	// adopted action is claimed, so no other job of this Client adopts it too.
	Adopt bool
	// SkipNoop sends nothing where the action would change nothing: power_on on an active
	// droplet (or a new one, which boots by itself), power_off or shutdown on one that is off.
	// A droplet busy with another action is waited for before its status is judged.
	SkipNoop bool
	// ForceAfter, with shutdown, powers the droplet off when it is not off this long after the
	// shutdown request (measured on the Client's clock), or when the shutdown errors.
	ForceAfter time.Duration
	// NoForceOnError, with ForceAfter, ends the run with the error of a shutdown that errored
	// instead of powering the droplet off: only a guest that ignores the request is forced.
	NoForceOnError bool

	// Progress, when set, receives what happens to each droplet (see Event), including a
	// heartbeat at least every 10 s while the runner waits. Setting it costs one droplet read
	// per droplet job, to name the droplet.
	Progress func(Event)
}

// Result is what happened on one droplet.
type Result struct {
	DropletID   int
	DropletName string // known for by-tag jobs and when Progress or SkipNoop needed a read
	// DropletStatus is the droplet's status when the runner last read it, "" when it read
	// none: after a SkipNoop skip, the status that made the action needless; after a shutdown
	// with ForceAfter that the guest obeyed, off.
	DropletStatus string
	// Action is the action started or adopted, in its last known state; ID 0 when none was.
	Action godo.Action
	// Adopted: Action was already in progress and was followed instead of starting one.
	Adopted bool
	// PowerOff is the power_off that followed a shutdown (Job.ForceAfter); nil when none did.
	PowerOff *godo.Action
	// Skipped says why nothing was sent (Job.SkipNoop, Decide); empty otherwise.
	Skipped string
	// Err is why the droplet's run failed: the start failed (Action.ID 0), or the action errored
	// or was still running when ctx ended (an *ActionError).
	Err error
}

// ErrNoTaggedDroplets is returned by Execute when no droplet carries the job's tag.
var ErrNoTaggedDroplets = errors.New("no droplet has the tag")

// TagError is Execute's error when some droplets of a by-tag job failed. It names no cause:
// each failed Result carries its own.
type TagError struct {
	Tag           string
	Failed, Total int
}

func (e *TagError) Error() string {
	return fmt.Sprintf("the job failed on %d of %d droplets tagged %q", e.Failed, e.Total, e.Tag)
}

// Skip is what a Decide function returns to send nothing, with the reason the Result and the
// skipped event carry.
func Skip(reason string) error { return &skipError{reason: reason} }

type skipError struct{ reason string }

func (e *skipError) Error() string { return "nothing to send: " + e.reason }

// maxParallelStarts bounds the droplets of a by-tag job that start at the same time (the
// Client paces the requests themselves; this bounds the goroutines waiting on busy droplets).
const maxParallelStarts = 8

// Execute runs the job: every action starts exactly once (a busy droplet is waited for, a lost
// answer is recovered by finding the action it started) and is waited for until it completed
// or errored, or ctx ends. Results are in droplet ID order.
//
// The error is nil when every droplet succeeded or was skipped. For a droplet job it is the
// droplet's Result.Err. For a by-tag job it is a *TagError when some droplets failed, or, with
// no results, why the job could not run at all: ErrInvalid, the listing failing, or
// ErrNoTaggedDroplets.
func (c *Client) Execute(ctx context.Context, job Job) ([]Result, error) {
	if err := job.validate(); err != nil {
		return nil, err
	}
	jp := &jobProgress{fn: job.Progress}
	if job.Tag != "" {
		return c.runTag(ctx, &job, jp)
	}
	r := c.newRun(&job, job.DropletID, nil, jp)
	r.run(ctx)
	return []Result{r.res}, r.res.Err
}

func (j *Job) validate() error {
	switch {
	case j.DropletID < 0 || (j.DropletID == 0) == (j.Tag == ""):
		return fmt.Errorf("%w: a job needs either a droplet ID or a tag (droplet ID %d, tag %q)", ErrInvalid, j.DropletID, j.Tag)
	case j.Decide != nil && j.Request.Type != "":
		return fmt.Errorf("%w: a job has either a Request or a Decide function, not both", ErrInvalid)
	case j.ForceAfter < 0:
		return fmt.Errorf("%w: ForceAfter must not be negative", ErrInvalid)
	case j.ForceAfter > 0 && j.Decide == nil && j.Request.Type != "shutdown":
		return fmt.Errorf("%w: ForceAfter only applies to shutdown, not %s", ErrInvalid, j.Request.Type)
	case j.NoForceOnError && j.ForceAfter == 0:
		return fmt.Errorf("%w: NoForceOnError only applies with ForceAfter", ErrInvalid)
	}
	if j.Decide != nil {
		return nil
	}
	if _, err := j.Request.body(); err != nil {
		return err
	}
	if j.Tag != "" && !AllowedByTag(j.Request.Type) {
		return fmt.Errorf("%w: DigitalOcean does not run %s by tag", ErrInvalid, j.Request.Type)
	}
	if j.Tag != "" && j.Request.BackupPolicy != nil {
		// The by-tag request has no backup policy; sending one droplet by droplet instead would
		// not be what was asked.
		return fmt.Errorf("%w: a backup policy cannot be sent by tag", ErrInvalid)
	}
	return nil
}

// dropletRun is the runner's work on one droplet.
type dropletRun struct {
	c    *Client
	job  *Job
	res  Result
	prog *progress
	// droplet is the droplet as last read, for SkipNoop and adoption; nil when not read.
	droplet *godo.Droplet
	st      *startState
	began   time.Time // when the action started or was adopted
}

func (c *Client) newRun(job *Job, id int, d *godo.Droplet, jp *jobProgress) *dropletRun {
	r := &dropletRun{c: c, job: job, res: Result{DropletID: id}, droplet: d}
	if d != nil {
		r.res.DropletName = d.Name
	}
	r.prog = jp.forDroplet(c, id, r.res.DropletName)
	r.st = newStartState(r.prog)
	return r
}

// run starts (or adopts, or skips) and follows the droplet's action.
func (r *dropletRun) run(ctx context.Context) {
	if a := r.begin(ctx); a != nil {
		r.finish(ctx, *a)
	}
}

func (r *dropletRun) fail(err error) {
	r.res.Err = err
	r.noteStatus()
	e := Event{Kind: EventDone, Err: err, ActionID: r.res.Action.ID, ActionType: r.res.Action.Type, Status: r.res.Action.Status}
	if e.ActionType == "" {
		e.ActionType = r.job.Request.Type // nothing started: name what was asked for
	}
	if !r.began.IsZero() {
		e.Elapsed = r.c.clock.Now().Sub(r.began)
	}
	r.prog.emit(e)
}

func (r *dropletRun) skip(reason string) {
	r.res.Skipped = reason
	r.noteStatus()
	r.prog.emit(Event{Kind: EventSkipped, Reason: reason})
}

// noteStatus records, as the run ends, the droplet's status as last read.
func (r *dropletRun) noteStatus() {
	if r.droplet != nil {
		r.res.DropletStatus = r.droplet.Status
	}
}

func (r *dropletRun) read(ctx context.Context) error {
	d, err := r.c.Droplet(ctx, r.res.DropletID)
	if err != nil {
		return err
	}
	r.droplet = d
	r.res.DropletName = d.Name
	r.prog.setName(d.Name)
	return nil
}

// begin starts the droplet's action, or adopts one, and returns it; nil when the run ended
// (skipped or failed) with the Result set.
func (r *dropletRun) begin(ctx context.Context) *godo.Action {
	c, id := r.c, r.res.DropletID
	if r.droplet == nil && (r.job.Progress != nil || r.job.SkipNoop) {
		if err := r.read(ctx); err != nil {
			r.fail(err)
			return nil
		}
	}
	for {
		req, err := r.decide(ctx)
		var skip *skipError
		switch {
		case errors.As(err, &skip):
			r.skip(skip.reason)
			return nil
		case err != nil:
			r.fail(err)
			return nil
		case req == nil:
			r.skip("nothing to change")
			return nil
		}
		body, err := req.body()
		if err != nil {
			r.fail(err)
			return nil
		}
		if r.job.Adopt {
			a, err := r.adoptable(ctx, req.Type)
			if err != nil {
				r.fail(err)
				return nil
			}
			if a != nil {
				r.res.Action, r.res.Adopted, r.began = *a, true, c.clock.Now()
				r.prog.emit(Event{Kind: EventAdopted, ActionID: a.ID, ActionType: a.Type, Status: a.Status})
				return a
			}
		}
		// After adoption: an action of this type left running is followed rather than waited
		// out and then judged needless.
		if r.job.SkipNoop {
			if r.droplet.Locked {
				if err := r.waitIdleThenRead(ctx, req.Type); err != nil {
					r.fail(err)
					return nil
				}
				continue
			}
			if reason := noop(req.Type, r.droplet); reason != "" {
				r.skip(reason)
				return nil
			}
		}
		a, err := c.start(ctx, dropletTarget(id, *req), body, r.st, r.job.Decide != nil || r.job.SkipNoop)
		if errors.Is(err, errIdleAgain) {
			c.policies.invalidate(id)
			r.droplet = r.st.droplet
			if r.job.SkipNoop && r.droplet == nil {
				if err := r.read(ctx); err != nil {
					r.fail(err)
					return nil
				}
			}
			continue
		}
		if err != nil {
			r.fail(err)
			return nil
		}
		r.started(*a)
		return a
	}
}

func (r *dropletRun) started(a godo.Action) {
	r.res.Action, r.began = a, r.c.clock.Now()
	r.prog.emit(Event{Kind: EventStarted, ActionID: a.ID, ActionType: a.Type, Status: a.Status})
}

// decide returns the job's request, or asks Decide. A decision after a wait for a lock with
// no visible action is paced like every other request of that wait.
func (r *dropletRun) decide(ctx context.Context) (*ActionRequest, error) {
	if r.job.Decide == nil {
		req := r.job.Request
		return &req, nil
	}
	t := target{resourceType: "droplet", id: r.res.DropletID}
	if err := r.st.busy.pace(ctx, r.c, t, r.prog, busySpacing); err != nil {
		return nil, err
	}
	req, err := r.job.Decide(ctx, r.res.DropletID)
	r.st.busy.sent(r.c)
	return req, err
}

// waitIdleThenRead waits out the droplet's lock and reads it again.
func (r *dropletRun) waitIdleThenRead(ctx context.Context, actionType string) error {
	d, err := r.c.waitIdle(ctx, target{resourceType: "droplet", id: r.res.DropletID, actionType: actionType}, r.st)
	if err != nil {
		return err
	}
	if d != nil {
		r.droplet = d
		return nil
	}
	return r.read(ctx)
}

// adoptable returns the droplet's in-progress action of the type that no job of this Client
// has claimed, claiming it; nil when there is none.
func (r *dropletRun) adoptable(ctx context.Context, actionType string) (*godo.Action, error) {
	if r.droplet != nil && !r.droplet.Locked {
		// A running action locks its droplet: there is nothing to adopt.
		return nil, nil
	}
	a, err := r.c.FindInProgress(ctx, r.res.DropletID, actionType)
	if err != nil {
		return nil, fmt.Errorf("checking droplet %d for a %s action still in progress: %w", r.res.DropletID, actionType, err)
	}
	if a == nil || !r.c.claims.claim(a.ID) {
		return nil, nil
	}
	r.c.logger.Debug(ctx, "adopting a droplet action already in progress", map[string]any{
		"droplet_id": r.res.DropletID, "action_id": a.ID, "action_type": a.Type,
	})
	r.c.waiter.recordStart(a, false)
	return a, nil
}

// finish follows the started action to its end, and a shutdown to the droplet being off.
func (r *dropletRun) finish(ctx context.Context, a godo.Action) {
	if a.Type == "shutdown" && r.job.ForceAfter > 0 {
		r.shutdown(ctx, a)
		return
	}
	got, err := r.follow(ctx, a)
	r.res.Action = got
	r.done(err)
}

func (r *dropletRun) done(err error) {
	if err != nil {
		r.fail(err)
		return
	}
	r.noteStatus()
	last := r.res.Action
	if r.res.PowerOff != nil {
		last = *r.res.PowerOff
	}
	r.prog.emit(Event{Kind: EventDone, ActionID: last.ID, ActionType: last.Type, Status: last.Status, Elapsed: r.c.clock.Now().Sub(r.began)})
}

// follow waits for the action, reporting its status change and heartbeats.
func (r *dropletRun) follow(ctx context.Context, a godo.Action) (godo.Action, error) {
	return r.followWith(ctx, a, func(ctx context.Context, a *godo.Action) (*godo.Action, error) { return r.c.wait1(ctx, a) })
}

// wait1 waits for one action whose start answer is known.
func (c *Client) wait1(ctx context.Context, a *godo.Action) (*godo.Action, error) {
	as, err := c.waitActions(ctx, []godo.Action{*a})
	if a.ResourceType == "" || a.ResourceType == "droplet" {
		// DigitalOcean applies a droplet action's change when the action ends: a policy read
		// while it ran holds the old value and must not answer the read-back that follows.
		c.policies.invalidate(a.ResourceID)
	}
	if len(as) == 1 {
		return &as[0], err
	}
	return a, err
}

func (r *dropletRun) followWith(ctx context.Context, a godo.Action, wait func(context.Context, *godo.Action) (*godo.Action, error)) (godo.Action, error) {
	c := r.c
	since := c.clock.Now()
	var got *godo.Action
	var err error
	r.prog.while(func() Event {
		return Event{ActionID: a.ID, ActionType: a.Type, Status: a.Status, Elapsed: c.clock.Now().Sub(since)}
	}, func() { got, err = wait(ctx, &a) })
	if got == nil {
		got = &a
	}
	if got.Status != "" && got.Status != a.Status {
		r.prog.emit(Event{Kind: EventStatus, ActionID: got.ID, ActionType: got.Type, Status: got.Status, Elapsed: c.clock.Now().Sub(since)})
	}
	return *got, err
}
