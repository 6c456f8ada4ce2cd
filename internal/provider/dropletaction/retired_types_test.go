package dropletaction_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/dropletops/terraform-provider-droplet/internal/acctest"
)

// A type DigitalOcean retired is refused at plan time with the reason and what to use instead,
// on any Terraform or OpenTofu, before any request.
func TestAccDropletAction_retiredTypeExplained(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: env.Config(`
resource "droplet_action" "test" {
  droplet_id = 1
  type       = "enable_private_networking"
}
`),
			PlanOnly: true,
			ExpectError: actionErrorText(`Droplet action type "enable_private_networking" is retired`, "every droplet is now created in a VPC",
				"ipv4_address_private"),
		}, after(env, t, func() {
			if n := env.Emulator.Server.Stats().TotalRequests; n != 0 {
				t.Errorf("%d requests reached the API, want none", n)
			}
		})},
	})
}
