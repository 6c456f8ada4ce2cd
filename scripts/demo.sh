#!/usr/bin/env bash
# `make demo`: the provider's main job, end to end, on the bundled DigitalOcean API emulator.
#
#   1. build the provider and cmd/droplet-emulator into .demo/demo/bin;
#   2. start the emulator on a free loopback port and create three droplets in it;
#   3. apply examples/demo with terraform pointed at the built provider (dev_overrides, in a CLI
#      configuration of its own: ~/.terraformrc and TF_CLI_CONFIG_FILE are not touched);
#   4. show the outputs, check that a second plan is empty; with Terraform 1.14 or later, invoke a
#      snapshot action (examples/demo/invoke) and show its progress; destroy;
#   5. stop the emulator, also on failure or Ctrl-C, and remove .demo/demo.
#
# No network: the emulator listens on 127.0.0.1 and terraform has nothing to download.
source "$(dirname "$0")/lib.sh"

require_terraform
command -v go >/dev/null 2>&1 || fail "go is not on PATH"

work="$WORK_ROOT/demo"
emulator_pid=""
success=false

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill -TERM "$emulator_pid" 2>/dev/null || true
    # The emulator shuts down within a few seconds; make sure it is gone before returning.
    for _ in $(seq 50); do
      kill -0 "$emulator_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
    note "emulator stopped"
  fi
  if $success; then
    remove_work "$work"
  elif [ -d "$work" ]; then
    printf '%sThe demo did not finish (exit status %s); its files are in %s (removed by the next run or make clean).%s\n' \
      "$_red" "$rc" "${work#"$REPO_ROOT"/}" "$_reset" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rm -rf "$work"
mkdir -p "$work/bin" "$work/run"

step "Building the provider and the emulator"
build_provider "$work/bin"
(cd "$REPO_ROOT" && go build -trimpath -o "$work/bin/droplet-emulator" ./cmd/droplet-emulator)
TF_CLI_CONFIG="$work/terraformrc"
write_cli_config "$TF_CLI_CONFIG" "$work/bin"
note "$(tf version | head -n 1), $(go version | cut -d' ' -f3)"

step "Starting the DigitalOcean API emulator on a free loopback port"
# Actions take one second here so the demo is quick; on DigitalOcean they take seconds to minutes.
"$work/bin/droplet-emulator" -listen 127.0.0.1:0 -droplets 0 -action-duration 1s -token "demo-token" \
  >"$work/emulator.out" 2>"$work/emulator.err" &
emulator_pid=$!
endpoint=""
for _ in $(seq 100); do
  endpoint="$(sed -n 's/^listening on \(http:\/\/[0-9.]*:[0-9]*\)$/\1/p' "$work/emulator.out" | head -n 1)"
  [ -n "$endpoint" ] && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.err" >&2; fail "the emulator exited at start"; }
  sleep 0.1
done
[ -n "$endpoint" ] || fail "the emulator did not report its address within 10 s"
ok "listening on $endpoint (pid $emulator_pid)"

hostport="${endpoint#http://}"
# emulator_call METHOD PATH [JSON] sends one request to the emulator's control endpoints and prints
# the response body. Plain bash (/dev/tcp), so the demo needs neither curl nor wget.
emulator_call() {
  local method="$1" path="$2" body="${3:-}" LC_ALL=C response status
  exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}"
  printf '%s %s HTTP/1.0\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
    "$method" "$path" "$hostport" "${#body}" "$body" >&3
  response="$(cat <&3)"
  exec 3<&-
  status="$(printf '%s' "$response" | head -n 1 | cut -d' ' -f2)"
  case "$status" in
    2??) printf '%s' "${response#*$'\r\n\r\n'}" ;;
    *) fail "$method $path answered: $(printf '%s' "$response" | head -n 1)" ;;
  esac
}

# create_droplet JSON creates a droplet through POST /_emulator/droplets and prints its ID.
create_droplet() {
  emulator_call POST /_emulator/droplets "$1" | sed -n 's/^{"droplet":{"id":\([0-9]*\),.*/\1/p'
}

