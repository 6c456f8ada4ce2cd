package digitalocean

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/digitalocean/godo"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// countActions returns how many actions of the type the droplet has had.
func countActions(s *emulator.Server, dropletID int, typ string) int {
	n := 0
	for _, a := range s.DropletActions(dropletID) {
		if a.Type == typ {
			n++
		}
	}
	return n
}

// Every job starts exactly one action, even when requests fail before taking effect (5xx)
// and when action POSTs take effect but their answer is lost (5xx or dropped connection).
func TestRunExactlyOnceUnderFaults(t *testing.T) {
	r := startEmulator(t, emulator.Options{
		ActionDuration:   30 * time.Millisecond,
		FaultRate:        0.2,
		LostResponseRate: 0.5,
		Seed:             7,
	})
	const droplets, runs = 6, 5
	ids := createDroplets(r.Server, droplets, emulator.DropletSpec{})
	cfg := testConfig(r)
	cfg.HTTPRetryMax = 20
	c := newTestClient(t, cfg)
	ctx := ctxTimeout(t, 60*time.Second)

	var wg sync.WaitGroup
	errs := make(chan error, droplets*runs)
	for _, id := range ids {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			for range runs {
				res, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "reboot"}})
				if err != nil {
					errs <- err
					return
				}
				if a := res[0].Action; a.Status != "completed" || a.ResourceID != id {
					errs <- errors.New("unexpected action " + a.Status)
				}
			}
		}(id)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, id := range ids {
		if n := countActions(r.Server, id, "reboot"); n != runs {
			t.Errorf("droplet %d: %d reboots started, want exactly %d", id, n, runs)
		}
	}
	st := r.Server.Stats()
	if st.LostResponses == 0 || st.Faults == 0 {
		t.Errorf("the emulator injected no trouble (%+v); the test proves nothing", st)
	}
	t.Logf("lost responses %d, faults %d, requests %d", st.LostResponses, st.Faults, st.TotalRequests)
}

// An action POST is never repeated blindly, not even by the HTTP retries.
func TestActionPostNotRetriedOnServerError(t *testing.T) {
	r := startEmulator(t, emulator.Options{})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	var posts atomic.Int32
	c := clientBehind(t, r, func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodPost {
			if n := posts.Add(1); n == 1 {
				// The action starts, but the client hears a 502.
				rec := httptest.NewRecorder()
				r.Server.ServeHTTP(rec, req)
				w.WriteHeader(http.StatusBadGateway)
				return
			}
		}
		r.Server.ServeHTTP(w, req)
	})
	a, err := c.Start(ctxTimeout(t, 10*time.Second), id, ActionRequest{Type: "power_cycle"})
	if err != nil {
		t.Fatal(err)
	}
	if posts.Load() != 1 || countActions(r.Server, id, "power_cycle") != 1 {
		t.Errorf("%d POSTs, %d actions; want 1 and 1", posts.Load(), countActions(r.Server, id, "power_cycle"))
	}
	if a.Type != "power_cycle" || a.ResourceID != id {
		t.Errorf("adopted %+v", a)
	}
}

// A POST that failed before taking effect is sent again after checking.
func TestStartRetriesWhenNothingStarted(t *testing.T) {
	r := startEmulator(t, emulator.Options{})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	var posts atomic.Int32
	c := clientBehind(t, r, func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodPost {
			if n := posts.Add(1); n <= 2 {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
		}
		r.Server.ServeHTTP(w, req)
	})
	if _, err := c.Execute(ctxTimeout(t, 10*time.Second), Job{DropletID: id, Request: ActionRequest{Type: "reboot"}}); err != nil {
		t.Fatal(err)
	}
	if posts.Load() != 3 || countActions(r.Server, id, "reboot") != 1 {
		t.Errorf("%d POSTs, %d reboots; want 3 and 1", posts.Load(), countActions(r.Server, id, "reboot"))
	}
}

