# Release targets. Included from GNUmakefile, which defines GOBIN_DIR.
#
#   make release-check     goreleaser check of .goreleaser.yml
#   make release-snapshot  the whole release into dist/, unpublished, signed with a throwaway key,
#                          and checked file by file (scripts/release-snapshot.sh)
#
# goreleaser is built once into ./bin from the pinned version.

GORELEASER_VERSION ?= v2.15.1
GORELEASER := $(GOBIN_DIR)/goreleaser-$(GORELEASER_VERSION)

.PHONY: goreleaser release-check release-snapshot

# Only builds goreleaser (CI uses it to tell "cannot get goreleaser" from "the release is broken").
goreleaser: $(GORELEASER)

$(GORELEASER):
	@mkdir -p $(GOBIN_DIR)/.goreleaser
	GOBIN=$(GOBIN_DIR)/.goreleaser go install github.com/goreleaser/goreleaser/v2@$(GORELEASER_VERSION)
	mv $(GOBIN_DIR)/.goreleaser/goreleaser $@ && rmdir $(GOBIN_DIR)/.goreleaser

release-check: $(GORELEASER)
	$(GORELEASER) check

release-snapshot: $(GORELEASER)
	@GORELEASER=$(GORELEASER) scripts/release-snapshot.sh
