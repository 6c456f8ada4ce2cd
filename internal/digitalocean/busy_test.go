package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// requestsAfterRefusal returns the requests from the one after the first refused POST.
func requestsAfterRefusal(t *testing.T, reqs []loggedRequest) []loggedRequest {
	t.Helper()
	for i, r := range reqs {
		if strings.HasPrefix(r.what, "POST ") {
			return reqs[i+1:]
		}
	}
	t.Fatalf("no POST among %v", reqs)
	return nil
}

// A droplet locked with no visible action costs at most one request per 5 s: after the refusal
// and the look at its actions, the client reads the droplet, backing off, instead of sending
// the POST again every couple of seconds; the debug log says what it waits for.
func TestBusyWithoutVisibleActionIsPolledSlowly(t *testing.T) {
	// The droplet's locked field may show the lock or not: the API is not always consistent.
	for _, hide := range []bool{false, true} {
		t.Run(fmt.Sprintf("locked field hidden %v", hide), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := emulator.New(emulator.Options{})
				id := s.CreateDroplet(emulator.DropletSpec{}).ID
				held := time.Now().Add(2 * time.Minute)
				if _, err := s.LockDroplet(id, emulator.LockOptions{Duration: 2 * time.Minute, HideLocked: hide}); err != nil {
					t.Fatal(err)
				}
				var reqs requestLog
				logger := &recordingLogger{}
				c := bubbleClient(t, logged(&reqs, s), logger)
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
				defer cancel()

				res, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "reboot"}})
				if err != nil {
					t.Fatal(err)
				}
				if a := res[0].Action; a.Status != "completed" || countActions(s, id, "reboot") != 1 {
					t.Errorf("action %+v; %d reboots, want one completed", a, countActions(s, id, "reboot"))
				}
				after := requestsAfterRefusal(t, reqs.all())
				for i := 1; i < len(after); i++ {
					if gap := after[i].at.Sub(after[i-1].at); gap < busySpacing {
						t.Errorf("%s then %s only %s apart, want at least %s", after[i-1].what, after[i].what, gap, busySpacing)
					}
				}
				// Once the hold ends, the action starts within one backed-off read and one spacing.
				latest := held.Add(busyPollMax + busySpacing)
				if n := len(after); n > int(latest.Sub(after[0].at)/busySpacing)+1 {
					t.Errorf("%d requests while the droplet was held for 2 minutes", n)
				}
				if last := after[len(after)-1]; !strings.HasPrefix(last.what, "POST ") || last.at.Before(held) || last.at.After(latest) {
					t.Errorf("last request %s at %s, want the POST that started the reboot within %s after the hold",
						last.what, last.at.Sub(held), latest.Sub(held))
				}
				found := false
				for _, line := range logger.all() {
					if strings.Contains(line, "lists no running action") && strings.Contains(line, fmt.Sprintf("droplet %d", id)) {
						found = true
					}
				}
				if !found {
					t.Errorf("none of the %d log lines says what the wait is for", len(logger.all()))
				}
			})
		})
	}
}

// The busy wait ends before the deadline, with an error that says the droplet stayed locked,
// rather than sleeping into the deadline.
func TestBusyWithoutVisibleActionBoundedByDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := emulator.New(emulator.Options{})
		id := s.CreateDroplet(emulator.DropletSpec{}).ID
		if _, err := s.LockDroplet(id, emulator.LockOptions{Duration: time.Hour}); err != nil {
			t.Fatal(err)
		}
		var reqs requestLog
		c := bubbleClient(t, logged(&reqs, s), nil)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		began := time.Now()

		_, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "power_cycle"}})
		if !errors.Is(err, ErrTimeout) || !errors.Is(err, ErrPendingEvent) {
			t.Fatalf("got %v, want ErrTimeout and ErrPendingEvent", err)
		}
		if !strings.Contains(err.Error(), "locked") || !strings.Contains(err.Error(), fmt.Sprintf("droplet %d", id)) {
			t.Errorf("message %q does not name the locked droplet", err)
		}
		if took := time.Since(began); took > time.Minute {
			t.Errorf("returned after %s, past the deadline", took)
		}
		if n := len(reqs.all()); n > int(time.Minute/busySpacing)+3 {
			t.Errorf("%d requests in a minute of waiting", n)
		}
		if countActions(s, id, "power_cycle") != 0 {
			t.Error("an action started on a locked droplet")
		}
	})
}

// Busy with a visible action: it is waited for with the shared waiter, then the action starts
// once, and no request is wasted on re-POSTing meanwhile.
func TestBusyWithVisibleActionThenStart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := emulator.New(emulator.Options{ActionDuration: 20 * time.Second})
		id := s.CreateDroplet(emulator.DropletSpec{}).ID
		busy, err := s.StartAction(id, "snapshot", 3*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		var reqs requestLog
		c := bubbleClient(t, logged(&reqs, s), nil)
		var events eventLog
		res, err := c.Execute(context.Background(), Job{DropletID: id, Request: ActionRequest{Type: "reboot"}, Progress: events.add})
		if err != nil {
			t.Fatal(err)
		}
		all := events.all()
		if len(all) == 0 || all[0].Kind != EventBusy || all[0].ActionID != busy.ID || !strings.Contains(all[0].String(), "busy with snapshot action") {
			t.Fatalf("events %v, want the busy droplet reported first", all)
		}
		heartbeats := 0
		for i, e := range all[1:] {
			if e.Kind == EventStarted {
				break
			}
			if e.Kind != EventWaiting || e.At.Sub(all[i].At) > heartbeatEvery {
				t.Errorf("while busy: %v after %v", e, all[i])
			}
			heartbeats++
		}
		if heartbeats < int(3*time.Minute/heartbeatEvery)-1 {
			t.Errorf("%d heartbeats during a 3-minute busy wait", heartbeats)
		}
		if res[0].Action.Type != "reboot" || res[0].Action.Status != "completed" || res[0].Adopted {
			t.Errorf("result %+v", res[0])
		}
		if a, _ := s.Action(busy.ID); a.Status != "completed" {
			t.Errorf("blocking snapshot %s", a.Status)
		}
		posts := 0
		for _, r := range reqs.all() {
			if strings.HasPrefix(r.what, "POST ") {
				posts++
			}
		}
		if posts != 2 || countActions(s, id, "reboot") != 1 {
			t.Errorf("%d POSTs and %d reboots, want 2 (refused, then started) and 1", posts, countActions(s, id, "reboot"))
		}
	})
}