// A busy droplet ("pending event") is waited for, then the action starts.
func TestStartWaitsForBusyDroplet(t *testing.T) {
	r := startEmulator(t, emulator.Options{ActionDuration: 50 * time.Millisecond})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	busy, err := r.Server.StartAction(id, "snapshot", 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, testConfig(r))
	res, err := c.Execute(ctxTimeout(t, 10*time.Second), Job{DropletID: id, Request: ActionRequest{Type: "reboot"}})
	if err != nil {
		t.Fatal(err)
	}
	a := res[0].Action
	if a.Status != "completed" {
		t.Errorf("status %q", a.Status)
	}
	acts := r.Server.DropletActions(id)
	var snap, reboot *emulator.Action
	for i := range acts {
		switch acts[i].ID {
		case busy.ID:
			snap = &acts[i]
		case a.ID:
			reboot = &acts[i]
		}
	}
	if snap == nil || reboot == nil || snap.Status != "completed" {
		t.Fatalf("actions %+v", acts)
	}
	if countActions(r.Server, id, "reboot") != 1 {
		t.Errorf("%d reboots, want 1", countActions(r.Server, id, "reboot"))
	}
	if st := r.Server.Stats(); st.Requests["POST /v2/droplets/{id}/actions"] < 2 {
		t.Errorf("expected the first POST to be refused: %+v", st.Requests)
	}
}

func TestBusyDropletWaitEndsWithContext(t *testing.T) {
	r := startEmulator(t, emulator.Options{})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	busy, err := r.Server.StartAction(id, "snapshot", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, testConfig(r))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "reboot"}})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
	var ae *ActionError
	if !errors.As(err, &ae) || ae.ActionID != busy.ID || ae.DropletID != id || ae.Status != "in-progress" {
		t.Errorf("error %v does not name the blocking action %d", err, busy.ID)
	}
	if !strings.Contains(err.Error(), "busy") {
		t.Errorf("message %q does not say the droplet is busy", err)
	}
}

// The wait ends with its context, promptly, naming droplet, action and last status.
func TestWaitEndsWithContext(t *testing.T) {
	r, id, c := emulatedDroplet(t, emulator.Options{ActionDuration: time.Hour})

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "snapshot", Name: "s"}})
	var ae *ActionError
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &ae) {
		t.Fatalf("got %v, want an ActionError with ErrTimeout", err)
	}
	if ae.DropletID != id || ae.ActionID == 0 || ae.Status != "in-progress" || ae.Type != "snapshot" {
		t.Errorf("ActionError %+v", ae)
	}
	for _, part := range []string{"timed out", "snapshot", "in-progress"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("message %q lacks %q", err, part)
		}
	}

	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() {
		time.Sleep(100 * time.Millisecond)
		cancel2()
	}()
	other := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	_, err = c.Execute(ctx2, Job{DropletID: other, Request: ActionRequest{Type: "power_off"}})
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) || !errors.As(err, &ae) || ae.DropletID != other {
		t.Errorf("canceled: %v", err)
	}
	// The waiter stops once nobody waits.
	c.waiter.mu.Lock()
	n := len(c.waiter.entries)
	c.waiter.mu.Unlock()
	if n != 0 {
		t.Errorf("%d actions still followed after every wait ended", n)
	}
}

func TestFindInProgress(t *testing.T) {
	r, id, c := emulatedDroplet(t, emulator.Options{ActionDuration: 20 * time.Millisecond})
	ctx := ctxTimeout(t, 10*time.Second)
	if _, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "snapshot", Name: "old"}}); err != nil {
		t.Fatal(err)
	}
	running, err := r.Server.StartAction(id, "snapshot", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.FindInProgress(ctx, id, "snapshot")
	if err != nil || a == nil || a.ID != running.ID {
		t.Fatalf("FindInProgress = %+v, %v; want action %d", a, err, running.ID)
	}
	if a, err := c.FindInProgress(ctx, id, "reboot"); err != nil || a != nil {
		t.Errorf("FindInProgress(reboot) = %+v, %v; want nil", a, err)
	}
	if _, err := c.FindInProgress(ctx, id+100, "reboot"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown droplet: %v", err)
	}
}

