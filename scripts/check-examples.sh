#!/usr/bin/env bash
# Checks every Terraform example under examples/ (make examples-check; CI runs it):
#   1. `terraform fmt -check -recursive examples`: every file is formatted;
#   2. `terraform validate` in every directory holding .tf files, against the provider built from
#      this tree (dev_overrides, so no `terraform init` and no network).
#
# A directory that also uses another provider (the official digitalocean one, say) or a module cannot
# be validated offline: that needs `terraform init` to download them. Such directories are formatted
# but not validated, and the script says which ones it skipped.
source "$(dirname "$0")/lib.sh"

require_terraform
work="$WORK_ROOT/examples-check"
rm -rf "$work"
mkdir -p "$work"
trap 'remove_work "$work"' EXIT

cd "$REPO_ROOT"

step "terraform fmt -check -recursive examples"
if ! unformatted="$(tf fmt -check -recursive -list=true examples)"; then
  printf '    %s\n' $unformatted >&2
  fail "examples are not formatted: run 'make fmt' (or terraform fmt -recursive examples)"
fi
ok "all examples are formatted"

step "Building the provider"
build_provider "$work/bin"
TF_CLI_CONFIG="$work/terraformrc"
write_cli_config "$TF_CLI_CONFIG" "$work/bin"

# other_dependencies DIR prints why DIR cannot be validated offline (nothing when it can).
other_dependencies() {
  local dir="$1" found
  found="$(
    {
      # Resource and data source types name their provider before the first underscore.
      sed -nE 's/^[[:space:]]*(resource|data|ephemeral)[[:space:]]+"([a-zA-Z0-9-]+)_[^"]*".*/\2/p' "$dir"/*.tf
      sed -nE 's/^[[:space:]]*provider[[:space:]]+"([^"]+)".*/\1/p' "$dir"/*.tf
      sed -nE 's/^[[:space:]]*source[[:space:]]*=[[:space:]]*"([^"]+)".*/\1/p' "$dir"/*.tf |
        sed -E 's#^(registry\.terraform\.io/)?dropletops/droplet$#droplet#'
    } | grep -vx droplet | sort -u | tr '\n' ' '
  )"
  if grep -qE '^[[:space:]]*module[[:space:]]+"' "$dir"/*.tf; then
    found="${found}modules "
  fi
  printf '%s' "${found% }"
}

step "terraform validate, one example directory at a time"
failed=0 validated=0 skipped=0
n=0
while IFS= read -r dir; do
  n=$((n + 1))
  others="$(other_dependencies "$dir")"
  if [ -n "$others" ]; then
    note "skip  $dir (also uses: $others; needs terraform init and the network)"
    skipped=$((skipped + 1))
    continue
  fi
  # Validate a copy so no .terraform/ or lock file ever lands in examples/.
  copy="$work/validate/$n"
  mkdir -p "$copy"
  cp "$dir"/*.tf "$copy"/
  if ! grep -q 'required_providers' "$copy"/*.tf; then
    # Registry examples usually leave the source out; without it terraform would look for
    # hashicorp/droplet.
    cat >"$copy/zz_required_providers.tf" <<EOF
terraform {
  required_providers {
    droplet = {
      source = "$PROVIDER_SOURCE"
    }
  }
}
EOF
  fi
  if out="$(tf -chdir="$copy" validate -no-color 2>&1)"; then
    ok "valid $dir"
    validated=$((validated + 1))
  else
    printf '%sFAIL  %s%s\n' "$_red" "$dir" "$_reset" >&2
    printf '%s\n' "$out" | strip_dev_override_warning | sed 's/^/      /' >&2
    failed=$((failed + 1))
  fi
done < <(find examples -name '*.tf' -not -path '*/.terraform/*' -exec dirname {} \; | sort -u)

echo "    $validated valid, $skipped skipped, $failed invalid"
[ "$failed" -eq 0 ] || fail "$failed example director$([ "$failed" -eq 1 ] && echo y || echo ies) failed terraform validate"