step "Creating three droplets in the emulator"
web1="$(create_droplet '{"name":"web-1","tags":["web"]}')"
web2="$(create_droplet '{"name":"web-2","tags":["web"]}')"
# db-1 already has weekly backups, as if set up in the control panel, and two backups to show.
db1="$(create_droplet '{"name":"db-1","tags":["db"],"backups":true,"backup_policy":{"plan":"weekly","weekday":"MON","hour":0}}')"
[ -n "$web1" ] && [ -n "$web2" ] && [ -n "$db1" ] || fail "could not read the new droplets' IDs"
emulator_call POST "/_emulator/droplets/$db1/backups" >/dev/null
emulator_call POST "/_emulator/droplets/$db1/backups" >/dev/null
ok "web-1 = $web1, web-2 = $web2 (tag \"web\", no backups)"
ok "db-1  = $db1 (tag \"db\", weekly backups on Monday 00:00 UTC, two backups)"

# Terraform sees the emulator through the provider's usual environment variables, and the droplet
# IDs through input variables. Nothing else is inherited that could point elsewhere.
cp "$REPO_ROOT"/examples/demo/*.tf "$work/run/"
export DIGITALOCEAN_API_URL="$endpoint" DIGITALOCEAN_TOKEN="demo-token"
unset DIGITALOCEAN_ACCESS_TOKEN DIGITALOCEAN_HTTP_RETRY_MAX DIGITALOCEAN_HTTP_RETRY_WAIT_MIN \
  DIGITALOCEAN_HTTP_RETRY_WAIT_MAX DIGITALOCEAN_REQUESTS_PER_SECOND
export TF_VAR_web_droplet_id="$web1" TF_VAR_db_droplet_id="$db1" TF_VAR_web_tag="web"

demo_tf() { tf -chdir="$work/run" "$@" 2>&1 | strip_dev_override_warning; }

step "terraform apply (examples/demo): backups on web-1 and db-1, power cycle of the \"web\" droplets"
demo_tf apply -auto-approve -input=false

step "terraform output"
demo_tf output

step "terraform plan: a second plan must be empty"
set +e
demo_tf plan -detailed-exitcode -input=false
plan_rc=$?
set -e
case "$plan_rc" in
  0) ok "no changes: the state matches what the API reports" ;;
  2) fail "the second plan is not empty" ;;
  *) fail "terraform plan failed" ;;
esac

# Terraform 1.14 added provider-defined actions: run one by hand and show its progress lines.
# OpenTofu numbers its releases apart from Terraform and has no actions.
tf_version="$(tf version -json | sed -n 's/.*"terraform_version": *"\([0-9.]*\)".*/\1/p')"
if tf version 2>/dev/null | head -n 1 | grep -q '^OpenTofu'; then
  note "skip  invoking a droplet_snapshot action: OpenTofu $tf_version has no actions (Terraform 1.14 or later has)"
elif [ "$(printf '%s' "$tf_version" | cut -d. -f1)" -gt 1 ] || [ "$(printf '%s' "$tf_version" | cut -d. -f2)" -ge 14 ]; then
  step "terraform apply -invoke=action.droplet_snapshot.db (examples/demo/invoke): a snapshot of db-1, no state"
  mkdir -p "$work/invoke"
  cp "$REPO_ROOT"/examples/demo/invoke/*.tf "$work/invoke/"
  tf -chdir="$work/invoke" apply -auto-approve -input=false -invoke=action.droplet_snapshot.db 2>&1 | strip_dev_override_warning
else
  note "skip  invoking a droplet_snapshot action: actions need Terraform 1.14 or later (this is $tf_version)"
fi

step "terraform destroy"
demo_tf destroy -auto-approve -input=false

stats="$(emulator_call GET /_emulator/stats)"
requests="$(printf '%s' "$stats" | sed -n 's/.*"total_requests":\([0-9]*\).*/\1/p')"
success=true
step "Done in ${SECONDS}s: ${requests:-?} API requests to the emulator, which stops now"
