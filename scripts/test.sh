#!/usr/bin/env bash
# Runs the whole test suite on SQLite and on a throwaway PostgreSQL cluster,
# browser tests included.  Usage: scripts/test.sh [sqlite|postgres|all] [pytest args…]
set -euo pipefail
cd "$(dirname "$0")/.."
which_db="${1:-all}"; shift || true
# pytest-xdist: BONESPINE_TEST_WORKERS processes per pass (default: one per CPU; 0 = no xdist).
# Each worker has its own test database, Redis database and live server (tests/conftest.py).
PYTEST=(.venv/bin/pytest -n "${BONESPINE_TEST_WORKERS:-auto}" --dist worksteal "$@")

# --- system packages --------------------------------------------------------------
# nginx (+ Debian's Brotli filter module): tests/test_nginx.py runs the front server of make serve.
bash scripts/install-system-packages.sh postgresql chromium redis-server nginx libnginx-mod-http-brotli-filter
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
# A port nobody listens on (others may run the suite on this machine at the same time).
free_port() { .venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export BONESPINE_CHROMIUM="${BONESPINE_CHROMIUM:-$(command -v chromium)}"

# --- a throwaway Redis for the cache and view-buffer tests --------------------------
redis_dir="$(mktemp -d /tmp/bonespine-redis.XXXXXX)"
redis_port="${BONESPINE_REDIS_PORT:-$(free_port)}"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$redis_dir" \
  --daemonize yes --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log"
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
export BONESPINE_TEST_REDIS_URL="redis://127.0.0.1:$redis_port/0"
stop_redis() { kill "$(cat "$redis_dir/redis.pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$redis_dir"; }
trap stop_redis EXIT

status=0

run_sqlite() {
  echo "=== Test suite on SQLite ==="
  env -u DATABASE_URL BONESPINE_EXPECT_DB=sqlite "${PYTEST[@]}" || status=1
}

run_postgres() {
  echo "=== Test suite on PostgreSQL (throwaway cluster) ==="
  local bindir tmp port
  bindir="$(pg_bindir)"
  tmp="$(mktemp -d /tmp/bonespine-pg.XXXXXX)"
  port="${BONESPINE_PG_PORT:-$(free_port)}"
  local as=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$tmp"   # initdb refuses to run as root
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bindir/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$tmp/initdb.log" 2>&1 \
    || { cat "$tmp/initdb.log"; exit 1; }
  "${as[@]}" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -o \
    "-p $port -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
  trap '"${as[@]}" "$bindir/pg_ctl" -D "$tmp/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$tmp"; stop_redis' EXIT
  # After the SQLite pass, the browser tests marked backend_independent (their result cannot
  # depend on the database) are deselected here: they ran once already. The others, such as
  # the workflow walkthrough and the search pages, run on both backends.
  local once=0
  [ "$which_db" = all ] && once=1
  DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres" BONESPINE_EXPECT_DB=postgresql \
    BONESPINE_DESELECT_BACKEND_INDEPENDENT="$once" "${PYTEST[@]}" || status=1
  "${as[@]}" "$bindir/pg_ctl" -D "$tmp/data" -m fast stop >/dev/null
  rm -rf "$tmp"
  trap stop_redis EXIT
}

case "$which_db" in
  sqlite) run_sqlite ;;
  postgres) run_postgres ;;
  all) run_sqlite; run_postgres ;;
  *) echo "usage: $0 [sqlite|postgres|all] [pytest args]" >&2; exit 2 ;;
esac
exit $status
