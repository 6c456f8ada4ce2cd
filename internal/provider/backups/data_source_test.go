package backups_test

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dropletops/terraform-provider-droplet/internal/acctest"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func TestAccDropletBackupsDataSource_weekly(t *testing.T) {
	env := newBackupsEnv(t)
	id := env.Emulator.Server.CreateDroplet(emulator.DropletSpec{Name: "ds-weekly", Backups: true,
		BackupPolicy: &emulator.PolicySpec{Plan: "weekly", Weekday: "WED", Hour: hourPtr(12)}}).ID
	var taken []emulator.Image
	for range 3 {
		img, err := env.Emulator.Server.TakeBackup(id)
		if err != nil {
			t.Fatalf("take backup: %v", err)
		}
		taken = append(taken, img)
	}
	rec, _ := env.Emulator.Server.BackupPolicy(id)

	// Newest first: the reverse of the order they were taken in.
	var backups []knownvalue.Check
	for i := len(taken) - 1; i >= 0; i-- {
		img := taken[i]
		regions := make([]knownvalue.Check, len(img.Regions))
		for j, r := range img.Regions {
			regions[j] = knownvalue.StringExact(r)
		}
		backups = append(backups, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":             knownvalue.Int64Exact(int64(img.ID)),
			"name":           knownvalue.StringExact(img.Name),
			"created_at":     knownvalue.StringExact(img.CreatedAt.Format(time.RFC3339)),
			"size_gigabytes": knownvalue.Float64Exact(img.SizeGigabytes),
			"min_disk_size":  knownvalue.Int64Exact(int64(img.MinDiskSize)),
			"regions":        knownvalue.ListExact(regions),
		}))
	}

	const addr = "data.droplet_backups.test"
	acctest.ParallelTest(t,
		resource.TestStep{
			Config: env.Config(fmt.Sprintf(`
data "droplet_backups" "test" {
  droplet_id = %d
}
`, id)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("plan"), knownvalue.StringExact("weekly")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("weekday"), knownvalue.StringExact("WED")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("hour"), knownvalue.Int64Exact(12)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("window_length_hours"), knownvalue.Int64Exact(int64(rec.BackupPolicy.WindowLengthHours))),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("retention_period_days"), knownvalue.Int64Exact(28)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("next_backup_window"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"start": knownvalue.StringExact(rec.NextBackupWindow.Start.UTC().Format(time.RFC3339)),
					"end":   knownvalue.StringExact(rec.NextBackupWindow.End.UTC().Format(time.RFC3339)),
				})),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("backups"), knownvalue.ListExact(backups)),
			},
		},
	)
}

// TestAccDropletBackupsDataSource_disabled: backups off still lists the backups kept until their
// retention ends, with every policy attribute null.
func TestAccDropletBackupsDataSource_disabled(t *testing.T) {
	env := newBackupsEnv(t)
	id := env.Emulator.Server.CreateDroplet(emulator.DropletSpec{Name: "ds-disabled", Backups: true}).ID
	img, err := env.Emulator.Server.TakeBackup(id)
	if err != nil {
		t.Fatalf("take backup: %v", err)
	}
	if err := env.Emulator.Server.SetBackupPolicy(id, false, emulator.PolicySpec{}); err != nil {
		t.Fatalf("disable backups: %v", err)
	}
	empty := env.CreateDroplet(t, "ds-empty")

	acctest.ParallelTest(t,
		resource.TestStep{
			Config: env.Config(fmt.Sprintf(`
data "droplet_backups" "test" {
  droplet_id = %d
}

data "droplet_backups" "empty" {
  droplet_id = %d
}
`, id, empty)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.droplet_backups.test", tfjsonpath.New("enabled"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.droplet_backups.test", tfjsonpath.New("plan"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.droplet_backups.test", tfjsonpath.New("hour"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.droplet_backups.test", tfjsonpath.New("next_backup_window"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.droplet_backups.test", tfjsonpath.New("backups"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.Int64Exact(int64(img.ID))}),
				})),
				statecheck.ExpectKnownValue("data.droplet_backups.empty", tfjsonpath.New("backups"), knownvalue.ListSizeExact(0)),
			},
		},
	)
}

func TestAccDropletBackupsDataSource_unknownDroplet(t *testing.T) {
	env := newBackupsEnv(t)
	acctest.ParallelTest(t,
		resource.TestStep{
			Config: env.Config(`
data "droplet_backups" "test" {
  droplet_id = 999999
}
`),
			ExpectError: regexp.MustCompile(`(?s)Cannot read the backup policy of droplet 999999.*404`),
		},
		resource.TestStep{
			Config: env.Config(`
data "droplet_backups" "test" {
  droplet_id = 0
}
`),
			ExpectError: regexp.MustCompile(`(?s)droplet_id.*at least 1`),
		},
	)
}

// TestAccDropletBackupsDataSource_feedsResource reads the schedule of one droplet and applies it
// to another, the way a module would copy a reference droplet's backups.
func TestAccDropletBackupsDataSource_feedsResource(t *testing.T) {
	env := newBackupsEnv(t)
	ref := env.Emulator.Server.CreateDroplet(emulator.DropletSpec{Name: "ds-ref", Backups: true,
		BackupPolicy: &emulator.PolicySpec{Plan: "weekly", Weekday: "SAT", Hour: hourPtr(20)}}).ID
	id := env.CreateDroplet(t, "ds-target")

	acctest.ParallelTest(t,
		resource.TestStep{
			Config: env.Config(fmt.Sprintf(`
data "droplet_backups" "ref" {
  droplet_id = %d
}

resource "droplet_backups" "test" {
  droplet_id = %s
  plan       = data.droplet_backups.ref.plan
  weekday    = data.droplet_backups.ref.weekday
  hour       = data.droplet_backups.ref.hour
}
`, ref, strconv.Itoa(id))),
			ConfigStateChecks: []statecheck.StateCheck{
				expectBackups(env, id, wantBackups{true, "weekly", "SAT", hourPtr(20)}),
			},
		},
	)
}
