package provider_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dropletops/terraform-provider-droplet/internal/acctest"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// recordingAPI is an emulator behind a handler that remembers the headers of every request and can
// answer a chosen path with an error instead.
type recordingAPI struct {
	*httptest.Server
	mu       sync.Mutex
	requests []recordedRequest
	failPath string
	failCode int
}

type recordedRequest struct {
	Method, Path, Authorization, UserAgent string
}

func newRecordingAPI(t *testing.T, tokens ...string) *recordingAPI {
	t.Helper()
	opts := acctest.TestOptions()
	opts.Tokens = tokens
	emu := emulator.New(opts)
	t.Cleanup(emu.Close)
	r := &recordingAPI{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.requests = append(r.requests, recordedRequest{req.Method, req.URL.Path, req.Header.Get("Authorization"), req.Header.Get("User-Agent")})
		failPath, failCode := r.failPath, r.failCode
		r.mu.Unlock()
		if failPath != "" && req.URL.Path == failPath {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(failCode)
			_, _ = io.WriteString(w, `{"id":"server_error","message":"Unexpected server-side error"}`)
			return
		}
		emu.ServeHTTP(w, req)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *recordingAPI) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests = nil
}

func (r *recordingAPI) failWith(path string, code int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failPath, r.failCode = path, code
}

func (r *recordingAPI) recorded() []recordedRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recordedRequest(nil), r.requests...)
}

// expectAuthorization checks that requests reached this API and that every one carried the token.
func (r *recordingAPI) expectAuthorization(token string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		reqs := r.recorded()
		if len(reqs) == 0 {
			return fmt.Errorf("no request reached %s", r.URL)
		}
		for _, req := range reqs {
			if req.Authorization != "Bearer "+token {
				return fmt.Errorf("%s %s carried Authorization %q, want the token %q", req.Method, req.Path, req.Authorization, token)
			}
		}
		return nil
	}
}

func (r *recordingAPI) expectNoRequests() resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n := len(r.recorded()); n != 0 {
			return fmt.Errorf("%d requests reached %s, want none", n, r.URL)
		}
		return nil
	}
}

const policiesDataSource = `
data "droplet_backup_policies" "all" {}
`

func clearProviderEnv(t *testing.T) {
	for _, k := range []string{"DIGITALOCEAN_TOKEN", "DIGITALOCEAN_ACCESS_TOKEN", "DIGITALOCEAN_API_URL",
		"DIGITALOCEAN_HTTP_RETRY_MAX", "DIGITALOCEAN_HTTP_RETRY_WAIT_MIN", "DIGITALOCEAN_HTTP_RETRY_WAIT_MAX",
		"DIGITALOCEAN_REQUESTS_PER_SECOND"} {
		t.Setenv(k, "")
	}
}

// Configuration arguments win over environment variables; DIGITALOCEAN_TOKEN wins over
// DIGITALOCEAN_ACCESS_TOKEN; the token reaches the API as a bearer token with our User-Agent.
func TestAccProvider_configurationPrecedence(t *testing.T) {
	if acctest.IsReal() {
		t.Skip("uses recording test servers")
	}
	clearProviderEnv(t)
	envAPI := newRecordingAPI(t, "env-token", "access-token", "attr-token")
	attrAPI := newRecordingAPI(t, "env-token", "access-token", "attr-token")

	acctest.Test(t,
		resource.TestStep{
			PreConfig: func() {
				t.Setenv("DIGITALOCEAN_ACCESS_TOKEN", "access-token")
				t.Setenv("DIGITALOCEAN_API_URL", envAPI.URL)
			},
			Config: `provider "droplet" {}` + policiesDataSource,
			Check:  envAPI.expectAuthorization("access-token"),
		},
		resource.TestStep{
			PreConfig: func() {
				envAPI.reset()
				t.Setenv("DIGITALOCEAN_TOKEN", "env-token")
			},
			Config: `provider "droplet" {}` + policiesDataSource,
			Check:  envAPI.expectAuthorization("env-token"),
		},
		resource.TestStep{
			PreConfig: func() { envAPI.reset(); attrAPI.reset() },
			Config: fmt.Sprintf(`provider "droplet" {
  token        = "attr-token"
  api_endpoint = %q
}`, attrAPI.URL) + policiesDataSource,
			Check: resource.ComposeAggregateTestCheckFunc(
				attrAPI.expectAuthorization("attr-token"),
				envAPI.expectNoRequests(),
				func(*terraform.State) error {
					ua := regexp.MustCompile(`^terraform-provider-droplet/test Terraform/\d+\.\d+\.\d+\S* godo/\d+\.\d+\.\d+$`)
					for _, req := range attrAPI.recorded() {
						if !ua.MatchString(req.UserAgent) {
							return fmt.Errorf("User-Agent %q does not match %s", req.UserAgent, ua)
						}
					}
					return nil
				},
			),
		},
	)
}

