#!/usr/bin/env bash
# `make bench`: benchmark the public pages under gunicorn against a throwaway PostgreSQL
# cluster and Redis, both on random loopback ports, removed again at the end (also on
# Ctrl-C or failure). The measuring itself is scripts/bench.py; see docs/performance.md.
# BENCH_QUICK=1 for a smoke run, BENCH_DURATION=30s for longer runs, BENCH_SIZES=2000,20000 the
# two dataset sizes; the nginx rows (the front server of make serve) need nginx (BENCH_NGINX=0 skips them).
set -euo pipefail
cd "$(dirname "$0")/.."

# --- system packages --------------------------------------------------------------------
bash scripts/install-system-packages.sh postgresql redis-server wrk
if [ "${BENCH_NGINX:-1}" = 1 ]; then
  bash scripts/install-system-packages.sh nginx
  bash scripts/install-system-packages.sh libnginx-mod-http-brotli-filter >/dev/null 2>&1 || true
fi
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

free_port() { .venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

bindir="$(pg_bindir)"
work="$(mktemp -d /tmp/bonespine-bench.XXXXXX)"   # media, gunicorn logs, pid file
pg="$(mktemp -d /tmp/bonespine-bench-pg.XXXXXX)"  # owned by postgres when we are root
as=()
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$pg"   # initdb refuses to run as root
  as=(runuser -u postgres --)
fi

cleanup() {
  set +e
  if [ -s "$work/gunicorn.pid" ]; then kill -TERM -- "-$(cat "$work/gunicorn.pid")" 2>/dev/null; sleep 1; fi
  [ -s "$work/nginx/nginx.pid" ] && kill -QUIT "$(cat "$work/nginx/nginx.pid")" 2>/dev/null
  [ -s "$work/redis.pid" ] && kill "$(cat "$work/redis.pid")" 2>/dev/null
  [ -d "$pg/data" ] && "${as[@]}" "$bindir/pg_ctl" -D "$pg/data" -m fast stop >/dev/null 2>&1
  rm -rf "$work" "$pg" staticfiles/bench
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- throwaway PostgreSQL ----------------------------------------------------------------
pg_port="$(free_port)"
"${as[@]}" "$bindir/initdb" -D "$pg/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$pg/initdb.log" 2>&1 \
  || { cat "$pg/initdb.log"; exit 1; }
# Durability off (throwaway data; the benchmark reads); shared_buffers sized for 20,000 articles.
"${as[@]}" "$bindir/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w -o \
  "-p $pg_port -k $pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=512MB -c max_connections=100" \
  start >/dev/null

# --- throwaway Redis ---------------------------------------------------------------------
redis_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
  --daemonize yes --pidfile "$work/redis.pid" --logfile "$work/redis.log"
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"
export REDIS_URL="redis://127.0.0.1:$redis_port/0"
export BENCH_TMP="$work" BENCH_PG_BINDIR="$bindir"
.venv/bin/python scripts/bench.py
