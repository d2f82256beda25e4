#!/usr/bin/env bash
# The replica benchmark (issue 13): GeoContacts replicas over PostgreSQL 15 + PostGIS 3, on the
# same generated contacts, in one run on one machine:
#
#   - cold start: a replica opening the database with every contact loaded and indexed
#     (`geocontacts dev replica-bench`) vs the SQLite restart of the same contacts (`geocontacts
#     stats` on a data folder imported from the same file): goal within 2×;
#   - nearest-10: the replica's in-memory answer (library call, one thread) vs PostGIS answering
#     the same kind of query itself (pgbench, one client, prepared, on loopback; query points
#     uniform in latitude −80…80 and longitude −180…180 on both sides): KNN `<->` (which ranks on
#     a sphere) and the exact form (over-fetch 40 by `<->`, re-rank by spheroid `ST_Distance`):
#     goal ≥ 10×;
#   - catch-up lag: a second replica writes single creates at a steady rate; the time from each
#     acknowledgement until the first replica holds that version (p50/p99).
#
# The data is the skewed mix of `geocontacts dev generate` (Zipf-weighted cities, poles,
# antimeridian, duplicates), seed 42, loaded into PostgreSQL with COPY. Starts PostgreSQL with
# Scripts/postgres-test-server.sh --durable and stops it at the end. Prints a Markdown table.
#
#   Benchmarks/Replicas/run.sh                    # 1,000,000 contacts
#   REPLICA_BENCH_ROWS=100000 Benchmarks/Replicas/run.sh
#   REPLICA_BENCH_SECONDS=10 (pgbench duration), REPLICA_BENCH_KEEP=1 (keep the work folder)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${REPLICA_BENCH_ROWS:-1000000}
SECONDS_EACH=${REPLICA_BENCH_SECONDS:-10}
BIN=$PWD/.build/release/geocontacts
WORK=$(mktemp -d /tmp/geocontacts-replicabench.XXXXXX)
chmod 755 "$WORK"
cleanup() {
  Scripts/postgres-test-server.sh stop || true
  if [ "${REPLICA_BENCH_KEEP:-}" = 1 ]; then echo "work folder kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
say() { echo "== $*" >&2; }
calc() { python3 -c "print($1)"; }

say "building geocontacts (release)"
swift build -c release --product geocontacts >&2
say "generating $ROWS contacts (skewed mix, seed 42)"
"$BIN" dev generate --count "$ROWS" --mix skewed --seed 42 -o "$WORK/points.csv" 2>/dev/null
python3 Benchmarks/Store/datasets.py "$WORK/points.csv" "$WORK" >&2
chmod 644 "$WORK/contacts.csv"
say "starting PostgreSQL (durable)"
eval "$(Scripts/postgres-test-server.sh start --durable)"
BASE=$GEOCONTACTS_TEST_POSTGRES_URL
psql -q "$BASE" -c "CREATE DATABASE replicabench" >&2
PG=${BASE%/*}/replicabench
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

say "schema (the replica's migrations), then COPY of the contacts"
head -1 "$WORK/contacts.csv" > "$WORK/empty.csv"
"$BIN" import --postgres "$PG" --customer 1 "$WORK/empty.csv" >&2
psql -q "$PG" -v ON_ERROR_STOP=1 <<SQL >&2
CREATE TEMP TABLE raw (name text, group_id bigint, reference text, latitude float8, longitude float8);
\copy raw FROM '$WORK/contacts.csv' CSV HEADER
INSERT INTO contact_group (customer_id, id, name) VALUES (1, 1, 'Sites');
INSERT INTO contact (customer_id, id, reference, name, group_id, latitude, longitude)
  SELECT 1, row_number() OVER (), reference, name, group_id, latitude, longitude FROM raw;
INSERT INTO customer_versions (customer_id, version) VALUES (1, 1);
INSERT INTO contact_sequence (customer_id, next_id) VALUES (1, $ROWS + 1);
ANALYZE;
SQL

say "SQLite: import into a data folder, then its restart (stats)"
"$BIN" define-group --data "$WORK/store" --customer 1 --id 1 --name Sites >&2
"$BIN" import --data "$WORK/store" --customer 1 "$WORK/contacts.csv" >&2
"$BIN" stats --data "$WORK/store" > "$WORK/sqlite.stats"
SQLITE_S=$(awk '/back and queryable after/ { print $5 }' "$WORK/sqlite.stats")

say "replica: cold start, nearest-10, catch-up lag"
"$BIN" dev replica-bench --postgres "$PG" --customer 1 --queries 20000 --writes 1000 --rate 200 | tee "$WORK/replica.out" >&2
COLD_S=$(awk '/^cold start:/ { print $3 }' "$WORK/replica.out")
NEAREST_US=$(awk '/^nearest-10:/ { print $3 }' "$WORK/replica.out")
LAG_P50=$(awk '/^catch-up lag:/ { print $4 }' "$WORK/replica.out")
LAG_P99=$(awk '/^catch-up lag:/ { print $7 }' "$WORK/replica.out")

say "PostGIS: nearest-10 (pgbench -c1, prepared)"
cat > "$WORK/knn.sql" <<'SQL'
\set lat random(-8000000, 8000000)
\set lon random(-18000000, 18000000)
SELECT id FROM contact WHERE customer_id = 1
ORDER BY location <-> ST_SetSRID(ST_MakePoint(:lon / 100000.0, :lat / 100000.0), 4326)::geography LIMIT 10;
SQL
cat > "$WORK/exact.sql" <<'SQL'
\set lat random(-8000000, 8000000)
\set lon random(-18000000, 18000000)
SELECT id FROM (
  SELECT id, location FROM contact WHERE customer_id = 1
  ORDER BY location <-> ST_SetSRID(ST_MakePoint(:lon / 100000.0, :lat / 100000.0), 4326)::geography LIMIT 40) near
ORDER BY ST_Distance(location, ST_SetSRID(ST_MakePoint(:lon / 100000.0, :lat / 100000.0), 4326)::geography) LIMIT 10;
SQL
latency() { pgbench -n -M prepared -c 1 -T "$SECONDS_EACH" -f "$1" "$PG" 2>/dev/null | awk '/latency average/ { print $4 }'; }
KNN_MS=$(latency "$WORK/knn.sql")
EXACT_MS=$(latency "$WORK/exact.sql")
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

COLD_RATIO=$(calc "f'{$COLD_S / $SQLITE_S:.2f}'")
KNN_RATIO=$(calc "f'{$KNN_MS * 1000 / $NEAREST_US:.0f}'")
EXACT_RATIO=$(calc "f'{$EXACT_MS * 1000 / $NEAREST_US:.0f}'")
cat <<TABLE

Replica benchmark, $ROWS contacts (skewed mix, seed 42), $(nproc) cores; load average before $LOAD_BEFORE, after $LOAD_AFTER

| measure | GeoContacts replica | peer (same run) | ratio |
|---|---|---|---|
| cold start, back and queryable | $COLD_S s | SQLite restart (stats) $SQLITE_S s | $COLD_RATIO× the SQLite time (goal ≤ 2×) |
| nearest-10, mean latency | $NEAREST_US µs (in memory) | PostGIS \`<->\` $KNN_MS ms (pgbench -c1) | $KNN_RATIO× faster (goal ≥ 10×) |
| nearest-10, exact on the spheroid | $NEAREST_US µs | PostGIS over-fetch 40 + \`ST_Distance\` $EXACT_MS ms | $EXACT_RATIO× faster |
| catch-up lag, 200 creates/s | p50 $LAG_P50 ms, p99 $LAG_P99 ms | — | — |
TABLE
