#!/usr/bin/env bash
# Bounded soak test: a throwaway copy of the demo site served on 127.0.0.1 in production
# mode, driven by scripts/soak.py for DURATION seconds, then stopped.
#
# Usage: scripts/soak.sh [--duration SECONDS] [--port PORT] [--debug] [--keep] [--no-report] [soak.py options…]
#
#   --duration  how long the load runs (default 300)
#   --port      loopback port (default: a free one)
#   --debug     serve with DJANGO_DEBUG=1 instead of production settings
#   --keep      keep the work directory (database, media, server log) afterwards
#   --no-report print the results only; do not rewrite docs/reliability.md
#
# Without DATABASE_URL it uses a fresh SQLite file in a temporary directory. With
# DATABASE_URL set it migrates and loads the demo content into THAT database, which must
# therefore be a throwaway one. Uploaded files always go to the temporary directory.
# Serves with gunicorn and the project's gunicorn.conf.py, like `make serve`
# (WEB_CONCURRENCY × GUNICORN_THREADS, default 1 × 4, or 2 × 4 with REDIS_URL, since the
# page cache and its invalidation are per process without Redis); falls back to
# `manage.py runserver --noreload` when gunicorn is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
[ -x "$PY" ] || { echo "No .venv: run 'make test' or 'make run' once first." >&2; exit 2; }

command_line="scripts/soak.sh${*:+ $*}"
duration=300 port="" debug=0 keep=0 report=1 extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --duration=*) duration="${1#*=}"; shift ;;
    --port) port="$2"; shift 2 ;;
    --port=*) port="${1#*=}"; shift ;;
    --debug) debug=1; shift ;;
    --keep) keep=1; shift ;;
    --no-report) report=0; shift ;;
    *) extra+=("$1"); shift ;;
  esac
done
port="${port:-$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"

work="$(mktemp -d /tmp/bonespine-soak.XXXXXX)"
server_pid=""
cleanup() {
  local status=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  if [ "$keep" = 1 ] || [ "$status" != 0 ]; then
    echo "Work directory kept: $work (server log: $work/server.log)"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

export DJANGO_MEDIA_ROOT="$work/media"
if [ -z "${DATABASE_URL:-}" ]; then
  export DATABASE_URL="sqlite:///$work/db.sqlite3"
  db_desc="SQLite (fresh file, WAL)"
else
  db_desc="DATABASE_URL (${DATABASE_URL%%:*})"
  echo "Using DATABASE_URL as given: the demo content is loaded into it." >&2
fi

echo "Preparing the site in $work …"
# Set-up commands run in development mode: create_demo_accounts only sets the fixed,
# documented demo passwords with DEBUG on.
DJANGO_DEBUG=1 "$PY" manage.py migrate --noinput -v0
DJANGO_DEBUG=1 "$PY" manage.py load_demo >/dev/null
DJANGO_DEBUG=1 "$PY" manage.py create_demo_accounts >/dev/null

if [ "$debug" = 1 ]; then
  export DJANGO_DEBUG=1
  mode="DEBUG=1"
else
  export DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_HSTS_SECONDS=0
  DJANGO_SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
  export DJANGO_SECRET_KEY
  "$PY" manage.py collectstatic --noinput -v0   # into STATIC_ROOT (./staticfiles), as a deployment does
  mode="DEBUG=0 (production settings, plain HTTP on loopback)"
fi

if "$PY" -c "import gunicorn" 2>/dev/null; then
  # The project's gunicorn.conf.py, as `make serve` runs it, on our port.
  export WEB_CONCURRENCY="${WEB_CONCURRENCY:-$([ -n "${REDIS_URL:-}${CACHE_URL:-}" ] && echo 2 || echo 1)}"
  export GUNICORN_THREADS="${GUNICORN_THREADS:-4}"
  BIND="127.0.0.1:$port" .venv/bin/gunicorn -c gunicorn.conf.py >"$work/server.log" 2>&1 &
  server_pid=$!
  server_desc="gunicorn $("$PY" -c 'import gunicorn; print(gunicorn.__version__)') with gunicorn.conf.py, $WEB_CONCURRENCY worker(s) × $GUNICORN_THREADS threads"
else
  "$PY" manage.py runserver --noreload "127.0.0.1:$port" >"$work/server.log" 2>&1 &
  server_pid=$!
  server_desc="manage.py runserver --noreload (gunicorn not installed)"
fi
cache_desc="local memory"; [ -n "${REDIS_URL:-}${CACHE_URL:-}" ] && cache_desc="Redis"
server_desc="$server_desc; $db_desc; cache: $cache_desc; $mode"

for _ in $(seq 1 100); do
  if "$PY" -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:$port/healthz', timeout=2).status != 200)" 2>/dev/null; then
    break
  fi
  kill -0 "$server_pid" 2>/dev/null || { echo "The server did not start:" >&2; tail -n 30 "$work/server.log" >&2; exit 1; }
  sleep 0.2
done

report_args=()
[ "$report" = 1 ] && report_args=(--report docs/reliability.md)
"$PY" scripts/soak.py --base-url "http://127.0.0.1:$port" --duration "$duration" \
  --server-log "$work/server.log" --server "$server_desc" --command "$command_line" \
  "${report_args[@]}" "${extra[@]}"
