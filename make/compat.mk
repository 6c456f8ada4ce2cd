# The acceptance suite on several Terraform and OpenTofu binaries, one run each, then a table of
# passed/failed/skipped tests and wall time per binary (scripts/test-compat). Included from
# GNUmakefile, which defines TERRAFORM and TEST_TIMEOUT.
#
#   make test-compat COMPAT_TERRAFORM=".tools/terraform .tools/tofu"
#   make test-compat COMPAT_TERRAFORM=.tools/tofu TESTARGS='-run TestAccDropletBackups_'
#
# OpenTofu is told apart by `tofu version` and gets TF_ACC_PROVIDER_HOST=registry.opentofu.org.

COMPAT_TERRAFORM ?= $(TERRAFORM)

.PHONY: test-compat

# The default binary is built first when it is the Terraform v1.5.7 fallback.
test-compat: $(if $(filter $(TERRAFORM),$(COMPAT_TERRAFORM)),$(TERRAFORM))
	go run ./scripts/test-compat -timeout $(TEST_TIMEOUT) $(COMPAT_TERRAFORM) -- $(TESTARGS)
