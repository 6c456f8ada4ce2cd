package provider_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/dropletops/terraform-provider-droplet/internal/acctest"
)

// cliWorkspace runs the real terraform binary against the provider built as a binary, the way a
// user with a dev_overrides CLI configuration would.
type cliWorkspace struct {
	t         *testing.T
	terraform string
	dir       string
	env       []string
}

// providerBuild builds the provider binary once for every CLI test of this test binary.
var providerBuild struct {
	once    sync.Once
	plugins string
	err     error
}

func builtProvider(t *testing.T) string {
	t.Helper()
	providerBuild.once.Do(func() {
		// Shared by every CLI test of this binary, so no test's TempDir; TestMain removes it.
		dir, err := os.MkdirTemp("", "droplet-cli-test-") //nolint:usetesting // outlives any one test
		if err != nil {
			providerBuild.err = err
			return
		}
		providerBuild.plugins = filepath.Join(dir, "plugins")
		build := exec.Command("go", "build", "-o", filepath.Join(providerBuild.plugins, "terraform-provider-droplet"), ".")
		build.Dir = filepath.Join("..", "..")
		if out, err := build.CombinedOutput(); err != nil {
			providerBuild.err = fmt.Errorf("build provider: %v\n%s", err, out)
		}
	})
	if providerBuild.err != nil {
		t.Fatal(providerBuild.err)
	}
	return providerBuild.plugins
}

// removeBuiltProvider deletes the shared build once the test binary is done.
func removeBuiltProvider() {
	if providerBuild.plugins != "" {
		_ = os.RemoveAll(filepath.Dir(providerBuild.plugins))
	}
}

func newCLIWorkspace(t *testing.T) *cliWorkspace {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC must be set: this test runs the terraform binary")
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			t.Skip("no terraform binary")
		}
	}
	plugins := builtProvider(t)
	root := t.TempDir()
	rc := filepath.Join(root, "terraformrc")
	rcText := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"dropletops/droplet\" = %q\n  }\n  direct {}\n}\n", plugins)
	if err := os.WriteFile(rc, []byte(rcText), 0o600); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(root, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"TF_ACC=", "TF_LOG=", "TF_LOG_PATH=", "DIGITALOCEAN_TOKEN=", "DIGITALOCEAN_ACCESS_TOKEN=", "DIGITALOCEAN_API_URL=")
	return &cliWorkspace{t: t, terraform: tf, dir: work, env: env}
}

func (w *cliWorkspace) write(config string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(config), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// run returns stdout and stderr together; it fails the test when terraform fails.
func (w *cliWorkspace) run(env []string, args ...string) string {
	w.t.Helper()
	code, out := w.runCode(env, args...)
	if code != 0 {
		w.t.Fatalf("terraform %s: exit status %d\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

const cliProviderHeader = `
terraform {
  required_providers {
    droplet = {
      source = "dropletops/droplet"
    }
  }
}
`

func TestAccCLI_providerSchema(t *testing.T) {
	w := newCLIWorkspace(t)
	w.write(cliProviderHeader + "provider \"droplet\" {}\n")
	out := w.run(nil, "providers", "schema", "-json")
	start := strings.Index(out, "{")
	if start < 0 {
		t.Fatalf("no JSON in output:\n%s", out)
	}
	var schema struct {
		ProviderSchemas map[string]struct {
			Provider struct {
				Block struct {
					Attributes map[string]struct {
						Type      any  `json:"type"`
						Optional  bool `json:"optional"`
						Sensitive bool `json:"sensitive"`
					} `json:"attributes"`
				} `json:"block"`
			} `json:"provider"`
			ResourceSchemas   map[string]json.RawMessage `json:"resource_schemas"`
			DataSourceSchemas map[string]json.RawMessage `json:"data_source_schemas"`
		} `json:"provider_schemas"`
	}
	if err := json.NewDecoder(strings.NewReader(out[start:])).Decode(&schema); err != nil {
		t.Fatalf("decode schema: %v\n%s", err, out)
	}
	p, ok := schema.ProviderSchemas[acctest.ProviderAddress()]
	if !ok {
		t.Fatalf("provider droplet missing from schema: %v", out)
	}
	attrs := p.Provider.Block.Attributes
	want := map[string]string{
		"token": "string", "api_endpoint": "string", "http_retry_max": "number",
		"http_retry_wait_min": "number", "http_retry_wait_max": "number", "requests_per_second": "number",
	}
	if len(attrs) != len(want) {
		t.Errorf("provider has %d attributes, want %d: %v", len(attrs), len(want), attrs)
	}
	for name, typ := range want {
		a, ok := attrs[name]
		if !ok {
			t.Errorf("provider attribute %s missing", name)
			continue
		}
		if a.Type != typ || !a.Optional {
			t.Errorf("attribute %s: type %v optional %v, want optional %s", name, a.Type, a.Optional, typ)
		}
		if a.Sensitive != (name == "token") {
			t.Errorf("attribute %s: sensitive = %v", name, a.Sensitive)
		}
	}
	for _, r := range []string{"droplet_backups", "droplet_action", "droplet_power"} {
		if _, ok := p.ResourceSchemas[r]; !ok {
			t.Errorf("resource %s missing", r)
		}
	}
	for _, d := range []string{"droplet_backups", "droplet_backup_policies"} {
		if _, ok := p.DataSourceSchemas[d]; !ok {
			t.Errorf("data source %s missing", d)
		}
	}
}

// The token must not appear in TF_LOG=trace output (terraform's and the provider's logs together),
// whether it comes from the environment or from the configuration.
func TestAccCLI_tokenNeverLogged(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	id := env.CreateDroplet(t, "logged")
	w := newCLIWorkspace(t)
	body := fmt.Sprintf(`
data "droplet_backup_policies" "all" {}

resource "droplet_backups" "b" {
  droplet_id = %d
  plan       = "weekly"
  weekday    = "TUE"
  hour       = 8
}
`, id)
	trace := []string{"TF_LOG=trace"}

	w.write(cliProviderHeader + fmt.Sprintf("provider \"droplet\" {\n  api_endpoint = %q\n}\n", env.Endpoint) + body)
	fromEnv := append(trace, "DIGITALOCEAN_TOKEN="+env.Token)
	logs := w.run(fromEnv, "apply", "-auto-approve", "-no-color")
	logs += w.run(fromEnv, "plan", "-no-color")

	w.write(cliProviderHeader + env.Config(body))
	logs += w.run(trace, "plan", "-no-color", "-refresh=true")
	logs += w.run(trace, "destroy", "-auto-approve", "-no-color")

	if strings.Contains(logs, env.Token) {
		i := strings.Index(logs, env.Token)
		lo := max(0, i-300)
		t.Fatalf("the token appears in TF_LOG=trace output:\n%s", logs[lo:min(len(logs), i+100)])
	}
	// Positive controls: the provider's own HTTP logs were captured, with the header redacted, so the
	// check above really looked at them.
	for _, want := range []string{"/v2/droplets/backups/supported_policies", "Authorization"} {
		if !strings.Contains(logs, want) {
			t.Errorf("trace output has no %q: the provider's HTTP logging is not reaching Terraform's log", want)
		}
	}
	if p := env.BackupPolicy(t, id); p.BackupEnabled {
		t.Errorf("destroy left backups enabled on droplet %d", id)
	}
}
