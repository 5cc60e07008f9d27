"""gunicorn settings for Bonespine (read automatically from the working directory).

Everything can be changed from the environment:

    BIND / PORT            address to listen on (default 127.0.0.1:8000; PORT alone keeps 127.0.0.1)
    WEB_CONCURRENCY        worker processes (default CPUs + 1)
    GUNICORN_THREADS       threads per worker; above 1 the worker class is gthread (default 1: sync)
    GUNICORN_MAX_REQUESTS  restart a worker after this many requests, + up to 50 % jitter (default 5000; 0 = never)
    GUNICORN_TIMEOUT       seconds a request may take before its worker is killed (default 30)
    GUNICORN_ACCESS_LOG    file or "-" for an access log (default none: the app logs each request as JSON)
    GUNICORN_CONTROL_SOCKET  path of gunicorn's control socket for ``gunicornc`` (default: none)

With more than one worker the page cache, the rate limits and the view counter must share a
cache: set REDIS_URL. Behind a reverse proxy, give its address in FORWARDED_ALLOW_IPS (read by
gunicorn itself) so that REMOTE_ADDR is the visitor's (see README, admin log-in throttling).
"""

import multiprocessing
import os
import sys

wsgi_app = "bonespine.wsgi:application"

bind = [os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"]
# CPUs + 1, not gunicorn's usual 2 × CPUs + 1: a warm page is CPU work only (no query, no
# cache round trip), so workers beyond the CPUs only take turns on them; the one extra covers
# the database waits of misses and the admin. Measured on 2 CPUs (docs/performance.md, Round 5):
# 3 workers serve as many requests per second as 5 and halve the p99. Raise WEB_CONCURRENCY
# (or GUNICORN_THREADS) when slow requests, not CPU, are what the workers wait on.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"

# Recycle workers now and then (guards against slow leaks). Workers share the load evenly, so
# a small jitter had them all restart within a second or two: a wide one spreads the restarts.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 2

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5  # gthread only; sync workers close each connection (put a proxy in front)

# Import Django once in the master and fork: faster start, less memory. Safe because nothing
# opens a database or Redis connection at import time (Django connects on first use).
preload_app = True

# Heartbeat files in memory, not on a possibly slow or read-only disk (containers).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# gunicorn 25.1+ opens a control socket at one fixed path per user ($XDG_RUNTIME_DIR or ~/.gunicorn),
# which two servers on one machine would fight over: off unless a path is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "bonespine"


def when_ready(server):
    # Before the first fork: every worker, at start and at each restart, gets compiled
    # templates and loaded backends instead of paying for them on its first requests.
    if preload_app:
        from bonespine import warmup

        warmup.warm()
    shared = os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL")
    if workers > 1 and not shared:
        print(
            f"gunicorn: WARNING {workers} workers with a per-process cache: cached pages, rate limits and view "
            "counts are not shared between them and pages can stay stale after an edit. Set REDIS_URL, "
            "or WEB_CONCURRENCY=1.",
            file=sys.stderr,
        )
