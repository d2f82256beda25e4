# The two commands a newcomer needs: `make run` and `make test`.
# Both install what is missing first (idempotently), then build.

SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps run test bench clean

## Install PROJ (libproj-dev), SQLite (libsqlite3-dev, for GRDB) and pkg-config when missing.
deps:
	@if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists proj || ! pkg-config --exists sqlite3; then \
		echo "Installing libproj-dev, libsqlite3-dev and pkg-config…"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libproj-dev libsqlite3-dev pkg-config; \
	fi

## Start the HTTP service on 127.0.0.1:8080 with the sample data (HOST, PORT, DATA_DIR honoured).
run: deps
	$(SWIFT) run -c release geocontacts serve

## Run every test.
test: deps
	$(SWIFT) test --disable-xctest

## Run the benchmarks (package-benchmark, separate package in Benchmarks/).
bench: deps
	$(SWIFT) package --package-path Benchmarks benchmark

clean:
	rm -rf .build Benchmarks/.build
