#!/usr/bin/env bash
# libFuzzer over the parsers that take input (Fuzz/FuzzTarget.swift): the strict JSON reader,
# create and update bodies, bulk bodies (JSON array and NDJSON), the CSV, GeoJSON and NDJSON
# import readers, the import chunker, polygon bodies (queried on a small tree), and the spatial
# index itself (`index`: inserts, removals, moves and every query at hard places, each answer
# checked against a scan of every point).
#
#   Scripts/fuzz.sh [SECONDS]       # every fuzzer for SECONDS each (default 30)
#   Scripts/fuzz.sh --list          # the fuzzers' names
#   FUZZERS="csv draft" Scripts/fuzz.sh 300
#
# Builds the library targets with -sanitize=fuzzer,address in .build/fuzz (apart from the normal
# build), links Fuzz/FuzzTarget.swift against them, then runs each fuzzer from its committed
# seeds (Fuzz/Corpus/<name>) with a working corpus in .build/fuzz/corpus/<name>. A crash (a
# trap, an out-of-range index, an overflow, a memory error) is saved under
# .build/fuzz/crashes/<name>/ and makes the script exit 1: reproduce it with
#   GEOCONTACTS_FUZZ=<name> .build/fuzz/debug/geocontacts-fuzz <file>
# and turn it into a regression test beside the parser's tests.
set -euo pipefail
cd "$(dirname "$0")/.."
ALL="json draft patch batch ndjson-batch csv geojson ndjson chunker index polygon"
if [ "${1:-}" = --list ]; then echo "$ALL" | tr ' ' '\n'; exit 0; fi
SECONDS_EACH=${1:-30}
FUZZERS=${FUZZERS:-$ALL}
BUILD=.build/fuzz
BIN=$BUILD/debug/geocontacts-fuzz

echo "== building the parsers with -sanitize=fuzzer,address in $BUILD" >&2
swift build --build-path "$BUILD" --target GeoContactsInterchange -Xswiftc -sanitize=fuzzer,address >&2
objects=()
for target in GeoContacts GeoContactsInterchange Geodesy SpatialIndex HashTreeCollections HeapModule InternalCollectionsUtilities CoreMetrics Metrics; do
  while IFS= read -r -d '' object; do objects+=("$object"); done < <(find "$BUILD/debug/$target.build" -name '*.o' -print0)
done
# ld.gold warns "Cannot export local symbol" for the sanitizer's symbols: harmless.
swiftc -parse-as-library -sanitize=fuzzer,address -g -I "$BUILD/debug/Modules" \
  -Xcc -fmodule-map-file=Sources/CProj/module.modulemap -Xcc -fmodule-map-file=Sources/CPrefetch/module.modulemap \
  Fuzz/FuzzTarget.swift "${objects[@]}" -lproj -o "$BIN" 2>&1 \
  | { grep -v "Cannot export local symbol" || true; } >&2

failed=()
for name in $FUZZERS; do
  corpus=$BUILD/corpus/$name crashes=$BUILD/crashes/$name
  mkdir -p "$corpus" "$crashes"
  echo "== $name: $SECONDS_EACH s" >&2
  # SWIFT_BACKTRACE=enable=no: the backtracer would spend seconds on each crash.
  if ! SWIFT_BACKTRACE=enable=no GEOCONTACTS_FUZZ=$name "$BIN" -max_total_time="$SECONDS_EACH" -max_len=65536 \
      -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" "Fuzz/Corpus/$name" \
      > "$BUILD/$name.log" 2>&1; then
    failed+=("$name")
    echo "!! $name crashed; the input is in $crashes/:" >&2
    ls "$crashes" >&2
    tail -30 "$BUILD/$name.log" >&2
  else
    grep -E "^stat::number_of_executed_units|^Done" "$BUILD/$name.log" >&2 || true
  fi
done
if [ ${#failed[@]} -gt 0 ]; then echo "fuzzers that crashed: ${failed[*]}" >&2; exit 1; fi
echo "no crash in: $FUZZERS" >&2
