package dropletaction

import (
	"context"

	"github.com/digitalocean/godo"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
)

// run runs the action through the Client's runner, on the job's droplet or on every droplet
// with its tag, and returns one result per droplet acted on, in droplet ID order.
//
// Every action starts exactly once. An action of the type still in progress that this command
// did not start (the one an earlier, timed-out apply left running) is adopted and waited for
// instead of starting a second one; the Client's claims keep two resources of one apply from
// sharing an action (two snapshots of one droplet with different names are two actions).
func (r *dropletActionResource) run(ctx context.Context, job digitalocean.Job) ([]digitalocean.Result, error) {
	job.Adopt = true
	results, err := r.client.Execute(ctx, job)
	for _, res := range results {
		if res.Adopted {
			tflog.Info(ctx, "adopting droplet action still in progress from an earlier apply", map[string]any{
				"droplet_id": res.DropletID, "action_id": res.Action.ID, "type": res.Action.Type,
			})
		}
	}
	if job.Tag != "" {
		results = ranOn(results)
	}
	return results, err
}

// ranOn leaves out of a by-tag run's results the droplets that lost the tag between the listing
// and the by-tag request: nothing ran on them, so they are not the resource's.
func ranOn(results []digitalocean.Result) []digitalocean.Result {
	var kept []digitalocean.Result
	for _, res := range results {
		if res.Skipped == "" {
			kept = append(kept, res)
		}
	}
	return kept
}

// completed reports whether the droplet's action ran to completion.
func completed(res digitalocean.Result) bool {
	return res.Err == nil && res.Action.ID != 0 && res.Action.Status == godo.ActionCompleted
}
