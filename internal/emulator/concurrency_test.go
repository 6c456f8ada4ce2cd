package emulator_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/digitalocean/godo"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// TestConcurrentClients runs 100 clients at once, each creating a droplet
// and driving actions on it while reading shared lists; run with -race.
func TestConcurrentClients(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) {
		o.RateLimitPerMinute = 100000
		o.RateLimitPerHour = 1000000
		o.Droplets = 5
	})
	// Validation of every exchange is covered by the other tests; here it
	// would only slow the race detector down.
	e.client = e.plainClient()
	const clients = 100
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := clientWorkload(e, i); err != nil {
				errs <- fmt.Errorf("client %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st := e.srv.Stats()
	if st.ActionsStarted["create"] != clients || st.ActionsStarted["reboot"] != clients || st.ActionsStarted["snapshot"] != clients {
		t.Errorf("actions started %v", st.ActionsStarted)
	}
	ds := must[[]godo.Droplet](t)(e.client.Droplets.List(e.ctx, &godo.ListOptions{PerPage: 200}))
	if len(ds) != 5+clients {
		t.Errorf("%d droplets", len(ds))
	}
}

func clientWorkload(e *env, i int) error {
	c := e.client
	d, _, err := c.Droplets.Create(e.ctx, &godo.DropletCreateRequest{
		Name: fmt.Sprintf("c-%d", i), Size: "s-1vcpu-1gb",
		Image: godo.DropletCreateImage{Slug: "ubuntu-24-04-x64"}, Tags: []string{"load"},
	})
	if err != nil {
		return err
	}
	// Every client moves the shared clock, so actions finish as the clients go.
	steps := []func() (*godo.Action, *godo.Response, error){
		func() (*godo.Action, *godo.Response, error) { return c.DropletActions.Reboot(e.ctx, d.ID) },
		func() (*godo.Action, *godo.Response, error) { return c.DropletActions.PowerOff(e.ctx, d.ID) },
		func() (*godo.Action, *godo.Response, error) {
			return c.DropletActions.EnableBackupsWithPolicy(e.ctx, d.ID, &godo.DropletBackupPolicyRequest{Plan: "daily", Hour: intp(4 * (i % 6))})
		},
		func() (*godo.Action, *godo.Response, error) { return c.DropletActions.Snapshot(e.ctx, d.ID, "s") },
		func() (*godo.Action, *godo.Response, error) { return c.DropletActions.PowerOn(e.ctx, d.ID) },
	}
	for _, step := range steps {
		var a *godo.Action
		for {
			a, _, err = step()
			if apiStatus(err) == 422 { // still creating or busy
				e.clock.Advance(time.Second)
				continue
			}
			if err != nil {
				return err
			}
			break
		}
		for {
			got, _, err := c.Actions.Get(e.ctx, a.ID)
			if err != nil {
				return err
			}
			if got.Status == "completed" {
				break
			}
			if got.Status != "in-progress" {
				return fmt.Errorf("action %d %s", got.ID, got.Status)
			}
			e.clock.Advance(5 * time.Second)
		}
		if _, _, err := c.Droplets.Get(e.ctx, d.ID); err != nil {
			return err
		}
		if _, _, err := c.Actions.List(e.ctx, &godo.ListOptions{PerPage: 5}); err != nil {
			return err
		}
		if _, _, err := c.Droplets.ListByTag(e.ctx, "load", &godo.ListOptions{PerPage: 10}); err != nil {
			return err
		}
		if _, _, err := c.Droplets.ListBackupPolicies(e.ctx, nil); err != nil {
			return err
		}
	}
	got, _, err := c.Droplets.Get(e.ctx, d.ID)
	if err != nil {
		return err
	}
	if got.Status != "active" || len(got.SnapshotIDs) != 1 || got.NextBackupWindow == nil {
		return fmt.Errorf("final droplet: %s, snapshots %v, window %v", got.Status, got.SnapshotIDs, got.NextBackupWindow)
	}
	return nil
}

// TestConcurrentResets runs 100 clients, each driving actions on droplets
// and images of its own, while the state is reset over and over. No request
// may panic, and no action list or action read may answer an action that
// belongs to another resource than the one in the path. Run with -race.
func TestConcurrentResets(t *testing.T) {
	srv := emulator.New(emulator.Options{Droplets: 3, Seed: 3})
	t.Cleanup(srv.Close)
	var panics atomic.Int64
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if panics.Add(1) == 1 {
					t.Errorf("%s %s panicked: %v", r.Method, r.URL, p)
				}
				w.WriteHeader(http.StatusInternalServerError)
			}
		}()
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	c := &rawClient{t: t, base: hs.URL, http: hs.Client()}

	const clients, rounds = 100, 8
	stop := make(chan struct{})
	var resets sync.WaitGroup
	resets.Add(1)
	go func() {
		defer resets.Done()
		for {
			select {
			case <-stop:
				return
			default:
				srv.Reset()
				runtime.Gosched()
			}
		}
	}()
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				c.resetRound(i)
			}
		}()
	}
	wg.Wait()
	close(stop)
	resets.Wait()
	if n := panics.Load(); n > 0 {
		t.Errorf("%d requests panicked", n)
	}
}

