package power

import (
	"strconv"

	"github.com/digitalocean/godo"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type dropletPowerModel struct {
	ID              types.String   `tfsdk:"id"`
	DropletID       types.Int64    `tfsdk:"droplet_id"`
	State           types.String   `tfsdk:"state"`
	Shutdown        types.String   `tfsdk:"shutdown"`
	GracefulTimeout types.String   `tfsdk:"graceful_timeout"`
	Status          types.String   `tfsdk:"status"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

// readState is what droplet_power stores for its droplet (prior.DropletID) when DigitalOcean
// reports droplet d: its status and the power state that means, with prior's settings. Read and
// the list resource both use it, so a listed droplet is stored exactly as an import would store
// it. An import, or a listed droplet, leaves the arguments with defaults unset; they are filled so
// a configuration that leaves them out plans no change.
func readState(prior dropletPowerModel, d *godo.Droplet) dropletPowerModel {
	state := prior
	state.ID = types.StringValue(strconv.FormatInt(prior.DropletID.ValueInt64(), 10))
	state.Status = types.StringValue(d.Status)
	state.State = types.StringValue(stateFromStatus(d.Status, prior.State.ValueString()))
	if state.Shutdown.IsNull() {
		state.Shutdown = types.StringValue(shutdownGraceful)
	}
	if state.GracefulTimeout.IsNull() {
		state.GracefulTimeout = types.StringValue(defaultGracefulTimeout)
	}
	return state
}
