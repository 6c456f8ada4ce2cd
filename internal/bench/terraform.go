package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Registry addresses that dev_overrides map to the binaries under test.
const (
	providerSource = "registry.terraform.io/dropletops/droplet"
	peerSource     = "registry.terraform.io/digitalocean/digitalocean"
)

// writeCLIConfig writes a Terraform CLI configuration whose dev_overrides make terraform use the
// binaries in the given directories without `terraform init` or any download. peerDir is empty
// when no peer is measured.
func writeCLIConfig(path, providerDir, peerDir string) error {
	overrides := fmt.Sprintf("    %q = %q\n", providerSource, providerDir)
	if peerDir != "" {
		overrides += fmt.Sprintf("    %q = %q\n", peerSource, peerDir)
	}
	cfg := "provider_installation {\n  dev_overrides {\n" + overrides + "  }\n  direct {}\n}\n"
	return os.WriteFile(path, []byte(cfg), 0o644)
}

// configFor is the configuration a scenario applies with this provider: one resource per
// droplet ID, the IDs in a variable so that terraform's own work stays proportional to the
// resource count. The provider block is empty: endpoint and token come from the environment.
func configFor(r Resource) string {
	head := `terraform {
  required_providers {
    droplet = {
      source = "dropletops/droplet"
    }
  }
}

provider "droplet" {}

variable "droplet_ids" {
  type = list(number)
}
`
	switch r {
	case ResourceReboot:
		return head + `
resource "droplet_action" "reboot" {
  count      = length(var.droplet_ids)
  droplet_id = var.droplet_ids[count.index]
  type       = "reboot"
}
`
	default:
		return head + `
resource "droplet_backups" "this" {
  count      = length(var.droplet_ids)
  droplet_id = var.droplet_ids[count.index]
  plan       = "daily"
  hour       = 4
}
`
	}
}

// peerConfig is how users of the official provider manage backups of droplets they already
// have: each droplet imported into a digitalocean_droplet with an import block, then backups
// turned on with a daily backup_policy. The droplets' attributes are the emulator's, so the
// import plans no change of its own.
const peerConfig = `terraform {
  required_providers {
    digitalocean = {
      source = "digitalocean/digitalocean"
    }
  }
}

provider "digitalocean" {}

variable "droplets" {
  type = map(object({
    id     = number
    name   = string
    size   = string
    image  = string
    region = string
    tags   = list(string)
  }))
}

variable "backups" {
  type = bool
}

import {
  for_each = var.droplets
  to       = digitalocean_droplet.this[each.key]
  id       = each.value.id
}

resource "digitalocean_droplet" "this" {
  for_each = var.droplets
  name     = each.value.name
  size     = each.value.size
  image    = each.value.image
  region   = each.value.region
  tags     = each.value.tags
  backups  = var.backups

  dynamic "backup_policy" {
    for_each = var.backups ? [1] : []
    content {
      plan = "daily"
      hour = 4
    }
  }
}
`

// peerDroplet is what peerConfig needs to know of a droplet.
type peerDroplet struct {
	ID     int      `json:"id"`
	Name   string   `json:"name"`
	Size   string   `json:"size"`
	Image  string   `json:"image"`
	Region string   `json:"region"`
	Tags   []string `json:"tags"`
}

// writeWorkspace writes this provider's configuration and its variables into dir.
func writeWorkspace(dir string, r Resource, ids []int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(configFor(r)), 0o644); err != nil {
		return err
	}
	return writeVars(dir, map[string]any{"droplet_ids": ids})
}

// writePeerWorkspace writes the official provider's configuration, with backups on or off.
func writePeerWorkspace(dir string, droplets []peerDroplet, backups bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(peerConfig), 0o644); err != nil {
		return err
	}
	return setPeerBackups(dir, droplets, backups)
}

func setPeerBackups(dir string, droplets []peerDroplet, backups bool) error {
	m := make(map[string]peerDroplet, len(droplets))
	for _, d := range droplets {
		m[strconv.Itoa(d.ID)] = d
	}
	return writeVars(dir, map[string]any{"droplets": m, "backups": backups})
}

func writeVars(dir string, vars map[string]any) error {
	b, err := json.Marshal(vars)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "terraform.tfvars.json"), b, 0o644)
}

// tfRun is one terraform invocation.
type tfRun struct {
	terraform string
	dir       string
	cliConfig string
	endpoint  string
	token     string
	timeout   time.Duration
	log       io.Writer
	// provider, when set, is the plugin binary whose peak memory is sampled during the run.
	provider string
	// providerLog, when set, is where the provider's own log goes, at providerLogLevel.
	providerLog, providerLogLevel string
}