// resetRound creates a droplet, runs actions on it and on its snapshot, and
// checks every action list and action read it gets back. Anything may be
// gone (404) or busy (422) at any moment, since the state is being reset.
func (c *rawClient) resetRound(i int) {
	var created struct {
		Droplet struct {
			ID int `json:"id"`
		} `json:"droplet"`
	}
	body := fmt.Sprintf(`{"name":"r-%d","size":"s-1vcpu-1gb","image":"ubuntu-24-04-x64"}`, i)
	if c.do("POST", "/v2/droplets", body, &created) != http.StatusAccepted {
		return
	}
	d := created.Droplet.ID
	for _, typ := range []string{"reboot", "power_cycle", "snapshot"} {
		c.do("POST", fmt.Sprintf("/v2/droplets/%d/actions", d), `{"type":"`+typ+`"}`, nil)
		c.checkActions("droplet", d)
	}
	var drop struct {
		Droplet struct {
			SnapshotIDs []int `json:"snapshot_ids"`
		} `json:"droplet"`
	}
	if c.do("GET", fmt.Sprintf("/v2/droplets/%d", d), "", &drop) != http.StatusOK || len(drop.Droplet.SnapshotIDs) == 0 {
		return
	}
	img := drop.Droplet.SnapshotIDs[0]
	c.do("POST", fmt.Sprintf("/v2/images/%d/actions", img), `{"type":"transfer","region":"ams3"}`, nil)
	c.checkActions("image", img)
	c.do("GET", "/v2/actions?per_page=50", "", nil)
}

// checkActions lists a resource's actions and reads each one back.
func (c *rawClient) checkActions(kind string, id int) {
	var list struct {
		Actions []emulator.Action `json:"actions"`
	}
	path := fmt.Sprintf("/v2/%ss/%d/actions", kind, id)
	if c.do("GET", path+"?per_page=200", "", &list) != http.StatusOK {
		return
	}
	for _, a := range list.Actions {
		if a.ResourceType != kind || a.ResourceID != id {
			c.t.Errorf("GET %s listed action %d of %s %d", path, a.ID, a.ResourceType, a.ResourceID)
		}
		var one struct {
			Action emulator.Action `json:"action"`
		}
		if c.do("GET", fmt.Sprintf("%s/%d", path, a.ID), "", &one) == http.StatusOK &&
			(one.Action.ResourceType != kind || one.Action.ResourceID != id || one.Action.ID != a.ID) {
			c.t.Errorf("GET %s/%d answered action %d of %s %d", path, a.ID, one.Action.ID, one.Action.ResourceType, one.Action.ResourceID)
		}
	}
}

// rawClient sends API requests with the default token and no validation,
// so a race test spends its time in the emulator.
type rawClient struct {
	t    *testing.T
	base string
	http *http.Client
}

// do sends one request and decodes a 2xx answer into out; it returns the
// status, or 0 when the request failed.
func (c *rawClient) do(method, path, body string, out any) int {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Error(err)
		return 0
	}
	req.Header.Set("Authorization", "Bearer "+emulator.DefaultToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Errorf("%s %s: %v", method, path, err)
		return 0
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode/100 == 2 && out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			c.t.Errorf("%s %s: decode: %v", method, path, err)
		}
	} else {
		_, _ = io.Copy(io.Discard, resp.Body)
	}
	return resp.StatusCode
}
