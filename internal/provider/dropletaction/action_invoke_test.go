package dropletaction

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// The type table decides each action's arguments: the 13 names, droplet_id required where the
// tag is not allowed, tag_name only where DigitalOcean runs the type by tag, and the per-type
// arguments with droplet_action's names.
func TestActionSchemas(t *testing.T) {
	want := map[string][]string{
		"droplet_reboot":         {"droplet_id!", "timeout"},
		"droplet_power_cycle":    {"droplet_id", "tag_name", "timeout"},
		"droplet_shutdown":       {"droplet_id", "force_after", "tag_name", "timeout"},
		"droplet_power_off":      {"droplet_id", "tag_name", "timeout"},
		"droplet_power_on":       {"droplet_id", "tag_name", "timeout"},
		"droplet_snapshot":       {"droplet_id", "name", "tag_name", "timeout"},
		"droplet_resize":         {"disk", "droplet_id!", "size!", "timeout"},
		"droplet_rebuild":        {"droplet_id!", "image!", "timeout"},
		"droplet_restore":        {"droplet_id!", "image!", "timeout"},
		"droplet_rename":         {"droplet_id!", "name!", "timeout"},
		"droplet_password_reset": {"droplet_id!", "timeout"},
		"droplet_change_kernel":  {"droplet_id!", "kernel!", "timeout"},
		"droplet_enable_ipv6":    {"droplet_id", "tag_name", "timeout"},
	}
	got := map[string][]string{}
	for _, f := range Actions() {
		a := f()
		var meta action.MetadataResponse
		a.Metadata(context.Background(), action.MetadataRequest{ProviderTypeName: "droplet"}, &meta)
		var sch action.SchemaResponse
		a.Schema(context.Background(), action.SchemaRequest{}, &sch)
		if sch.Diagnostics.HasError() {
			t.Fatalf("%s: %v", meta.TypeName, sch.Diagnostics)
		}
		var attrs []string
		for name, attr := range sch.Schema.Attributes {
			if attr.GetMarkdownDescription() == "" {
				t.Errorf("%s.%s has no description", meta.TypeName, name)
			}
			if attr.IsRequired() {
				name += "!"
			}
			attrs = append(attrs, name)
		}
		slices.Sort(attrs)
		got[meta.TypeName] = attrs
		if !strings.Contains(sch.Schema.MarkdownDescription, "-invoke=action."+meta.TypeName+".") {
			t.Errorf("%s: description does not say how to invoke it", meta.TypeName)
		}
	}
	if !maps.EqualFunc(got, want, slices.Equal) {
		for name := range want {
			if !slices.Equal(got[name], want[name]) {
				t.Errorf("%s: attributes %v, want %v", name, got[name], want[name])
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("unexpected action %s", name)
			}
		}
	}
}

