package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/digitalocean/godo"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func ts(sec int) *godo.Timestamp {
	return &godo.Timestamp{Time: time.Date(2025, 6, 1, 12, 0, sec, 0, time.UTC)}
}

// A by-tag run whose start failed part-way: the droplets that got an action keep it, the others
// are listed as not started, and a droplet untagged meanwhile (no action, no error) is dropped.
func TestTagOutcomesStartFailure(t *testing.T) {
	droplets := []godo.Droplet{{ID: 3}, {ID: 1}, {ID: 2}}
	got := []godo.Action{{ID: 11, ResourceID: 1, Type: "snapshot", Status: "in-progress"}}
	runErr := fmt.Errorf("starting snapshot action on droplet 2: %w", digitalocean.ErrPendingEvent)

	outcomes := tagOutcomes(droplets, got, runErr)
	if len(outcomes) != 3 {
		t.Fatalf("got %d outcomes, want 3: %+v", len(outcomes), outcomes)
	}
	for i, want := range []int{1, 2, 3} {
		if outcomes[i].dropletID != want {
			t.Errorf("outcome %d is droplet %d, want %d (sorted)", i, outcomes[i].dropletID, want)
		}
	}
	if outcomes[0].action.ID != 11 || outcomes[0].err != nil {
		t.Errorf("droplet 1: %+v, want action 11 without error", outcomes[0])
	}
	for _, o := range outcomes[1:] {
		if o.action.ID != 0 || !errors.Is(o.err, errActionNotStarted) {
			t.Errorf("droplet %d: %+v, want not started", o.dropletID, o)
		}
	}

	// Without an error, a listed droplet without an action was untagged before the request.
	outcomes = tagOutcomes(droplets, got, nil)
	if len(outcomes) != 1 || outcomes[0].dropletID != 1 {
		t.Errorf("got %+v, want only droplet 1", outcomes)
	}
}

// Wait errors are matched to actions by action ID, and the wait's last state replaces the start
// response unless the wait never saw the action.
func TestMergeActionStates(t *testing.T) {
	outcomes := []actionOutcome{
		{dropletID: 1, action: godo.Action{ID: 11, Type: "reboot", Status: "in-progress", RegionSlug: "nyc3"}},
		{dropletID: 2, action: godo.Action{ID: 12, Type: "reboot", Status: "in-progress", RegionSlug: "nyc3"}},
		{dropletID: 3, action: godo.Action{ID: 13, Type: "reboot", Status: "in-progress", RegionSlug: "nyc3"}},
	}
	got := []godo.Action{
		{ID: 11, Type: "reboot", Status: "completed", ResourceID: 1},
		{ID: 12, Type: "reboot", Status: "errored", ResourceID: 2, RegionSlug: "nyc3"},
		{ID: 13}, // never polled before the deadline
	}
	errored := &digitalocean.ActionError{DropletID: 2, ActionID: 12, Type: "reboot", Status: "errored", Err: digitalocean.ErrActionErrored}
	timedOut := &digitalocean.ActionError{ActionID: 13, Status: "in-progress", Err: digitalocean.ErrTimeout}
	mergeActionStates(outcomes, got, errors.Join(errored, fmt.Errorf("wrapped: %w", timedOut)))

	if !outcomes[0].completed() || outcomes[0].action.RegionSlug != "nyc3" {
		t.Errorf("droplet 1: %+v, want completed, region kept from the start response", outcomes[0])
	}
	if outcomes[1].completed() || !errors.Is(outcomes[1].err, digitalocean.ErrActionErrored) {
		t.Errorf("droplet 2: %+v, want errored", outcomes[1])
	}
	if outcomes[2].action.Type != "reboot" || outcomes[2].action.Status != "in-progress" || !errors.Is(outcomes[2].err, digitalocean.ErrTimeout) {
		t.Errorf("droplet 3: %+v, want the start response kept and the timeout recorded", outcomes[2])
	}
}

