package acctest

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// Test runs steps against the provider served in the test process.
func Test(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: ProtoV6ProviderFactories(), Steps: steps})
}

// ParallelTest is Test for a test that may run beside others.
func ParallelTest(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: ProtoV6ProviderFactories(), Steps: steps})
}
