package power_test

import (
	"os"
	"testing"

	"github.com/dropletops/terraform-provider-droplet/internal/acctest"
)

// TestMain runs the suite under acctest's secret scan: the API token must never appear in a log,
// a diagnostic or a state file of any test.
func TestMain(m *testing.M) { os.Exit(acctest.RunWithSecretScan(m)) }
