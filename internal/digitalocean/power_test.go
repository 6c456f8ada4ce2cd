package digitalocean

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/digitalocean/godo"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func postsTo(s *emulator.Server) int {
	st := s.Stats()
	return st.Requests["POST /v2/droplets/{id}/actions"] + st.Requests["POST /v2/droplets/actions"]
}

// With SkipNoop, an action that would change nothing is not sent, and the result and the
// progress say why; one that would is sent as usual.
func TestExecuteSkipsWhatWouldChangeNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := emulator.New(emulator.Options{ActionDuration: 10 * time.Second})
		on := s.CreateDroplet(emulator.DropletSpec{Name: "on"}).ID
		off := s.CreateDroplet(emulator.DropletSpec{Name: "off"}).ID
		if _, err := s.StartAction(off, "power_off", 0); err != nil {
			t.Fatal(err)
		}
		c := bubbleClient(t, s, nil)
		ctx := context.Background()
		for _, tc := range []struct {
			id     int
			typ    string
			reason string // "" = the action runs
		}{
			{on, "power_on", "already on"},
			{off, "power_off", "already off"},
			{off, "shutdown", "already off"},
			{off, "power_on", ""},
		} {
			s.ResetStats()
			var events eventLog
			res, err := c.Execute(ctx, Job{DropletID: tc.id, Request: ActionRequest{Type: tc.typ}, SkipNoop: true, Progress: events.add})
			if err != nil {
				t.Fatalf("%s on droplet %d: %v", tc.typ, tc.id, err)
			}
			r := res[0]
			if tc.reason == "" {
				if r.Skipped != "" || r.Action.Status != "completed" || postsTo(s) != 1 {
					t.Errorf("%s on droplet %d: %+v, %d POSTs; want it run", tc.typ, tc.id, r, postsTo(s))
				}
				continue
			}
			if !strings.Contains(r.Skipped, tc.reason) || r.Action.ID != 0 || postsTo(s) != 0 {
				t.Errorf("%s on droplet %d: %+v, %d POSTs; want skipped because %s", tc.typ, tc.id, r, postsTo(s), tc.reason)
			}
			if k := events.kinds(tc.id); len(k) != 1 || k[0] != EventSkipped || !strings.Contains(events.all()[0].String(), tc.reason) {
				t.Errorf("%s on droplet %d: events %v", tc.typ, tc.id, events.all())
			}
		}
	})
}

// A droplet busy with an action that brings it to the wanted state is waited for and then
// left alone; by tag, droplets already there are skipped and the others started.
func TestExecuteSkipNoopAfterBusyAndByTag(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := emulator.New(emulator.Options{ActionDuration: 10 * time.Second})
		ids := createDroplets(s, 3, emulator.DropletSpec{Tags: []string{"app"}})
		if _, err := s.StartAction(ids[0], "power_off", time.Minute); err != nil {
			t.Fatal(err)
		}
		c := bubbleClient(t, s, nil)
		res, err := c.Execute(context.Background(), Job{DropletID: ids[0], Request: ActionRequest{Type: "power_off"}, SkipNoop: true})
		if err != nil || !strings.Contains(res[0].Skipped, "already off") {
			t.Fatalf("busy droplet: %+v, %v; want skipped once the running power_off ended", res, err)
		}
		if n := countActions(s, ids[0], "power_off"); n != 1 {
			t.Errorf("%d power_off actions, want only the one started elsewhere", n)
		}

		res, err = c.Execute(context.Background(), Job{Tag: "app", Request: ActionRequest{Type: "shutdown"}, SkipNoop: true})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(res[0].Skipped, "already off") || res[1].Action.Type != "shutdown" || res[2].Action.Type != "shutdown" {
			t.Errorf("results %+v", res)
		}
		for _, id := range ids[1:] {
			if d, _ := s.Droplet(id); d.Status != "off" || countActions(s, id, "shutdown") != 1 {
				t.Errorf("droplet %d is %s after %d shutdowns", id, d.Status, countActions(s, id, "shutdown"))
			}
		}
		if n := countActions(s, ids[0], "shutdown"); n != 0 {
			t.Errorf("the droplet that was off got %d shutdowns", n)
		}
	})
}

