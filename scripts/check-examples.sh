#!/usr/bin/env bash
# Checks every Terraform example under examples/ (make examples-check; CI runs it):
#   1. `terraform fmt -check -recursive examples`: every file is formatted;
#   2. `terraform validate` in every directory holding .tf files, against the provider built from
#      this tree (dev_overrides, so no `terraform init` and no network).
#
# The tfplugindocs import examples (import-by-string-id.tf, import-by-identity.tf) each declare an
# import block for the same resource, so each is validated on its own together with the directory's
# other files. import-by-identity.tf needs Terraform 1.12 or later and is skipped on older versions
# and on OpenTofu, and so are directories with action blocks below Terraform 1.14.
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
TF_CLI_CONFIG="$work/terraformrc"
write_cli_config "$TF_CLI_CONFIG" "$work/bin"

step "terraform fmt -check -recursive examples"
if ! unformatted="$(tf fmt -check -recursive -list=true examples)"; then
  printf '    %s\n' $unformatted >&2
  fail "examples are not formatted: run 'make fmt' (or terraform fmt -recursive examples)"
fi
ok "all examples are formatted"

step "Building the provider"
build_provider "$work/bin"

tf_version="$(tf version -json | sed -n 's/.*"terraform_version": *"\([0-9.]*\)".*/\1/p')"
tf_name=Terraform
identity_import=true
no_identity_import="import by identity needs Terraform 1.12 or later"
# OpenTofu numbers its releases apart from Terraform: its version says nothing about the feature.
if tf version 2>/dev/null | head -n 1 | grep -q '^OpenTofu'; then
  tf_name=OpenTofu
  identity_import=false
  no_identity_import="OpenTofu has no import by identity"
elif [ "$(printf '%s' "$tf_version" | cut -d. -f1)" = 1 ] && [ "$(printf '%s' "$tf_version" | cut -d. -f2)" -lt 12 ]; then
  identity_import=false
fi
actions=true
no_actions="action blocks need Terraform 1.14 or later"
if [ "$tf_name" = OpenTofu ]; then
  actions=false
  no_actions="OpenTofu has no action blocks"
elif [ "$(printf '%s' "$tf_version" | cut -d. -f1)" = 1 ] && [ "$(printf '%s' "$tf_version" | cut -d. -f2)" -lt 14 ]; then
  actions=false
fi

# other_dependencies FILE... prints why the files cannot be validated offline (nothing when they can).
other_dependencies() {
  local found
  found="$(
    {
      # Resource and data source types name their provider before the first underscore;
      # terraform_data is built into Terraform.
      sed -nE 's/^[[:space:]]*(resource|data|ephemeral)[[:space:]]+"([a-zA-Z0-9-]+)_[^"]*".*/\2/p' "$@"
      sed -nE 's/^[[:space:]]*provider[[:space:]]+"([^"]+)".*/\1/p' "$@"
      sed -nE 's/^[[:space:]]*source[[:space:]]*=[[:space:]]*"([^"]+)".*/\1/p' "$@" |
        sed -E 's#^(registry\.terraform\.io/)?dropletops/droplet$#droplet#; s#^.*/##'
    } | grep -vx -e droplet -e terraform | sort -u | tr '\n' ' ' || true
  )"
  if grep -qE '^[[:space:]]*module[[:space:]]+"' "$@"; then
    found="${found}modules "
  fi
  printf '%s' "${found% }"
}

failed=0 validated=0 skipped=0 n=0

# validate LABEL FILE... runs terraform validate on a copy of the files, so no .terraform/ or lock
# file ever lands in examples/.
validate() {
  local label="$1" copy out
  shift
  n=$((n + 1))
  copy="$work/validate/$n"
  mkdir -p "$copy"
  cp "$@" "$copy"/
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
    ok "valid $label"
    validated=$((validated + 1))
  else
    printf '%sFAIL  %s%s\n' "$_red" "$label" "$_reset" >&2
    printf '%s\n' "$out" | strip_dev_override_warning | sed '/^[[:space:]]*$/d; s/^/      /' >&2
    failed=$((failed + 1))
  fi
}

step "terraform validate ($tf_name $tf_version), one example at a time"
while IFS= read -r dir; do
  base=() variants=()
  for f in "$dir"/*.tf; do
    case "$(basename "$f")" in
      import-by-*.tf) variants+=("$f") ;;
      *) base+=("$f") ;;
    esac
  done
  if ! $actions && grep -qE '^[[:space:]]*action[[:space:]]+"' "$dir"/*.tf; then
    note "skip  $dir ($no_actions)"
    skipped=$((skipped + 1))
    continue
  fi
  others="$(other_dependencies "$dir"/*.tf)"
  if [ -n "$others" ]; then
    note "skip  $dir (also uses: $others; needs terraform init and the network)"
    skipped=$((skipped + 1))
    continue
  fi
  if [ "${#base[@]}" -gt 0 ]; then
    validate "$dir" "${base[@]}"
  fi
  # The ${a[@]+...} form keeps bash 3.2 (macOS) happy with empty arrays under set -u.
  for v in ${variants[@]+"${variants[@]}"}; do
    if [ "$(basename "$v")" = import-by-identity.tf ] && ! $identity_import; then
      note "skip  $v ($no_identity_import)"
      skipped=$((skipped + 1))
      continue
    fi
    validate "$v" ${base[@]+"${base[@]}"} "$v"
  done
done < <(find examples -name '*.tf' -not -path '*/.terraform/*' -exec dirname {} \; | sort -u)

echo "    $validated valid, $skipped skipped, $failed invalid"
[ "$failed" -eq 0 ] || fail "$failed example(s) failed terraform validate"
