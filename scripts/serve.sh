#!/usr/bin/env bash
# `make serve`: the production stack on one machine, over plain http on loopback:
# nginx on 127.0.0.1:$PORT (static files, uploads, compression, a 3 s micro-cache for
# anonymous pages; deploy/nginx/) → gunicorn on a unix socket (gunicorn.conf.py) → Django
# with DEBUG off. SERVE_NGINX=0 (or nginx missing and not installable) serves gunicorn alone
# on $PORT, as before. Ctrl-C stops both; the run directory in /tmp is removed.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT="${PORT:-8000}"

export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-$($BIN/python -c 'import secrets; print(secrets.token_urlsafe(50))')}"
export DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"
export DJANGO_SECURE_SSL_REDIRECT="${DJANGO_SECURE_SSL_REDIRECT:-0}"
export BONESPINE_SITE_URL="${BONESPINE_SITE_URL:-http://127.0.0.1:$PORT}"
if [ -z "${REDIS_URL:-${CACHE_URL:-}}" ]; then
  # The page cache, rate limits and view counter must be shared by all workers: one process.
  export WEB_CONCURRENCY="${WEB_CONCURRENCY:-1}" GUNICORN_THREADS="${GUNICORN_THREADS:-4}"
fi

$BIN/python manage.py collectstatic --noinput -v 0
$BIN/python manage.py migrate --noinput

use_nginx="${SERVE_NGINX:-1}"
if [ "$use_nginx" = 1 ] && ! bash scripts/install-system-packages.sh nginx; then
  echo "make serve: nginx is not available; serving gunicorn alone on 127.0.0.1:$PORT (uploads are not served)." >&2
  use_nginx=0
fi
if [ "$use_nginx" != 1 ]; then
  export PORT
  exec $BIN/gunicorn -c gunicorn.conf.py
fi
# Debian's Brotli module is optional: nginx compresses with gzip alone without it.
bash scripts/install-system-packages.sh libnginx-mod-http-brotli-filter >/dev/null 2>&1 || true

run="$(mktemp -d /tmp/bonespine-serve.XXXXXX)"
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
media_root="$($BIN/python manage.py shell -v 0 -c 'from django.conf import settings; print(settings.MEDIA_ROOT)')"
mkdir -p "$media_root"
$BIN/python deploy/nginx/render.py --run-dir "$run" --listen "127.0.0.1:$PORT" \
  --upstream "unix:$run/gunicorn.sock" --static-root staticfiles --media-root "$media_root" >/dev/null
nginx_cmd=("$nginx_bin" -p "$run" -e "$run/error.log" -c "$run/nginx.conf")

stop() {
  set +e
  [ -s "$run/nginx.pid" ] && "${nginx_cmd[@]}" -s quit 2>/dev/null
  [ -n "${gunicorn_pid:-}" ] && kill -TERM "$gunicorn_pid" 2>/dev/null && wait "$gunicorn_pid" 2>/dev/null
  for _ in $(seq 30); do [ -e "$run/nginx.pid" ] || break; sleep 0.1; done
  rm -rf "$run"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"${nginx_cmd[@]}" -t -q
# nginx is the only peer on the socket: believe its X-Forwarded-For (the visitor's address).
BIND="unix:$run/gunicorn.sock" BONESPINE_TRUSTED_PROXIES="${BONESPINE_TRUSTED_PROXIES:-unix}" \
  $BIN/gunicorn -c gunicorn.conf.py &
gunicorn_pid=$!
for _ in $(seq 100); do [ -S "$run/gunicorn.sock" ] && break; sleep 0.1; done
"${nginx_cmd[@]}"
echo "make serve: nginx on http://127.0.0.1:$PORT → gunicorn (unix:$run/gunicorn.sock), DEBUG off. Ctrl-C stops both."
wait "$gunicorn_pid"
