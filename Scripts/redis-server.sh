#!/usr/bin/env bash
# A throwaway Redis 7 server on a free loopback port in a temporary folder, for the store
# benchmark (Benchmarks/Store/run.sh).
#
#   eval "$(Scripts/redis-server.sh start)"   # exports GEOCONTACTS_REDIS_PORT and GEOCONTACTS_REDIS_DIR
#   Scripts/redis-server.sh restart           # stops it, starts it again on the same RDB file and
#                                             # prints the seconds from launch until it answers PING
#   Scripts/redis-server.sh stop              # stops it and removes the folder
#
# Installs redis-server when missing (apt-get, sudo only when not root). The server keeps its
# RDB file (dump.rdb) in the folder, saves only on SAVE, and has no append-only file: a restart
# loads the RDB file, which is the start-up the benchmark measures. The state (folder, port) is
# kept in .build/redis-server so `restart` and `stop` find it.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=.build/redis-server
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)

launch() {  # dir port: starts redis-server in the background and waits until it answers
  local dir=$1 port=$2 offset
  offset=$(stat -c %s "$dir/redis.log" 2>/dev/null || echo 0)
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --dbfilename dump.rdb --save "" \
    --appendonly no --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >&2
  # Its log line first, without asking the loading server anything; then PING.
  Scripts/wait-for-log-line "$dir/redis.log" "$offset" "Ready to accept connections" || true
  for _ in $(seq 1 600); do
    # During loading Redis answers -LOADING instead of PONG.
    [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && return 0
    sleep 0.01
  done
  echo "redis-server did not answer on port $port; its log:" >&2
  cat "$dir/redis.log" >&2
  return 1
}

start() {
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "Installing redis-server…" >&2
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >&2
  fi
  if [ -f "$STATE" ]; then stop; fi
  local dir port
  dir=$(mktemp -d /tmp/geocontacts-redis.XXXXXX)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  mkdir -p .build
  printf '%s\n%s\n' "$dir" "$port" > "$STATE"
  launch "$dir" "$port"
  echo "export GEOCONTACTS_REDIS_PORT=$port GEOCONTACTS_REDIS_DIR=$dir"
}

shutdown() {  # port: asks the server to stop without saving and waits until it has
  local dir=$1 port=$2
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  for _ in $(seq 1 500); do
    [ -f "$dir/redis.pid" ] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null || return 0
    sleep 0.01
  done
}

restart() {
  local dir port
  dir=$(sed -n 1p "$STATE"); port=$(sed -n 2p "$STATE")
  shutdown "$dir" "$port"
  local t0 t1
  t0=$(date +%s.%N)
  launch "$dir" "$port"
  t1=$(date +%s.%N)
  python3 -c "print(f'{$t1 - $t0:.3f}')"
}

stop() {
  [ -f "$STATE" ] || return 0
  local dir port
  dir=$(sed -n 1p "$STATE"); port=$(sed -n 2p "$STATE")
  shutdown "$dir" "$port"
  rm -rf "$dir" "$STATE"
}

case "${1:-}" in
  start) start ;;
  restart) restart ;;
  stop) stop ;;
  *) echo "usage: $0 start|restart|stop" >&2; exit 2 ;;
esac
