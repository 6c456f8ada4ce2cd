package digitalocean

import (
	"context"
	"fmt"
	"sync"

	"github.com/digitalocean/godo"
)

// FindInProgress returns the droplet's newest in-progress action of the given type ("" = any
// type) that this Client did not start itself, or nil when there is none. A re-run after a
// timeout uses it to adopt the action the previous run started instead of starting a second
// one; actions of this Client are left out so two resources of one command never share one.
//
// Terraform creates resources in parallel, so these calls come in bursts. They are answered
// from the account's latest actions (page 1 of GET /v2/actions, read at most a second ago by
// this call or by the waiter), and only droplets that page says nothing about cost a request
// of their own.
func (c *Client) FindInProgress(ctx context.Context, dropletID int, actionType string) (*godo.Action, error) {
	if dropletID < 1 {
		return nil, fmt.Errorf("%w: droplet ID %d", ErrInvalid, dropletID)
	}
	if s := c.waiter.snapshot(ctx, snapshotMaxAge, false); s != nil {
		if a, ok := s.inProgress(dropletID, actionType, c.claims.has); ok {
			return a, nil
		}
	}
	return c.finder.find(ctx, dropletID, actionType)
}

// finder collects FindInProgress calls for a short window and answers them together.
type finder struct {
	c *Client

	mu      sync.Mutex
	pending []findRequest
	ctxs    []context.Context
	armed   bool
}

type findRequest struct {
	dropletID  int
	actionType string
	ch         chan findResult
}

type findResult struct {
	a   *godo.Action
	err error
}

func (f *finder) find(ctx context.Context, dropletID int, actionType string) (*godo.Action, error) {
	ch := make(chan findResult, 1)
	f.mu.Lock()
	f.pending = append(f.pending, findRequest{dropletID: dropletID, actionType: actionType, ch: ch})
	f.ctxs = append(f.ctxs, ctx)
	if !f.armed {
		f.armed = true
		go func() {
			<-f.c.clock.After(policyWindow)
			f.flush()
		}()
	}
	f.mu.Unlock()
	select {
	case res := <-ch:
		return res.a, res.err
	case <-ctx.Done():
		return nil, fmt.Errorf("listing actions of droplet %d: %w", dropletID, classify(ctx.Err()))
	}
}

func (f *finder) flush() {
	f.mu.Lock()
	pending, ctxs := f.pending, f.ctxs
	f.pending, f.ctxs, f.armed = nil, nil, false
	f.mu.Unlock()

	ctx, cancel := batchContext(f.c.bgCtx, ctxs)
	defer cancel()
	droplets := map[int]bool{}
	for _, r := range pending {
		droplets[r.dropletID] = true
	}
	// One page of the account's latest actions costs the same as one droplet's list.
	s := f.c.waiter.snapshot(ctx, snapshotMaxAge, len(droplets) >= 2)
	var rest []findRequest
	for _, r := range pending {
		if s != nil {
			if a, ok := s.inProgress(r.dropletID, r.actionType, f.c.claims.has); ok {
				r.ch <- findResult{a: a}
				continue
			}
		}
		rest = append(rest, r)
	}
	byDroplet := map[int][]findRequest{}
	for _, r := range rest {
		byDroplet[r.dropletID] = append(byDroplet[r.dropletID], r)
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxSingleReads)
	for id, rs := range byDroplet {
		wg.Add(1)
		sem <- struct{}{}
		go func(id int, rs []findRequest) {
			defer wg.Done()
			defer func() { <-sem }()
			as, err := f.c.recentActions(ctx, target{resourceType: "droplet", id: id})
			for _, r := range rs {
				if err != nil {
					r.ch <- findResult{err: fmt.Errorf("listing actions of droplet %d: %w", id, err)}
					continue
				}
				var found *godo.Action
				for i := range as {
					if as[i].Status == godo.ActionInProgress && (r.actionType == "" || as[i].Type == r.actionType) && !f.c.claims.has(as[i].ID) {
						cp := as[i]
						found = &cp
						break
					}
				}
				r.ch <- findResult{a: found}
			}
		}(id, rs)
	}
	wg.Wait()
}
