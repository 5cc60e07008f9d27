"""A small fixed-window rate limit per client IP, kept in Django's cache.

The cache key holds a keyed hash of the client's address (never the address itself)
and the number of the current window, so a window ends on its own whatever the cache
backend does with timeouts on ``incr``. ``cache.add`` creates the counter atomically
and ``cache.incr`` is atomic on Redis and Memcached (and on the local-memory cache,
which has a lock), so concurrent requests cannot both slip under the limit.

IPv6 clients are counted per /64 network: one household or phone usually has a whole
/64 and could otherwise step around the limit by changing addresses.

Behind a reverse proxy ``REMOTE_ADDR`` must be the visitor's address (set by the
proxy/WSGI server), or every visitor shares the proxy's counter.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.crypto import salted_hmac


@dataclass(frozen=True)
class Limit:
    scope: str
    count: int
    window: int  # seconds

    def __str__(self) -> str:
        return f"{self.count} per {self.window}s ({self.scope})"


CONTACT = Limit(scope="contact", count=5, window=60 * 60)
FEEDBACK = Limit(scope="feedback", count=20, window=60 * 60)


def client_fingerprint(request) -> str:
    """A keyed hash of the client's address (or its IPv6 /64): not reversible without SECRET_KEY."""
    raw = request.META.get("REMOTE_ADDR", "") or ""
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        subject = raw
    else:
        if address.version == 6 and address.ipv4_mapped:
            subject = str(address.ipv4_mapped)
        elif address.version == 6:
            subject = str(ipaddress.ip_network(f"{address}/64", strict=False))
        else:
            subject = str(address)
    return salted_hmac("articles.ratelimit", subject, algorithm="sha256").hexdigest()[:32]


def _window(limit: Limit, now: float | None = None) -> int:
    return int((time.time() if now is None else now) // limit.window)


def _key(request, limit: Limit, now: float | None = None) -> str:
    return f"ratelimit:{limit.scope}:{client_fingerprint(request)}:{_window(limit, now)}"


def count(request, limit: Limit) -> int:
    """How many hits this client has used in the current window."""
    return cache.get(_key(request, limit), 0)


def is_limited(request, limit: Limit) -> bool:
    """True when the client has already used up the current window (does not count a hit)."""
    return count(request, limit) >= limit.count


def hit(request, limit: Limit) -> bool:
    """Count one hit; True if it is within the limit, False if it goes over."""
    key = _key(request, limit)
    # The key expires with its window; a little slack covers clock edges.
    if cache.add(key, 1, timeout=limit.window + 5):
        used = 1
    else:
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=limit.window + 5)
            used = 1
    return used <= limit.count


def retry_after(limit: Limit, now: float | None = None) -> int:
    """Seconds until the current window ends (for the Retry-After header)."""
    now = time.time() if now is None else now
    return max(1, int((_window(limit, now) + 1) * limit.window - now))
