package acctest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// CLIWorkspace is a working directory in which a test runs the real terraform binary against the provider
// built from this tree as a plugin binary, found through a dev_overrides CLI configuration: the way
// a user runs a locally built provider, and the way to run what plugin-testing has no step for,
// such as `terraform apply -invoke=action.<type>.<name>`.
type CLIWorkspace struct {
	t         testing.TB
	Terraform string
	// Dir is the working directory; Write puts configuration files there.
	Dir string
	env []string
}

// NewCLIWorkspace builds the provider into a directory of the test's own (Go's build cache makes this
// quick) and prepares a working directory. It skips the test without TF_ACC or a terraform binary
// (TF_ACC_TERRAFORM_PATH, else terraform on PATH).
func NewCLIWorkspace(t testing.TB) *CLIWorkspace {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC must be set: this test runs the terraform binary")
	}
	tf := TerraformPath()
	if tf == "" {
		t.Skip("no terraform binary: set TF_ACC_TERRAFORM_PATH or put terraform on PATH")
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
		ProviderAddress(), plugins)
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
	return &CLIWorkspace{t: t, Terraform: tf, Dir: dir, env: env}
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

// Write writes a configuration file into the working directory.
func (c *CLIWorkspace) Write(name, config string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.Dir, name), []byte(config), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

func (c *CLIWorkspace) command(args ...string) *exec.Cmd {
	cmd := exec.Command(c.Terraform, args...)
	cmd.Dir = c.Dir
	cmd.Env = c.env
	return cmd
}

// Try runs terraform and returns its output (stdout and stderr together) and its error.
func (c *CLIWorkspace) Try(args ...string) (string, error) {
	var out bytes.Buffer
	cmd := c.command(args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// Run runs terraform and returns its output; it fails the test when terraform fails.
func (c *CLIWorkspace) Run(args ...string) string {
	c.t.Helper()
	out, err := c.Try(args...)
	if err != nil {
		c.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// Start starts terraform without waiting for it, for a test that interrupts it.
func (c *CLIWorkspace) Start(args ...string) *CLIProcess {
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
