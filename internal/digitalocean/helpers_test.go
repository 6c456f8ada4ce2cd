package digitalocean

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// startEmulator runs an emulator on loopback for one test.
func startEmulator(t *testing.T, opts emulator.Options) *emulator.Running {
	t.Helper()
	r, err := emulator.Start(opts)
	if err != nil {
		t.Fatalf("starting emulator: %v", err)
	}
	t.Cleanup(r.Close)
	return r
}

// testConfig is a Config for an emulator with quick retries, fast polls and no request
// budget, so tests are not slowed down by settings meant for the real API.
func testConfig(r *emulator.Running) Config {
	return Config{
		Token:                  emulator.DefaultToken,
		APIEndpoint:            r.URL,
		HTTPRetryMax:           4,
		HTTPRetryWaitMin:       5 * time.Millisecond,
		HTTPRetryWaitMax:       20 * time.Millisecond,
		RequestBudgetPerMinute: -1,
		PollInterval:           50 * time.Millisecond,
	}
}

// emulatedDroplet starts an emulator with opts holding one droplet, and a Client for it.
func emulatedDroplet(t *testing.T, opts emulator.Options) (*emulator.Running, int, *Client) {
	t.Helper()
	r := startEmulator(t, opts)
	return r, r.Server.CreateDroplet(emulator.DropletSpec{}).ID, newTestClient(t, testConfig(r))
}

// clientBehind returns a Client whose requests go through h, a loopback server in front of
// the emulator r that can answer in its place or pass a request on to r.Server.
func clientBehind(t *testing.T, r *emulator.Running, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg := testConfig(r)
	cfg.APIEndpoint = srv.URL
	return newTestClient(t, cfg)
}

func newTestClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := NewClient(context.Background(), cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func createDroplets(s *emulator.Server, n int, spec emulator.DropletSpec) []int {
	ids := make([]int, n)
	for i := range ids {
		sp := spec
		sp.Name = fmt.Sprintf("d-%d", i)
		ids[i] = s.CreateDroplet(sp).ID
	}
	return ids
}

func intPtr(v int) *int { return &v }

// recordingLogger keeps every log entry, for redaction tests.
type recordingLogger struct {
	mu      sync.Mutex
	entries []string
}

func (l *recordingLogger) add(level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, fmt.Sprintf("%s %s %v", level, msg, fields))
}

func (l *recordingLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.add("DEBUG", msg, fields)
}

func (l *recordingLogger) Trace(_ context.Context, msg string, fields map[string]any) {
	l.add("TRACE", msg, fields)
}

func (l *recordingLogger) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.entries...)
}

// fakeClock is a virtual clock: a wait on it ends at once and moves virtual time forward by
// the wait, so minutes of rate-limit waiting take no real time.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Unix(1_700_000_000, 0)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	target := c.now.Add(d)
	if target.After(c.now) {
		c.now = target
	}
	now := c.now
	c.mu.Unlock()
	ch := make(chan time.Time, 1)
	ch <- now
	return ch
}

// bubbleClient (below) serves the emulator in process through handlerTransport: with no
// sockets involved, a test runs inside a synctest bubble, where time moves only while every
// goroutine waits, so minutes of polling, grace periods and heartbeats take no real time and
// happen in a fixed order.

var bubblePort atomic.Int32

// bubbleClient is a Client whose requests h answers in process (use it inside synctest.Test).
func bubbleClient(t *testing.T, h http.Handler, logger Logger) *Client {
	t.Helper()
	cfg := Config{
		Token:                  emulator.DefaultToken,
		APIEndpoint:            fmt.Sprintf("http://127.0.0.1:%d", 20000+bubblePort.Add(1)),
		HTTPRetryMax:           4,
		RequestBudgetPerMinute: -1,
		Logger:                 logger,
		transport:              handlerTransport{h},
	}
	return newTestClient(t, cfg)
}

// requestLog records when each request reached the API, on the bubble's clock.
type requestLog struct {
	mu   sync.Mutex
	reqs []loggedRequest
}

type loggedRequest struct {
	at   time.Time
	what string // "POST /v2/droplets/1/actions"
}

func (l *requestLog) add(r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = append(l.reqs, loggedRequest{at: time.Now(), what: r.Method + " " + r.URL.Path})
}

func (l *requestLog) all() []loggedRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.reqs)
}

// logged wraps h so every request is recorded in l before h answers it.
func logged(l *requestLog, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.add(r)
		h.ServeHTTP(w, r)
	})
}

// eventLog collects a Job's progress events.
type eventLog struct {
	mu     sync.Mutex
	events []Event
}

func (l *eventLog) add(e Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

func (l *eventLog) all() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

func (l *eventLog) kinds(dropletID int) []EventKind {
	var out []EventKind
	for _, e := range l.all() {
		if e.DropletID == dropletID {
			out = append(out, e.Kind)
		}
	}
	return out
}
