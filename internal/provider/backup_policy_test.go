package provider

import (
	"context"
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

func intPtr(v int) *int { return &v }

func TestPolicyStateFrom(t *testing.T) {
	start := time.Date(2024, 9, 15, 20, 0, 0, 0, time.UTC)
	end := start.Add(4 * time.Hour)

	t.Run("disabled", func(t *testing.T) {
		s := policyStateFrom(&digitalocean.BackupPolicy{DropletID: 1})
		if s.Enabled.ValueBool() {
			t.Fatal("enabled")
		}
		for name, v := range map[string]attr.Value{"plan": s.Plan, "weekday": s.Weekday, "hour": s.Hour,
			"window": s.WindowLengthHours, "retention": s.RetentionPeriodDays, "next": s.NextBackupWindow} {
			if !v.IsNull() {
				t.Errorf("%s = %s, want null", name, v)
			}
		}
	})

	t.Run("weekly", func(t *testing.T) {
		s := policyStateFrom(&digitalocean.BackupPolicy{Enabled: true, Plan: "weekly", Weekday: "SUN", Hour: intPtr(0),
			WindowLengthHours: 4, RetentionPeriodDays: 28, NextWindowStart: &start, NextWindowEnd: &end})
		if s.Plan.ValueString() != "weekly" || s.Weekday.ValueString() != "SUN" || s.Hour.IsNull() || s.Hour.ValueInt64() != 0 {
			t.Errorf("policy = %s %s %s", s.Plan, s.Weekday, s.Hour)
		}
		want := nextBackupWindowValue(start, end)
		if !s.NextBackupWindow.Equal(want) {
			t.Errorf("window = %s, want %s", s.NextBackupWindow, want)
		}
		if got := s.NextBackupWindow.Attributes()["start"].(types.String).ValueString(); got != "2024-09-15T20:00:00Z" {
			t.Errorf("start = %s", got)
		}
	})

	t.Run("daily weekday dropped", func(t *testing.T) {
		s := policyStateFrom(&digitalocean.BackupPolicy{Enabled: true, Plan: "daily", Weekday: "MON", Hour: intPtr(8)})
		if !s.Weekday.IsNull() {
			t.Errorf("weekday = %s, want null for a daily plan", s.Weekday)
		}
	})

	t.Run("usage-based plan", func(t *testing.T) {
		// Plans outside the spec are read as reported, without error.
		s := policyStateFrom(&digitalocean.BackupPolicy{Enabled: true, Plan: "intra_daily_4h", Hour: intPtr(4),
			WindowLengthHours: 1, RetentionPeriodDays: 3})
		if s.Plan.ValueString() != "intra_daily_4h" || s.RetentionPeriodDays.ValueInt64() != 3 || !s.NextBackupWindow.IsNull() {
			t.Errorf("state = %+v", s)
		}
	})
}

func priorModel(plan, weekday string, hour int64) *dropletBackupsModel {
	m := dropletBackupsModel{
		DropletID:           types.Int64Value(7),
		Enabled:             types.BoolValue(true),
		Plan:                types.StringValue(plan),
		Weekday:             types.StringNull(),
		Hour:                types.Int64Value(hour),
		WindowLengthHours:   types.Int64Value(4),
		RetentionPeriodDays: types.Int64Value(7),
		NextBackupWindow:    nextBackupWindowValue(time.Unix(0, 0), time.Unix(4*3600, 0)),
	}
	if weekday != "" {
		m.Weekday = types.StringValue(weekday)
	}
	return &m
}

func configModel(enabled bool, plan, weekday string, hour *int64) dropletBackupsModel {
	m := dropletBackupsModel{
		DropletID: types.Int64Value(7),
		Enabled:   types.BoolValue(enabled),
		Plan:      types.StringNull(),
		Weekday:   types.StringNull(),
		Hour:      types.Int64Null(),
	}
	if plan != "" {
		m.Plan = types.StringValue(plan)
	}
	if weekday != "" {
		m.Weekday = types.StringValue(weekday)
	}
	if hour != nil {
		m.Hour = types.Int64Value(*hour)
	}
	return m
}

func h64(v int64) *int64 { return &v }

func TestPlanPolicy(t *testing.T) {
	unknownS, nullS := types.StringUnknown(), types.StringNull()
	unknownI, nullI := types.Int64Unknown(), types.Int64Null()
	str, i64 := types.StringValue, types.Int64Value
	prior := priorModel("weekly", "TUE", 8)
	prior.RetentionPeriodDays = i64(28)

	cases := []struct {
		name                 string
		cfg                  dropletBackupsModel
		prior                *dropletBackupsModel
		plan, weekday        types.String
		hour, retention      types.Int64
		windowUnknown, nullW bool
	}{
		{"create with nothing set", configModel(true, "", "", nil), nil, unknownS, unknownS, unknownI, unknownI, true, false},
		{"create daily", configModel(true, "daily", "", h64(4)), nil, str("daily"), nullS, i64(4), unknownI, true, false},
		{"create weekly without weekday", configModel(true, "weekly", "", nil), nil, str("weekly"), unknownS, unknownI, unknownI, true, false},
		{"disabled", configModel(false, "", "", nil), prior, nullS, nullS, nullI, nullI, false, true},
		{"unchanged, nothing set", configModel(true, "", "", nil), prior, str("weekly"), str("TUE"), i64(8), i64(28), false, false},
		{"unchanged, all set", configModel(true, "weekly", "TUE", h64(8)), prior, str("weekly"), str("TUE"), i64(8), i64(28), false, false},
		{"hour change", configModel(true, "weekly", "", h64(12)), prior, str("weekly"), str("TUE"), i64(12), i64(28), true, false},
		{"weekly to daily", configModel(true, "daily", "", nil), prior, str("daily"), nullS, i64(8), unknownI, true, false},
		{"re-enable", configModel(true, "", "", nil), &dropletBackupsModel{DropletID: types.Int64Value(7), Enabled: types.BoolValue(false),
			Plan: nullS, Weekday: nullS, Hour: nullI, WindowLengthHours: nullI, RetentionPeriodDays: nullI,
			NextBackupWindow: types.ObjectNull(nextBackupWindowAttrTypes)}, unknownS, unknownS, unknownI, unknownI, true, false},
		{"usage-based plan kept", configModel(true, "", "", nil), priorModel("intra_daily_4h", "", 4), str("intra_daily_4h"), nullS, i64(4), i64(7), false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			planned := c.cfg
			planPolicy(&planned, c.cfg, c.prior)
			if !planned.Plan.Equal(c.plan) || !planned.Weekday.Equal(c.weekday) || !planned.Hour.Equal(c.hour) {
				t.Errorf("plan/weekday/hour = %s/%s/%s, want %s/%s/%s", planned.Plan, planned.Weekday, planned.Hour, c.plan, c.weekday, c.hour)
			}
			if !planned.RetentionPeriodDays.Equal(c.retention) {
				t.Errorf("retention = %s, want %s", planned.RetentionPeriodDays, c.retention)
			}
			switch {
			case c.windowUnknown && !planned.NextBackupWindow.IsUnknown():
				t.Errorf("next window = %s, want unknown", planned.NextBackupWindow)
			case c.nullW && !planned.NextBackupWindow.IsNull():
				t.Errorf("next window = %s, want null", planned.NextBackupWindow)
			case !c.windowUnknown && !c.nullW && !planned.NextBackupWindow.Equal(c.prior.NextBackupWindow):
				t.Errorf("next window = %s, want the prior one", planned.NextBackupWindow)
			}
		})
	}
}

