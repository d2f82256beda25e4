#!/usr/bin/env bash
# The store benchmark: GeoContacts as a contact store beside the stores a user would pick
# instead, on the same generated contacts, in one run on one machine:
#
#   - import of a CSV (name,groupId,reference,latitude,longitude) into a durable data folder vs
#     PostgreSQL 15 + PostGIS 3 `COPY` of the same file into an indexed table (Benchmarks/Store/
#     postgres.sql; fsync and synchronous_commit on), and Redis 7 mass insertion (`redis-cli
#     --pipe`: GEOADD + one HSET per contact) for reference;
#   - restart, back and queryable: `geocontacts serve` on that folder until /health/ready answers
#     vs Redis loading the same contacts from its RDB file until it answers PING (each waited
#     for on its log line, then asked once: Scripts/wait-for-log-line);
#   - resident memory after the restart (VmRSS) and its peak during the restart (VmHWM) vs Redis
#     holding the same contacts;
#   - durable creates over HTTP, one per request (wrk -t2 -c32, Scripts/load/create.lua) into the
#     restarted service vs durable single-row INSERTs into the same table (pgbench -c32 -j2,
#     prepared, Benchmarks/Store/pgbench-insert.sql);
#   - the bulk endpoint: `geocontacts import --server` of the whole file into a fresh service.
#
# The data is the skewed mix of `geocontacts dev generate` (Zipf-weighted cities, poles,
# antimeridian, duplicates), seed 42. Installs and starts the peers with Scripts/postgres-test-
# server.sh --durable and Scripts/redis-server.sh, and stops them at the end. Prints a Markdown
# table of the figures and their ratios, with the load average before and after.
#
#   Benchmarks/Store/run.sh            # 1,000,000 contacts
#   STORE_BENCH_ROWS=100000 Benchmarks/Store/run.sh
#   STORE_BENCH_SECONDS=10 (wrk and pgbench duration), STORE_BENCH_RESTARTS=5 (restarts of each,
#   alternating; the medians are compared), STORE_BENCH_KEEP=1 (keep the work folder)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${STORE_BENCH_ROWS:-1000000}
SECONDS_EACH=${STORE_BENCH_SECONDS:-10}
RESTARTS=$(( ${STORE_BENCH_RESTARTS:-5} > 0 ? ${STORE_BENCH_RESTARTS:-5} : 1 ))
BIN=$PWD/.build/release/geocontacts
WORK=$(mktemp -d /tmp/geocontacts-storebench.XXXXXX)
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  Scripts/redis-server.sh stop || true
  Scripts/postgres-test-server.sh stop || true
  if [ "${STORE_BENCH_KEEP:-}" = 1 ]; then echo "work folder kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
say() { echo "== $*" >&2; }
now() { date +%s.%N; }
calc() { python3 -c "print($1)"; }
status() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }  # pid key: kB
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# serve FOLDER: starts the service on the folder (no sample data) and waits until it is ready;
# sets SERVER, PORT, URL and READY_SECONDS (launch until /health/ready answers 200).
serve() {
  PORT=$(free_port); URL=http://127.0.0.1:$PORT
  local t0; t0=$(now)
  "$BIN" serve --data "$1" --no-sample-data --port "$PORT" > "$1.serve.log" 2>&1 &
  SERVER=$!
  # Waits for the banner without asking the loading service anything (see the script), then
  # confirms with /health/ready; Scripts/redis-server.sh times Redis the same way.
  Scripts/wait-for-log-line "$1.serve.log" 0 "is listening on" "$SERVER" || true
  until curl -fs "$URL/health/ready" > /dev/null 2>&1; do
    kill -0 "$SERVER" 2>/dev/null || { cat "$1.serve.log" >&2; exit 1; }
    sleep 0.01
  done
  READY_SECONDS=$(calc "f'{$(now) - $t0:.3f}'")
}
stop_server() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=; }

say "building geocontacts (release)"
swift build -c release --product geocontacts >&2
say "generating $ROWS contacts (skewed mix, seed 42)"
"$BIN" dev generate --count "$ROWS" --mix skewed --seed 42 -o "$WORK/points.csv" 2>/dev/null
python3 Benchmarks/Store/datasets.py "$WORK/points.csv" "$WORK" >&2
say "starting PostgreSQL (durable) and Redis"
eval "$(Scripts/postgres-test-server.sh start --durable)"
PG=$GEOCONTACTS_TEST_POSTGRES_URL
eval "$(Scripts/redis-server.sh start)"
REDIS=(redis-cli -p "$GEOCONTACTS_REDIS_PORT")
psql -q "$PG" -v ON_ERROR_STOP=1 -f Benchmarks/Store/postgres.sql >&2
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

say "import: GeoContacts"
"$BIN" define-group --data "$WORK/store" --customer 1 --id 1 --name Sites >&2
/usr/bin/time -f "%e %M" -o "$WORK/import.time" "$BIN" import --data "$WORK/store" --customer 1 "$WORK/contacts.csv" >&2
read -r IMPORT_S IMPORT_KB < "$WORK/import.time"
say "import: PostgreSQL COPY"
t0=$(now)
psql -q "$PG" -v ON_ERROR_STOP=1 -c "\\copy contacts (name, group_id, reference, latitude, longitude) FROM '$WORK/contacts.csv' CSV HEADER" >&2
COPY_S=$(calc "$(now) - $t0")
[ "$(psql -tA "$PG" -c 'SELECT count(*) FROM contacts')" = "$ROWS" ] || { echo "COPY did not load $ROWS rows" >&2; exit 1; }
# Not timed: what autovacuum would otherwise start on the freshly loaded table while the
# restarts below are timed, taking a core from whichever restart it overlaps.
psql -q "$PG" -v ON_ERROR_STOP=1 -c "VACUUM ANALYZE contacts" >&2
say "import: Redis mass insertion"
t0=$(now)
"${REDIS[@]}" --pipe < "$WORK/redis.resp" >&2
PIPE_S=$(calc "$(now) - $t0")
[ "$("${REDIS[@]}" zcard contacts)" = "$ROWS" ] || { echo "Redis did not load $ROWS members" >&2; exit 1; }

