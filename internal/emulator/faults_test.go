package emulator_test

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/digitalocean/godo"
	"golang.org/x/oauth2"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

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
	if er := wantStatus(t, err, 422); er.Message != "Droplet already has a pending event." {
		t.Errorf("retried POST: %v", err)
	}
	if n := len(e.srv.DropletActions(id)); n != 2 {
		t.Errorf("retried POST started %d actions", n-1)
	}
}

func TestErroredRate(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.ErroredRate = 1 })
	id := e.droplet(emulator.DropletSpec{})
	a := must[*godo.Action](t)(e.client.DropletActions.PowerOff(e.ctx, id))
	backup, _ := e.srv.TakeBackup(id)
	ia := must[*godo.Action](t)(e.client.ImageActions.Convert(e.ctx, backup.ID))
	e.finish()
	for _, id := range []int{a.ID, ia.ID} {
		if got := must[*godo.Action](t)(e.client.Actions.Get(e.ctx, id)); got.Status != "errored" {
			t.Errorf("action %d ended %s", id, got.Status)
		}
	}
	if d := e.get(id); d.Status != "active" {
		t.Errorf("errored power_off took effect: %s", d.Status)
	}
	if img, _ := e.srv.Image(backup.ID); img.Type != "backup" {
		t.Error("errored convert took effect")
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

func TestRateLimitPerMinute(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) {
		o.RateLimitPerMinute = 5
		o.Tokens = []string{emulator.DefaultToken, "second"}
	})
	for i := range 5 {
		_, resp, err := e.client.Droplets.List(e.ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.Rate.Limit != 5 || resp.Rate.Remaining != 4-i || resp.Rate.Reset.IsZero() {
			t.Errorf("request %d: rate %+v", i, resp.Rate)
		}
	}
	_, resp, err := e.client.Droplets.List(e.ctx, nil)
	er := wantStatus(t, err, 429)
	if er.Message != "API rate limit exceeded." || resp.Header.Get("Retry-After") != "60" || resp.Rate.Remaining != 0 {
		t.Errorf("429: %q Retry-After %q rate %+v", er.Message, resp.Header.Get("Retry-After"), resp.Rate)
	}
	if _, _, err := e.newClient("second").Droplets.List(e.ctx, nil); err != nil {
		t.Errorf("another token is limited too: %v", err)
	}
	e.clock.Advance(30 * time.Second)
	_, resp, err = e.client.Droplets.List(e.ctx, nil)
	wantStatus(t, err, 429)
	if ra := resp.Header.Get("Retry-After"); ra != "30" {
		t.Errorf("Retry-After after 30s = %s", ra)
	}
	e.clock.Advance(30 * time.Second)
	if _, _, err := e.client.Droplets.List(e.ctx, nil); err != nil {
		t.Errorf("after a minute: %v", err)
	}
	if st := e.srv.Stats(); st.RateLimited != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestRateLimitPerHour(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.RateLimitPerHour = 3; o.RateLimitPerMinute = 250 })
	start := e.clock.Now()
	for range 3 {
		e.clock.Advance(time.Minute)
		if _, _, err := e.client.Actions.List(e.ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	_, resp, err := e.client.Actions.List(e.ctx, nil)
	wantStatus(t, err, 429)
	// The oldest request (start+1m) expires an hour after it was made.
	wantReset := start.Add(time.Minute + time.Hour).Unix()
	if resp.Rate.Limit != 3 || resp.Rate.Remaining != 0 || resp.Rate.Reset.Unix() != wantReset {
		t.Errorf("rate %+v, want reset %d", resp.Rate, wantReset)
	}
	if ra, _ := strconv.Atoi(resp.Header.Get("Retry-After")); ra != 58*60 {
		t.Errorf("Retry-After = %d", ra)
	}
	e.clock.Advance(58 * time.Minute)
	if _, _, err := e.client.Actions.List(e.ctx, nil); err != nil {
		t.Errorf("after the oldest expired: %v", err)
	}
	// Lifting the limit at run time.
	e.srv.SetFaults(emulator.Faults{})
	for range 10 {
		if _, _, err := e.client.Actions.List(e.ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRateLimitHeadersWithDefaults(t *testing.T) {
	o := emulator.DefaultOptions()
	clock := newFakeClock()
	o.Now = clock.Now
	srv := emulator.New(o)
	defer srv.Close()
	for i := range 3 {
		rec := httptestRecorder(srv, "GET", "/v2/actions", emulator.DefaultToken)
		if rec.Code != 200 {
			t.Fatalf("status %d", rec.Code)
		}
		limit, _ := strconv.Atoi(rec.Header().Get("RateLimit-Limit"))
		rem, _ := strconv.Atoi(rec.Header().Get("RateLimit-Remaining"))
		if limit != 5000 || rem != 4999-i {
			t.Errorf("limit %d remaining %d", limit, rem)
		}
	}
}

func TestConcurrentFaultSettings(t *testing.T) {
	// Changing faults while requests run is safe (checked under -race).
	e := newEnv(t)
	id := e.droplet(emulator.DropletSpec{})
	var stop atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; !stop.Load(); i++ {
			d := time.Duration(i%3) * time.Second
			e.srv.SetFaults(emulator.Faults{ActionDuration: &d, ActionDurations: map[string]time.Duration{"reboot": d}})
		}
	}()
	for range 50 {
		if _, _, err := e.client.Droplets.Get(e.ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	<-done
}
