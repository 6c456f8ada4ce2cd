package emulator_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/digitalocean/godo"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func intp(i int) *int { return &i }

// fakeClock is an emulator clock that only moves when a test says so.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 4, 10, 17, 0, 0, time.UTC)} // a Wednesday
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// env is an emulator on a loopback port with a godo client whose every
// exchange is validated against the spec.
type env struct {
	t      *testing.T
	run    *emulator.Running
	srv    *emulator.Server
	clock  *fakeClock
	client *godo.Client
	ctx    context.Context
}

// newEnv starts an emulator with a fake clock, no rate limit and actions
// that take 10 seconds of fake time, unless opts says otherwise.
func newEnv(t *testing.T, opts ...func(*emulator.Options)) *env {
	t.Helper()
	clock := newFakeClock()
	o := emulator.Options{ActionDuration: 10 * time.Second, Now: clock.Now, Seed: 7}
	for _, f := range opts {
		f(&o)
	}
	run, err := emulator.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(run.Close)
	e := &env{t: t, run: run, srv: run.Server, clock: clock, ctx: context.Background()}
	e.client = e.newClient(emulator.DefaultToken)
	return e
}

func (e *env) newClient(token string) *godo.Client {
	e.t.Helper()
	hc := &http.Client{Transport: &bearer{token: token, base: &validatingTransport{t: e.t, base: http.DefaultTransport, router: specRouter(e.t)}}}
	c, err := godo.New(hc, godo.SetBaseURL(e.run.URL+"/"))
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// plainClient is a godo client without spec validation.
func (e *env) plainClient() *godo.Client {
	e.t.Helper()
	c, err := godo.New(&http.Client{Transport: &bearer{token: emulator.DefaultToken, base: http.DefaultTransport}}, godo.SetBaseURL(e.run.URL+"/"))
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

type bearer struct {
	token string
	base  http.RoundTripper
}

func (b *bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if b.token != "" {
		r.Header.Set("Authorization", "Bearer "+b.token)
	}
	return b.base.RoundTrip(r)
}

// droplet creates a droplet out of band and returns its ID.
func (e *env) droplet(spec emulator.DropletSpec) int {
	return e.srv.CreateDroplet(spec).ID
}

func (e *env) get(id int) emulator.Droplet {
	e.t.Helper()
	d, ok := e.srv.Droplet(id)
	if !ok {
		e.t.Fatalf("droplet %d does not exist", id)
	}
	return d
}

// finish advances the clock past any action duration used in the tests.
func (e *env) finish() { e.clock.Advance(time.Hour) }

// apiStatus returns the HTTP status of a godo error (0 if there is none).
func apiStatus(err error) int {
	if er, ok := err.(*godo.ErrorResponse); ok {
		return er.Response.StatusCode
	}
	return 0
}

// wantStatus fails the test unless err is an API error with that HTTP status.
func wantStatus(t *testing.T, err error, status int) {
	t.Helper()
	_ = wantError(t, err, status)
}

// wantError is wantStatus returning the error, for tests that check its message.
func wantError(t *testing.T, err error, status int) *godo.ErrorResponse {
	t.Helper()
	er, ok := err.(*godo.ErrorResponse)
	if !ok {
		t.Fatalf("want HTTP %d error, got %v", status, err)
	}
	if er.Response.StatusCode != status {
		t.Fatalf("want HTTP %d, got %d: %v", status, er.Response.StatusCode, err)
	}
	return er
}

func must[T any](t *testing.T) func(v T, _ *godo.Response, err error) T {
	return func(v T, _ *godo.Response, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// httptestRecorder serves one GET with the default token straight through the handler.
func httptestRecorder(h http.Handler, path string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.Header.Set("Authorization", "Bearer "+emulator.DefaultToken)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}
