# `make soak`: the full soak of the reliability suite. 100 droplet_backups and 50 droplet_action are
# applied and destroyed over five cycles against the emulator with 20% of requests answered 5xx,
# 20% of action responses lost, a per-minute rate limit that provokes 429s, and busy droplets.
# After every apply and destroy it checks convergence, state against the API, and that exactly
# the required actions were started, and reports the share of requests answered 429 (at most 1 %,
# with the default http_retry_max). `make test` runs a short version (DROPLET_SOAK=short).
#
#   make soak SOAK_CYCLES=3            # fewer cycles
#   make soak SOAK_RATE_LIMIT=60       # a harsher rate limit (slower: ~550 requests per cycle)
#   make soak DROPLET_FAULT_SEED=42    # repeat a run's random faults
SOAK_CYCLES     ?=
SOAK_RATE_LIMIT ?=
SOAK_TIMEOUT    ?= 120m

soak: $(TERRAFORM)
	$(TEST_ENV) DROPLET_SOAK=full \
		$(if $(strip $(SOAK_CYCLES)),DROPLET_SOAK_CYCLES=$(SOAK_CYCLES)) \
		$(if $(strip $(SOAK_RATE_LIMIT)),DROPLET_SOAK_RATE_LIMIT=$(SOAK_RATE_LIMIT)) \
		go test -count=1 -v -timeout $(SOAK_TIMEOUT) -run '^TestAccReliability_soak$$' ./internal/provider/
