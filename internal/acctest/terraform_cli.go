package acctest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
)

// CLI is a working directory in which a test runs the real terraform binary against the provider
// built from this tree as a plugin binary, found through a dev_overrides CLI configuration: the way
// a user runs a locally built provider, and the way to run what plugin-testing has no step for,
// such as `terraform apply -invoke=action.<type>.<name>`.
type CLI struct {
	t         testing.TB
	Terraform string
	// Dir is the working directory; Write puts configuration files there.
	Dir string
	env []string
}

// NewCLI builds the provider into a directory of the test's own (Go's build cache makes this
// quick) and prepares a working directory. It skips the test without TF_ACC or a terraform binary
// (TF_ACC_TERRAFORM_PATH, else terraform on PATH).
func NewCLI(t testing.TB) *CLI {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC must be set: this test runs the terraform binary")
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			t.Skip("no terraform binary: set TF_ACC_TERRAFORM_PATH or put terraform on PATH")
		}
	}
	root := t.TempDir()
	plugins := filepath.Join(root, "plugins")
	build := exec.Command("go", "build", "-o", filepath.Join(plugins, "terraform-provider-droplet"), ".")
	build.Dir = moduleRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build provider: %v\n%s", err, out)
	}
	rc := filepath.Join(root, "terraformrc")
	rcText := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		providerSource(), plugins)
	if err := os.WriteFile(rc, []byte(rcText), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "work")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// Nothing inherited may point terraform or the provider elsewhere, or turn on logs that the
	// test does not read.
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"TF_ACC=", "TF_LOG=", "TF_LOG_PATH=", "TF_CLI_ARGS=", "TF_DATA_DIR=", "TF_WORKSPACE=",
		"DIGITALOCEAN_TOKEN=", "DIGITALOCEAN_ACCESS_TOKEN=", "DIGITALOCEAN_API_URL=")
	return &CLI{t: t, Terraform: tf, Dir: dir, env: env}
}

// providerSource is the provider's address for dev_overrides: OpenTofu looks it up on its own
// registry host (TF_ACC_PROVIDER_HOST, as plugin-testing uses).
func providerSource() string {
	if host := os.Getenv("TF_ACC_PROVIDER_HOST"); host != "" {
		return host + "/dropletops/droplet"
	}
	return "dropletops/droplet"
}

// moduleRoot is the directory of go.mod, found upwards from the test's package directory.
func moduleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// Version is the terraform binary's version (OpenTofu reports its own the same way).
func (c *CLI) Version() *version.Version {
	c.t.Helper()
	out, err := c.Try("version", "-json")
	if err != nil {
		c.t.Fatalf("terraform version: %v\n%s", err, out)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &v); err != nil {
		c.t.Fatalf("terraform version -json: %v\n%s", err, out)
	}
	parsed, err := version.NewVersion(v.Version)
	if err != nil {
		c.t.Fatalf("terraform version %q: %v", v.Version, err)
	}
	return parsed
}

// SkipBelow skips the test when the terraform binary is older than min, saying why.
func (c *CLI) SkipBelow(min *version.Version, why string) {
	c.t.Helper()
	if v := c.Version(); v.LessThan(min) {
		c.t.Skipf("terraform %s is below %s: %s", v, min, why)
	}
}

// Write writes a configuration file into the working directory.
func (c *CLI) Write(name, config string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.Dir, name), []byte(config), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

func (c *CLI) command(args ...string) *exec.Cmd {
	cmd := exec.Command(c.Terraform, args...)
	cmd.Dir = c.Dir
	cmd.Env = c.env
	return cmd
}

// Try runs terraform and returns its output (stdout and stderr together) and its error.
func (c *CLI) Try(args ...string) (string, error) {
	var out bytes.Buffer
	cmd := c.command(args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// Run runs terraform and returns its output; it fails the test when terraform fails.
func (c *CLI) Run(args ...string) string {
	c.t.Helper()
	out, err := c.Try(args...)
	if err != nil {
		c.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// Start starts terraform without waiting for it, for a test that interrupts it.
func (c *CLI) Start(args ...string) *CLIProcess {
	c.t.Helper()
	p := &CLIProcess{cmd: c.command(args...), done: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	if err := p.cmd.Start(); err != nil {
		c.t.Fatalf("start terraform %s: %v", strings.Join(args, " "), err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	c.t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// CLIProcess is a terraform command a test started.
type CLIProcess struct {
	cmd  *exec.Cmd
	out  lockedBuffer
	done chan struct{}
	err  error
}

// Output is what the command has written so far.
func (p *CLIProcess) Output() string { return p.out.String() }

// Interrupt sends SIGINT, as Ctrl-C in a terminal does.
func (p *CLIProcess) Interrupt() error { return p.cmd.Process.Signal(os.Interrupt) }

// Done is closed when the command has exited.
func (p *CLIProcess) Done() <-chan struct{} { return p.done }

// Wait waits for the command to exit and returns its output and its error (an *exec.ExitError
// for a non-zero exit).
func (p *CLIProcess) Wait() (string, error) {
	<-p.done
	var exit *exec.ExitError
	if p.err != nil && !errors.As(p.err, &exit) {
		return p.Output(), fmt.Errorf("terraform did not run to its end: %w", p.err)
	}
	return p.Output(), p.err
}

// lockedBuffer is a bytes.Buffer that the command writes while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