// The by-tag error lists every droplet, and the summary counts the failures.
func TestAddTagOutcomeError(t *testing.T) {
	outcomes := []actionOutcome{
		{dropletID: 1, action: godo.Action{ID: 11, Type: "snapshot", Status: "completed"}},
		{dropletID: 2, action: godo.Action{ID: 12, Type: "snapshot", Status: "in-progress"},
			err: &digitalocean.ActionError{ActionID: 12, Status: "in-progress", Err: digitalocean.ErrTimeout}},
		{dropletID: 3, err: errActionNotStarted},
	}
	var diags diag.Diagnostics
	addTagOutcomeError(&diags, "snapshot", "web", outcomes, digitalocean.ErrPendingEvent, 90*time.Second)
	if len(diags) != 1 {
		t.Fatalf("got %d diagnostics, want 1", len(diags))
	}
	d := diags[0]
	if want := `Droplet action snapshot failed on 2 of 3 droplets tagged "web"`; d.Summary() != want {
		t.Errorf("summary %q, want %q", d.Summary(), want)
	}
	for _, want := range []string{
		"droplet 1: action 11 (snapshot) completed",
		"droplet 2: action 12 (snapshot) in-progress, still running when timeouts.create (1m30s) ran out",
		"droplet 3: no action started",
		"DigitalOcean answered: " + digitalocean.ErrPendingEvent.Error(),
		"adopts the action still in progress",
	} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("detail lacks %q:\n%s", want, d.Detail())
		}
	}
}

