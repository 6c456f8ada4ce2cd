package emulator_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/digitalocean/godo"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// control calls a control endpoint and decodes the JSON answer into out (if not nil).
func (e *env) control(method, path string, body any, out any) int {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.run.URL+path, rd)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			e.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return resp.StatusCode
}

func TestControlStats(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.Droplets = 2 })
	for range 3 {
		must[[]godo.Droplet](t)(e.client.Droplets.List(e.ctx, nil))
	}
	must[*godo.Action](t)(e.client.DropletActions.Reboot(e.ctx, 100000))
	must[*godo.Action](t)(e.client.DropletActions.Snapshot(e.ctx, 100001, "s"))
	e.clock.Advance(61 * time.Second)
	a := must[*godo.Action](t)(e.client.Actions.Get(e.ctx, 3000000002))
	_ = a
	_, _, _ = e.client.Droplets.Get(e.ctx, 1) // 404s count too

	var st struct {
		Total          int            `json:"total_requests"`
		Requests       map[string]int `json:"requests"`
		ActionsStarted map[string]int `json:"actions_started"`
		Peak           int            `json:"peak_per_minute"`
	}
	if code := e.control("GET", "/_emulator/stats", nil, &st); code != 200 {
		t.Fatalf("stats: %d", code)
	}
	if st.Total != 7 || st.Requests["GET /v2/droplets"] != 3 || st.Requests["POST /v2/droplets/{id}/actions"] != 2 ||
		st.Requests["GET /v2/actions/{id}"] != 1 || st.Requests["GET /v2/droplets/{id}"] != 1 {
		t.Errorf("request counts %+v", st)
	}
	if st.ActionsStarted["reboot"] != 1 || st.ActionsStarted["snapshot"] != 1 || len(st.ActionsStarted) != 2 {
		t.Errorf("actions started %v", st.ActionsStarted)
	}
	// Five requests in the first minute; the two after 61 s form a window of their own.
	if st.Peak != 5 {
		t.Errorf("peak per minute = %d, want 5", st.Peak)
	}
	if code := e.control("DELETE", "/_emulator/stats", nil, nil); code != 204 {
		t.Errorf("reset stats: %d", code)
	}
	if s := e.srv.Stats(); s.TotalRequests != 0 || s.PeakPerMinute != 0 {
		t.Errorf("after reset %+v", s)
	}
}

func TestControlFaults(t *testing.T) {
	e := newEnv(t)
	var f map[string]any
	if code := e.control("PUT", "/_emulator/faults", map[string]any{"fault-rate": 1, "action-durations": map[string]string{"snapshot": "20s"}}, &f); code != 200 {
		t.Fatalf("PUT faults: %d %v", code, f)
	}
	if f["fault-rate"] != 1.0 || f["action-duration"] != "10s" || f["rate-limit-per-minute"] != 0.0 {
		t.Errorf("faults after PUT %v", f)
	}
	_, _, err := e.client.Droplets.List(e.ctx, nil)
	if apiStatus(err) < 500 {
		t.Errorf("fault-rate 1 did not fault: %v", err)
	}
	// Control endpoints are never faulted.
	if code := e.control("GET", "/_emulator/faults", nil, &f); code != 200 {
		t.Errorf("GET faults while faulting: %d", code)
	}
	got := e.srv.Faults()
	if got.FaultRate != 1 || got.ActionDurations["snapshot"] != 20*time.Second {
		t.Errorf("Faults() = %+v", got)
	}
	for _, bad := range []map[string]any{{"fault-rate": 2}, {"latency": "soon"}, {"rate-limit-per-hour": -1}} {
		if code := e.control("PUT", "/_emulator/faults", bad, nil); code < 400 {
			t.Errorf("PUT %v accepted", bad)
		}
	}
	e.control("PUT", "/_emulator/faults", map[string]any{"fault-rate": 0, "latency": "0s", "action-duration": "1s"}, nil)
	if f := e.srv.Faults(); f.FaultRate != 0 || *f.ActionDuration != time.Second || f.ActionDurations["snapshot"] != 20*time.Second {
		t.Errorf("partial update %+v", f)
	}
}

