package digitalocean

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/digitalocean/godo"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func TestValidateEndpoint(t *testing.T) {
	for _, tc := range []struct {
		endpoint string
		ok       bool
		why      string
	}{
		{"https://api.digitalocean.com", true, ""},
		{"https://api.example.com/prefix", true, ""},
		{"http://127.0.0.1:8080", true, ""},
		{"http://127.5.6.7:8080/", true, ""},
		{"http://[::1]:8080", true, ""},
		{"http://localhost:3000", true, ""},
		{"http://api.digitalocean.com", false, "unencrypted"},
		{"http://10.0.0.1:8080", false, "non-loopback"},
		{"http://localhost.example.com", false, "non-loopback"},
		{"api.digitalocean.com", false, "absolute URL"},
		{"/v2", false, "absolute URL"},
		{"ftp://127.0.0.1", false, "scheme"},
		{"https://user:pw@api.digitalocean.com", false, "credentials"},
		{"https://api.digitalocean.com?x=1", false, "query"},
		{"://bad", false, "not a valid URL"},
	} {
		err := ValidateEndpoint(tc.endpoint)
		if tc.ok && err != nil {
			t.Errorf("ValidateEndpoint(%q) = %v, want nil", tc.endpoint, err)
		}
		if !tc.ok {
			if err == nil {
				t.Errorf("ValidateEndpoint(%q) = nil, want an error", tc.endpoint)
			} else if !strings.Contains(err.Error(), tc.why) {
				t.Errorf("ValidateEndpoint(%q) = %q, want it to say %q", tc.endpoint, err, tc.why)
			}
		}
	}
}

func TestNewClientRejectsBadConfig(t *testing.T) {
	ctx := context.Background()
	if _, err := NewClient(ctx, Config{Token: "  "}); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("empty token: got %v, want ErrUnauthorized", err)
	}
	if _, err := NewClient(ctx, Config{Token: "t", APIEndpoint: "http://example.com"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("plain http to a remote host: got %v, want ErrInvalid", err)
	}
}

// A base URL with a path must keep its prefix (godo drops it without a trailing slash).
func TestNewClientKeepsEndpointPath(t *testing.T) {
	r := startEmulator(t, emulator.Options{})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	var paths []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		paths = append(paths, req.URL.Path)
		mu.Unlock()
		http.StripPrefix("/do-proxy", r.Server).ServeHTTP(w, req)
	}))
	defer srv.Close()
	cfg := testConfig(r)
	cfg.APIEndpoint = srv.URL + "/do-proxy"
	c := newTestClient(t, cfg)
	d, err := c.Droplet(ctxTimeout(t, 5e9), id)
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != id {
		t.Errorf("got droplet %d, want %d", d.ID, id)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(paths) != 1 || !strings.HasPrefix(paths[0], "/do-proxy/v2/droplets/") {
		t.Errorf("request paths %v, want one under /do-proxy/v2/", paths)
	}
}

// Retries must work with our own transports in place (godo's retry option panics without an
// oauth2 client and drops custom transports) and every attempt must pass through them.
func TestRetriesKeepTransportChain(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if calls.Add(1) <= 2 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte(`{"id":"server_error","message":"try again"}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"droplet":{"id":7,"name":"x"}}`))
	}))
	defer srv.Close()
	log := &recordingLogger{}
	c := newTestClient(t, Config{
		Token: "tok", APIEndpoint: srv.URL, Logger: log,
		HTTPRetryMax: 3, HTTPRetryWaitMin: 1e6, HTTPRetryWaitMax: 2e6,
	})
	d, err := c.Droplet(ctxTimeout(t, 5e9), 7)
	if err != nil {
		t.Fatalf("Droplet: %v", err)
	}
	if d.ID != 7 || calls.Load() != 3 {
		t.Errorf("droplet %d after %d calls, want 7 after 3", d.ID, calls.Load())
	}
	if got := c.Requests(); got != 3 {
		t.Errorf("client counted %d requests, want 3 (each attempt)", got)
	}
	debug := 0
	for _, e := range log.all() {
		if strings.HasPrefix(e, "DEBUG") {
			debug++
		}
	}
	if debug != 3 {
		t.Errorf("logged %d requests, want 3 (each attempt): %v", debug, log.all())
	}
}

func TestHTTPRetryMaxZeroDisablesRetries(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()
	c := newTestClient(t, Config{Token: "tok", APIEndpoint: srv.URL, HTTPRetryMax: 0})
	_, err := c.Droplet(ctxTimeout(t, 5e9), 7)
	if !errors.Is(err, ErrServer) || calls.Load() != 1 {
		t.Errorf("got %v after %d calls, want ErrServer after 1", err, calls.Load())
	}
}

func TestUserAgent(t *testing.T) {
	var ua atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ua.Store(req.Header.Get("User-Agent"))
		_, _ = w.Write([]byte(`{"droplet":{"id":1}}`))
	}))
	defer srv.Close()
	c := newTestClient(t, Config{Token: "tok", APIEndpoint: srv.URL, UserAgent: "terraform-provider-droplet/1.2.3 Terraform/1.11.4"})
	if _, err := c.Droplet(ctxTimeout(t, 5e9), 1); err != nil {
		t.Fatal(err)
	}
	got, _ := ua.Load().(string)
	if !strings.HasPrefix(got, "terraform-provider-droplet/1.2.3 Terraform/1.11.4 godo/") {
		t.Errorf("User-Agent %q, want our product first, then godo's", got)
	}
}

// The token must appear in no log entry and no error, whatever the outcome of a request.
func TestTokenNeverLeaks(t *testing.T) {
	const token = "dop_v1_supersecret0123456789"
	r := startEmulator(t, emulator.Options{Tokens: []string{token}})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	log := &recordingLogger{}
	cfg := testConfig(r)
	cfg.Token = token
	cfg.Logger = log
	c := newTestClient(t, cfg)
	ctx := ctxTimeout(t, 5e9)

	var errs []error
	if _, err := c.Droplet(ctx, id); err != nil {
		t.Fatal(err)
	}
	_, err := c.Droplet(ctx, id+1000)
	errs = append(errs, err)
	_, err = c.Execute(ctx, Job{DropletID: id + 1000, Request: ActionRequest{Type: "reboot"}})
	errs = append(errs, err)
	// Through godo directly, the error carries the HTTP response; its request must not hold
	// the token either.
	_, _, err = c.Godo().Droplets.Get(ctx, id+1000)
	errs = append(errs, err)
	var er *godo.ErrorResponse
	if !errors.As(err, &er) {
		t.Fatalf("godo error %T, want *godo.ErrorResponse", err)
	}
	if h := er.Response.Request.Header.Get("Authorization"); h != "" {
		t.Errorf("godo's error response keeps the Authorization header %q", h)
	}
	for _, err := range errs {
		if err == nil {
			t.Fatal("expected an error")
		}
		if strings.Contains(err.Error(), token) {
			t.Errorf("error leaks the token: %v", err)
		}
	}
	entries := log.all()
	if len(entries) == 0 {
		t.Fatal("nothing was logged")
	}
	sawRedacted := false
	for _, e := range entries {
		if strings.Contains(e, token) {
			t.Errorf("log entry leaks the token: %s", e)
		}
		if strings.Contains(e, "Authorization:[REDACTED]") {
			sawRedacted = true
		}
	}
	if !sawRedacted {
		t.Errorf("no trace entry shows the Authorization header as [REDACTED]: %v", entries[:min(3, len(entries))])
	}
}