// tfResult is what one invocation did.
type tfResult struct {
	wall     time.Duration
	exitCode int
	// changes is set for `plan -detailed-exitcode` when the plan was not empty.
	changes bool
	tail    string
	// cpu is the user and system time of terraform and the plugins it waited for.
	cpu time.Duration
	// memoryMB is the provider's peak resident memory (0 when not sampled).
	memoryMB float64
}

// childEnv is the environment of terraform and the providers: the caller's, minus anything
// that would change what is measured (another CLI configuration, logging, a real token, the
// official provider's own settings), plus the emulator's endpoint and token, which both
// providers read (DIGITALOCEAN_API_URL, DIGITALOCEAN_TOKEN).
func (r tfRun) childEnv() []string {
	drop := []string{"TF_CLI_CONFIG_FILE=", "TF_LOG", "TF_CLI_ARGS", "TF_VAR_", "TF_DATA_DIR=", "TF_WORKSPACE=",
		"TF_ACC", "TF_PLUGIN_CACHE_DIR=", "DIGITALOCEAN_", "DROPLET_PROVIDER_", "SPACES_"}
	var env []string
next:
	for _, kv := range os.Environ() {
		for _, p := range drop {
			if strings.HasPrefix(kv, p) {
				continue next
			}
		}
		env = append(env, kv)
	}
	env = append(env,
		"TF_CLI_CONFIG_FILE="+r.cliConfig,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"DIGITALOCEAN_API_URL="+r.endpoint,
		"DIGITALOCEAN_TOKEN="+r.token,
	)
	if r.providerLog != "" {
		env = append(env, "TF_LOG_PROVIDER="+r.providerLogLevel, "TF_LOG_PATH="+r.providerLog)
	}
	return env
}

// run executes terraform with args in the workspace and times it from start to exit.
func (r tfRun) run(ctx context.Context, args ...string) (tfResult, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.terraform, args...)
	cmd.Dir = r.dir
	cmd.Env = r.childEnv()
	var tail tailBuffer
	out := io.MultiWriter(&tail, r.log)
	cmd.Stdout, cmd.Stderr = out, out
	ownGroup(cmd)
	cmd.WaitDelay = 10 * time.Second
	_, _ = fmt.Fprintf(r.log, "\n$ terraform %s\n", strings.Join(args, " ")) // a log line; the run matters more

	start := time.Now()
	err := cmd.Start()
	var mem *memorySampler
	if err == nil {
		if r.provider != "" {
			mem = sampleMemory(cmd.Process.Pid, r.provider)
		}
		err = cmd.Wait()
	}
	res := tfResult{wall: time.Since(start), tail: tail.String()}
	if mem != nil {
		res.memoryMB = mem.stop()
	}
	if cmd.ProcessState != nil {
		res.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if ctx.Err() == context.DeadlineExceeded {
		return res, fmt.Errorf("terraform %s did not finish within %s", args[0], r.timeout)
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		res.exitCode = exit.ExitCode()
		if res.exitCode == 2 && hasArg(args, "-detailed-exitcode") {
			res.changes = true
			return res, nil
		}
		return res, fmt.Errorf("terraform %s exited with status %d", args[0], res.exitCode)
	}
	return res, err
}

func hasArg(args []string, a string) bool {
	for _, x := range args {
		if x == a {
			return true
		}
	}
	return false
}

// tfArgs are the arguments of a command at a parallelism.
func tfArgs(k Kind, parallelism int) []string {
	p := "-parallelism=" + strconv.Itoa(parallelism)
	switch k {
	case KindPlan:
		return []string{"plan", "-input=false", "-no-color", "-detailed-exitcode", p}
	case KindDestroy:
		return []string{"destroy", "-input=false", "-no-color", "-auto-approve", p}
	default:
		return []string{"apply", "-input=false", "-no-color", "-auto-approve", p}
	}
}

// terraformVersion is the first line of `terraform version`.
func terraformVersion(ctx context.Context, terraform string) string {
	cmd := exec.CommandContext(ctx, terraform, "version", "-json")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE="+os.DevNull)
	b, err := cmd.Output()
	if err != nil {
		return "unknown"
	}
	var v struct {
		Version  string `json:"terraform_version"`
		Platform string `json:"platform"`
	}
	if json.Unmarshal(b, &v) != nil {
		return "unknown"
	}
	return v.Version + " " + v.Platform
}

// tailBuffer keeps the last few kilobytes of terraform's output for error reports.
type tailBuffer struct{ b []byte }

const tailSize = 4096

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 2*tailSize {
		t.b = append([]byte(nil), t.b[len(t.b)-tailSize:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	b := t.b
	if len(b) > tailSize {
		b = b[len(b)-tailSize:]
	}
	return string(bytes.TrimSpace(b))
}