func TestControlDropletsAndReset(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.Droplets = 1 })
	var created struct {
		Droplet emulator.Droplet `json:"droplet"`
	}
	if code := e.control("POST", "/_emulator/droplets", emulator.DropletSpec{Name: "ctl", Tags: []string{"x"}, Backups: true}, &created); code != 201 {
		t.Fatalf("create: %d", code)
	}
	id := created.Droplet.ID
	if created.Droplet.Name != "ctl" || created.Droplet.Status != "active" || created.Droplet.NextBackupWindow == nil {
		t.Errorf("created %+v", created.Droplet)
	}
	if code := e.control("POST", "/_emulator/droplets", emulator.DropletSpec{Size: "nope"}, nil); code != 422 {
		t.Errorf("invalid spec: %d", code)
	}
	var img struct {
		Image emulator.Image `json:"image"`
	}
	if code := e.control("POST", "/_emulator/droplets/"+itoa(id)+"/backups", nil, &img); code != 201 || img.Image.Type != "backup" {
		t.Errorf("take backup: %d %+v", code, img.Image)
	}
	if code := e.control("POST", "/_emulator/droplets/999/backups", nil, nil); code != 404 {
		t.Errorf("backup of unknown droplet: %d", code)
	}
	if code := e.control("PUT", "/_emulator/droplets/"+itoa(id)+"/ignore_shutdown", map[string]bool{"ignore": true}, nil); code != 204 {
		t.Errorf("ignore_shutdown: %d", code)
	}
	must[*godo.Action](t)(e.client.DropletActions.Shutdown(e.ctx, id))
	e.finish()
	if s := e.get(id).Status; s != "active" {
		t.Errorf("shutdown with ignore_shutdown: %s", s)
	}
	if code := e.control("POST", "/_emulator/droplets/"+itoa(id)+"/fail_next_action", map[string]string{"type": "reboot"}, nil); code != 204 {
		t.Errorf("fail_next_action: %d", code)
	}
	a := must[*godo.Action](t)(e.client.DropletActions.Reboot(e.ctx, id))
	e.finish()
	if got, _ := e.srv.Action(a.ID); got.Status != "errored" {
		t.Errorf("reboot after fail_next_action: %s", got.Status)
	}
	var pol struct {
		Policy emulator.PolicyRecord `json:"policy"`
	}
	if code := e.control("PUT", "/_emulator/droplets/"+itoa(id)+"/backup_policy", map[string]any{"enabled": true, "plan": "weekly", "weekday": "MON", "hour": 4}, &pol); code != 200 ||
		pol.Policy.BackupPolicy == nil || pol.Policy.BackupPolicy.Weekday != "MON" {
		t.Errorf("backup_policy: %d %+v", code, pol.Policy)
	}
	var act struct {
		Action emulator.Action `json:"action"`
	}
	if code := e.control("POST", "/_emulator/droplets/"+itoa(id)+"/actions", map[string]string{"type": "power_off", "duration": "5s"}, &act); code != 201 || act.Action.Status != "in-progress" {
		t.Errorf("start action: %d %+v", code, act.Action)
	}
	if code := e.control("POST", "/_emulator/droplets/"+itoa(id)+"/actions", map[string]string{"type": "reboot", "duration": "5s"}, nil); code != 422 {
		t.Errorf("start action on a busy droplet: %d", code)
	}
	if st := e.srv.Stats(); st.Requests["POST /v2/droplets"] != 0 || st.TotalRequests != 2 {
		t.Errorf("control requests were counted: %+v", st)
	}

	if code := e.control("POST", "/_emulator/reset", nil, nil); code != 204 {
		t.Fatalf("reset: %d", code)
	}
	if _, ok := e.srv.Droplet(id); ok {
		t.Error("droplet survived reset")
	}
	ds := must[[]godo.Droplet](t)(e.client.Droplets.List(e.ctx, nil))
	if len(ds) != 1 || ds[0].ID != 100000 || ds[0].Name != "droplet-1" {
		t.Errorf("after reset: %+v", ds)
	}
	if code := e.control("GET", "/_emulator/nothing", nil, nil); code != 404 {
		t.Errorf("unknown control endpoint: %d", code)
	}
}

func TestControlEndpointsAreLoopbackOnly(t *testing.T) {
	srv := emulator.New(emulator.Options{})
	r := httptest.NewRequest("GET", "/_emulator/stats", nil)
	r.RemoteAddr = "192.0.2.10:4000"
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, r)
	if rec.Code != http.StatusForbidden {
		t.Errorf("non-loopback client: %d", rec.Code)
	}
	r.RemoteAddr = "[::1]:4000"
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, r)
	if rec.Code != http.StatusOK {
		t.Errorf("::1 client: %d", rec.Code)
	}
}

// controlRaw sends body as it is to a control endpoint and returns the status
// and the error body, if any.
func (e *env) controlRaw(method, path, body string) (int, emulator.APIError) {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, e.run.URL+path, rd)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var ae emulator.APIError
	if resp.StatusCode >= 400 {
		if err := json.NewDecoder(resp.Body).Decode(&ae); err != nil {
			e.t.Fatalf("%s %s: error body: %v", method, path, err)
		}
	}
	return resp.StatusCode, ae
}

