# The two commands a newcomer needs: `make run` and `make test`.
# Both install what is missing first (idempotently), then build.

SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps bench-deps run test docs fuzz bench bench-store bench-replicas bench-check bench-thresholds public-api clean

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

## Run every test: the Swift test suites (the PostgreSQL ones against a throwaway server that
## Scripts/postgres-test-server.sh installs when missing, starts and, on exit, stops), then
## schemathesis against the running service.
test: deps
	@set -e; trap 'Scripts/postgres-test-server.sh stop' EXIT; \
	server=$$(Scripts/postgres-test-server.sh start); eval "$$server"; \
	echo "PostgreSQL test server: $$GEOCONTACTS_TEST_POSTGRES_URL"; \
	$(SWIFT) test --disable-xctest
	Scripts/schemathesis-ci.sh

## DocC for the three core targets (swift-docc-plugin), warnings as errors: a broken symbol link or
## an undocumented parameter fails. Archives in .build/plugins/Swift-DocC/outputs/.
DOC_TARGETS := Geodesy SpatialIndex GeoContacts
docs: deps
	@set -e; for target in $(DOC_TARGETS); do \
		$(SWIFT) package generate-documentation --target $$target --warnings-as-errors; \
	done

## libFuzzer over the input parsers (JSON, create/update/bulk bodies, CSV/GeoJSON/NDJSON import,
## the chunker), FUZZ_SECONDS each (default 30); exit status 1 and the input saved on a crash.
FUZZ_SECONDS ?= 30
fuzz: deps
	Scripts/fuzz.sh $(FUZZ_SECONDS)

## Install the benchmarks' C++ peers when missing: Boost.Geometry (libboost-dev) and S2 (libs2-dev).
bench-deps: deps
	@if [ ! -f /usr/include/boost/geometry/index/rtree.hpp ] || [ ! -f /usr/include/s2/s2point_index.h ]; then \
		echo "Installing libboost-dev and libs2-dev…"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libboost-dev libs2-dev; \
	fi

## Run the benchmarks (package-benchmark, separate package in Benchmarks/), side by side with the
## peers. Sizes: GEOCONTACTS_BENCH_POINTS (default 100000), GEOCONTACTS_BENCH_QUERIES (10000).
## One suite or operation: make bench FILTER='Nearest10.*'
FILTER ?= .*
bench: bench-deps
	$(SWIFT) package --package-path Benchmarks benchmark --filter '$(FILTER)'

## The store benchmark: import, restart, memory, durable HTTP creates and the bulk endpoint beside
## PostgreSQL 15 + PostGIS 3 and Redis 7 (installed when missing, started on loopback and stopped
## by the script; wrk installed when missing). Size: STORE_BENCH_ROWS (default 1000000). See Benchmarks/Store/run.sh.
bench-store: deps
	@if ! command -v wrk > /dev/null; then \
		echo "Installing wrk…"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk; \
	fi
	Benchmarks/Store/run.sh

## The replica benchmark: a replica's cold start from PostgreSQL beside the SQLite restart,
## nearest-10 from memory beside PostGIS answering it, catch-up lag under steady writes.
## Size: REPLICA_BENCH_ROWS (default 1000000). See Benchmarks/Replicas/run.sh.
bench-replicas: deps
	Benchmarks/Replicas/run.sh

## Check the committed allocation-count thresholds (Benchmarks/Thresholds: p90 malloc counts of the
## RTree benchmarks and of every contacts and hierarchy benchmark, at the default sizes).
## Exit status 0 when every count is within tolerance.
BENCH_THRESHOLDS := --path Benchmarks/Thresholds
bench-check: bench-deps
	env -u GEOCONTACTS_BENCH_POINTS -u GEOCONTACTS_BENCH_QUERIES -u GEOCONTACTS_BENCH_MIX \
		$(SWIFT) package --package-path Benchmarks benchmark thresholds check $(BENCH_THRESHOLDS) \
		--target SpatialIndexBenchmarks --filter '.*RTree.*'
	env -u GEOCONTACTS_BENCH_POINTS -u GEOCONTACTS_BENCH_QUERIES -u GEOCONTACTS_BENCH_MIX \
		$(SWIFT) package --package-path Benchmarks benchmark thresholds check $(BENCH_THRESHOLDS) \
		--target ContactsBenchmarks --target HierarchyBenchmarks

## Rewrite those thresholds after an intended change (keeps only mallocCountTotal, see
## Benchmarks/README.md).
bench-thresholds: bench-deps
	env -u GEOCONTACTS_BENCH_POINTS -u GEOCONTACTS_BENCH_QUERIES -u GEOCONTACTS_BENCH_MIX \
		$(SWIFT) package --package-path Benchmarks --allow-writing-to-package-directory \
		benchmark thresholds update $(BENCH_THRESHOLDS) --target SpatialIndexBenchmarks --filter '.*RTree.*'
	env -u GEOCONTACTS_BENCH_POINTS -u GEOCONTACTS_BENCH_QUERIES -u GEOCONTACTS_BENCH_MIX \
		$(SWIFT) package --package-path Benchmarks --allow-writing-to-package-directory \
		benchmark thresholds update $(BENCH_THRESHOLDS) --target ContactsBenchmarks --target HierarchyBenchmarks
	python3 Benchmarks/Scripts/keep-malloc-thresholds.py Benchmarks/Thresholds

## List the public API of every library target in Docs/PublicAPI.md (from the symbol graphs).
public-api:
	$(SWIFT) package dump-symbol-graph --minimum-access-level public > /dev/null
	python3 Scripts/public-api.py > Docs/PublicAPI.md

clean:
	rm -rf .build Benchmarks/.build
