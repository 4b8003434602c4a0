#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL 15 + PostGIS cluster on 127.0.0.1, then stops
# the cluster, whether the command passed or failed. With TEST_DATABASE_URL set, uses that instead.
#   scripts/test-postgres.sh pytest -q
set -euo pipefail

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  exec "$@"
fi

# Exported: tests/test_scheduler.py restarts the cluster with its pg_ctl.
export PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
data_dir=$(mktemp -d /tmp/palier-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# PostgreSQL refuses to run as root: use the postgres account then.
as_owner=()
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$data_dir"
  as_owner=(runuser -u postgres --)
fi

stop() {
  "${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$data_dir" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$data_dir"
}
trap stop EXIT

"${as_owner[@]}" "$PG_BIN/initdb" -D "$data_dir" -U palier --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$data_dir" -l "$data_dir/server.log" -w \
  -o "-h 127.0.0.1 -p $port -k $data_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null
"$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U palier palier_test

export TEST_DATABASE_URL="postgresql://palier@127.0.0.1:$port/palier_test"
"$@"
