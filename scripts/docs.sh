#!/usr/bin/env bash
# Regenerates docs/ with tfplugindocs from the provider's schema, templates/ and examples/.
#
#   scripts/docs.sh          regenerate docs/ (make docs)
#   scripts/docs.sh --check  regenerate, validate, and fail if docs/ differs from what is committed
#                            (make docs-check; what CI runs)
#
# tfplugindocs normally builds the provider and downloads Terraform itself. Instead, the schema is
# exported here with the terraform the Makefile chose (`terraform providers schema -json` against a
# freshly built binary through dev_overrides) and handed over with --providers-schema, so generation
# needs no network beyond the Go module proxy that `go run` fetches tfplugindocs from once. Terraform
# releases before 1.12 do not report resource identity schemas, those before 1.14 neither action nor
# list resource schemas, and OpenTofu files the provider under registry.opentofu.org;
# scripts/provider-schema completes the file from the provider itself, so the pages are the same
# whichever terraform (or tofu) runs this.
source "$(dirname "$0")/lib.sh"

check=false
case "${1:-}" in
  --check) check=true ;;
  "") ;;
  *) fail "usage: $0 [--check]" ;;
esac

TFPLUGINDOCS_VERSION="${TFPLUGINDOCS_VERSION:-v0.24.0}"
TFPLUGINDOCS="github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs@$TFPLUGINDOCS_VERSION"

require_terraform
work="$WORK_ROOT/docs"
rm -rf "$work"
mkdir -p "$work/schema"
trap 'remove_work "$work"' EXIT

step "Building the provider"
build_provider "$work/bin"
TF_CLI_CONFIG="$work/terraformrc"
write_cli_config "$TF_CLI_CONFIG" "$work/bin"

step "Exporting the provider schema"
cat >"$work/schema/main.tf" <<EOF
terraform {
  required_providers {
    droplet = {
      source = "$PROVIDER_SOURCE"
    }
  }
}
EOF
tf -chdir="$work/schema" providers schema -json >"$work/schema.raw.json"
# Older CLIs leave out identity, action and list resource schemas, and tfplugindocs looks the
# provider up under a different name: scripts/provider-schema completes the file (see its comment).
(cd "$REPO_ROOT" && go run ./scripts/provider-schema) <"$work/schema.raw.json" >"$work/schema.json"

step "Generating docs/ with tfplugindocs $TFPLUGINDOCS_VERSION"
(cd "$REPO_ROOT" && go run "$TFPLUGINDOCS" generate \
  --provider-dir "$REPO_ROOT" \
  --provider-name droplet \
  --providers-schema "$work/schema.json" \
  --website-temp-dir "$work/site" \
  --examples-dir examples \
  --website-source-dir templates \
  --rendered-website-dir docs) >"$work/generate.log" 2>&1 || {
  cat "$work/generate.log" >&2
  fail "tfplugindocs generate failed"
}

step "Validating docs/"
(cd "$REPO_ROOT" && go run "$TFPLUGINDOCS" validate \
  --provider-dir "$REPO_ROOT" \
  --provider-name droplet \
  --providers-schema "$work/schema.json") >"$work/validate.log" 2>&1 || {
  cat "$work/validate.log" >&2
  fail "tfplugindocs validate found problems in docs/"
}

if $check; then
  changes="$(cd "$REPO_ROOT" && git status --porcelain --untracked-files=all -- docs)"
  if [ -n "$changes" ]; then
    printf '%s\n' "$changes" >&2
    (cd "$REPO_ROOT" && git --no-pager diff --stat -- docs) >&2 || true
    fail "docs/ is out of date: run 'make docs' and commit the result"
  fi
  ok "docs/ is up to date"
else
  ok "docs/ regenerated ($(cd "$REPO_ROOT" && find docs -name '*.md' | wc -l | tr -d ' ') pages)"
fi
