package digitalocean

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// The request budget keeps the process under the account's limit: it never provokes a 429,
// and a wait for budget that would end after the deadline fails at once, saying why.
func TestBudgetNeverExceeded(t *testing.T) {
	r := startEmulator(t, emulator.Options{RateLimitPerMinute: 30})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	cfg := testConfig(r)
	cfg.RequestBudgetPerMinute = 25
	c := newTestClient(t, cfg)
	ctx := ctxTimeout(t, 20*time.Second)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, refused := 0, 0
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				_, err := c.Droplet(ctx, id)
				mu.Lock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, ErrRateLimited) && strings.Contains(err.Error(), "budget") && strings.Contains(err.Error(), "deadline"):
					refused++
				default:
					t.Errorf("unexpected error: %v", err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	st := r.Server.Stats()
	if ok != 25 || refused != 25 {
		t.Errorf("%d requests succeeded and %d were refused; want 25 and 25", ok, refused)
	}
	if st.RateLimited != 0 || st.TotalRequests != 25 || st.PeakPerMinute > 25 {
		t.Errorf("server saw %d requests, peak %d/min, %d 429s", st.TotalRequests, st.PeakPerMinute, st.RateLimited)
	}
	if c.PeakRequestsPerMinute() != 25 {
		t.Errorf("limiter peak %d", c.PeakRequestsPerMinute())
	}
}

