package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// The request budget keeps the Client under the account's limit: it never provokes a 429,
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
				tk, err := l.wait(context.Background())
				if err != nil {
					t.Error(err)
				}
				l.done(tk, nil)
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
	c := newTestClient(t, cfg)
	start := clk.Now()
	for range 6 {
		if _, err := c.Droplet(context.Background(), id); err != nil {
			t.Fatal(err)
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

// handlerTransport answers requests with an http.Handler in memory. Without sockets, a
// synctest bubble's virtual time covers the whole exchange, so minutes of rate-limit waiting
// take no real time and no sleep in the test.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, req)
	return rec.Result(), nil
}

// pacedStack is a Client's HTTP stack (retries, the limiter, the token) over an in-memory API.
func pacedStack(l *limiter, api http.Handler) http.RoundTripper {
	return &retryTransport{
		next: &limitTransport{
			next:    &authTransport{next: handlerTransport{api}, token: emulator.DefaultToken},
			limiter: l, requests: &atomic.Int64{}, server: &serverClock{clock: realClock{}},
		},
		max: 4, waitMin: time.Second, waitMax: time.Second, clock: realClock{}, limiter: l,
	}
}

// get sends GET path through rt and drains the answer; it reports the status (0 on error).
func get(t *testing.T, rt http.RoundTripper, path string) int {
	req, err := http.NewRequest(http.MethodGet, "http://api.test"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Errorf("GET %s: %v", path, err)
		return 0
	}
	drain(resp)
	return resp.StatusCode
}

// arrivals records when each API request reaches the handler, in virtual time.
type arrivals struct {
	h    http.Handler
	mu   sync.Mutex
	at   []time.Time
	code []int
	// refusedAt is when the first 429 was answered (zero until then).
	refusedAt time.Time
}

func (a *arrivals) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, r)
	a.mu.Lock()
	a.at = append(a.at, time.Now())
	a.code = append(a.code, rec.Code)
	if rec.Code == http.StatusTooManyRequests && a.refusedAt.IsZero() {
		a.refusedAt = time.Now()
	}
	a.mu.Unlock()
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// The 429 herd: 40 requests are waiting when the API refuses some with a Retry-After of a
// minute. When the pause ends they go out one by one at the budget's pace (here 60 a minute: one
// a second, or slower once the 429 has taught the account's limit), not all at once into the
// next 429. The account's per-minute limit (30) is below the budget and no header tells it, so
// the first 429s cannot be avoided; those after the pause can.
func TestRateLimitHerdReleasedAtBudgetPace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		emu := emulator.New(emulator.Options{RateLimitPerMinute: 30, RateLimitPerHour: 5000, Latency: 30 * time.Millisecond})
		id := emu.CreateDroplet(emulator.DropletSpec{}).ID
		api := &arrivals{h: emu}
		const budget = 60
		rt := pacedStack(newLimiter(0, budget, realClock{}), api)
		var wg sync.WaitGroup
		for range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 3 {
					if code := get(t, rt, fmt.Sprintf("/v2/droplets/%d", id)); code != http.StatusOK {
						t.Errorf("status %d", code)
					}
				}
			}()
		}
		wg.Wait()
		// The requests sent while the first refusals were on their way cannot know of them;
		// every request after the pause can.
		resume := api.refusedAt.Add(time.Minute)
		pace := time.Minute / budget
		released, refused := 0, 0
		for i, at := range api.at {
			if at.Before(resume) {
				continue
			}
			released++
			if api.code[i] == http.StatusTooManyRequests {
				refused++
			}
			if i > 0 && !api.at[i-1].Before(resume) && at.Sub(api.at[i-1]) < pace {
				t.Fatalf("after the pause, request %d went out %v after the one before; the pace is one per %v", i, at.Sub(api.at[i-1]), pace)
			}
		}
		if refused > 0 {
			t.Errorf("%d of the %d requests released after the pause were answered 429", refused, released)
		}
		if released < 80 {
			t.Errorf("only %d requests came after the pause; the test shows nothing", released)
		}
	})
}

// Two clients of one account — two terraform applies at once, each with its own limiter — see
// each other in the API's count of the account's requests and share the per-minute budget
// instead of each taking 200 of the account's 250 and drawing 429s together.
func TestTwoClientsShareTheAccountBudget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		emu := emulator.New(emulator.Options{RateLimitPerMinute: 250, RateLimitPerHour: 5000, Latency: 30 * time.Millisecond})
		id := emu.CreateDroplet(emulator.DropletSpec{}).ID
		var wg sync.WaitGroup
		for range 2 {
			rt := pacedStack(newLimiter(0, 0, realClock{}), emu)
			for range 10 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 30 {
						get(t, rt, fmt.Sprintf("/v2/droplets/%d", id))
					}
				}()
			}
		}
		wg.Wait()
		st := emu.Stats()
		if st.TotalRequests != 600 || st.RateLimited != 0 {
			t.Errorf("%d requests, %d answered 429; want 600 and none", st.TotalRequests, st.RateLimited)
		}
		// Each sees the other's requests an answer or two late: when both start at once, a few
		// more than the budget go out in the first second; each keeps a margin for them.
		if st.PeakPerMinute > defaultBudgetPerMinute*11/10 {
			t.Errorf("the account saw %d requests in one minute; the budget is %d for both together", st.PeakPerMinute, defaultBudgetPerMinute)
		}
	})
}

// limiterAt drives a limiter by hand: when requests may go, what the API answers.
type limiterAt struct {
	t   *testing.T
	l   *limiter
	clk *fakeClock
}

func newLimiterAt(t *testing.T, budget int) *limiterAt {
	clk := newFakeClock()
	return &limiterAt{t: t, l: newLimiter(0, budget, clk), clk: clk}
}