func TestChangedPolicy(t *testing.T) {
	current := &digitalocean.BackupPolicy{Enabled: true, Plan: "weekly", Weekday: "FRI", Hour: intPtr(16)}

	if _, needed := changedPolicy(configModel(true, "weekly", "", h64(16)), current); needed {
		t.Error("a policy matching every configured value needs no action")
	}
	p, needed := changedPolicy(configModel(true, "daily", "", nil), current)
	if !needed || p.Plan != "daily" || p.Weekday != "" || p.Hour == nil || *p.Hour != 16 {
		t.Errorf("weekly → daily = %+v (needed %v), want daily at the current hour", p, needed)
	}
	p, needed = changedPolicy(configModel(true, "", "", h64(0)), current)
	if !needed || p.Plan != "weekly" || p.Weekday != "FRI" || *p.Hour != 0 {
		t.Errorf("hour change = %+v (needed %v), want the rest kept", p, needed)
	}
	p, _ = changedPolicy(configModel(true, "weekly", "MON", nil), &digitalocean.BackupPolicy{Enabled: true, Plan: "daily", Hour: intPtr(4)})
	if p.Plan != "weekly" || p.Weekday != "MON" || *p.Hour != 4 {
		t.Errorf("daily → weekly = %+v", p)
	}
}

