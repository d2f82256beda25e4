#!/bin/bash
# One load measurement that is less sensitive to a shared machine than wrk's throughput alone:
# starts `serve` on a fresh durable data folder (sample data), warms up for 2 s, runs
# wrk -t2 -c32 -d10s with Scripts/load/KIND.lua, and prints wrk's summary, the load average
# before and after, and the server's CPU time (user + system, from /proc) per request answered
# (counted from the request log lines). Linux only; port 8080 must be free.
#
#   Scripts/load/measure.sh [BINARY] create|nearest
#
# BINARY defaults to .build/release/geocontacts (swift build -c release --product geocontacts).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ $# -ge 2 ]; then BIN=$1; KIND=$2; else BIN=.build/release/geocontacts; KIND=${1:?create or nearest}; fi
DATA=$(mktemp -d)
LOG=$DATA/serve.log
trap 'rm -rf "$DATA"' EXIT
"$BIN" serve --data "$DATA/store" > "$LOG" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do
  grep -q "is listening" "$LOG" && break
  kill -0 $SERVER 2>/dev/null || { echo "serve exited:"; cat "$LOG"; exit 1; }
  sleep 0.2
done
TOKEN=$("$BIN" token --customer 1 --scope "contacts:read contacts:write" --data "$DATA/store")
export TOKEN
wrk -t2 -c32 -d2s -s "Scripts/load/$KIND.lua" http://127.0.0.1:8080 > /dev/null
cpu() { awk '{print $14 + $15}' /proc/$SERVER/stat; }
requests() { grep -c "\] request$" "$LOG" || true; }
t0=$(cpu); r0=$(requests)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
wrk -t2 -c32 -d10s --latency -s "Scripts/load/$KIND.lua" http://127.0.0.1:8080
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
t1=$(cpu)
sleep 0.3  # the request log is written in batches
r1=$(requests)
kill $SERVER; wait $SERVER || true
ticks=$(getconf CLK_TCK)
awk -v t=$((t1 - t0)) -v r=$((r1 - r0)) -v hz="$ticks" \
  'BEGIN { printf "server: %d requests, %.2f s CPU, %.1f us CPU per request\n", r, t / hz, r ? t * 1e6 / hz / r : 0 }'
