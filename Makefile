# atmos-auth — see README.md. Every target works on a fresh Debian machine.
GO      ?= go
BIN     ?= bin/atmos-auth
PKGS    ?= ./...

.PHONY: build test test-only lint bench bench-go bench-hot fuzz demo demo-saml clean

# The version --version prints: the nearest tag, else the commit (+dirty
# with uncommitted changes); outside git, the Go build information answers.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null)

# Static (CGO_ENABLED=0) wherever the platform allows it: no dynamic loader
# and no libc start-up on each of the many short runs (credential_process,
# the hook). macOS keeps cgo: its keychain backend needs it.
CGO_ENABLED ?= $(if $(filter darwin,$(shell $(GO) env GOOS)),1,0)
export CGO_ENABLED

build:
	$(GO) build -trimpath $(if $(VERSION),-ldflags "-X main.version=$(VERSION)") -o $(BIN) .

# Installs what the tests need (apt packages, npm tools, Go modules), then
# runs the whole suite. Idempotent: a second run only tests.
test:
	scripts/install-test-deps.sh
	scripts/test.sh $(PKGS)

# The suite alone, for when dependencies are known to be there.
test-only:
	scripts/test.sh $(PKGS)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	GOOS=darwin $(GO) build ./...
	GOOS=windows $(GO) build ./...

# Whole-process benchmarks (hyperfine) and Go benchmarks.
bench: bench-go
	scripts/bench-config.sh

# Cached credential-process, env, exec, prompt and __hook against a Go hello
# world, interleaved in one run, with the ratios (issue: the process-start floor).
bench-hot:
	scripts/bench-hot.sh

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./auth/ ./cloud/... ./config/ ./keyring/ ./localcloud/

fuzz:
	$(GO) test ./config -run '^$$' -fuzz FuzzLoad -fuzztime 60s

# The main job on the local default: a local cloud, a device-flow login, a
# three-step chain, whoami, cached reuse, the aws CLI through the managed
# profile. No AWS account.
demo:
	scripts/demo.sh

# SAML sign-in (Okta, ADFS, Browser) against the local cloud.
demo-saml:
	scripts/demo-saml.sh

clean:
	rm -rf bin