// http_retry_max (and its environment variable) bounds how often a failing request is tried.
func TestAccProvider_httpRetryMax(t *testing.T) {
	if acctest.IsReal() {
		t.Skip("uses recording test servers")
	}
	clearProviderEnv(t)
	api := newRecordingAPI(t, "tok")
	const path = "/v2/droplets/backups/supported_policies"
	countTries := func(want int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			n := 0
			for _, r := range api.recorded() {
				if r.Path == path {
					n++
				}
			}
			if n != want {
				return fmt.Errorf("%s was tried %d times, want %d", path, n, want)
			}
			return nil
		}
	}
	cfg := func(retry string) string {
		return fmt.Sprintf(`provider "droplet" {
  token               = "tok"
  api_endpoint        = %q
  http_retry_wait_min = 0.01
  http_retry_wait_max = 0.02
  %s
}`, api.URL, retry) + policiesDataSource
	}
	acctest.Test(t,
		resource.TestStep{
			PreConfig:   func() { api.failWith(path, http.StatusServiceUnavailable) },
			Config:      cfg("http_retry_max = 2"),
			ExpectError: regexp.MustCompile(`503`),
		},
		resource.TestStep{
			Config: cfg("http_retry_max = 2"),
			PreConfig: func() {
				// The previous step's failure is the check: count its tries here.
				if err := countTries(3)(nil); err != nil {
					t.Error(err)
				}
				api.reset()
				t.Setenv("DIGITALOCEAN_HTTP_RETRY_MAX", "0")
			},
			ExpectError: regexp.MustCompile(`503`),
		},
		resource.TestStep{
			PreConfig: func() {
				if err := countTries(3)(nil); err != nil {
					t.Error("attribute must win over DIGITALOCEAN_HTTP_RETRY_MAX: ", err)
				}
				api.reset()
			},
			Config:      cfg(""),
			ExpectError: regexp.MustCompile(`503`),
		},
		resource.TestStep{
			PreConfig: func() {
				if err := countTries(1)(nil); err != nil {
					t.Error("DIGITALOCEAN_HTTP_RETRY_MAX=0 must turn retries off: ", err)
				}
				api.failWith("", 0)
			},
			Config: cfg(""),
		},
	)
}

func TestAccProvider_missingToken(t *testing.T) {
	clearProviderEnv(t)
	env := acctest.NewEnv(t)
	acctest.Test(t, resource.TestStep{
		Config:      fmt.Sprintf("provider \"droplet\" {\n  api_endpoint = %q\n}\n", env.Endpoint) + policiesDataSource,
		ExpectError: regexp.MustCompile(`(?s)Missing DigitalOcean API token.*DIGITALOCEAN_TOKEN.*DIGITALOCEAN_ACCESS_TOKEN`),
	})
}

func TestAccProvider_invalidEndpoint(t *testing.T) {
	clearProviderEnv(t)
	step := func(endpoint, want string) resource.TestStep {
		return resource.TestStep{
			Config: fmt.Sprintf("provider \"droplet\" {\n  token        = \"tok\"\n  api_endpoint = %q\n}\n", endpoint) +
				policiesDataSource,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Invalid DigitalOcean API endpoint.*` + want),
		}
	}
	acctest.Test(t,
		step("http://api.digitalocean.com", "loopback"),
		step("ftp://127.0.0.1:21", "http"),
		step("api.digitalocean.com", "absolute"),
		resource.TestStep{
			PreConfig:   func() { t.Setenv("DIGITALOCEAN_API_URL", "http://10.1.2.3:8080") },
			Config:      "provider \"droplet\" {\n  token = \"tok\"\n}\n" + policiesDataSource,
			ExpectError: regexp.MustCompile(`(?s)Invalid DigitalOcean API endpoint.*loopback`),
		},
	)
}

// A token that is only known after apply must not fail the plan.
func TestAccProvider_unknownTokenDoesNotFailPlan(t *testing.T) {
	clearProviderEnv(t)
	env := acctest.NewEnv(t)
	acctest.Test(t, resource.TestStep{
		Config: fmt.Sprintf(`
resource "terraform_data" "token" {
  input = %q
}

provider "droplet" {
  token        = terraform_data.token.output
  api_endpoint = %q
}

resource "droplet_action" "reboot" {
  droplet_id = 1
  type       = "reboot"
}
`, env.Token, env.Endpoint),
		PlanOnly:           true,
		ExpectNonEmptyPlan: true,
	})
}
