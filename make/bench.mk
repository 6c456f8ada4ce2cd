# `make bench`: the performance figures of BENCHMARKS.md. Builds the provider, the emulator and the
# harness into .bench/bin, then runs every scenario with the real terraform binary, beside the
# official DigitalOcean provider when BENCH_PEER names its binary. Tables on stdout, JSON in
# .bench/results.json, the chart in .bench/scale.svg.
#
#   make bench BENCH_PEER=.tools/terraform-provider-digitalocean   # with the official provider
#   make bench BENCH_SCENARIOS=apply-backups,plan-one               # a subset (IDs: droplet-bench -list)
#   make bench BENCH_SHORT=1                                        # every size divided by ten: a smoke run
#   make bench BENCH_FLAGS='-latency 0 -strict'                     # any other droplet-bench flag
BENCH_DIR       ?= .bench
BENCH_SCENARIOS ?=
BENCH_SHORT     ?=
BENCH_PEER      ?=
BENCH_FLAGS     ?=

bench: $(TERRAFORM)
	@mkdir -p $(BENCH_DIR)/bin
	go build -trimpath -o $(BENCH_DIR)/bin/$(BINARY) .
	go build -trimpath -o $(BENCH_DIR)/bin/droplet-emulator ./cmd/droplet-emulator
	go build -trimpath -o $(BENCH_DIR)/bin/droplet-bench ./cmd/droplet-bench
	$(BENCH_DIR)/bin/droplet-bench \
		-terraform $(TERRAFORM) \
		-provider $(BENCH_DIR)/bin/$(BINARY) \
		-emulator $(BENCH_DIR)/bin/droplet-emulator \
		-workdir $(BENCH_DIR) \
		-out $(BENCH_DIR)/results.json \
		-chart $(BENCH_DIR)/scale.svg \
		$(if $(strip $(BENCH_PEER)),-peer '$(BENCH_PEER)') \
		$(if $(strip $(BENCH_SCENARIOS)),-scenarios '$(BENCH_SCENARIOS)') \
		$(if $(filter 1 true yes,$(BENCH_SHORT)),-short) \
		$(BENCH_FLAGS)