say "restart: Redis from its RDB file and GeoContacts serve, alternately, $RESTARTS times each"
"${REDIS[@]}" save > /dev/null
REDIS_TIMES=(); OUR_TIMES=()
for i in $(seq 1 "$RESTARTS"); do
  REDIS_TIMES+=("$(Scripts/redis-server.sh restart)")
  if [ "$i" = "$RESTARTS" ]; then
    REDIS_PID=$(cat "$GEOCONTACTS_REDIS_DIR/redis.pid")
    sleep 2
    REDIS_RSS_KB=$(status "$REDIS_PID" VmRSS); REDIS_HWM_KB=$(status "$REDIS_PID" VmHWM)
  fi
  serve "$WORK/store"
  OUR_TIMES+=("$READY_SECONDS")
  [ "$i" = "$RESTARTS" ] || stop_server
done
median() { python3 -c 'import statistics, sys; print(statistics.median(float(a) for a in sys.argv[1:]))' "$@"; }
REDIS_RESTART_S=$(median "${REDIS_TIMES[@]}"); RESTART_S=$(median "${OUR_TIMES[@]}")
sleep 2
RSS_KB=$(status "$SERVER" VmRSS); HWM_KB=$(status "$SERVER" VmHWM)

say "durable creates, one per request: GeoContacts (wrk -t2 -c32 -d${SECONDS_EACH}s)"
TOKEN=$("$BIN" token --data "$WORK/store" --customer 1 --scope "contacts:read contacts:write")
export TOKEN GROUP_ID=1 PARENT_ID=
wrk -t2 -c32 -d2s -s Scripts/load/create.lua "$URL" > /dev/null
wrk -t2 -c32 -d"${SECONDS_EACH}s" -s Scripts/load/create.lua "$URL" > "$WORK/wrk.txt"
cat "$WORK/wrk.txt" >&2
if grep -q "Non-2xx" "$WORK/wrk.txt"; then echo "wrk: some creates were refused" >&2; exit 1; fi
HTTP_RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/wrk.txt")
stop_server
say "durable creates, one per request: PostgreSQL (pgbench -c32 -j2 -M prepared -T$SECONDS_EACH)"
pgbench -n -M prepared -c 32 -j 2 -T "$SECONDS_EACH" -f Benchmarks/Store/pgbench-insert.sql "$PG" > "$WORK/pgbench.txt" 2>&1
cat "$WORK/pgbench.txt" >&2
PG_TPS=$(awk '/^tps = / { print $3 }' "$WORK/pgbench.txt")

say "bulk endpoint: geocontacts import --server into a fresh service"
"$BIN" define-group --data "$WORK/bulk" --customer 1 --id 1 --name Sites >&2
serve "$WORK/bulk"
TOKEN=$("$BIN" token --data "$WORK/bulk" --customer 1 --scope "contacts:read contacts:write")
t0=$(now)
"$BIN" import --server "$URL" --token "$TOKEN" --customer 1 "$WORK/contacts.csv" >&2
BULK_S=$(calc "$(now) - $t0")
stop_server
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

calc "'\n'.join([
  '| $ROWS contacts (skewed mix) | GeoContacts | peer | ratio | target |',
  '|---|---|---|---|---|',
  f'| import, rows/s (peak RSS {$IMPORT_KB / 1024:.0f} MB) | {$ROWS / $IMPORT_S:,.0f} | PostGIS COPY {$ROWS / $COPY_S:,.0f} | {$COPY_S / $IMPORT_S:.2f}× | ≥ 2× |',
  f'| import, rows/s | {$ROWS / $IMPORT_S:,.0f} | Redis --pipe {$ROWS / $PIPE_S:,.0f} | {$PIPE_S / $IMPORT_S:.2f}× | (reference) |',
  f'| durable creates over HTTP, one per request, /s | {$HTTP_RPS:,.0f} | pgbench INSERT {$PG_TPS:,.0f} | {$HTTP_RPS / $PG_TPS:.2f}× | ≥ 2× |',
  f'| bulk endpoint (import --server), durable contacts/s | {$ROWS / $BULK_S:,.0f} | — | — | ≥ 100,000/s |',
  f'| restart until queryable, s (median of $RESTARTS) | {$RESTART_S:.2f} | Redis RDB load {$REDIS_RESTART_S:.2f} | {$REDIS_RESTART_S / $RESTART_S:.2f}× | ≥ 1× |',
  f'| resident memory after restart, MB | {$RSS_KB / 1024:.0f} | Redis {$REDIS_RSS_KB / 1024:.0f} | {$REDIS_RSS_KB / $RSS_KB:.2f}× | ≥ 1× |',
  f'| peak memory during restart, MB | {$HWM_KB / 1024:.0f} | Redis {$REDIS_RSS_KB / 1024:.0f} (its peak {$REDIS_HWM_KB / 1024:.0f}) | {$HWM_KB / $REDIS_RSS_KB:.2f} of Redis | ≤ 1.5 |',
  '',
  'Ratios: how many times the peer GeoContacts is (higher is better), except the last row.',
  'Restarts, alternating (s): GeoContacts ${OUR_TIMES[*]}; Redis ${REDIS_TIMES[*]}.',
  'Load average before: $LOAD_BEFORE; after: $LOAD_AFTER; $(nproc) cores.',
])"
