package acctest

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/digitalocean/godo"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// Actions lists a droplet's actions through the API, every page, oldest first, leaving out the
// droplet's own create action. An API error fails the test, so a check that finds no action has
// really looked.
func (e *Env) Actions(t testing.TB, id int) []godo.Action {
	t.Helper()
	var all []godo.Action
	opt := &godo.ListOptions{PerPage: 200}
	for {
		page, resp, err := e.Godo.Droplets.Actions(context.Background(), id, opt)
		if err != nil {
			t.Fatalf("list actions of droplet %d: %v", id, err)
		}
		for _, a := range page {
			if a.Type != "create" {
				all = append(all, a)
			}
		}
		if resp.Links == nil || resp.Links.IsLastPage() {
			break
		}
		cur, err := resp.Links.CurrentPage()
		if err != nil {
			t.Fatalf("paginate actions of droplet %d: %v", id, err)
		}
		opt.Page = cur + 1
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	return all
}

// ActionHistory is Actions as "type:status" entries (such as "shutdown:completed"), oldest first.
func (e *Env) ActionHistory(t testing.TB, id int) []string {
	t.Helper()
	as := e.Actions(t, id)
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Type + ":" + a.Status
	}
	return out
}

// ExpectActionHistory checks that the API holds exactly these actions for the droplet after the
// step, as ActionHistory renders them.
func (e *Env) ExpectActionHistory(t testing.TB, id int, want ...string) statecheck.StateCheck {
	return Check(func(context.Context, statecheck.CheckStateRequest) error {
		if got := e.ActionHistory(t, id); !slices.Equal(got, want) {
			return fmt.Errorf("droplet %d: API holds actions %q, want %q", id, got, want)
		}
		return nil
	})
}