// setResult orders by droplet, takes the lowest action ID as id, the first start and last end.
func TestSetResult(t *testing.T) {
	m := dropletActionModel{}
	diags := m.setResult(context.Background(), []godo.Action{
		{ID: 30, ResourceID: 2, Status: "completed", StartedAt: ts(1), CompletedAt: ts(9), RegionSlug: "ams3"},
		{ID: 20, ResourceID: 5, Status: "completed", StartedAt: ts(0), CompletedAt: ts(4), Region: &godo.Region{Slug: "lon1"}},
		{ID: 40, ResourceID: 1, Status: "completed", StartedAt: ts(2), CompletedAt: ts(7), RegionSlug: "ams3"},
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	if m.ID.ValueString() != "20" || m.RegionSlug.ValueString() != "lon1" || m.Status.ValueString() != "completed" {
		t.Errorf("id %s region %s status %s, want 20, lon1 (the region of action 20), completed", m.ID, m.RegionSlug, m.Status)
	}
	if m.StartedAt.ValueString() != "2025-06-01T12:00:00Z" || m.CompletedAt.ValueString() != "2025-06-01T12:00:09Z" {
		t.Errorf("started %s completed %s, want the first start and the last completion", m.StartedAt, m.CompletedAt)
	}
	var droplets, actions []int64
	m.DropletIDs.ElementsAs(context.Background(), &droplets, false)
	m.ActionIDs.ElementsAs(context.Background(), &actions, false)
	if fmt.Sprint(droplets) != "[1 2 5]" || fmt.Sprint(actions) != "[40 30 20]" {
		t.Errorf("droplet_ids %v action_ids %v, want [1 2 5] and [40 30 20]", droplets, actions)
	}
}

// The per-type rules, including values unknown at plan time.
func TestDropletActionValidate(t *testing.T) {
	ctx := context.Background()
	policyTypes := map[string]attr.Type{"plan": types.StringType, "weekday": types.StringType, "hour": types.Int64Type}
	policy := func(plan, weekday string) types.Object {
		v, _ := types.ObjectValueFrom(ctx, policyTypes,
			actionBackupPolicyModel{Plan: types.StringValue(plan), Weekday: optString(weekday), Hour: types.Int64Null()})
		return v
	}
	base := func(typ string) dropletActionModel {
		return dropletActionModel{
			DropletID: types.Int64Value(1), TagName: types.StringNull(), Type: types.StringValue(typ),
			Image: types.StringNull(), Size: types.StringNull(), Disk: types.BoolNull(), Name: types.StringNull(),
			Kernel: types.Int64Null(), BackupPolicy: types.ObjectNull(policyTypes),
		}
	}
	cases := []struct {
		name string
		m    func() dropletActionModel
		want string // "" = valid
	}{
		{"reboot", func() dropletActionModel { return base("reboot") }, ""},
		{"unknown type skips the rules", func() dropletActionModel {
			m := base("reboot")
			m.Type, m.Image = types.StringUnknown(), types.StringValue("x")
			return m
		}, ""},
		{"unknown image for reboot is not judged yet", func() dropletActionModel {
			m := base("reboot")
			m.Image = types.StringUnknown()
			return m
		}, ""},
		{"unknown image satisfies restore", func() dropletActionModel {
			m := base("restore")
			m.Image = types.StringUnknown()
			return m
		}, ""},
		{"restore slug", func() dropletActionModel {
			m := base("restore")
			m.Image = types.StringValue("ubuntu-24-04-x64")
			return m
		}, "Invalid image for restore"},
		{"rebuild slug", func() dropletActionModel {
			m := base("rebuild")
			m.Image = types.StringValue("ubuntu-24-04-x64")
			return m
		}, ""},
		{"disk with power_off", func() dropletActionModel {
			m := base("power_off")
			m.Disk = types.BoolValue(false)
			return m
		}, "`disk` does not apply"},
		{"snapshot without name", func() dropletActionModel { return base("snapshot") }, ""},
		{"enable_backups without policy", func() dropletActionModel { return base("enable_backups") }, ""},
		{"weekday with daily", func() dropletActionModel {
			m := base("enable_backups")
			m.BackupPolicy = policy("daily", "MON")
			return m
		}, "`weekday` needs a weekly plan"},
		{"weekly with weekday", func() dropletActionModel {
			m := base("change_backup_policy")
			m.BackupPolicy = policy("weekly", "MON")
			return m
		}, ""},
		{"unknown tag counts as by tag", func() dropletActionModel {
			m := base("rename")
			m.DropletID, m.TagName, m.Name = types.Int64Null(), types.StringUnknown(), types.StringValue("x")
			return m
		}, `Type "rename" cannot run by tag`},
		{"policy by tag", func() dropletActionModel {
			m := base("enable_backups")
			m.DropletID, m.TagName, m.BackupPolicy = types.Int64Null(), types.StringValue("web"), policy("daily", "")
			return m
		}, "`backup_policy` cannot be used with `tag_name`"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			diags := c.m().validate(ctx)
			switch {
			case c.want == "" && diags.HasError():
				t.Errorf("want valid, got %v", diags)
			case c.want != "" && !strings.Contains(fmt.Sprint(diags), c.want):
				t.Errorf("want an error with %q, got %v", c.want, diags)
			}
		})
	}
}

func optString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// An in-progress action of the type is adopted once, by one resource only; an action this command
// started itself is never adopted by another resource.
func TestAdoptable(t *testing.T) {
	emu, err := emulator.Start(emulator.Options{Tokens: []string{"t"}})
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	client, err := digitalocean.NewClient(context.Background(), digitalocean.Config{Token: "t", APIEndpoint: emu.URL})
	if err != nil {
		t.Fatal(err)
	}
	r := &dropletActionResource{client: client}
	id := emu.Server.CreateDroplet(emulator.DropletSpec{}).ID
	running, err := emu.Server.StartAction(id, "snapshot", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// Started by this command (claimed when it was started): never adopted by another resource.
	l := &actionLedger{claimed: map[int]bool{running.ID: true}}
	if a, err := r.adoptable(ctx, l, id, "snapshot"); err != nil || a != nil {
		t.Errorf("action of this command: adoptable returned %v, %v; want nothing", a, err)
	}

	// Left running by an earlier command: adopted once, by one resource only.
	l = &actionLedger{claimed: map[int]bool{}}
	if a, err := r.adoptable(ctx, l, id, "reboot"); err != nil || a != nil {
		t.Errorf("another type: adoptable returned %v, %v; want nothing", a, err)
	}
	a, err := r.adoptable(ctx, l, id, "snapshot")
	if err != nil || a == nil || a.ID != running.ID {
		t.Fatalf("adoptable returned %v, %v; want action %d", a, err, running.ID)
	}
	if a, err := r.adoptable(ctx, l, id, "snapshot"); err != nil || a != nil {
		t.Errorf("second resource: adoptable returned %v, %v; want nothing (already adopted)", a, err)
	}
}
