package digitalocean

import (
	"context"
	"errors"
	"fmt"

	"github.com/digitalocean/godo"
)

// The operations below predate Execute and are kept, as thin wrappers over it, until every
// caller uses Execute.

// Run starts the action exactly once and waits until it completed or errored.
func (c *Client) Run(ctx context.Context, dropletID int, req ActionRequest) (*godo.Action, error) {
	if dropletID < 1 {
		return nil, fmt.Errorf("%w: droplet ID %d", ErrInvalid, dropletID)
	}
	res, err := c.Execute(ctx, Job{DropletID: dropletID, Request: req})
	return resultAction(res), err
}

// Converge decides what the droplet needs and runs it (see Job.Decide): decide returns the
// action to start, or nil when there is nothing to do. It returns nil and no error when the
// last decision was that nothing is needed; otherwise the action in its last known state.
//
// In the usual case (droplet idle) it costs what decide reads plus one POST and the wait.
func (c *Client) Converge(ctx context.Context, dropletID int, decide func(ctx context.Context) (*ActionRequest, error)) (*godo.Action, error) {
	if dropletID < 1 {
		return nil, fmt.Errorf("%w: droplet ID %d", ErrInvalid, dropletID)
	}
	res, err := c.Execute(ctx, Job{DropletID: dropletID, Decide: func(ctx context.Context, _ int) (*ActionRequest, error) { return decide(ctx) }})
	return resultAction(res), err
}

// RunByTag starts the action on every droplet carrying tag and waits for all of them. It
// returns the actions, in their last known state, and every droplet's error joined.
func (c *Client) RunByTag(ctx context.Context, tag string, req ActionRequest) ([]godo.Action, error) {
	if tag == "" {
		return nil, fmt.Errorf("%w: tag is required", ErrInvalid)
	}
	res, err := c.Execute(ctx, Job{Tag: tag, Request: req})
	if errors.Is(err, ErrNoTaggedDroplets) {
		return nil, nil
	}
	var as []godo.Action
	var errs []error
	for _, r := range res {
		if r.Action.ID != 0 {
			as = append(as, r.Action)
		}
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
	}
	if len(res) == 0 {
		return nil, err
	}
	return as, errors.Join(errs...)
}

func resultAction(res []Result) *godo.Action {
	if len(res) != 1 || res[0].Action.ID == 0 {
		return nil
	}
	a := res[0].Action
	return &a
}

func (c *Client) wait1(ctx context.Context, a *godo.Action) (*godo.Action, error) {
	as, err := c.waitActions(ctx, []godo.Action{*a})
	if len(as) == 1 {
		return &as[0], err
	}
	return a, err
}
