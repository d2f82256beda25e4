#!/usr/bin/env bash
# A throwaway PostgreSQL 15 + PostGIS 3 server for the tests, on a free loopback port in a
# temporary folder.
#
#   eval "$(Scripts/postgres-test-server.sh start)"   # exports GEOCONTACTS_TEST_POSTGRES_URL
#   Scripts/postgres-test-server.sh stop               # stops it and removes the folder
#
# The tests' server runs with fsync=off. `start --durable` keeps PostgreSQL's durable defaults
# (fsync=on, synchronous_commit=on): the store benchmark (Benchmarks/Store/run.sh) compares
# durable writes with it.
#
# Installs postgresql-15 and postgresql-15-postgis-3 when missing (apt-get, sudo only when not
# root). initdb refuses to run as root, so as root the server runs as the `postgres` user.
# The state (folder, port) is kept in .build/postgres-test-server so `stop` finds it.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=.build/postgres-test-server
PGBIN=/usr/lib/postgresql/15/bin
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)

as_owner() {  # runs a command as the server's owner
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

start() {
  local fsync=off
  if [ "${1:-}" = --durable ]; then fsync=on; fi
  if [ ! -x "$PGBIN/initdb" ] || [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then
    echo "Installing postgresql-15 and postgresql-15-postgis-3…" >&2
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql-15 postgresql-15-postgis-3 >&2
  fi
  if [ -f "$STATE" ]; then stop; fi
  local dir port
  dir=$(mktemp -d /tmp/geocontacts-pg.XXXXXX)
  chmod 755 "$dir"
  mkdir "$dir/data" "$dir/run"
  chmod 1777 "$dir/run"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir/data"; fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  mkdir -p .build
  printf '%s\n%s\n' "$dir" "$port" > "$STATE"
  as_owner "$PGBIN/initdb -D $dir/data -A trust -U postgres --no-sync -E UTF8" >/dev/null
  as_owner "$PGBIN/pg_ctl -D $dir/data -l $dir/run/log -w -o '-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir/run -c fsync=$fsync' start" >&2
  echo "export GEOCONTACTS_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$port/postgres"
}

stop() {
  [ -f "$STATE" ] || return 0
  local dir
  dir=$(sed -n 1p "$STATE")
  if [ -d "$dir/data" ]; then
    as_owner "$PGBIN/pg_ctl -D $dir/data -m fast -w stop" >&2 || true
  fi
  rm -rf "$dir" "$STATE"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop ;;
  *) echo "usage: $0 start [--durable] | stop" >&2; exit 2 ;;
esac
