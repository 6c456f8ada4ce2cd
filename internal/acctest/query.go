package acctest

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// QueryUnsupported returns why a CLI of the given version ("1.15.9") cannot run `terraform
// query`, or "" when it can. OpenTofu (TF_ACC_PROVIDER_HOST=registry.opentofu.org) has no query
// command whatever its version.
func QueryUnsupported(cliVersion string) string {
	if os.Getenv("TF_ACC_PROVIDER_HOST") == "registry.opentofu.org" {
		return fmt.Sprintf("list resources and `query` need Terraform 1.14 or later; OpenTofu %s has neither", cliVersion)
	}
	var major, minor int
	if _, err := fmt.Sscanf(cliVersion, "%d.%d", &major, &minor); err != nil {
		return fmt.Sprintf("cannot tell whether CLI version %q has `terraform query`: %v", cliVersion, err)
	}
	if major < 1 || (major == 1 && minor < 14) {
		return fmt.Sprintf("list resources and `terraform query` need Terraform 1.14 or later; this is Terraform %s", cliVersion)
	}
	return ""
}

// SkipWithoutQuery skips a test, saying why, on a CLI without `terraform query`.
func SkipWithoutQuery() tfversion.TerraformVersionCheck { return queryCheck{} }

type queryCheck struct{}

func (queryCheck) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	resp.Skip = QueryUnsupported(req.TerraformVersion.String())
}
