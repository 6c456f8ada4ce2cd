package backups

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// TestDropletBackupsUsageBasedRefused sends a usage-based plan to an API that refuses it, as one
// would that does not offer it, past the plan-time check (calling Create and Update directly):
// the error names the droplet, the plan and DigitalOcean's answer, and the state holds only what
// DigitalOcean reports.
func TestDropletBackupsUsageBasedRefused(t *testing.T) {
	ctx := context.Background()
	run, err := emulator.Start(emulator.Options{Tokens: []string{"test-token"}, ActionDuration: 50 * time.Millisecond, NoUsageBasedBackups: true})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	client, err := digitalocean.NewClient(ctx, digitalocean.Config{Token: "test-token", APIEndpoint: run.URL})
	if err != nil {
		t.Fatal(err)
	}
	r := &dropletBackupsResource{client: client}
	var sch resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sch)
	timeouts := types.ObjectNull(map[string]attr.Type{"create": types.StringType, "update": types.StringType, "delete": types.StringType})
	null := tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), nil)

	model := func(id int, plan string, hour int64) dropletBackupsModel {
		m := *priorModel(plan, "", hour)
		m.ID, m.DropletID = types.StringValue(strconv.Itoa(id)), types.Int64Value(int64(id))
		m.SnapshotBackupsOnDisable = types.BoolValue(false)
		m.Timeouts.Object = timeouts
		return m
	}
	usage := func(m dropletBackupsModel) dropletBackupsModel {
		m.Plan, m.Hour, m.RetentionPeriodDays = types.StringValue("intra_daily_4h"), types.Int64Value(0), types.Int64Value(14)
		m.WindowLengthHours, m.NextBackupWindow = types.Int64Unknown(), types.ObjectUnknown(nextBackupWindowAttrTypes)
		return m
	}
	checkRefusal := func(t *testing.T, diagSummary, wantSummary, detail string) {
		t.Helper()
		if diagSummary != wantSummary {
			t.Errorf("summary %q, want %q", diagSummary, wantSummary)
		}
		for _, want := range []string{`"intra_daily_4h"`, "retention 14 days", "must be one of daily, weekly", "422"} {
			if !strings.Contains(detail, want) {
				t.Errorf("detail does not say %q:\n%s", want, detail)
			}
		}
	}

	t.Run("change", func(t *testing.T) {
		id := run.Server.CreateDroplet(emulator.DropletSpec{Name: "refused-change", Backups: true,
			BackupPolicy: &emulator.PolicySpec{Plan: "daily", Hour: intPtr(4)}}).ID
		st := tfsdk.State{Schema: sch.Schema, Raw: null}
		if d := st.Set(ctx, model(id, "daily", 4)); d.HasError() {
			t.Fatal(d)
		}
		pl := tfsdk.Plan{Schema: sch.Schema, Raw: null}
		if d := pl.Set(ctx, usage(model(id, "daily", 4))); d.HasError() {
			t.Fatal(d)
		}
		resp := resource.UpdateResponse{State: st}
		r.Update(ctx, resource.UpdateRequest{Plan: pl, State: st}, &resp)
		if len(resp.Diagnostics.Errors()) != 1 {
			t.Fatalf("want one error, got %v", resp.Diagnostics)
		}
		e := resp.Diagnostics.Errors()[0]
		checkRefusal(t, e.Summary(), "Cannot change the backup policy of droplet "+strconv.Itoa(id), e.Detail())

		var got dropletBackupsModel
		if d := resp.State.Get(ctx, &got); d.HasError() {
			t.Fatal(d)
		}
		if got.Plan.ValueString() != "daily" || got.Hour.ValueInt64() != 4 || got.RetentionPeriodDays.ValueInt64() != 7 {
			t.Errorf("state after the refusal = %s/%s/%s, want what DigitalOcean holds: daily/4/7", got.Plan, got.Hour, got.RetentionPeriodDays)
		}
		if rec, _ := run.Server.BackupPolicy(id); rec.BackupPolicy == nil || rec.BackupPolicy.Plan != "daily" {
			t.Errorf("emulator holds %+v, want the daily policy untouched", rec.BackupPolicy)
		}
	})

	t.Run("enable", func(t *testing.T) {
		id := run.Server.CreateDroplet(emulator.DropletSpec{Name: "refused-enable"}).ID
		m := usage(model(id, "daily", 4))
		m.Weekday = types.StringNull()
		pl := tfsdk.Plan{Schema: sch.Schema, Raw: null}
		if d := pl.Set(ctx, m); d.HasError() {
			t.Fatal(d)
		}
		resp := resource.CreateResponse{State: tfsdk.State{Schema: sch.Schema, Raw: null}}
		r.Create(ctx, resource.CreateRequest{Plan: pl}, &resp)
		if len(resp.Diagnostics.Errors()) != 1 {
			t.Fatalf("want one error, got %v", resp.Diagnostics)
		}
		e := resp.Diagnostics.Errors()[0]
		checkRefusal(t, e.Summary(), "Cannot enable backups on droplet "+strconv.Itoa(id), e.Detail())
		if !resp.State.Raw.IsNull() {
			t.Errorf("a refused create saved state: %s", resp.State.Raw)
		}
		if rec, _ := run.Server.BackupPolicy(id); rec.BackupEnabled {
			t.Errorf("backups were turned on: %+v", rec)
		}
	})
}
