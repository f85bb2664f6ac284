# Bastide. Every Go command needs cgo (mattn/go-sqlite3 builds SQLite) and
# nothing else: no build tag.

GO       ?= go
BIN      := bin/bastide
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT   ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null)
LDFLAGS  := -X main.version=$(VERSION) -X main.commit=$(COMMIT)
export CGO_ENABLED = 1

.PHONY: all build run test test-fast lint bench deps clean

all: build

## build: compile bin/bastide
build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/bastide

## run: start Bastide on http://localhost:8080 with demo data (in ./data)
run:
	$(GO) run ./cmd/bastide serve --demo

## deps: install the Debian and npm tools the tests use (if missing)
deps:
	.ci/deps

## test: install the test tools if missing, then run both tiers with the race detector
test: deps
	$(GO) test -race -tags integration -count=1 ./...

## test-fast: the fast tier alone (Go and a C compiler, nothing else)
test-fast:
	$(GO) test -race -count=1 ./...

## lint: go vet and a gofmt check
lint:
	$(GO) vet ./...
	$(GO) vet -tags integration ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed on:"; echo "$$unformatted"; exit 1; fi

## bench: run the benchmarks (figures go in the README's Benchmarks section)
bench:
	$(GO) test -run '^$$' -bench . -benchtime 3x ./...

clean:
	rm -rf bin
