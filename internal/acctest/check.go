package acctest

import (
	"context"
	"fmt"
	"strconv"

	"github.com/digitalocean/godo"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// Check is a state check written as a function: it sees the state Terraform reports after the
// step, may read the API, and fails the step with the error it returns.
type Check func(ctx context.Context, req statecheck.CheckStateRequest) error

// CheckState implements statecheck.StateCheck.
func (f Check) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f(ctx, req)
}

// Attributes returns the attribute values of the resource at addr in the state a check sees, or
// an error when the state does not hold it.
func Attributes(req statecheck.CheckStateRequest, addr string) (map[string]any, error) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		return nil, fmt.Errorf("no state")
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address == addr {
			return r.AttributeValues, nil
		}
	}
	return nil, fmt.Errorf("%s is not in the state", addr)
}

// Ints reads a list of numbers from a resource's attribute values; entries that are not numbers
// are left out.
func Ints(attrs map[string]any, name string) []int {
	raw, _ := attrs[name].([]any)
	out := make([]int, 0, len(raw))
	for _, v := range raw {
		if n, err := strconv.Atoi(fmt.Sprint(v)); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// ExpectDroplet checks the droplet as the API reports it after the step.
func (e *Env) ExpectDroplet(id int, check func(d *godo.Droplet) error) statecheck.StateCheck {
	return Check(func(ctx context.Context, _ statecheck.CheckStateRequest) error {
		d, _, err := e.Godo.Droplets.Get(ctx, id)
		if err != nil {
			return fmt.Errorf("read droplet %d: %w", id, err)
		}
		if err := check(d); err != nil {
			return fmt.Errorf("droplet %d: %w", id, err)
		}
		return nil
	})
}

// DropletStatus is a check for ExpectDroplet: the droplet reports this status.
func DropletStatus(status string) func(d *godo.Droplet) error {
	return func(d *godo.Droplet) error {
		if d.Status != status {
			return fmt.Errorf("status %q, want %q", d.Status, status)
		}
		return nil
	}
}
