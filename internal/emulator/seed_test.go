package emulator_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func TestSeedIsDeterministic(t *testing.T) {
	a := emulator.New(emulator.Options{Droplets: 4, Seed: 3})
	b := emulator.New(emulator.Options{Droplets: 4, Seed: 3})
	for id := 100000; id < 100004; id++ {
		pa, _ := a.BackupPolicy(id)
		pb, _ := b.BackupPolicy(id)
		if fmt.Sprint(pa.BackupPolicy) != fmt.Sprint(pb.BackupPolicy) {
			t.Errorf("droplet %d: %v vs %v", id, pa.BackupPolicy, pb.BackupPolicy)
		}
	}
	d1, _ := a.Droplet(100000)
	if len(d1.BackupIDs) != 2 || !slices.Contains(d1.Features, "backups") {
		t.Errorf("first seeded droplet: backups %v features %v", d1.BackupIDs, d1.Features)
	}
	d2, _ := a.Droplet(100001)
	if len(d2.BackupIDs) != 0 || d2.NextBackupWindow != nil {
		t.Errorf("second seeded droplet: backups %v", d2.BackupIDs)
	}
}
