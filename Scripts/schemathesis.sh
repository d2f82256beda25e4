#!/usr/bin/env bash
# Runs schemathesis, with the committed OpenAPI document (the one /openapi.yaml serves), against a freshly started in-memory service on a spare port, bounded in
# examples (25 per operation) and time (10 min). Needs `pip install schemathesis` and a debug
# build (`swift build`). Usage: Scripts/schemathesis.sh [extra schemathesis options]
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18090}
DATA=$(mktemp -d)
.build/debug/geocontacts serve --in-memory --port "$PORT" --data "$DATA" >"$DATA/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 1; done
export GEOCONTACTS_TOKEN=$(.build/debug/geocontacts token --data "$DATA" --customer 1 \
  --scope "contacts:read contacts:write contacts:admin")
timeout 600 schemathesis --config-file Scripts/schemathesis.toml run Sources/GeoContactsServer/Resources/openapi.yaml \
  --url "http://127.0.0.1:$PORT" --checks all --seed 1 "$@"
