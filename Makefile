# gameday — see README.md.
#   make demo   set everything up and run the zone-outage drill end to end
#   make test   run the tests (unit, integration and the fast-profile drills)
SHELL := /usr/bin/env bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO      ?= go
BIN     := $(CURDIR)/bin
REPORTS ?= $(CURDIR)/gameday-reports
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
LDFLAGS := -X gameday.io/gameday/framework.Version=$(VERSION) -X gameday.io/gameday/framework.Commit=$(COMMIT)
# Drill suites are run by `gameday run` (and the tests that drive it), not by go test ./...
PKGS     = $(shell $(GO) list ./... | grep -v /suites/)
export PATH := $(BIN):$(PATH)

.PHONY: help demo test test-short build tools kind-images chromium bench drill vet fmt clean

help: ## show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

demo: tools build ## set up and run the zone-outage drill on a fresh sim environment (fast profile)
	@echo "==> gameday run --suite zone --profile fast: two regions, load, a zone outage, measured recovery"
	@rc=0; $(BIN)/gameday run --suite zone --profile fast --report-dir $(REPORTS)/demo || rc=$$?; \
	if [ $$rc -gt 1 ]; then echo "demo: the drill could not run (exit $$rc)"; exit $$rc; fi; \
	echo; echo "The drill ran. A FAIL verdict is the reference architecture's finding (see 'Why it failed'), not a broken demo."; \
	echo "Open the report: $(REPORTS)/demo/report.html"

test: tools kind-images build chromium ## unit and integration tests, fast-profile drills (~20 min on 2 cores)
	$(GO) vet $(PKGS)
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi
	$(GO) test -count=1 -p 1 -timeout 80m $(PKGS)

test-short: ## unit tests only (no environment, no binaries needed)
	$(GO) test -short -count=1 $(PKGS)

build: ## bin/gameday, bin/inference-sim, bin/ginkgo and the drill suites bin/suites/*.test
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/ ./cmd/...
	$(GO) build -o $(BIN)/ginkgo github.com/onsi/ginkgo/v2/ginkgo
	@mkdir -p $(BIN)/suites
	$(GO) test -c -o $(BIN)/suites/ ./suites/...

tools: ## build the pinned control plane, etcd, kwok, versitygw, the monitoring stack (Prometheus, Alertmanager, kube-state-metrics) and the Chaos Mesh controller into bin/ (cached per user)
	./hack/build-tools.sh
	./hack/build-monitoring.sh
	CHAOS_MESH_DAEMON=0 ./hack/chaos-mesh/build.sh

kind-images: ## a Docker engine (installed and started if missing) and the kind node and inference images, built offline (cached per user)
	./hack/kind/build-images.sh

chromium: ## install Debian's chromium for the report rendering tests
	./hack/ensure-chromium.sh

bench: tools build ## benchmarks: load harness vs raw Vegeta, data-plane latency, bring-up times
	$(GO) test -run '^$$' -bench . -benchmem -timeout 30m ./framework/load/... ./framework/dataplane/... ./framework/traffic/... ./reports/...
	$(GO) test -run '^$$' -bench . -benchtime=1x -timeout 60m ./framework/environment/ ./framework/monitoring/ ./framework/provider/kind/

drill: tools build ## every drill with the production profile (Kubernetes' default timings; ~1 h)
	$(BIN)/gameday run --suite all --profile production --report-dir $(REPORTS)/drill

vet: ## go vet and gofmt
	$(GO) vet $(PKGS)
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi

clean: ## remove bin/ (the tool cache in ~/.cache/gameday stays)
	rm -rf $(BIN)
