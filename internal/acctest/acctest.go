// Package acctest wires acceptance tests and benchmarks to a DigitalOcean API: an emulator started in
// the test process by default, or the real API when TF_ACC_REAL=1 and DIGITALOCEAN_TOKEN are set.
package acctest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/digitalocean/godo"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
	"github.com/dropletops/terraform-provider-droplet/internal/provider"
)

// ProviderName is the provider's local name in test configurations.
const ProviderName = "droplet"

// ProtoV6ProviderFactories serves the provider in the test process for terraform-plugin-testing.
func ProtoV6ProviderFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		ProviderName: providerserver.NewProtocol6WithError(provider.New("test")()),
	}
}

// IsReal reports whether tests run against the real DigitalOcean API.
func IsReal() bool {
	return os.Getenv("TF_ACC_REAL") == "1" && os.Getenv("DIGITALOCEAN_TOKEN") != ""
}

// Env is one API for one test: an emulator of its own, or the real API.
type Env struct {
	// Emulator is nil when the test runs against the real API.
	Emulator *emulator.Running
	Endpoint string
	Token    string
	// Godo reads and changes the API the way any other client would (drift, checks).
	Godo *godo.Client
}

// TestOptions are the emulator settings acceptance tests use: actions short enough to keep the suite
// fast, long enough that waiting, locking and polling are really exercised.
func TestOptions() emulator.Options {
	return emulator.Options{
		ActionDuration:  150 * time.Millisecond,
		ActionDurations: map[string]time.Duration{"snapshot": 300 * time.Millisecond},
	}
}

// NewEnv starts an emulator for the test (closed when the test ends), or connects to the real API.
// Options only apply to the emulator.
func NewEnv(t testing.TB, opts ...func(*emulator.Options)) *Env {
	t.Helper()
	if IsReal() {
		token := os.Getenv("DIGITALOCEAN_TOKEN")
		endpoint := os.Getenv("DIGITALOCEAN_API_URL")
		if endpoint == "" {
			endpoint = "https://api.digitalocean.com"
		}
		return &Env{Endpoint: endpoint, Token: token, Godo: newGodo(t, endpoint, token)}
	}
	o := TestOptions()
	o.Tokens = []string{RandomToken()}
	for _, f := range opts {
		f(&o)
	}
	run, err := emulator.Start(o)
	if err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	t.Cleanup(run.Close)
	return &Env{Emulator: run, Endpoint: run.URL, Token: o.Tokens[0], Godo: newGodo(t, run.URL, o.Tokens[0])}
}

// RandomToken returns a token that looks like a personal access token and is unique, so a test
// can search logs for it.
func RandomToken() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return "dop_v1_" + hex.EncodeToString(b)
}

func newGodo(t testing.TB, endpoint, token string) *godo.Client {
	t.Helper()
	c := godo.NewFromToken(token)
	u, err := url.Parse(endpoint + "/")
	if err != nil {
		t.Fatalf("parse endpoint: %v", err)
	}
	c.BaseURL = u
	return c
}

// ProviderBlock is the provider configuration for this API, to put in front of a test config.
func (e *Env) ProviderBlock() string {
	if e.Emulator == nil {
		return "provider \"droplet\" {}\n"
	}
	return fmt.Sprintf("provider \"droplet\" {\n  api_endpoint = %q\n  token        = %q\n}\n", e.Endpoint, e.Token)
}

// Config returns the provider block followed by body.
func (e *Env) Config(body string) string { return e.ProviderBlock() + body }

// CreateDroplet makes a droplet for the test and returns its ID. On the real API it is created
// (smallest size) and destroyed when the test ends.
func (e *Env) CreateDroplet(t testing.TB, name string, tags ...string) int {
	t.Helper()
	if e.Emulator != nil {
		d := e.Emulator.Server.CreateDroplet(emulator.DropletSpec{Name: name, Tags: tags})
		return d.ID
	}
	ctx := context.Background()
	d, _, err := e.Godo.Droplets.Create(ctx, &godo.DropletCreateRequest{
		Name:   name,
		Region: "nyc3",
		Size:   "s-1vcpu-512mb-10gb",
		Image:  godo.DropletCreateImage{Slug: "ubuntu-24-04-x64"},
		Tags:   tags,
	})
	if err != nil {
		t.Fatalf("create droplet %s: %v", name, err)
	}
	t.Cleanup(func() { _, _ = e.Godo.Droplets.Delete(context.Background(), d.ID) })
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		got, _, err := e.Godo.Droplets.Get(ctx, d.ID)
		if err == nil && got.Status == "active" && !got.Locked {
			return d.ID
		}
		time.Sleep(5 * time.Second)
	}
	t.Fatalf("droplet %d did not become active", d.ID)
	return 0
}

// Droplet reads a droplet through the API.
func (e *Env) Droplet(t testing.TB, id int) *godo.Droplet {
	t.Helper()
	d, _, err := e.Godo.Droplets.Get(context.Background(), id)
	return must(t, d, err, "read droplet %d", id)
}

// BackupPolicy reads a droplet's backup policy through the API.
func (e *Env) BackupPolicy(t testing.TB, id int) *godo.DropletBackupPolicy {
	t.Helper()
	p, _, err := e.Godo.Droplets.GetBackupPolicy(context.Background(), id)
	return must(t, p, err, "read backup policy of droplet %d", id)
}

// must returns v, or fails the test with what (a format for args) when err is set.
func must[T any](t testing.TB, v T, err error, what string, args ...any) T {
	t.Helper()
	if err != nil {
		t.Fatalf(what+": %v", append(args, err)...)
	}
	return v
}

// SkipIfReal skips a test that needs the emulator's control over the API (faults, forced errors).
func (e *Env) SkipIfReal(t testing.TB) {
	t.Helper()
	if e.Emulator == nil {
		t.Skip("needs the emulator: it changes the API's behaviour")
	}
}