// One status line and the end line that repeats it collapse into the end line; lines keep their
// order; nothing is sent once the invocation's context has ended.
func TestProgressSink(t *testing.T) {
	var sent []string
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := newProgressSink(ctx, func(e action.InvokeProgressEvent) { sent = append(sent, e.Message) })
	ev := func(k digitalocean.EventKind, droplet, id int, status string) digitalocean.Event {
		return digitalocean.Event{Kind: k, DropletID: droplet, DropletName: fmt.Sprintf("d%d", droplet), ActionID: id,
			ActionType: "reboot", Status: status, Elapsed: 3 * time.Second}
	}
	s.event(ev(digitalocean.EventStarted, 1, 10, "in-progress"))
	s.event(ev(digitalocean.EventStarted, 2, 20, "in-progress"))
	s.event(ev(digitalocean.EventStatus, 1, 10, "completed"))
	s.event(ev(digitalocean.EventStatus, 2, 20, "errored"))
	s.event(ev(digitalocean.EventDone, 1, 10, "completed"))
	s.event(digitalocean.Event{Kind: digitalocean.EventDone, DropletID: 2, DropletName: "d2", ActionID: 20, ActionType: "reboot",
		Status: "errored", Err: fmt.Errorf("boom")})
	s.close()
	want := []string{
		"droplet d1 (1): reboot action 10 started (in-progress)",
		"droplet d2 (2): reboot action 20 started (in-progress)",
		"droplet d1 (1): reboot action 10 completed after 3s",
		"droplet d2 (2): reboot action 20 failed after 0s: boom",
	}
	if !slices.Equal(sent, want) {
		t.Errorf("sent\n  %s\nwant\n  %s", strings.Join(sent, "\n  "), strings.Join(want, "\n  "))
	}

	sent = nil
	ctx2, cancel2 := context.WithCancel(context.Background())
	s = newProgressSink(ctx2, func(e action.InvokeProgressEvent) { sent = append(sent, e.Message) })
	cancel2()
	s.event(ev(digitalocean.EventStarted, 1, 10, "in-progress"))
	s.close()
	if len(sent) != 0 {
		t.Errorf("sent %q after the context ended", sent)
	}
	if got := s.interrupted(1); len(got) != 1 || got[0].Action.ID != 10 || !strings.Contains(got[0].Err.Error(), "canceled") {
		t.Errorf("interrupted() = %+v, want action 10 canceled", got)
	}
}

// An interrupted invocation answers at once, from what the progress reported, while DigitalOcean
// still runs the action: the diagnostic names the droplet, the action and its last status.
func TestActionInvoke_interruptAnswersAtOnce(t *testing.T) {
	run, err := emulator.Start(emulator.Options{Tokens: []string{"tok"}, ActionDurations: map[string]time.Duration{"reboot": time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	id := run.Server.CreateDroplet(emulator.DropletSpec{Name: "web-1"}).ID
	client, err := digitalocean.NewClient(context.Background(), digitalocean.Config{Token: "tok", APIEndpoint: run.URL})
	if err != nil {
		t.Fatal(err)
	}
	a := &dropletAction{kind: actionReboot, client: client}
	sch := invokeSchema(actionReboot)
	raw := tftypes.NewValue(sch.Type().TerraformType(context.Background()), map[string]tftypes.Value{
		argDropletID: tftypes.NewValue(tftypes.Number, id),
		argTimeout:   tftypes.NewValue(tftypes.String, nil),
	})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	lines := make(chan string, 100)
	resp := &action.InvokeResponse{SendProgress: func(e action.InvokeProgressEvent) {
		lines <- e.Message
		if strings.Contains(e.Message, "started") {
			cancel() // Ctrl-C as soon as the action runs
		}
	}}
	a.Invoke(ctx, action.InvokeRequest{Config: tfsdk.Config{Schema: sch, Raw: raw}}, resp)

	reboots := run.Server.DropletActions(id)
	var ours emulator.Action
	for _, r := range reboots {
		if r.Type == "reboot" {
			ours = r
		}
	}
	if ours.ID == 0 || ours.Status != "in-progress" {
		t.Fatalf("emulator holds %+v, want a reboot still in progress: Invoke waited for it", reboots)
	}
	if len(resp.Diagnostics) != 1 || !resp.Diagnostics.HasError() {
		t.Fatalf("diagnostics %v, want one error", resp.Diagnostics)
	}
	d := resp.Diagnostics[0]
	wantSummary := fmt.Sprintf("Interrupted while waiting for droplet action reboot on droplet web-1 (%d)", id)
	wantDetail := fmt.Sprintf("droplet web-1 (%d): reboot action %d in-progress, still running when the invocation was interrupted", id, ours.ID)
	if d.Summary() != wantSummary || !strings.HasPrefix(d.Detail(), wantDetail) {
		t.Errorf("diagnostic\n  %s\n  %s\nwant\n  %s\n  %s…", d.Summary(), d.Detail(), wantSummary, wantDetail)
	}
	if len(lines) == 0 {
		t.Error("no progress was sent")
	}
}