// In virtual time: many requests under a small budget are spread over several minutes and the
// server never sees more than the budget in any 60 seconds.
func TestBudgetSpreadsRequests(t *testing.T) {
	clk := newFakeClock()
	r := startEmulator(t, emulator.Options{RateLimitPerMinute: 12, Now: clk.Now})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	cfg := testConfig(r)
	cfg.RequestBudgetPerMinute = 10
	cfg.clock = clk
	c := newTestClient(t, cfg)
	start := clk.Now()
	for i := range 45 {
		if _, err := c.Droplet(context.Background(), id); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	st := r.Server.Stats()
	if st.RateLimited != 0 || st.PeakPerMinute > 10 {
		t.Errorf("server saw a peak of %d/min and %d 429s", st.PeakPerMinute, st.RateLimited)
	}
	if elapsed := clk.Now().Sub(start); elapsed < 4*time.Minute {
		t.Errorf("45 requests at 10/min took %v of virtual time", elapsed)
	}
}

func TestLimiterWindowConcurrent(t *testing.T) {
	clk := newFakeClock()
	l := newLimiter(0, 5, clk)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 6 {
				if err := l.wait(context.Background()); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if p := l.peakPerMinute(); p > 5 {
		t.Errorf("peak %d in one window, budget 5", p)
	}
}

// A 429 is honoured: the client waits for Retry-After (virtual time here) and goes on, and the
// pause holds every request, so the server is not hammered.
func TestRateLimit429RetryAfter(t *testing.T) {
	clk := newFakeClock()
	// The headers describe the hourly window (as DigitalOcean's do), so only the 429 tells of
	// the per-minute limit.
	r := startEmulator(t, emulator.Options{RateLimitPerMinute: 5, RateLimitPerHour: 5000, Now: clk.Now})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	cfg := testConfig(r)
	cfg.clock = clk
	c := newTestClient(t, cfg)
	start := clk.Now()
	for i := range 12 {
		if _, err := c.Droplet(context.Background(), id); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	st := r.Server.Stats()
	if st.RateLimited == 0 || st.RateLimited > 2 {
		t.Errorf("%d 429s; want one per exhausted window", st.RateLimited)
	}
	if elapsed := clk.Now().Sub(start); elapsed < time.Minute {
		t.Errorf("only %v of virtual time passed; Retry-After was not honoured", elapsed)
	}
}

// A Retry-After beyond the caller's deadline fails at once instead of sleeping into it.
func TestRateLimit429PastDeadline(t *testing.T) {
	r := startEmulator(t, emulator.Options{RateLimitPerMinute: 2, RateLimitPerHour: 5000})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	c := newTestClient(t, testConfig(r))
	ctx := ctxTimeout(t, 20*time.Second)
	for range 2 {
		if _, err := c.Droplet(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 2 {
		start := time.Now()
		_, err := c.Droplet(ctx, id)
		if !errors.Is(err, ErrRateLimited) || !strings.Contains(err.Error(), "deadline") {
			t.Errorf("request %d: %v, want ErrRateLimited naming the deadline", i, err)
		}
		if ctx.Err() != nil {
			t.Fatalf("request %d waited %v, into the deadline", i, time.Since(start))
		}
	}
	if st := r.Server.Stats(); st.RateLimited != 1 {
		t.Errorf("%d 429s; after the first, the client must hold back", st.RateLimited)
	}
}

// RateLimit-Remaining 0 pauses until RateLimit-Reset.
func TestRateLimitRemainingZero(t *testing.T) {
	clk := newFakeClock()
	var mu sync.Mutex
	var seen []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		now := clk.Now()
		mu.Lock()
		seen = append(seen, now)
		n := len(seen)
		mu.Unlock()
		if n == 1 {
			w.Header().Set("RateLimit-Remaining", "0")
			w.Header().Set("RateLimit-Reset", strconv.FormatInt(now.Add(30*time.Second).Unix(), 10))
		}
		_, _ = w.Write([]byte(`{"droplet":{"id":1}}`))
	}))
	defer srv.Close()
	c := newTestClient(t, Config{Token: "tok", APIEndpoint: srv.URL, clock: clk})
	for range 2 {
		if _, err := c.Droplet(context.Background(), 1); err != nil {
			t.Fatal(err)
		}
	}
	if gap := seen[1].Sub(seen[0]); gap < 29*time.Second {
		t.Errorf("second request %v after the first; want it after RateLimit-Reset", gap)
	}
}

func TestRequestsPerSecondPacing(t *testing.T) {
	clk := newFakeClock()
	r := startEmulator(t, emulator.Options{Now: clk.Now})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	cfg := testConfig(r)
	cfg.RequestsPerSecond = 2
	cfg.clock = clk
	a := newTestClient(t, cfg)
	b := newTestClient(t, cfg) // a second configuration in the same process shares the pace
	start := clk.Now()
	for range 3 {
		for _, c := range []*Client{a, b} {
			if _, err := c.Droplet(context.Background(), id); err != nil {
				t.Fatal(err)
			}
		}
	}
	if elapsed := clk.Now().Sub(start); elapsed < 2500*time.Millisecond {
		t.Errorf("6 requests at 2/s took %v", elapsed)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	h := http.Header{}
	h.Set("Retry-After", "29")
	if d, ok := retryAfter(h, now); !ok || d != 29*time.Second {
		t.Errorf("seconds: %v %v", d, ok)
	}
	h.Set("Retry-After", now.Add(10*time.Second).UTC().Format(http.TimeFormat))
	if d, ok := retryAfter(h, now); !ok || d != 10*time.Second {
		t.Errorf("date: %v %v", d, ok)
	}
	h.Set("Retry-After", "soon")
	if _, ok := retryAfter(h, now); ok {
		t.Error("garbage accepted")
	}
}

// The baseline strategy polls like the official provider: first after 10 s, then every 3 s,
// one request per action.
func TestBaselineWaiter(t *testing.T) {
	clk := newFakeClock()
	r := startEmulator(t, emulator.Options{Now: clk.Now, ActionDuration: 5 * time.Second})
	ids := createDroplets(r.Server, 4, emulator.DropletSpec{})
	cfg := testConfig(r)
	cfg.Strategy = StrategyBaseline
	cfg.clock = clk
	c := newTestClient(t, cfg)
	c.ensureActionFloor(context.Background()) // not a poll
	r.Server.ResetStats()
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			if _, err := c.Execute(context.Background(), Job{DropletID: id, Request: ActionRequest{Type: "reboot"}}); err != nil {
				t.Error(err)
			}
		}(id)
	}
	wg.Wait()
	list, single := pollRequests(r.Server.Stats())
	if list != 0 || single < len(ids) {
		t.Errorf("baseline: %d list polls, %d single; want only single polls", list, single)
	}
	if c.limiter.budget != 0 {
		t.Errorf("baseline has a budget of %d", c.limiter.budget)
	}
}
