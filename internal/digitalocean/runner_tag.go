package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/digitalocean/godo"
)

// runTag runs a by-tag job: one Result per droplet that carries the tag.
func (c *Client) runTag(ctx context.Context, job *Job, jp *jobProgress) ([]Result, error) {
	droplets, err := c.DropletsByTag(ctx, job.Tag)
	if err != nil {
		return nil, err
	}
	if len(droplets) == 0 {
		return nil, fmt.Errorf("%w: %q", ErrNoTaggedDroplets, job.Tag)
	}
	sort.Slice(droplets, func(i, j int) bool { return droplets[i].ID < droplets[j].ID })

	var results []Result
	if c.oneRequest(job, droplets) {
		if results, err = c.runTagRequest(ctx, job, droplets, jp); err != nil {
			return nil, err
		}
	} else {
		c.logger.Debug(ctx, "starting droplet by droplet", map[string]any{"tag_name": job.Tag, "droplets": len(droplets)})
		results = c.runEach(ctx, job, droplets, eachStart{}, jp)
	}
	sort.Slice(results, func(i, j int) bool { return results[i].DropletID < results[j].DropletID })
	failed := 0
	for _, r := range results {
		if r.Err != nil {
			failed++
		}
	}
	if failed > 0 {
		return results, &TagError{Tag: job.Tag, Failed: failed, Total: len(results)}
	}
	return results, nil
}

// oneRequest reports whether one by-tag request can start every droplet's action: the same
// action for all, none of them busy (a busy droplet makes the request fail for all; a running
// action is also the only thing to adopt), and none that SkipNoop would leave alone.
func (c *Client) oneRequest(job *Job, droplets []godo.Droplet) bool {
	if job.Decide != nil {
		return false
	}
	return !slices.ContainsFunc(droplets, func(d godo.Droplet) bool {
		return d.Locked || (job.SkipNoop && noop(job.Request.Type, &d) != "")
	})
}

// runTagRequest starts the action on every tagged droplet with one request, then follows each.
// When some droplet turns out busy, each droplet is started on its own. When the answer is lost,
// each droplet's actions show whether the request took effect: its actions are then adopted
// and the droplets without one started on their own; otherwise the request is repeated.
func (c *Client) runTagRequest(ctx context.Context, job *Job, droplets []godo.Droplet, jp *jobProgress) ([]Result, error) {
	req := job.Request
	body, err := req.body()
	if err != nil {
		return nil, err
	}
	path := "v2/droplets/actions?tag_name=" + url.QueryEscape(job.Tag)
	c.ensureActionFloor(ctx)
	for attempt := 1; ; attempt++ {
		attemptAt := c.clock.Now()
		floor := int(c.maxActionID.Load())
		for _, d := range droplets {
			c.policies.invalidate(d.ID)
		}
		var root struct {
			Actions []godo.Action `json:"actions"`
		}
		_, err = c.do(ctx, http.MethodPost, path, body, &root)
		for _, d := range droplets {
			c.policies.invalidate(d.ID)
		}
		if err == nil {
			started := map[int]godo.Action{}
			for _, a := range root.Actions {
				c.sawActions(a)
				c.claims.add(a.ID)
				c.waiter.recordStart(&a, true)
				c.policies.invalidate(a.ResourceID)
				started[a.ResourceID] = a
			}
			for _, a := range root.Actions {
				if !slices.ContainsFunc(droplets, func(d godo.Droplet) bool { return d.ID == a.ResourceID }) {
					// Tagged after the listing: it has an action all the same.
					droplets = append(droplets, godo.Droplet{ID: a.ResourceID})
				}
			}
			return c.runEach(ctx, job, droplets, eachStart{started: started, answered: true}, jp), nil
		}
		if errors.Is(err, ErrPendingEvent) {
			return c.runEach(ctx, job, droplets, eachStart{}, jp), nil
		}
		if !ambiguous(err) {
			return nil, fmt.Errorf("starting %s action on droplets tagged %q: %w", req.Type, job.Tag, err)
		}
		adopted, failed := c.adoptEach(ctx, droplets, req.Type, attemptAt, floor, err)
		if len(adopted) > 0 {
			return c.runEach(ctx, job, droplets, eachStart{started: adopted, failed: failed}, jp), nil
		}
		if len(failed) > 0 {
			return nil, fmt.Errorf("starting %s action on droplets tagged %q: the outcome is unknown (%v) and checking the droplets failed: %w",
				req.Type, job.Tag, err, errors.Join(mapValues(failed)...))
		}
		if attempt > c.retries {
			return nil, fmt.Errorf("starting %s action on droplets tagged %q failed after %d attempts: %w", req.Type, job.Tag, attempt, err)
		}
		if serr := c.backoffSleep(ctx, attempt-1); serr != nil {
			return nil, fmt.Errorf("starting %s action on droplets tagged %q: %w", req.Type, job.Tag, classify(serr))
		}
	}
}

// adoptEach looks on every droplet for the action a by-tag request with a lost answer may have
// started. failed holds the droplets that could not be checked: starting them again could
// start a second action, so they are reported instead.
func (c *Client) adoptEach(ctx context.Context, droplets []godo.Droplet, actionType string, attemptAt time.Time, floor int, cause error) (adopted map[int]godo.Action, failed map[int]error) {
	adopted, failed = map[int]godo.Action{}, map[int]error{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxParallelStarts)
	for _, d := range droplets {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			a, err := c.adopt(ctx, target{resourceType: "droplet", id: id, actionType: actionType}, attemptAt, &seenActions{ids: map[int]bool{}, maxID: floor})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				failed[id] = fmt.Errorf("starting %s action on droplet %d: the outcome of the by-tag request is unknown (%v) and checking the droplet failed: %w", actionType, id, cause, err)
			case a != nil:
				c.claims.add(a.ID)
				c.waiter.recordStart(a, false)
				adopted[id] = *a
			}
		}(d.ID)
	}
	wg.Wait()
	return adopted, failed
}

// eachStart is what a by-tag request left for runEach.
type eachStart struct {
	started map[int]godo.Action // droplet ID → its action, started or adopted
	failed  map[int]error       // droplets that must not be started on their own
	// answered: the by-tag request's answer listed every action it started, so a droplet
	// without one was untagged in between.
	answered bool
}

// runEach finishes every droplet's run: those with an action follow it, those that failed
// report why, the others start on their own (a few at a time) and follow theirs.
func (c *Client) runEach(ctx context.Context, job *Job, droplets []godo.Droplet, from eachStart, jp *jobProgress) []Result {
	results := make([]Result, len(droplets))
	sem := make(chan struct{}, maxParallelStarts)
	var wg sync.WaitGroup
	for i := range droplets {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			d := &droplets[i]
			r := c.newRun(job, d.ID, d, jp)
			defer func() { results[i] = r.res }()
			if err, ok := from.failed[d.ID]; ok {
				r.fail(err)
				return
			}
			if a, ok := from.started[d.ID]; ok {
				r.started(a)
				r.finish(ctx, a)
				return
			}
			if from.answered {
				r.skip("the droplet no longer had the tag when the by-tag request was sent")
				return
			}
			sem <- struct{}{}
			a := r.begin(ctx)
			<-sem
			if a != nil {
				r.finish(ctx, *a)
			}
		}(i)
	}
	wg.Wait()
	return results
}

func mapValues(m map[int]error) []error {
	out := make([]error, 0, len(m))
	for _, e := range m {
		out = append(out, e)
	}
	return out
}