func TestEnablePolicy(t *testing.T) {
	unknown := configModel(true, "", "", nil)
	unknown.Plan, unknown.Weekday, unknown.Hour = types.StringUnknown(), types.StringUnknown(), types.Int64Unknown()
	if p := enablePolicy(unknown); p != nil {
		t.Errorf("nothing configured = %+v, want no policy", p)
	}
	withHour := unknown
	withHour.Hour = types.Int64Value(20)
	if p := enablePolicy(withHour); p == nil || p.Plan != "daily" || *p.Hour != 20 || p.Weekday != "" {
		t.Errorf("hour only = %+v, want daily at 20", p)
	}
}

// TestDropletBackupsDeleteDropletGone calls Delete directly: Terraform refreshes before destroying,
// so a droplet deleted out of band normally leaves the state before Delete could see it.
func TestDropletBackupsDeleteDropletGone(t *testing.T) {
	ctx := context.Background()
	run, err := emulator.Start(emulator.Options{Tokens: []string{"test-token"}, ActionDuration: 50 * time.Millisecond})
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

	deleteFor := func(dropletID int) (resource.DeleteResponse, []emulator.Action) {
		m := *priorModel("daily", "", 4)
		m.ID = types.StringValue("x")
		m.DropletID = types.Int64Value(int64(dropletID))
		m.SnapshotBackupsOnDisable = types.BoolValue(true)
		m.Timeouts.Object = types.ObjectNull(map[string]attr.Type{"create": types.StringType, "update": types.StringType, "delete": types.StringType})
		st := tfsdk.State{Schema: sch.Schema, Raw: tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), nil)}
		if d := st.Set(ctx, &m); d.HasError() {
			t.Fatalf("state: %v", d)
		}
		resp := resource.DeleteResponse{State: st}
		r.Delete(ctx, resource.DeleteRequest{State: st}, &resp)
		return resp, run.Server.DropletActions(dropletID)
	}

	gone := run.Server.CreateDroplet(emulator.DropletSpec{Name: "gone", Backups: true}).ID
	run.Server.DeleteDroplet(gone)
	if resp, _ := deleteFor(gone); resp.Diagnostics.HasError() {
		t.Errorf("delete with the droplet gone: %v", resp.Diagnostics)
	}

	// Backups already off: nothing is sent.
	off := run.Server.CreateDroplet(emulator.DropletSpec{Name: "off"}).ID
	resp, actions := deleteFor(off)
	if resp.Diagnostics.HasError() {
		t.Errorf("delete with backups off: %v", resp.Diagnostics)
	}
	for _, a := range actions {
		if a.Type != "create" {
			t.Errorf("delete with backups off sent %s", a.Type)
		}
	}

	// A conversion that fails leaves backups on and says which backup.
	on := run.Server.CreateDroplet(emulator.DropletSpec{Name: "on", Backups: true}).ID
	img, err := run.Server.TakeBackup(on)
	if err != nil {
		t.Fatal(err)
	}
	run.Server.SetFaults(emulator.Faults{ErroredRate: 1})
	resp, _ = deleteFor(on)
	run.Server.SetFaults(emulator.Faults{})
	if !resp.Diagnostics.HasError() {
		t.Fatal("a failed conversion must fail the delete")
	}
	if detail := resp.Diagnostics[0].Detail(); !strings.Contains(detail, "backup ") || !strings.Contains(detail, "convert") {
		t.Errorf("detail does not name the backup and the conversion: %s", detail)
	}
	if rec, _ := run.Server.BackupPolicy(on); !rec.BackupEnabled {
		t.Error("backups were turned off although their conversion failed")
	}
	if got, _ := run.Server.Image(img.ID); got.Type != "backup" {
		t.Errorf("image %d is a %s", img.ID, got.Type)
	}
}
