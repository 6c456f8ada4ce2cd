package emulator_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

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
		if resp.Limit != 5 || resp.Remaining != 4-i || resp.Reset.IsZero() {
			t.Errorf("request %d: rate %+v", i, resp.Rate)
		}
	}
	_, resp, err := e.client.Droplets.List(e.ctx, nil)
	er := wantError(t, err, 429)
	if er.Message != "API rate limit exceeded." || resp.Header.Get("Retry-After") != "60" || resp.Remaining != 0 {
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
	if resp.Limit != 3 || resp.Remaining != 0 || resp.Reset.Unix() != wantReset {
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
		rec := httptestRecorder(srv, "/v2/actions")
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