// A guest that ignores shutdown is powered off once ForceAfter has passed since the request,
// on the Client's clock; one that obeys is not, and an errored shutdown falls back at once.
func TestExecuteShutdownFallsBackToPowerOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := emulator.New(emulator.Options{ActionDuration: 15 * time.Second})
		stubborn := s.CreateDroplet(emulator.DropletSpec{Name: "stubborn"}).ID
		polite := s.CreateDroplet(emulator.DropletSpec{Name: "polite"}).ID
		broken := s.CreateDroplet(emulator.DropletSpec{Name: "broken"}).ID
		s.SetIgnoreShutdown(stubborn, true)
		s.FailNextAction(broken, "shutdown")
		c := bubbleClient(t, s, nil)
		job := func(id int, events *eventLog) Job {
			return Job{DropletID: id, Request: ActionRequest{Type: "shutdown"}, ForceAfter: 2 * time.Minute, Progress: events.add}
		}

		var events eventLog
		began := time.Now()
		res, err := c.Execute(context.Background(), job(stubborn, &events))
		if err != nil {
			t.Fatal(err)
		}
		r := res[0]
		if r.Action.Type != "shutdown" || r.Action.Status != "completed" || r.PowerOff == nil || r.PowerOff.Status != "completed" {
			t.Fatalf("result %+v", r)
		}
		if d, _ := s.Droplet(stubborn); d.Status != "off" {
			t.Errorf("droplet is %s", d.Status)
		}
		var fallback Event
		for _, e := range events.all() {
			if e.Kind == EventFallback {
				fallback = e
			}
		}
		if fallback.Kind == "" || fallback.At.Sub(began) < 2*time.Minute || !strings.Contains(fallback.Reason, "2m0s") {
			t.Errorf("fallback event %+v, %s after the request; want one 2m after it", fallback, fallback.At.Sub(began))
		}
		if k := events.kinds(stubborn); k[len(k)-1] != EventDone {
			t.Errorf("events %v", k)
		}

		res, err = c.Execute(context.Background(), job(polite, &eventLog{}))
		if err != nil || res[0].PowerOff != nil || countActions(s, polite, "power_off") != 0 {
			t.Errorf("polite guest: %+v, %v; want no power_off", res, err)
		}
		if d, _ := s.Droplet(polite); d.Status != "off" {
			t.Errorf("polite droplet is %s", d.Status)
		}

		events = eventLog{}
		began = time.Now()
		res, err = c.Execute(context.Background(), job(broken, &events))
		if err != nil || res[0].Action.Status != "errored" || res[0].PowerOff == nil || res[0].PowerOff.Status != "completed" {
			t.Fatalf("errored shutdown: %+v, %v; want power_off to follow", res, err)
		}
		for _, e := range events.all() {
			if e.Kind == EventFallback && (e.At.Sub(began) >= 2*time.Minute || !strings.Contains(e.Reason, "errored")) {
				t.Errorf("fallback %+v after %s; want it at once, saying the shutdown errored", e, e.At.Sub(began))
			}
		}
	})
}

// With Adopt as well, a power_off still running from an earlier run is adopted and followed,
// rather than waited out and then found needless.
func TestExecuteAdoptBeforeSkipNoop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := emulator.New(emulator.Options{})
		id := s.CreateDroplet(emulator.DropletSpec{Name: "db"}).ID
		left, err := s.StartAction(id, "power_off", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		c := bubbleClient(t, s, nil)
		res, err := c.Execute(context.Background(), Job{DropletID: id, Request: ActionRequest{Type: "power_off"}, Adopt: true, SkipNoop: true})
		if err != nil {
			t.Fatal(err)
		}
		if r := res[0]; !r.Adopted || r.Action.ID != left.ID || r.Action.Status != "completed" || r.Skipped != "" {
			t.Errorf("result %+v, want action %d adopted", r, left.ID)
		}
		if n := countActions(s, id, "power_off"); n != 1 {
			t.Errorf("%d power_off actions, want 1", n)
		}
	})
}

// noop judges by the droplet's status alone: a new droplet boots by itself, an archived one
// does not run, and only the power types can be needless.
func TestNoop(t *testing.T) {
	for _, tc := range []struct {
		typ, status string
		want        string // "" = the action changes something
	}{
		{"power_on", "active", "already on"},
		{"power_on", "new", "boots by itself"},
		{"power_on", "off", ""},
		{"power_on", "archive", ""},
		{"power_off", "off", "already off (status off)"},
		{"shutdown", "archive", "already off (status archive)"},
		{"power_off", "active", ""},
		{"shutdown", "new", ""},
		{"reboot", "off", ""},
	} {
		got := noop(tc.typ, &godo.Droplet{Status: tc.status})
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("noop(%s, status %s) = %q, want %q", tc.typ, tc.status, got, tc.want)
		}
	}
}

// With NoForceOnError an errored shutdown ends the run with its error and no power_off
// follows. The result carries the droplet's status as last read: off once a guest obeyed the
// shutdown, the status that made a skipped action needless, nothing when no read was needed.
func TestExecuteNoForceOnErrorAndDropletStatus(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := emulator.New(emulator.Options{ActionDuration: 15 * time.Second})
		broken := s.CreateDroplet(emulator.DropletSpec{Name: "broken"}).ID
		polite := s.CreateDroplet(emulator.DropletSpec{Name: "polite"}).ID
		s.FailNextAction(broken, "shutdown")
		c := bubbleClient(t, s, nil)
		ctx := context.Background()
		job := func(id int) Job {
			return Job{DropletID: id, Request: ActionRequest{Type: "shutdown"}, SkipNoop: true, ForceAfter: 2 * time.Minute, NoForceOnError: true}
		}

		res, err := c.Execute(ctx, job(broken))
		if !errors.Is(err, ErrActionErrored) || res[0].Action.Status != "errored" || res[0].PowerOff != nil {
			t.Fatalf("errored shutdown: %+v, %v; want its error and no power_off", res, err)
		}
		if n := countActions(s, broken, "power_off"); n != 0 {
			t.Errorf("%d power_off actions after the errored shutdown", n)
		}
		if d, _ := s.Droplet(broken); d.Status != "active" {
			t.Errorf("broken droplet is %s, want still active", d.Status)
		}

		res, err = c.Execute(ctx, job(polite))
		if err != nil || res[0].Action.Status != "completed" || res[0].PowerOff != nil || res[0].DropletStatus != "off" {
			t.Errorf("obeyed shutdown: %+v, %v; want it completed and the droplet seen off", res, err)
		}
		res, err = c.Execute(ctx, job(polite))
		if err != nil || res[0].Skipped == "" || res[0].DropletStatus != "off" {
			t.Errorf("shutdown of an off droplet: %+v, %v; want it skipped with status off", res, err)
		}
		res, err = c.Execute(ctx, Job{DropletID: broken, Request: ActionRequest{Type: "reboot"}})
		if err != nil || res[0].DropletStatus != "" {
			t.Errorf("reboot: %+v, %v; want no droplet status (no read was needed)", res, err)
		}
	})
}
