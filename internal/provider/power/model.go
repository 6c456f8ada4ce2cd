package power

import (
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
