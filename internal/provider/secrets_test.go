package provider_test

import (
	"os"
	"testing"

	"github.com/dropletops/terraform-provider-droplet/internal/acctest"
)

// TestMain runs the suite under acctest's secret scan: the API token must never appear in a log,
// a diagnostic or a state file of any test. The CLI tests share one build of the provider, removed
// once the suite is done.
func TestMain(m *testing.M) {
	code := acctest.RunWithSecretScan(m)
	removeBuiltProvider()
	os.Exit(code)
}
