package emulator_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/digitalocean/godo"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// apiRaw sends an API request with the default token and returns the status
// and the body as they came.
func (e *env) apiRaw(method, path, body string) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, e.run.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+emulator.DefaultToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// wantPendingEvent checks that an action POST is refused exactly as the API
// refuses one on a busy droplet.
func (e *env) wantPendingEvent(path, body string) {
	e.t.Helper()
	code, b := e.apiRaw("POST", path, body)
	var got emulator.APIError
	_ = json.Unmarshal(b, &got)
	if code != http.StatusUnprocessableEntity || got.ID != "unprocessable_entity" || got.Message != "Droplet already has a pending event." {
		e.t.Errorf("POST %s: %d %s, want the pending-event 422", path, code, b)
	}
}

// wantNothingInProgress checks that no action list shows an action in progress.
func (e *env) wantNothingInProgress(id int) {
	e.t.Helper()
	for _, path := range []string{"/v2/droplets/" + itoa(id) + "/actions?per_page=200", "/v2/actions?per_page=200"} {
		code, b := e.apiRaw("GET", path, "")
		var list struct {
			Actions []emulator.Action `json:"actions"`
		}
		if err := json.Unmarshal(b, &list); code != http.StatusOK || err != nil {
			e.t.Fatalf("GET %s: %d %s", path, code, b)
		}
		for _, a := range list.Actions {
			if a.Status == "in-progress" {
				e.t.Errorf("GET %s shows action %d (%s) in progress", path, a.ID, a.Type)
			}
		}
	}
}

// TestLockDropletWithoutVisibleAction: PUT /_emulator/droplets/{id}/lock
// makes action requests answer the pending-event 422 while no action is in
// progress anywhere, for its duration or until DELETE releases it.
func TestLockDropletWithoutVisibleAction(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.Droplets = 2 })
	const id = 100000
	post := "/v2/droplets/" + itoa(id) + "/actions"

	var got struct {
		Lock emulator.Lock `json:"lock"`
	}
	if code := e.control("PUT", "/_emulator/droplets/100000/lock", map[string]any{}, &got); code != http.StatusOK ||
		got.Lock.DropletID != id || got.Lock.Until != nil || got.Lock.HideLocked {
		t.Fatalf("PUT lock {}: %d %+v", code, got.Lock)
	}
	e.wantPendingEvent(post, `{"type":"reboot"}`)
	e.wantPendingEvent("/v2/droplets/actions?tag_name=emulator", `{"type":"power_off"}`)
	e.wantNothingInProgress(id)
	if !e.get(id).Locked {
		t.Error("a locked droplet reads locked: false")
	}
	if _, err := e.srv.StartAction(id, "reboot", time.Second); !errors.Is(err, emulator.ErrPendingEvent) {
		t.Errorf("StartAction on a locked droplet: %v", err)
	}
	e.clock.Advance(24 * time.Hour) // until released: time does not end it
	e.wantPendingEvent(post, `{"type":"reboot"}`)
	if code := e.control("DELETE", "/_emulator/droplets/100000/lock", nil, nil); code != http.StatusNoContent {
		t.Fatalf("DELETE lock: %d", code)
	}
	must[*godo.Action](t)(e.client.DropletActions.Reboot(e.ctx, id))
	e.finish()

	// With a duration, and the locked field hidden.
	if code := e.control("PUT", "/_emulator/droplets/100000/lock", map[string]any{"duration": "30s", "hide_locked": true}, &got); code != http.StatusOK ||
		got.Lock.Until == nil || !got.Lock.Until.Equal(e.clock.Now().Add(30*time.Second)) || !got.Lock.HideLocked {
		t.Fatalf("PUT lock 30s: %d %+v", code, got.Lock)
	}
	if e.get(id).Locked {
		t.Error("hide_locked: the droplet reads locked: true")
	}
	e.clock.Advance(29 * time.Second)
	e.wantPendingEvent(post, `{"type":"power_cycle"}`)
	e.wantNothingInProgress(id)
	e.clock.Advance(time.Second)
	must[*godo.Action](t)(e.client.DropletActions.PowerCycle(e.ctx, id))
	if _, ok := e.srv.DropletLock(id); ok {
		t.Error("the lock outlived its duration")
	}

	// Other droplets are not affected; unknown droplets and bad bodies are refused.
	must[*godo.Action](t)(e.client.DropletActions.Reboot(e.ctx, 100001))
	if code := e.control("PUT", "/_emulator/droplets/999/lock", map[string]any{}, nil); code != http.StatusNotFound {
		t.Errorf("lock of an unknown droplet: %d", code)
	}
	if code := e.control("DELETE", "/_emulator/droplets/999/lock", nil, nil); code != http.StatusNotFound {
		t.Errorf("unlock of an unknown droplet: %d", code)
	}
	for _, bad := range []string{`{"duration": "soon"}`, `{"duration": 30}`, `{"for": "30s"}`, `{"duration": "-1s"}`} {
		if code, ae := e.controlRaw("PUT", "/_emulator/droplets/100001/lock", bad); code != http.StatusBadRequest {
			t.Errorf("PUT lock %s: %d %q", bad, code, ae.Message)
		}
	}
	if _, ok := e.srv.DropletLock(100001); ok {
		t.Error("a refused PUT lock locked the droplet")
	}
}

// TestLockDropletGo: the Go form; a release function ends only its own lock,
// and Reset ends every lock.
func TestLockDropletGo(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.Droplets = 1 })
	const id = 100000
	first, err := e.srv.LockDroplet(id, emulator.LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.client.DropletActions.Reboot(e.ctx, id); apiStatus(err) != http.StatusUnprocessableEntity {
		t.Fatalf("reboot of a locked droplet: %v", err)
	}
	second, err := e.srv.LockDroplet(id, emulator.LockOptions{Duration: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	first() // replaced: releasing it leaves the second lock
	if l, ok := e.srv.DropletLock(id); !ok || l.Until == nil {
		t.Fatalf("after releasing a replaced lock: %+v %v", l, ok)
	}
	second()
	must[*godo.Action](t)(e.client.DropletActions.Reboot(e.ctx, id))
	e.finish()

	if _, err := e.srv.LockDroplet(id, emulator.LockOptions{}); err != nil {
		t.Fatal(err)
	}
	e.srv.Reset()
	must[*godo.Action](t)(e.client.DropletActions.Reboot(e.ctx, id))
	if _, err := e.srv.LockDroplet(42, emulator.LockOptions{}); !errors.Is(err, emulator.ErrNotFound) {
		t.Errorf("lock of an unknown droplet: %v", err)
	}
}
