# memberdb: `make run` starts it with a private database and demo data,
# `make test` runs every test and check.
SHELL := /bin/bash
GO ?= go
BIN := bin/memberdb

.PHONY: run test build generate check cover hooks migrate-up migrate-down migrate-status migrate-new db-reset bench clean

run: build
	./$(BIN) dev

build:
	$(GO) build -o $(BIN) ./app

generate:
	$(GO) tool templ generate

test: check
	$(GO) test -race -timeout 20m ./...

# gofmt, go vet, staticcheck, a tidy go.mod and generated templ files that
# match their sources.
check:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	@$(GO) mod tidy -diff || { echo "go.mod or go.sum is not tidy: run go mod tidy"; exit 1; }
	@before=$$(git status --porcelain -- '*_templ.go'); \
	$(GO) tool templ generate >/dev/null 2>&1 || { echo "templ generate failed"; exit 1; }; \
	after=$$(git status --porcelain -- '*_templ.go'); \
	if [ "$$before" != "$$after" ]; then echo "generated templ files were stale; commit them:"; echo "$$after"; exit 1; fi

# Every test with coverage: the total per package, and an HTML report.
cover:
	@mkdir -p .cover
	set -o pipefail; $(GO) test -timeout 20m -coverprofile=.cover/cover.out ./... | grep -E '^(ok|FAIL|---)'
	$(GO) tool cover -func=.cover/cover.out | tail -1
	$(GO) tool cover -html=.cover/cover.out -o .cover/cover.html
	@echo "report: .cover/cover.html"

# A git pre-commit hook: gofmt on the staged Go files, and generated templ
# files that match their sources.
hooks:
	install -m 0755 .ci/pre-commit "$$(git rev-parse --git-path hooks)/pre-commit"
	@echo "installed the pre-commit hook"

# The migration targets use DATABASE_URL (from the environment or .env).
migrate-up: build
	./$(BIN) migrate up

migrate-down: build
	./$(BIN) migrate down

migrate-status: build
	./$(BIN) migrate status

migrate-new:
	@test -n "$(NAME)" || { echo "usage: make migrate-new NAME=add_something"; exit 2; }
	@last=$$(ls migrations/*.sql | sed -E 's|migrations/([0-9]+)_.*|\1|' | sort -n | tail -1); \
	next=$$(printf "%04d" $$((10#$$last + 1))); \
	file=migrations/$${next}_$(NAME).sql; \
	printf -- "-- +migrate Up\n\n-- +migrate Down\n" > $$file; echo "created $$file"

# Throws away the private database of `make run`.
db-reset:
	rm -rf .data/postgres .data/postgres.log

# Load test against a private PostgreSQL (fsync on) and an SMTP sink; prints a
# markdown table. BENCHFLAGS=-quick for 2 s runs, -duration=30s, -only=read,…
bench: build
	$(GO) run ./app/bench -bin $(BIN) $(BENCHFLAGS)

clean:
	rm -rf bin .data .cover
