package emulator_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/digitalocean/godo"
	"golang.org/x/oauth2"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func TestUnauthorized(t *testing.T) {
	e := newEnv(t)
	for _, token := range []string{"", "wrong-token"} {
		c := e.newClient(token)
		_, resp, err := c.Droplets.List(e.ctx, nil)
		er := wantError(t, err, 401)
		if er.Message != "Unable to authenticate you." || resp.Header.Get("RateLimit-Limit") == "" {
			t.Errorf("401 with token %q: %q headers %v", token, er.Message, resp.Header)
		}
	}
	run, err := emulator.Start(emulator.Options{Tokens: []string{"dop_v1_a", "dop_v1_b"}})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	e2 := &env{t: t, run: run, srv: run.Server, ctx: e.ctx}
	for _, tok := range []string{"dop_v1_a", "dop_v1_b"} {
		if _, _, err := e2.newClient(tok).Droplets.List(e.ctx, nil); err != nil {
			t.Errorf("token %s: %v", tok, err)
		}
	}
	_, _, err = e2.newClient(emulator.DefaultToken).Droplets.List(e.ctx, nil)
	wantStatus(t, err, 401)
}

func TestUnknownPathsAndIDs(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"v2/nothing", "v2/droplets/abc", "v2/droplets/0", "v2/actions/12", "v2/images/1"} {
		r, _ := e.client.NewRequest(e.ctx, "GET", path, nil)
		_, err := e.client.Do(e.ctx, r, nil)
		wantStatus(t, err, 404)
	}
}

// retryingClient is godo as the provider builds it: oauth2 transport and
// retries on 5xx/429, with tiny waits. Validation wraps the retry layer.
func (e *env) retryingClient(retries int) *godo.Client {
	e.t.Helper()
	hc := oauth2.NewClient(e.ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: emulator.DefaultToken}))
	c, err := godo.New(hc, godo.SetBaseURL(e.run.URL+"/"), godo.WithRetryAndBackoffs(godo.RetryConfig{
		RetryMax: retries, RetryWaitMin: godo.PtrTo(0.001), RetryWaitMax: godo.PtrTo(0.002),
	}))
	if err != nil {
		e.t.Fatal(err)
	}
	c.HTTPClient.Transport = &validatingTransport{t: e.t, base: c.HTTPClient.Transport, router: specRouter(e.t)}
	return c
}

func TestFaultRateAnswers5xxBeforeTakingEffect(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.FaultRate = 1 })
	id := e.droplet(emulator.DropletSpec{})
	_, _, err := e.client.DropletActions.PowerOff(e.ctx, id)
	if s := apiStatus(err); s < 500 {
		t.Fatalf("want 5xx, got %v", err)
	}
	_, _, err = e.client.Droplets.Get(e.ctx, id)
	if s := apiStatus(err); s < 500 {
		t.Fatalf("want 5xx, got %v", err)
	}
	if n := len(e.srv.DropletActions(id)); n != 1 {
		t.Errorf("a faulted POST started an action: %d actions", n)
	}
	if st := e.srv.Stats(); st.Faults != 2 || st.TotalRequests != 2 {
		t.Errorf("stats %+v", st)
	}

	// godo's retries get through a partial fault rate, and each action still starts once.
	e.srv.SetFaults(emulator.Faults{FaultRate: 0.5})
	c := e.retryingClient(20)
	for range 10 {
		must[*godo.Action](t)(c.DropletActions.Reboot(e.ctx, id))
		e.finish()
	}
	if n := len(e.srv.DropletActions(id)); n != 11 {
		t.Errorf("10 reboots through faults made %d actions", n-1)
	}
	if st := e.srv.Stats(); st.Faults <= 2 {
		t.Errorf("no faults injected at rate 0.5: %+v", st)
	}
}

func TestLostResponses(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.LostResponseRate = 1; o.Seed = 11 })
	var dropped, fivexx int
	for range 16 {
		id := e.droplet(emulator.DropletSpec{})
		_, _, err := e.client.DropletActions.PowerOff(e.ctx, id)
		switch s := apiStatus(err); {
		case err == nil:
			t.Fatal("a lost response arrived")
		case s >= 500:
			fivexx++
		case s == 0:
			dropped++ // connection closed without a response
		default:
			t.Fatalf("unexpected %v", err)
		}
		// It took effect all the same.
		if as := e.srv.DropletActions(id); len(as) != 2 || as[1].Type != "power_off" || !e.get(id).Locked {
			t.Fatalf("lost POST did not start the action: %+v", as)
		}
	}
	if dropped == 0 || fivexx == 0 {
		t.Errorf("want both kinds of loss, got %d dropped connections and %d 5xx", dropped, fivexx)
	}
	if st := e.srv.Stats(); st.LostResponses != 16 {
		t.Errorf("stats %+v", st)
	}
	// Reads are never lost.
	id := e.droplet(emulator.DropletSpec{})
	if _, _, err := e.client.Droplets.Get(e.ctx, id); err != nil {
		t.Fatal(err)
	}
	// godo retries the POST, which now meets the action it already started.
	c := e.retryingClient(3)
	_, _, err := c.DropletActions.Reboot(e.ctx, id)
	if er := wantError(t, err, 422); er.Message != "Droplet already has a pending event." {
		t.Errorf("retried POST: %v", err)
	}
	if n := len(e.srv.DropletActions(id)); n != 2 {
		t.Errorf("retried POST started %d actions", n-1)
	}
}

func TestLatency(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.Latency = time.Hour })
	id := e.droplet(emulator.DropletSpec{})
	ctx, cancel := context.WithTimeout(e.ctx, 50*time.Millisecond)
	defer cancel()
	_, _, err := e.client.DropletActions.PowerOff(ctx, id)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the client to give up, got %v", err)
	}
	e.srv.SetFaults(emulator.Faults{}) // latency back to 0, durations unchanged
	if f := e.srv.Faults(); *f.ActionDuration != 10*time.Second || f.Latency != 0 {
		t.Errorf("faults after reset %+v", f)
	}
	if _, _, err := e.client.Droplets.Get(e.ctx, id); err != nil {
		t.Fatal(err)
	}
}
