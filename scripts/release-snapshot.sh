#!/usr/bin/env bash
# `make release-snapshot`: the release as the release job makes it, into dist/, without publishing:
# `goreleaser check`, then `goreleaser release --snapshot --clean` signed with a throwaway GPG key
# made for the run, then checks of what the registries and users download:
#
#   - one provider zip per platform, holding only terraform-provider-droplet_v<version>[.exe];
#   - SHA256SUMS lists exactly those zips and the manifest, matches them, and its .sig verifies;
#   - one droplet-emulator archive per 64-bit platform, each with a .sha256 file that
#     `sha256sum -c` accepts.
#
# GORELEASER is the goreleaser binary (the Makefile builds a pinned version into ./bin).
# RELEASE_TARGETS=host builds for this machine's platform only, from a copy of .goreleaser.yml
# whose platform lists are cut down to it: the full set, 13 platforms for the provider and 8 for
# the emulator, compiles every dependency once per platform, which takes a quarter of an hour and
# more on two cores.
source "$(dirname "$0")/lib.sh"

GORELEASER="${GORELEASER:-goreleaser}"
command -v gpg >/dev/null 2>&1 || fail "gpg is needed to sign the snapshot's SHA256SUMS"
cd "$REPO_ROOT"

step "goreleaser check"
"$GORELEASER" check

provider_platforms="darwin_amd64 darwin_arm64 freebsd_386 freebsd_amd64 freebsd_arm freebsd_arm64 linux_386 linux_amd64 linux_arm linux_arm64 windows_386 windows_amd64 windows_arm64"
emulator_platforms="darwin_amd64 darwin_arm64 freebsd_amd64 freebsd_arm64 linux_amd64 linux_arm64 windows_amd64 windows_arm64"
config=.goreleaser.yml

# A key of its own in a GNUPGHOME of its own: the user's keyring is never read or changed.
work="$WORK_ROOT/release"
rm -rf "$work"
mkdir -p "$work/gnupg"
chmod 700 "$work/gnupg"
export GNUPGHOME="$work/gnupg"
cleanup() {
  gpgconf --kill gpg-agent >/dev/null 2>&1 || true
  remove_work "$work"
}
trap cleanup EXIT
gpg --batch --quiet --passphrase '' --quick-gen-key "terraform-provider-droplet snapshot <snapshot@localhost>" ed25519 sign 1d
GPG_FINGERPRINT="$(gpg --batch --list-secret-keys --with-colons | awk -F: '/^fpr:/ { print $10; exit }')"
export GPG_FINGERPRINT

case "${RELEASE_TARGETS:-all}" in
  all) ;;
  host)
    goos="$(go env GOOS)" goarch="$(go env GOARCH)"
    provider_platforms="${goos}_${goarch}" emulator_platforms="${goos}_${goarch}"
    config="$work/goreleaser.yml"
    # The lists under the goos and goarch anchors become the host's only.
    awk -v goos="$goos" -v goarch="$goarch" '
      skipping && /^      - / { next }
      { skipping = 0 }
      /^    goos: &goos$/ { print; print "      - " goos; skipping = 1; next }
      /^    goarch: &goarch$/ { print; print "      - " goarch; skipping = 1; next }
      { print }
    ' .goreleaser.yml >"$config"
    grep -q "^      - $goarch\$" "$config" || fail "could not cut .goreleaser.yml down to $goos/$goarch"
    note "building for $goos/$goarch only (RELEASE_TARGETS=host)"
    ;;
  *) fail "RELEASE_TARGETS must be all or host, not ${RELEASE_TARGETS}" ;;
esac

# --skip=before: the release job's `go mod tidy` hook would rewrite go.mod and go.sum here.
step "goreleaser release --snapshot --clean --skip=before"
"$GORELEASER" release --config "$config" --snapshot --clean --skip=before >"$work/goreleaser.log" 2>&1 || {
  cat "$work/goreleaser.log" >&2
  fail "goreleaser release --snapshot failed"
}
ok "built in ${SECONDS}s"

step "Checking dist/"
sums=(dist/terraform-provider-droplet_*_SHA256SUMS)
[ "${#sums[@]}" = 1 ] && [ -f "${sums[0]}" ] || fail "expected one SHA256SUMS file in dist/, found: ${sums[*]}"
sumsfile="${sums[0]}"
version="${sumsfile#dist/terraform-provider-droplet_}"
version="${version%_SHA256SUMS}"

gpg --batch --quiet --verify "$sumsfile.sig" "$sumsfile" 2>/dev/null || fail "$sumsfile.sig does not verify"
ok "$(basename "$sumsfile").sig verifies"

expected_sums=""
for p in $provider_platforms; do
  zip="terraform-provider-droplet_${version}_${p}.zip"
  [ -f "dist/$zip" ] || fail "missing dist/$zip"
  binary="terraform-provider-droplet_v${version}"
  case "$p" in windows_*) binary="$binary.exe" ;; esac
  contents="$(unzip -Z1 "dist/$zip" | grep -v -x -e LICENSE -e README.md -e CHANGELOG.md || true)"
  [ "$contents" = "$binary" ] || fail "$zip holds '$contents', want $binary (and the licence and readme)"
  expected_sums="$expected_sums$zip"$'\n'
done
for p in $emulator_platforms; do
  case "$p" in windows_*) emu="droplet-emulator_${version}_${p}.zip" ;; *) emu="droplet-emulator_${version}_${p}.tar.gz" ;; esac
  [ -f "dist/$emu" ] && [ -f "dist/$emu.sha256" ] || fail "missing dist/$emu or its .sha256"
  (cd dist && sha256sum --quiet -c "$emu.sha256") || fail "dist/$emu.sha256 does not match"
  case "$emu" in
    *.zip) unzip -Z1 "dist/$emu" | grep -qx droplet-emulator.exe ;;
    *) tar -tzf "dist/$emu" | grep -qx droplet-emulator ;;
  esac || fail "$emu does not hold the droplet-emulator binary"
done
n_emulator="$(ls dist/droplet-emulator_*.sha256 | wc -l | tr -d ' ')"
[ "$n_emulator" = "$(echo $emulator_platforms | wc -w | tr -d ' ')" ] || fail "dist/ has $n_emulator emulator archives, want one per platform in: $emulator_platforms"
expected_sums="$expected_sums"terraform-provider-droplet_${version}_manifest.json
listed="$(awk '{ print $2 }' "$sumsfile" | sort)"
if [ "$listed" != "$(printf '%s' "$expected_sums" | sort)" ]; then
  printf 'SHA256SUMS lists:\n%s\n' "$listed" >&2
  fail "SHA256SUMS must list exactly the provider zips and the manifest"
fi
# The manifest is uploaded from the repository (release.extra_files), so its line is checked
# against terraform-registry-manifest.json; every other line against dist/.
(cd dist && sha256sum --quiet --ignore-missing -c "$(basename "$sumsfile")") || fail "SHA256SUMS does not match the files"
manifest_sum="$(awk -v f="terraform-provider-droplet_${version}_manifest.json" '$2 == f { print $1 }' "$sumsfile")"
[ "$manifest_sum" = "$(sha256sum terraform-registry-manifest.json | cut -d' ' -f1)" ] ||
  fail "SHA256SUMS has the wrong checksum for the manifest"
ok "provider zips for $(echo $provider_platforms | wc -w | tr -d ' ') platform(s) in SHA256SUMS with the manifest; emulator archives for $(echo $emulator_platforms | wc -w | tr -d ' ') with their own checksums"
ok "version $version; the release is in dist/"
