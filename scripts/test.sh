#!/usr/bin/env bash
# Runs the whole test suite on SQLite and on a throwaway PostgreSQL cluster,
# browser tests included.  Usage: scripts/test.sh [sqlite|postgres|all] [pytest args…]
set -euo pipefail
cd "$(dirname "$0")/.."
which_db="${1:-all}"; shift || true
PYTEST=(.venv/bin/pytest "$@")

# --- system packages --------------------------------------------------------------
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
missing=()
[ -n "$(pg_bindir)" ] && [ -x "$(pg_bindir)/initdb" ] || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing system packages: ${missing[*]}. Install them (e.g. sudo apt-get install ${missing[*]}) and run again." >&2
    exit 2
  fi
fi
export BONESPINE_CHROMIUM="${BONESPINE_CHROMIUM:-$(command -v chromium)}"

# --- a throwaway Redis for the cache and view-buffer tests --------------------------
redis_dir="$(mktemp -d /tmp/bonespine-redis.XXXXXX)"
redis_port="${BONESPINE_REDIS_PORT:-$(( 40000 + RANDOM % 20000 ))}"
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
  port="${BONESPINE_PG_PORT:-$(( 20000 + RANDOM % 20000 ))}"
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
  DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres" BONESPINE_EXPECT_DB=postgresql "${PYTEST[@]}" || status=1
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
