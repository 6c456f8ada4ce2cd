package emulator_test

import (
	"slices"
	"testing"

	"github.com/digitalocean/godo"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func TestBackupPolicyLists(t *testing.T) {
	// An account without usage-based plans lists exactly the basic two
	// (TestSupportedPoliciesListUsageBasedPlans covers the others).
	e := newEnv(t, func(o *emulator.Options) { o.Droplets = 3; o.NoUsageBasedBackups = true })
	all := map[int]*godo.DropletBackupPolicy{}
	opt := &godo.ListOptions{PerPage: 2}
	for {
		ps, resp, err := e.client.Droplets.ListBackupPolicies(e.ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range ps {
			all[k] = v
		}
		if resp.Meta.Total != 3 {
			t.Fatalf("meta %+v", resp.Meta)
		}
		if resp.Links.IsLastPage() {
			break
		}
		cur, _ := resp.Links.CurrentPage()
		opt.Page = cur + 1
	}
	if len(all) != 3 || !all[100000].BackupEnabled || all[100001].BackupEnabled || all[100001].DropletID != 100001 {
		t.Errorf("policies %v", all)
	}
	sp := must[[]*godo.SupportedBackupPolicy](t)(e.client.Droplets.ListSupportedBackupPolicies(e.ctx))
	if len(sp) != 2 || sp[0].Name != "weekly" || sp[0].RetentionPeriodDays != 28 || len(sp[0].PossibleDays) != 7 ||
		sp[1].Name != "daily" || sp[1].RetentionPeriodDays != 7 || !slices.Equal(sp[1].PossibleWindowStarts, []int{0, 4, 8, 12, 16, 20}) {
		t.Errorf("supported policies %+v %+v", sp[0], sp[1])
	}
}
