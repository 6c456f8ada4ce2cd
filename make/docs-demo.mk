# Demo, documentation and example targets. Included from GNUmakefile, which defines TERRAFORM
# (terraform on PATH, or Terraform v1.5.7 built into ./bin), BINARY and TFPLUGINDOCS_VERSION.

TFPLUGINDOCS_VERSION ?= v0.24.0

DOCS_DEMO_ENV = TERRAFORM="$(TERRAFORM)" BINARY="$(BINARY)" TFPLUGINDOCS_VERSION="$(TFPLUGINDOCS_VERSION)"

.PHONY: demo docs docs-check examples-check

# The provider's main job on the bundled emulator: apply examples/demo, show the outputs, prove the
# second plan is empty, destroy. Offline, under a minute once Go's build cache is warm.
demo: $(TERRAFORM)
	@$(DOCS_DEMO_ENV) scripts/demo.sh

# Regenerate docs/ (tfplugindocs) from the schema, templates/ and examples/. Commit the result.
docs: $(TERRAFORM)
	@$(DOCS_DEMO_ENV) scripts/docs.sh

# CI: fail when `make docs` would change docs/.
docs-check: $(TERRAFORM)
	@$(DOCS_DEMO_ENV) scripts/docs.sh --check

# CI: every example is formatted and passes terraform validate against the provider built here.
examples-check: $(TERRAFORM)
	@$(DOCS_DEMO_ENV) scripts/check-examples.sh
