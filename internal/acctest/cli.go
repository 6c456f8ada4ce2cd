package acctest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// The acceptance tests run on Terraform and on OpenTofu. The two resolve the same provider source
// ("dropletops/droplet") to different registry hosts, and OpenTofu's version numbers say nothing
// about which Terraform features it has; the helpers below keep tests from assuming one CLI.

const (
	terraformRegistry = "registry.terraform.io"
	// ProviderSource is how configurations require the provider.
	ProviderSource = "dropletops/droplet"
)

// ProviderHost is the registry host the CLI under test resolves ProviderSource to: the value of
// TF_ACC_PROVIDER_HOST (terraform-plugin-testing reads it too; OpenTofu needs
// registry.opentofu.org), registry.terraform.io by default.
func ProviderHost() string {
	if h := os.Getenv("TF_ACC_PROVIDER_HOST"); h != "" {
		return h
	}
	return terraformRegistry
}

// ProviderAddress is the provider's full address as the CLI under test reports it, for example in
// `providers schema -json` or in state: "registry.terraform.io/dropletops/droplet".
func ProviderAddress() string {
	return ProviderHost() + "/" + ProviderSource
}

// TerraformPath is the CLI the acceptance tests run, found as terraform-plugin-testing finds it:
// TF_ACC_TERRAFORM_PATH, else terraform on PATH. It is "" when there is none.
func TerraformPath() string {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	p, _ := exec.LookPath("terraform")
	return p
}

// CLI is what `<binary> version` says a binary is.
type CLI struct {
	Path     string
	OpenTofu bool
	Version  string // "1.15.9", without the leading v
}

// Name is "OpenTofu" or "Terraform".
func (c CLI) Name() string {
	if c.OpenTofu {
		return "OpenTofu"
	}
	return "Terraform"
}

var (
	versionLine = regexp.MustCompile(`^(Terraform|OpenTofu) v(\d+\.\d+\.\d+\S*)`)
	clis        sync.Map // path -> cliResult
)

type cliResult struct {
	cli CLI
	err error
}

// DescribeCLI runs `<path> version` once per path and test binary. Only stdout is read: both
// CLIs print warnings about their configuration file on stderr.
func DescribeCLI(path string) (CLI, error) {
	if r, ok := clis.Load(path); ok {
		if res, ok := r.(cliResult); ok {
			return res.cli, res.err
		}
	}
	c, err := describeCLI(path)
	clis.Store(path, cliResult{c, err})
	return c, err
}

func describeCLI(path string) (CLI, error) {
	c := CLI{Path: path}
	if path == "" {
		return c, fmt.Errorf("no terraform: set TF_ACC_TERRAFORM_PATH or put terraform on PATH")
	}
	cmd := exec.Command(path, "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		return c, fmt.Errorf("%s version: %w", path, err)
	}
	first, _, _ := strings.Cut(strings.TrimSpace(stdout.String()), "\n")
	m := versionLine.FindStringSubmatch(strings.TrimSpace(first))
	if m == nil {
		return c, fmt.Errorf("%s version: not Terraform or OpenTofu: %q", path, first)
	}
	c.OpenTofu, c.Version = m[1] == "OpenTofu", m[2]
	return c, nil
}

// IsOpenTofu reports whether the binary at path is OpenTofu.
func IsOpenTofu(path string) (bool, error) {
	c, err := DescribeCLI(path)
	return c.OpenTofu, err
}

// Feature is a CLI feature some tests need, with the first Terraform release that has it.
// OpenTofu is never assumed to have it: its releases are numbered apart from Terraform's, and
// OpenTofu 1.11 has none of these.
type Feature struct {
	Name      string
	Terraform string // "1.12.0"
	check     tfversion.TerraformVersionCheck
}

var (
	// IdentityImport is import by resource identity (an import block with `identity`).
	IdentityImport = Feature{Name: "import by resource identity", Terraform: "1.12.0",
		check: tfversion.SkipBelow(tfversion.Version1_12_0)}
	// Actions are `action` blocks, action_trigger and `terraform apply -invoke`.
	Actions = Feature{Name: "actions", Terraform: "1.14.0", check: tfversion.SkipBelow(tfversion.Version1_14_0)}
	// ListResources are list resources and `terraform query`.
	ListResources = Feature{Name: "list resources and terraform query", Terraform: "1.14.0",
		check: tfversion.SkipBelow(tfversion.Version1_14_0)}
)

// SkipWithout is a TestCase.TerraformVersionChecks entry that skips the test, saying why, when
// the CLI under test lacks the feature: on OpenTofu, or on Terraform before f.Terraform. Use it
// instead of tfversion.SkipBelow, which would let a future OpenTofu numbered 1.12 or 1.14 through.
func SkipWithout(f Feature) tfversion.TerraformVersionCheck { return featureCheck{f} }

type featureCheck struct{ f Feature }

func (c featureCheck) CheckTerraformVersion(ctx context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	cli, err := DescribeCLI(TerraformPath())
	if err != nil {
		resp.Error = err
		return
	}
	if cli.OpenTofu {
		resp.Skip = fmt.Sprintf("OpenTofu %s does not support %s: skipping test", cli.Version, c.f.Name)
		return
	}
	c.f.check.CheckTerraformVersion(ctx, req, resp)
	if resp.Skip != "" {
		resp.Skip = fmt.Sprintf("%s needs Terraform %s or later: %s", c.f.Name, c.f.Terraform, resp.Skip)
	}
}

// SkipOnOpenTofu is a TestCase.TerraformVersionChecks entry that skips the test on OpenTofu, with
// the reason given.
func SkipOnOpenTofu(reason string) tfversion.TerraformVersionCheck { return openTofuCheck{reason} }

type openTofuCheck struct{ reason string }

func (c openTofuCheck) CheckTerraformVersion(_ context.Context, _ tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	cli, err := DescribeCLI(TerraformPath())
	if err != nil {
		resp.Error = err
		return
	}
	if cli.OpenTofu {
		resp.Skip = fmt.Sprintf("skipped on OpenTofu %s: %s", cli.Version, c.reason)
	}
}

// SkipUnlessSupported skips a test that runs the CLI itself (not through resource.Test) when the
// CLI at path lacks the feature, with the same messages as SkipWithout.
func SkipUnlessSupported(t testing.TB, path string, f Feature) {
	t.Helper()
	cli, err := DescribeCLI(path)
	if err != nil {
		t.Fatal(err)
	}
	if cli.OpenTofu {
		t.Skipf("OpenTofu %s does not support %s: skipping test", cli.Version, f.Name)
	}
	if !atLeast(cli.Version, f.Terraform) {
		t.Skipf("%s needs Terraform %s or later: Terraform CLI version %s: skipping test", f.Name, f.Terraform, cli.Version)
	}
}

// atLeast compares the major.minor.patch numbers of two versions; a pre-release counts as its
// release, as tfversion.SkipBelow counts it.
func atLeast(v, floor string) bool {
	a, b := versionNumbers(v), versionNumbers(floor)
	for i := range a {
		if a[i] != b[i] {
			return a[i] > b[i]
		}
	}
	return true
}

func versionNumbers(v string) [3]int {
	var n [3]int
	core, _, _ := strings.Cut(strings.TrimPrefix(v, "v"), "-")
	for i, part := range strings.SplitN(core, ".", 3) {
		n[i], _ = strconv.Atoi(part)
	}
	return n
}
