"""This process's copy of the generation counters, kept exact by Redis (client-side caching).

Every page served from the page cache, and every page assembled from fragments, first reads
the generations it depends on (articles/pagecache.py). Those counters live in Redis so that
every worker sees every change, and reading them was the one cache round trip left on a
warm page: about half the cost of a page-cache hit.

Redis can tell a client when a key it cares about changes ("server-assisted client-side
caching", https://redis.io/docs/latest/develop/reference/client-side-caching/). Each worker
keeps one extra connection in RESP3 with ``CLIENT TRACKING ON BCAST`` on the counters'
prefixes: whenever any process writes a counter (a bump, an eviction, a flush), Redis pushes
an ``invalidate`` message naming it down that connection. Before it answers from its copy,
the worker reads whatever has arrived on the connection without waiting (a ``poll`` with
timeout 0, no round trip) and forgets the counters named there.

Why the copy is not behind: Redis writes the push to every tracking connection in the same
event-loop turn in which it writes the writer's own reply. By the time the writer has its
answer, the bump has committed and an editor's next request reaches another worker, the push
is in that worker's socket buffer, and the worker reads it before it looks at its copy
(tests/test_tracking.py reads straight after each of 300 writes from another connection,
with no request in between, and never sees an old value). A counter read *after* tracking was switched on is the only
kind kept (a reconnect starts a new, empty copy), and this process's own bumps are forgotten
at once (:func:`forget`). If the connection drops or cannot be opened, the copy is emptied
and every read goes to Redis, as before; a counter is also never trusted for longer than
``BONESPINE_TRACKED_GENERATION_SECONDS`` (default 1 s), a bound for the case where the
connection were silently lost with no error.

Only the Redis cache backends have it: with local memory the counters are in this process
already.
"""

from __future__ import annotations

import logging
import os
import select
import threading
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

REDIS_BACKENDS = ("django_redis.cache.RedisCache", "django.core.cache.backends.redis.RedisCache")
RETRY_SECONDS = 5.0  # after a failed connection, wait this long before trying again


def max_age() -> float:
    return getattr(settings, "BONESPINE_TRACKED_GENERATION_SECONDS", 1.0)


class _Board:
    """The counters this process holds (Redis key → (value, read at)) and the connection that
    keeps them exact. One per process; a forked worker opens its own."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._location = None
        self._conn = None
        self._poller = None
        self._base = ""
        self._values: dict[str, tuple[int, float]] = {}
        self._session = 0  # moves whenever the copy is emptied: a read begun before is not kept
        self._retry_at = 0.0

    # --- connection -------------------------------------------------------------------

    def _location_now(self):
        config = settings.CACHES.get("default", {})
        if config.get("BACKEND") not in REDIS_BACKENDS:
            return None
        location = config.get("LOCATION")
        return location[0] if isinstance(location, (list, tuple)) else location

    def _ready(self) -> bool:
        """Whether the copy can be used now (connecting first if need be); empties it when not."""
        location = self._location_now()
        if location is None:
            if self._conn is not None or self._values:
                self._drop()
            return False
        if self._pid != os.getpid() or location != self._location:
            self._drop()  # a forked worker never reads its parent's socket
            self._pid, self._location = os.getpid(), location
        if self._conn is None:
            if time.monotonic() < self._retry_at:
                return False
            self._connect(location)
        return self._conn is not None and self._drain()

    def _connect(self, location) -> None:
        import redis

        base = cache.make_key("")
        prefixes = [cache.make_key(name) for name in _tracked_names()]
        if not all(prefix.startswith(base) for prefix in prefixes):
            self._retry_at = float("inf")  # a key function we cannot map back: never track
            return
        try:
            pool = redis.ConnectionPool.from_url(location, protocol=3, socket_connect_timeout=1, socket_timeout=1)
            conn = pool.make_connection()
            conn.connect()
            conn._parser.set_invalidation_push_handler(self._invalidated)
            arguments = ["CLIENT", "TRACKING", "ON", "BCAST"]
            for prefix in prefixes:
                arguments += ["PREFIX", prefix]
            conn.send_command(*arguments)
            if conn.read_response() not in (b"OK", "OK"):
                raise redis.RedisError("CLIENT TRACKING was refused")
        except Exception:  # noqa: BLE001 - an old server (no RESP3) or none: read Redis every time
            logger.warning("Generation tracking unavailable; reading generations from Redis", exc_info=True)
            self._retry_at = time.monotonic() + RETRY_SECONDS
            return
        self._poller = select.poll()
        self._poller.register(conn._sock.fileno(), select.POLLIN | select.POLLPRI)
        self._conn, self._base = conn, base

    def _drop(self) -> None:
        """Forget every counter and close the connection (its pushes can no longer be trusted)."""
        conn, self._conn = self._conn, None
        self._values = {}
        self._session += 1
        if conn is not None:
            try:
                conn.disconnect()
            except Exception:  # noqa: BLE001, S110 - closing a broken socket
                pass

    def _drain(self) -> bool:
        """Apply every push that has arrived (no waiting). False (and an empty copy) when the
        connection is gone."""
        conn = self._conn
        try:
            # Each drain reads until nothing is left (here or in the parser's buffer), so the
            # socket alone says whether anything new has come: one poll(2), no round trip.
            if not self._poller.poll(0):
                return True
            while conn._sock is not None and conn.can_read(timeout=0):
                conn.read_response(push_request=True, timeout=0, disconnect_on_error=False)
            if conn._sock is None:  # redis-py closed it: a new socket would not be tracking
                raise ConnectionError("tracking connection closed")
        except Exception:  # noqa: BLE001 - closed by the server, reset, a timeout mid-message
            logger.warning("Generation tracking connection lost; reading generations from Redis")
            self._drop()
            self._retry_at = time.monotonic() + RETRY_SECONDS
            return False
        return True

    def _invalidated(self, message) -> None:
        keys = message[1] if len(message) > 1 else None
        if keys is None:  # FLUSHDB / FLUSHALL: everything
            self._values = {}
            return
        for key in keys:
            self._values.pop(key.decode() if isinstance(key, bytes) else key, None)

    # --- the copy -------------------------------------------------------------------------

    def known(self, keys: list[str]) -> tuple[dict[str, int], tuple[int, float] | None]:
        """The counters among ``keys`` this process holds, and a token for :meth:`remember`
        (None: nothing can be kept now)."""
        with self._lock:
            if not self._ready():
                return {}, None
            found = {}
            now = time.monotonic()
            oldest = now - max_age()
            for key in keys:
                held = self._values.get(self._base + key)
                if held is not None and held[1] >= oldest:
                    found[key] = held[0]
            return found, (self._session, now)

    def remember(self, values: dict[str, int], token: tuple[int, float] | None) -> None:
        """Keep counters just read from Redis, if tracking was on (and unbroken) before the
        read; their age counts from before the read."""
        if token is None:
            return
        session, asked_at = token
        with self._lock:
            if session != self._session or self._conn is None:
                return
            for key, value in values.items():
                if value is not None:
                    self._values[self._base + key] = (value, asked_at)

    def forget(self, keys) -> None:
        """This process wrote these counters: its copy of them is old now (their pushes follow)."""
        with self._lock:
            for key in keys:
                self._values.pop(self._base + key, None)

    def clear(self) -> None:
        with self._lock:
            self._drop()
            self._retry_at = 0.0


def _tracked_names() -> tuple[str, ...]:
    from .pagecache import DEPENDENCY_PREFIX, EPOCH_KEY

    return (DEPENDENCY_PREFIX, EPOCH_KEY)


board = _Board()
