# Gognito developer targets. `make test` is what CI runs (through .ci/run).
GO      ?= go
BIN     := bin/gognito
JS_DIR  := test/js

.PHONY: all build run test test-go test-js test-cli bench bench-floor bench-peers generate check-generated lint clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/gognito

## run: the server on its embedded default (SQLite in ./.gognito, 127.0.0.1:9229)
run:
	$(GO) run ./cmd/gognito serve

## test: every Go test (PostgreSQL too when GOGNITO_TEST_POSTGRES_DSN is set), then the JS client tests
test: test-go test-js test-cli

test-go: test/srpjs/node_modules/.package-lock.json
	$(GO) vet ./...
	$(GO) test -count=1 ./...

test-js: build $(JS_DIR)/node_modules/.package-lock.json
	cd $(JS_DIR) && GOGNITO_BIN=$(CURDIR)/$(BIN) npm test

## test-cli: the AWS CLI script (skipped with a notice when the aws command is missing; CI installs it)
test-cli: build
	@if command -v aws >/dev/null 2>&1; then bash test/cli/awscli.sh $(CURDIR)/$(BIN); \
	else echo "test-cli: the aws command is not installed (apt-get install awscli); skipped"; fi

# The SRP oracle tests run the official amazon-cognito-identity-js helper.
test/srpjs/node_modules/.package-lock.json: test/srpjs/package-lock.json
	cd test/srpjs && npm ci --no-audit --no-fund

$(JS_DIR)/node_modules/.package-lock.json: $(JS_DIR)/package-lock.json
	cd $(JS_DIR) && npm ci --no-audit --no-fund

## bench: Go benchmarks of the hot paths, then a load run through the Go SDK
## (every scenario at 1 and 8 workers, with the raw SRP crypto limit; see bench/README.md)
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) run ./tools/loadbench

## bench-floor: server CPU per SRP sign-in of a bare net/http server (the floor on this machine) and of Gognito
bench-floor: build
	@rm -rf .bench-floor && mkdir -p .bench-floor
	@GOGNITO_ADDR=127.0.0.1:0 $(BIN) serve --data-dir .bench-floor --log-format text > .bench-floor/log 2>&1 & pid=$$!; \
	for i in $$(seq 100); do grep -q 'endpoint=' .bench-floor/log && break; kill -0 $$pid 2>/dev/null || break; sleep 0.1; done; \
	url=$$(grep -o 'endpoint=[^ ]*' .bench-floor/log | head -1 | cut -d= -f2); \
	if [ -z "$$url" ]; then \
		echo "bench-floor: gognito serve did not start (no endpoint= in its log); its log:" >&2; \
		cat .bench-floor/log >&2; kill $$pid 2>/dev/null; rm -rf .bench-floor; exit 1; \
	fi; \
	$(GO) run ./tools/srpfloor -endpoint "$$url" -server-pid $$pid; status=$$?; kill $$pid; rm -rf .bench-floor; exit $$status

## bench-peers: the same scenarios against cognito-local and Gognito, side by side
bench-peers:
	bash bench/peers/run.sh

generate:
	$(GO) generate ./internal/api

check-generated:
	$(GO) run ./tools/apigen -models ../shared/models -out internal/api -check

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...

clean:
	rm -rf bin $(JS_DIR)/node_modules test/srpjs/node_modules
