# gameday — see README.md. `make demo` sets everything up and runs a drill;
# `make test` runs the tests.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO      ?= go
BIN     := $(CURDIR)/bin
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
LDFLAGS := -X gameday.io/gameday/framework.Version=$(VERSION) -X gameday.io/gameday/framework.Commit=$(COMMIT)
export PATH := $(BIN):$(PATH)

.PHONY: build tools test test-short bench vet fmt clean

## build: bin/gameday, bin/inference-sim and the drill suites (bin/suites/*.test)
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/ ./cmd/...
	@mkdir -p $(BIN)/suites
	$(GO) test -c -o $(BIN)/suites/ ./suites/...

## tools: build the pinned control plane, etcd, kwok and versitygw into bin/ (cached)
tools:
	./hack/build-tools.sh

## test: unit and integration tests (integration tests need `make tools`)
test: tools build
	$(GO) test -count=1 -timeout 60m ./...

## test-short: unit tests only
test-short:
	$(GO) test -short -count=1 ./...

## bench: benchmarks with the figures the issues ask for
bench: tools build
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m ./...

vet:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi

clean:
	rm -rf $(BIN)