// send admits one request now if the limiter lets it, and says how long it would have to wait.
func (h *limiterAt) send() (ticket, time.Duration) {
	h.l.mu.Lock()
	defer h.l.mu.Unlock()
	now := h.clk.Now()
	if d, _ := h.l.delayLocked(now); d > 0 {
		return ticket{}, d
	}
	return h.l.admitLocked(now), 0
}

// answer feeds back a successful answer with the account's hourly count.
func (h *limiterAt) answer(tk ticket, limit, remaining int, reset time.Time) {
	hd := http.Header{}
	hd.Set("RateLimit-Limit", strconv.Itoa(limit))
	hd.Set("RateLimit-Remaining", strconv.Itoa(remaining))
	hd.Set("RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	h.l.done(tk, &http.Response{StatusCode: http.StatusOK, Header: hd})
}

// A Terraform apply starts its provider just after the plan's provider sent its requests: the
// first answer's hourly count shows them, and they count against the minute's budget.
func TestLimiterCountsTheAccountsRecentRequests(t *testing.T) {
	h := newLimiterAt(t, 0)
	now := h.clk.Now()
	tk, _ := h.send()
	// 150 requests by others in the last 5 s, then this one.
	h.answer(tk, 5000, 5000-151, now.Add(time.Hour-5*time.Second))
	sent := 1
	for ; sent < 100; sent++ {
		if _, d := h.send(); d > 0 {
			break
		}
	}
	if sent != defaultBudgetPerMinute-150 {
		t.Errorf("%d requests went out in the first minute; with 150 made just before by others, want %d", sent, defaultBudgetPerMinute-150)
	}
	<-h.clk.After(budgetWindow + windowSlack)
	if _, d := h.send(); d > 0 {
		t.Errorf("a minute later a request still waits %v", d)
	}
}

// Requests spread evenly over the last hour count against the minute only for their share.
func TestPriorInMinute(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	for _, tc := range []struct {
		n     int64
		reset time.Time
		want  int
	}{
		{0, now.Add(time.Hour), 0},
		{-3, now.Add(time.Hour), 0},
		{150, now.Add(time.Hour - 5*time.Second), 150}, // all within the last 5 s
		{3000, now.Add(time.Minute), 51},               // spread over 59 minutes
		{3000, now.Add(30 * time.Minute), 100},         // over 30 minutes
		{10, now.Add(time.Hour - 2*time.Minute), 5},    // over 2 minutes
		{100, now.Add(-time.Minute), 2},                // a stale reset: spread over 61 minutes
	} {
		if got := priorInMinute(tc.n, tc.reset, now); got != tc.want {
			t.Errorf("priorInMinute(%d, reset in %v) = %d, want %d", tc.n, tc.reset.Sub(now), got, tc.want)
		}
	}
}

// What the API says is left of the hour is never overdrawn: when it is used up, requests wait
// for RateLimit-Reset, then go one at a time until an answer says more is left.
func TestLimiterHourlyRemaining(t *testing.T) {
	h := newLimiterAt(t, -1)
	now := h.clk.Now()
	reset := now.Add(40 * time.Second)
	tk, _ := h.send()
	h.answer(tk, 5000, 3, reset)
	var out []ticket
	for i := range 3 {
		tk, d := h.send()
		if d > 0 {
			t.Fatalf("request %d of the 3 left waits %v", i+1, d)
		}
		out = append(out, tk)
	}
	if _, d := h.send(); d != 40*time.Second {
		t.Fatalf("with nothing left the next request waits %v, want until RateLimit-Reset (40s)", d)
	}
	for i, tk := range out {
		h.answer(tk, 5000, 2-i, reset)
	}
	<-h.clk.After(40 * time.Second)
	probe, d := h.send()
	if d > 0 {
		t.Fatalf("after RateLimit-Reset the first request waits %v", d)
	}
	if _, d := h.send(); d == 0 {
		t.Fatal("a second request went out before the first said what is left")
	}
	h.answer(probe, 5000, 2, h.clk.Now().Add(time.Minute))
	for i := range 2 {
		if _, d := h.send(); d > 0 {
			t.Fatalf("request %d of the 2 left waits %v", i+1, d)
		}
	}
}

// Each Client has its own limiter with its own clock; none outlives its Client in a registry.
func TestLimiterBelongsToClient(t *testing.T) {
	r := startEmulator(t, emulator.Options{})
	cfg := testConfig(r)
	a := newTestClient(t, cfg)
	cfg.clock = newFakeClock()
	b := newTestClient(t, cfg)
	if a.limiter == b.limiter {
		t.Fatal("two clients for the same endpoint and token share a limiter")
	}
	if b.limiter.clock != cfg.clock {
		t.Error("the limiter does not use its Client's clock")
	}
}

// A new Client (each terraform command starts one) sends one request, not a burst, until its
// first answer says what is left of the account's limit: the plan's Client may have used it up.
func TestLimiterFirstAnswerBeforeTheBurst(t *testing.T) {
	h := newLimiterAt(t, 0)
	first, _ := h.send()
	if _, d := h.send(); d == 0 {
		t.Fatal("a second request went out before the first answer")
	}
	now := h.clk.Now()
	h.answer(first, 60, 0, now.Add(20*time.Second))
	if _, d := h.send(); d != 20*time.Second {
		t.Errorf("with nothing left, the next request waits %v, want until RateLimit-Reset (20s)", d)
	}

	// Without an answer the wait is bounded: a hung first request does not hold the others.
	h = newLimiterAt(t, 0)
	h.send()
	<-h.clk.After(firstAnswerWait)
	if _, d := h.send(); d > 0 {
		t.Errorf("%v after a first request that never came back, the next still waits %v", firstAnswerWait, d)
	}
}
