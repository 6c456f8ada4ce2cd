package backups_test

import (
	"cmp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dropletops/terraform-provider-droplet/internal/acctest"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func TestAccDropletBackupPoliciesDataSource(t *testing.T) {
	env := acctest.NewEnv(t)

	// The data source lists exactly what the API serves, in its order.
	var want []knownvalue.Check
	if env.Emulator != nil {
		for _, p := range emulator.SupportedPolicies() {
			starts := make([]knownvalue.Check, len(p.PossibleWindowStarts))
			for i, h := range p.PossibleWindowStarts {
				starts[i] = knownvalue.Int64Exact(int64(h))
			}
			days := make([]knownvalue.Check, len(p.PossibleDays))
			for i, d := range p.PossibleDays {
				days[i] = knownvalue.StringExact(d)
			}
			want = append(want, knownvalue.ObjectExact(map[string]knownvalue.Check{
				"name":                   knownvalue.StringExact(p.Name),
				"possible_window_starts": knownvalue.ListExact(starts),
				"possible_days":          knownvalue.ListExact(days),
				"window_length_hours":    knownvalue.Int64Exact(int64(p.WindowLengthHours)),
				"retention_period_days":  knownvalue.Int64Exact(int64(p.RetentionPeriodDays)),
				// A fixed retention is its own range.
				"min_retention_period_days": knownvalue.Int64Exact(int64(cmp.Or(p.MinRetentionPeriodDays, p.RetentionPeriodDays))),
				"max_retention_period_days": knownvalue.Int64Exact(int64(cmp.Or(p.MaxRetentionPeriodDays, p.RetentionPeriodDays))),
			}))
		}
	}
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.droplet_backup_policies.all", tfjsonpath.New("policies"),
			knownvalue.ListPartial(map[int]knownvalue.Check{})),
	}
	if want != nil {
		checks = append(checks, statecheck.ExpectKnownValue("data.droplet_backup_policies.all",
			tfjsonpath.New("policies"), knownvalue.ListExact(want)))
	}

	acctest.ParallelTest(t,
		resource.TestStep{
			Config: env.Config(`
data "droplet_backup_policies" "all" {}

output "daily_hours" {
  value = one([for p in data.droplet_backup_policies.all.policies : p.possible_window_starts if p.name == "daily"])
}
`),
			ConfigStateChecks: append(checks,
				statecheck.ExpectKnownOutputValue("daily_hours", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.Int64Exact(0), knownvalue.Int64Exact(4), knownvalue.Int64Exact(8),
					knownvalue.Int64Exact(12), knownvalue.Int64Exact(16), knownvalue.Int64Exact(20),
				})),
			),
		},
	)
}