func TestRunByTag(t *testing.T) {
	r := startEmulator(t, emulator.Options{ActionDuration: 50 * time.Millisecond})
	tagged := createDroplets(r.Server, 4, emulator.DropletSpec{Tags: []string{"env:prod"}})
	untagged := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	c := newTestClient(t, testConfig(r))
	results, err := c.Execute(ctxTimeout(t, 10*time.Second), Job{Tag: "env:prod", Request: ActionRequest{Type: "power_off"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(tagged) {
		t.Fatalf("%d results, want %d", len(results), len(tagged))
	}
	for _, res := range results {
		if a := res.Action; a.ID == 0 || a.Status != "completed" {
			t.Errorf("action %d: %s", a.ID, a.Status)
		}
	}
	for _, id := range tagged {
		if n := countActions(r.Server, id, "power_off"); n != 1 {
			t.Errorf("droplet %d: %d power_off actions", id, n)
		}
	}
	if n := countActions(r.Server, untagged, "power_off"); n != 0 {
		t.Errorf("untagged droplet got %d actions", n)
	}
	if st := r.Server.Stats(); st.Requests["POST /v2/droplets/actions"] != 1 {
		t.Errorf("requests %v, want one by-tag POST", st.Requests)
	}
}

func TestRunByTagExactlyOnceUnderFaults(t *testing.T) {
	r := startEmulator(t, emulator.Options{ActionDuration: 20 * time.Millisecond, Seed: 3})
	tagged := createDroplets(r.Server, 3, emulator.DropletSpec{Tags: []string{"web"}})
	r.Server.SetFaults(emulator.Faults{FaultRate: 0.15, LostResponseRate: 0.6})
	cfg := testConfig(r)
	cfg.HTTPRetryMax = 20
	c := newTestClient(t, cfg)
	const runs = 6
	for range runs {
		if _, err := c.Execute(ctxTimeout(t, 30*time.Second), Job{Tag: "web", Request: ActionRequest{Type: "power_cycle"}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range tagged {
		if n := countActions(r.Server, id, "power_cycle"); n != runs {
			t.Errorf("droplet %d: %d power_cycle actions, want %d", id, n, runs)
		}
	}
	if st := r.Server.Stats(); st.LostResponses == 0 {
		t.Errorf("no response was lost (%+v); the test proves nothing", st)
	}
}

func TestRunByTagWithBusyDroplet(t *testing.T) {
	r := startEmulator(t, emulator.Options{ActionDuration: 30 * time.Millisecond})
	tagged := createDroplets(r.Server, 3, emulator.DropletSpec{Tags: []string{"db"}})
	if _, err := r.Server.StartAction(tagged[1], "snapshot", 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, testConfig(r))
	as, err := c.Execute(ctxTimeout(t, 10*time.Second), Job{Tag: "db", Request: ActionRequest{Type: "power_off"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 3 {
		t.Errorf("%d actions, want 3", len(as))
	}
	for _, id := range tagged {
		if n := countActions(r.Server, id, "power_off"); n != 1 {
			t.Errorf("droplet %d: %d power_off actions, want 1", id, n)
		}
	}
}

// The action bodies are ours, not godo's: no "weekday": "" for daily plans, hour 0 is sent,
// and enabling backups with a policy is one action.
func TestActionBodies(t *testing.T) {
	r := startEmulator(t, emulator.Options{})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	var mu sync.Mutex
	var bodies []map[string]any
	c := clientBehind(t, r, func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodPost {
			data, _ := io.ReadAll(req.Body)
			var m map[string]any
			_ = json.Unmarshal(data, &m)
			mu.Lock()
			bodies = append(bodies, m)
			mu.Unlock()
			req.Body = io.NopCloser(strings.NewReader(string(data)))
		}
		r.Server.ServeHTTP(w, req)
	})
	ctx := ctxTimeout(t, 10*time.Second)
	if _, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "enable_backups", BackupPolicy: &Policy{Plan: "daily", Hour: intPtr(0)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "change_backup_policy", BackupPolicy: &Policy{Plan: "weekly", Weekday: "SUN", Hour: intPtr(20)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "rebuild", Image: "12345"}}); err != nil && !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	if len(bodies) < 2 {
		t.Fatalf("bodies %v", bodies)
	}
	enable, _ := json.Marshal(bodies[0])
	if string(enable) != `{"backup_policy":{"hour":0,"plan":"daily"},"type":"enable_backups"}` {
		t.Errorf("enable body %s", enable)
	}
	change, _ := json.Marshal(bodies[1])
	if string(change) != `{"backup_policy":{"hour":20,"plan":"weekly","weekday":"SUN"},"type":"change_backup_policy"}` {
		t.Errorf("change body %s", change)
	}
	if len(bodies) > 2 {
		if img, ok := bodies[2]["image"].(float64); !ok || img != 12345 {
			t.Errorf("rebuild by ID sends %v, want the number", bodies[2]["image"])
		}
	}
	if n := countActions(r.Server, id, "enable_backups") + countActions(r.Server, id, "change_backup_policy"); n != 2 {
		t.Errorf("%d backup actions, want 2 (one enable, one change)", n)
	}
	p, ok := r.Server.BackupPolicy(id)
	if !ok || !p.BackupEnabled {
		t.Errorf("policy %+v", p)
	}
}

func TestActionRequestValidation(t *testing.T) {
	for _, req := range []ActionRequest{
		{},
		{Type: "restore", Image: "ubuntu"},
		{Type: "rebuild"},
		{Type: "resize"},
		{Type: "rename"},
		{Type: "change_kernel"},
		{Type: "change_backup_policy"},
		{Type: "reboot", BackupPolicy: &Policy{Plan: "daily"}},
	} {
		if _, err := req.body(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v, want ErrInvalid", req, err)
		}
	}
}

func TestConvertImageToSnapshot(t *testing.T) {
	r := startEmulator(t, emulator.Options{ActionDuration: 50 * time.Millisecond})
	id := r.Server.CreateDroplet(emulator.DropletSpec{Backups: true}).ID
	img, err := r.Server.TakeBackup(id)
	if err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, testConfig(r))
	ctx := ctxTimeout(t, 10*time.Second)
	backups, err := c.Backups(ctx, id)
	if err != nil || len(backups) != 1 || backups[0].ID != img.ID {
		t.Fatalf("Backups = %+v, %v", backups, err)
	}
	a, err := c.ConvertImageToSnapshot(ctx, img.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Type != "convert" || a.Status != "completed" || a.ResourceID != img.ID {
		t.Errorf("action %+v", a)
	}
	got, _ := r.Server.Image(img.ID)
	if got.Type != "snapshot" {
		t.Errorf("image type %q after convert", got.Type)
	}
	if _, err := c.ConvertImageToSnapshot(ctx, 999999); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown image: %v", err)
	}
}

// FindInProgress calls that arrive together are answered from one page of the account's
// latest actions.
func TestFindInProgressBatched(t *testing.T) {
	r := startEmulator(t, emulator.Options{ActionDuration: 10 * time.Millisecond})
	ids := createDroplets(r.Server, 12, emulator.DropletSpec{})
	busy, err := r.Server.StartAction(ids[4], "reboot", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, testConfig(r))
	ctx := ctxTimeout(t, 10*time.Second)
	var wg sync.WaitGroup
	got := make([]int, len(ids))
	for i, id := range ids {
		wg.Add(1)
		go func(i, id int) {
			defer wg.Done()
			a, err := c.FindInProgress(ctx, id, "reboot")
			if err != nil {
				t.Error(err)
				return
			}
			if a != nil {
				got[i] = a.ID
			}
		}(i, id)
	}
	wg.Wait()
	for i := range ids {
		want := 0
		if i == 4 {
			want = busy.ID
		}
		if got[i] != want {
			t.Errorf("droplet %d: found action %d, want %d", ids[i], got[i], want)
		}
	}
	if st := r.Server.Stats(); st.TotalRequests > 3 {
		t.Errorf("%d requests for %d calls: %v", st.TotalRequests, len(ids), st.Requests)
	}
}

// When the latest actions say nothing about a droplet (its actions are older than the page),
// FindInProgress asks that droplet.
func TestFindInProgressBeyondLatestPage(t *testing.T) {
	r := startEmulator(t, emulator.Options{})
	ids := createDroplets(r.Server, 3, emulator.DropletSpec{})
	old, err := r.Server.StartAction(ids[0], "snapshot", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for range listPerPage + 5 {
		if _, err := r.Server.StartAction(ids[1], "power_cycle", 0); err != nil {
			t.Fatal(err)
		}
	}
	c := newTestClient(t, testConfig(r))
	ctx := ctxTimeout(t, 10*time.Second)
	var wg sync.WaitGroup
	var a0, a2 *godo.Action
	var e0, e2 error
	wg.Add(2)
	go func() { defer wg.Done(); a0, e0 = c.FindInProgress(ctx, ids[0], "snapshot") }()
	go func() { defer wg.Done(); a2, e2 = c.FindInProgress(ctx, ids[2], "snapshot") }()
	wg.Wait()
	if e0 != nil || e2 != nil {
		t.Fatal(e0, e2)
	}
	if a0 == nil || a0.ID != old.ID {
		t.Errorf("droplet with an old running snapshot: %+v, want action %d", a0, old.ID)
	}
	if a2 != nil {
		t.Errorf("idle droplet: %+v", a2)
	}
}

// A droplet busy with an action of the same type started elsewhere: Start waits for it, starts
// its own, and when that answer is lost, adopts its own action, never the other one.
func TestStartAfterSameTypeBusyWithLostAnswer(t *testing.T) {
	r := startEmulator(t, emulator.Options{ActionDuration: 30 * time.Millisecond})
	id := r.Server.CreateDroplet(emulator.DropletSpec{Backups: true}).ID
	busy, err := r.Server.StartAction(id, "change_backup_policy", 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	c := clientBehind(t, r, func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodPost {
			r.Server.ServeHTTP(w, req)
			return
		}
		rec := httptest.NewRecorder()
		r.Server.ServeHTTP(rec, req)
		if rec.Code == http.StatusCreated {
			// It started, but the answer is lost.
			w.WriteHeader(http.StatusGatewayTimeout)
			return
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
	res, err := c.Execute(ctxTimeout(t, 10*time.Second), Job{DropletID: id, Request: ActionRequest{Type: "change_backup_policy", BackupPolicy: &Policy{Plan: "weekly", Weekday: "SAT", Hour: intPtr(16)}}})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Action.ID == busy.ID {
		t.Fatalf("adopted the action started elsewhere (%d)", busy.ID)
	}
	if n := countActions(r.Server, id, "change_backup_policy"); n != 2 {
		t.Errorf("%d change_backup_policy actions, want 2 (the other one and ours)", n)
	}
	p, _ := r.Server.BackupPolicy(id)
	if p.BackupPolicy == nil || p.BackupPolicy.Weekday != "SAT" {
		t.Errorf("policy %+v", p.BackupPolicy)
	}
}

// A new Client whose first start fails unsure must not adopt an older action of the same type
// (say, from the previous terraform command): the server's clock, read from its Date header,
// says the older action began before the attempt.
func TestUnsureStartIgnoresEarlierSameTypeAction(t *testing.T) {
	var shift atomic.Int64
	now := func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }
	r := startEmulator(t, emulator.Options{Now: now})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	if _, err := r.Server.StartAction(id, "reboot", 0); err != nil {
		t.Fatal(err)
	}
	shift.Store(int64(30 * time.Second)) // the next command runs a little later
	var failed atomic.Bool
	c := clientBehind(t, r, func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Date", now().UTC().Format(http.TimeFormat))
		if req.Method == http.MethodPost && failed.CompareAndSwap(false, true) {
			w.WriteHeader(http.StatusInternalServerError) // before it took effect
			return
		}
		r.Server.ServeHTTP(w, req)
	})
	a, err := c.Start(ctxTimeout(t, 10*time.Second), id, ActionRequest{Type: "reboot"})
	if err != nil {
		t.Fatal(err)
	}
	if n := countActions(r.Server, id, "reboot"); n != 2 {
		t.Errorf("%d reboots, want 2 (the earlier one and this start's); started %+v", n, a)
	}
}

// FindInProgress leaves out actions this Client started: they belong to another resource of
// the same command.
func TestFindInProgressSkipsOwnActions(t *testing.T) {
	r, id, c := emulatedDroplet(t, emulator.Options{ActionDuration: time.Hour})
	ctx := ctxTimeout(t, 10*time.Second)
	if _, err := c.Start(ctx, id, ActionRequest{Type: "snapshot", Name: "mine"}); err != nil {
		t.Fatal(err)
	}
	if a, err := c.FindInProgress(ctx, id, "snapshot"); err != nil || a != nil {
		t.Errorf("FindInProgress = %+v, %v; want nil (the running snapshot is this Client's)", a, err)
	}
	other := newTestClient(t, testConfig(r)) // the next command
	if a, err := other.FindInProgress(ctx, id, "snapshot"); err != nil || a == nil {
		t.Errorf("next command: FindInProgress = %+v, %v; want the running snapshot", a, err)
	}
}
