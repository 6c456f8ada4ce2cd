package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// cli is one terraform or tofu binary to run the suite with.
type cli struct {
	Arg      string // as given on the command line
	Path     string // absolute: go test runs each package in its own directory
	Name     string // "Terraform" or "OpenTofu"
	Version  string // "1.15.9"
	OpenTofu bool
}

// versionLine matches the first line of `terraform version` and `tofu version`.
var versionLine = regexp.MustCompile(`^(Terraform|OpenTofu) v(\d+\.\d+\.\d+\S*)`)

// parseVersion reads the output of `<binary> version`.
func parseVersion(out string) (name, version string, err error) {
	first, _, _ := strings.Cut(strings.TrimSpace(out), "\n")
	m := versionLine.FindStringSubmatch(strings.TrimSpace(first))
	if m == nil {
		return "", "", fmt.Errorf("not a Terraform or OpenTofu version line: %q", first)
	}
	return m[1], m[2], nil
}

// inspect finds the binary and asks it what it is. Only stdout is read: the CLIs print warnings
// about their configuration on stderr.
func inspect(arg string) (cli, error) {
	c := cli{Arg: arg}
	path, err := exec.LookPath(arg)
	if err != nil {
		return c, err
	}
	if c.Path, err = filepath.Abs(path); err != nil {
		return c, err
	}
	cmd := exec.Command(c.Path, "version")
	cmd.Env = append(cmd.Environ(), "CHECKPOINT_DISABLE=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return c, fmt.Errorf("%s version: %v\n%s", arg, err, stderr.String())
	}
	if c.Name, c.Version, err = parseVersion(stdout.String()); err != nil {
		return c, fmt.Errorf("%s version: %w", arg, err)
	}
	c.OpenTofu = c.Name == "OpenTofu"
	return c, nil
}

// providerHost is the registry host the CLI resolves "dropletops/droplet" to, which
// terraform-plugin-testing must be told (TF_ACC_PROVIDER_HOST).
func (c cli) providerHost() string {
	if c.OpenTofu {
		return "registry.opentofu.org"
	}
	return "registry.terraform.io"
}