// TestControlRejectsUnknownFieldsAndWrongTypes: every control endpoint
// answers 400 naming the field for a field it does not know, a value of the
// wrong type, a missing required field, or a body where it takes none, and
// changes nothing.
func TestControlRejectsUnknownFieldsAndWrongTypes(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.Droplets = 2; o.FaultRate = 0.5 })
	const d = "/_emulator/droplets/100000"
	cases := []struct {
		method, path, body string
		field              string // what the message must name
	}{
		{"PUT", "/_emulator/faults", `{"fault_rate": 0}`, `"fault_rate"`},
		{"PUT", "/_emulator/faults", `{"fault-rate": "0"}`, `"fault-rate"`},
		{"PUT", "/_emulator/faults", `{"latency": 5}`, `"latency"`},
		{"PUT", "/_emulator/faults", `{"latency": "5"}`, `"latency"`},
		{"PUT", "/_emulator/faults", `{"action-durations": {"snapshot": 20}}`, `"action-durations"`},
		{"PUT", "/_emulator/faults", `{"fault-rate": 0} {"fault-rate": 1}`, "after the JSON object"},
		{"PUT", "/_emulator/faults", `{"fault-rate": 0`, "JSON"},
		{"POST", "/_emulator/droplets", `{"name": "x", "backup": true}`, `"backup"`},
		{"POST", "/_emulator/droplets", `{"tags": "web"}`, `"tags"`},
		{"POST", "/_emulator/droplets", `{"backups": true, "backup_policy": {"plan": "weekly", "day": "MON"}}`, `"day"`},
		{"POST", "/_emulator/droplets", `{"backups": true, "backup_policy": {"hour": "4"}}`, `"backup_policy.hour"`},
		{"POST", d + "/backups", `{"name": "b"}`, `"name"`},
		{"PUT", d + "/ignore_shutdown", `{"ignored": true}`, `"ignored"`},
		{"PUT", d + "/ignore_shutdown", `{"ignore": "true"}`, `"ignore"`},
		{"PUT", d + "/ignore_shutdown", `{}`, `"ignore"`},
		{"POST", d + "/fail_next_action", `{"action": "reboot"}`, `"action"`},
		{"POST", d + "/fail_next_action", `{"type": 1}`, `"type"`},
		{"PUT", d + "/backup_policy", `{"enabled": true, "plan": "weekly", "day": "MON"}`, `"day"`},
		{"PUT", d + "/backup_policy", `{"enabled": "yes"}`, `"enabled"`},
		{"PUT", d + "/backup_policy", `{"plan": "daily"}`, `"enabled"`},
		{"POST", d + "/actions", `{"type": "reboot", "duration": "5s", "wait": true}`, `"wait"`},
		{"POST", d + "/actions", `{"type": "reboot", "duration": 5}`, `"duration"`},
		{"POST", d + "/actions", `{"type": "reboot"}`, `"duration"`},
		{"POST", "/_emulator/reset", `{"hard": true}`, `"hard"`},
		{"DELETE", "/_emulator/stats", `{"all": true}`, `"all"`},
	}
	before := e.get(100000)
	for _, c := range cases {
		code, ae := e.controlRaw(c.method, c.path, c.body)
		if code != http.StatusBadRequest || !strings.Contains(ae.Message, c.field) {
			t.Errorf("%s %s %s: %d %q, want 400 naming %s", c.method, c.path, c.body, code, ae.Message, c.field)
		}
	}
	if f := e.srv.Faults(); f.FaultRate != 0.5 || f.Latency != 0 {
		t.Errorf("faults changed by refused requests: %+v", f)
	}
	after := e.get(100000)
	if after.Locked || len(after.BackupIDs) != len(before.BackupIDs) || !slices.Equal(after.Features, before.Features) {
		t.Errorf("droplet changed by refused requests: %+v", after)
	}
	if n := len(e.srv.DropletActions(100000)); n != 1 {
		t.Errorf("%d actions on the droplet, want only its create", n)
	}
	if _, ok := e.srv.Droplet(100002); ok {
		t.Error("a refused POST /_emulator/droplets created a droplet")
	}
	// Shutdown still powers the droplet off: ignore_shutdown was refused.
	e.srv.SetFaults(emulator.Faults{})
	must[*godo.Action](t)(e.client.DropletActions.Shutdown(e.ctx, 100000))
	e.finish()
	if s := e.get(100000).Status; s != "off" {
		t.Errorf("status after shutdown: %s", s)
	}
}

// TestControlRejectsUnknownActionTypes: an action type the API never starts
// is refused where a control body names one, since it could never apply.
func TestControlRejectsUnknownActionTypes(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.Droplets = 1 })
	for _, c := range []struct{ method, path, body, want string }{
		{"PUT", "/_emulator/faults", `{"action-durations": {"snapshots": "20s"}}`, `"snapshots"`},
		{"POST", "/_emulator/droplets/100000/fail_next_action", `{"type": "power-off"}`, `"power-off"`},
	} {
		if code, ae := e.controlRaw(c.method, c.path, c.body); code != http.StatusBadRequest || !strings.Contains(ae.Message, c.want) || !strings.Contains(ae.Message, `"power_off"`) {
			t.Errorf("%s %s %s: %d %q", c.method, c.path, c.body, code, ae.Message)
		}
	}
	if f := e.srv.Faults(); len(f.ActionDurations) != 0 {
		t.Errorf("action durations changed: %v", f.ActionDurations)
	}
	must[*godo.Action](t)(e.client.DropletActions.PowerOff(e.ctx, 100000))
	e.finish()
	if a := e.srv.DropletActions(100000); a[len(a)-1].Status != "completed" {
		t.Errorf("power_off after a refused fail_next_action: %s", a[len(a)-1].Status)
	}
}
