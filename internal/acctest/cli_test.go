package acctest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

type req = tfversion.CheckTerraformVersionRequest

// fakeCLI writes an executable that answers `version` as firstLine says, with the warning the
// real CLIs print on stderr when their configuration file is missing.
func fakeCLI(t *testing.T, firstLine string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cli")
	script := "#!/bin/sh\necho 'Warning: Unable to open CLI configuration file' >&2\nprintf '%s\\non linux_amd64\\n' '" + firstLine + "'\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestProviderAddress(t *testing.T) {
	t.Setenv("TF_ACC_PROVIDER_HOST", "")
	if got := ProviderAddress(); got != "registry.terraform.io/dropletops/droplet" {
		t.Errorf("default address = %q", got)
	}
	t.Setenv("TF_ACC_PROVIDER_HOST", "registry.opentofu.org")
	if got := ProviderAddress(); got != "registry.opentofu.org/dropletops/droplet" {
		t.Errorf("OpenTofu address = %q", got)
	}
}

func TestDescribeCLI(t *testing.T) {
	for line, want := range map[string]CLI{
		"Terraform v1.15.9": {Version: "1.15.9"},
		"OpenTofu v1.11.14": {Version: "1.11.14", OpenTofu: true},
		"Terraform v1.5.7":  {Version: "1.5.7"},
	} {
		path := fakeCLI(t, line)
		got, err := DescribeCLI(path)
		want.Path = path
		if err != nil || got != want {
			t.Errorf("%q: got %+v, %v; want %+v", line, got, err, want)
		}
		if tofu, _ := IsOpenTofu(path); tofu != want.OpenTofu {
			t.Errorf("%q: IsOpenTofu = %v", line, tofu)
		}
	}
	for _, path := range []string{fakeCLI(t, "Packer v1.9.0"), filepath.Join(t.TempDir(), "missing"), ""} {
		if _, err := DescribeCLI(path); err == nil {
			t.Errorf("DescribeCLI(%q) accepted it", path)
		}
	}
}

// check runs c as terraform-plugin-testing would with TF_ACC_TERRAFORM_PATH=cli, which reports
// the version in v.
func check(t *testing.T, c tfversion.TerraformVersionCheck, cli string, v req) tfversion.CheckTerraformVersionResponse {
	t.Helper()
	t.Setenv("TF_ACC_TERRAFORM_PATH", cli)
	var resp tfversion.CheckTerraformVersionResponse
	c.CheckTerraformVersion(t.Context(), v, &resp)
	return resp
}

func TestSkipWithout(t *testing.T) {
	tofu := fakeCLI(t, "OpenTofu v1.14.0") // numbered like a Terraform that has every feature
	tf111 := fakeCLI(t, "Terraform v1.11.0")
	tf115 := fakeCLI(t, "Terraform v1.15.0")
	for _, f := range []Feature{IdentityImport, Actions, ListResources} {
		if r := check(t, SkipWithout(f), tofu, req{TerraformVersion: tfversion.Version1_14_0}); r.Error != nil ||
			r.Skip != "OpenTofu 1.14.0 does not support "+f.Name+": skipping test" {
			t.Errorf("%s on OpenTofu: %+v", f.Name, r)
		}
		if r := check(t, SkipWithout(f), tf111, req{TerraformVersion: tfversion.Version1_11_0}); r.Error != nil ||
			!strings.HasPrefix(r.Skip, f.Name+" needs Terraform "+f.Terraform+" or later: ") {
			t.Errorf("%s on Terraform 1.11: %+v", f.Name, r)
		}
		if r := check(t, SkipWithout(f), tf115, req{TerraformVersion: tfversion.Version1_15_0}); r.Error != nil || r.Skip != "" {
			t.Errorf("%s on Terraform 1.15: %+v, want it run", f.Name, r)
		}
	}
	if r := check(t, SkipWithout(Actions), fakeCLI(t, "Terraform v1.13.0"), req{TerraformVersion: tfversion.Version1_13_0}); r.Skip == "" {
		t.Errorf("actions on Terraform 1.13 ran")
	}
	if r := check(t, SkipWithout(IdentityImport), filepath.Join(t.TempDir(), "missing"), req{TerraformVersion: tfversion.Version1_15_0}); r.Error == nil {
		t.Errorf("a CLI that cannot run: %+v, want an error", r)
	}
}

func TestSkipOnOpenTofu(t *testing.T) {
	if r := check(t, SkipOnOpenTofu("wording differs"), fakeCLI(t, "OpenTofu v1.11.14"), req{TerraformVersion: tfversion.Version1_11_0}); r.Skip != "skipped on OpenTofu 1.11.14: wording differs" {
		t.Errorf("OpenTofu: %+v", r)
	}
	if r := check(t, SkipOnOpenTofu("wording differs"), fakeCLI(t, "Terraform v1.11.4"), req{TerraformVersion: tfversion.Version1_11_0}); r.Skip != "" || r.Error != nil {
		t.Errorf("Terraform: %+v, want it run", r)
	}
}

func TestSkipUnlessSupported(t *testing.T) {
	for line, wantSkip := range map[string]bool{
		"OpenTofu v1.14.0":      true,
		"Terraform v1.11.4":     true,
		"Terraform v1.12.0-rc1": false,
		"Terraform v1.12.0":     false,
		"Terraform v2.0.0":      false,
	} {
		path := fakeCLI(t, line)
		var skipped bool
		t.Run(line, func(t *testing.T) {
			defer func() { skipped = t.Skipped() }()
			SkipUnlessSupported(t, path, IdentityImport)
		})
		if skipped != wantSkip {
			t.Errorf("%s: skipped = %v, want %v", line, skipped, wantSkip)
		}
	}
}
