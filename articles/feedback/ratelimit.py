"""Per-client limits on the contact form and the "was this helpful" answers.

django-ratelimit keeps the counters (fixed windows in Django's cache, created with
``cache.add`` and counted with the atomic ``cache.incr``). What stays here is what it
has no equivalent for:

* :func:`client_key`, the ``key=`` callable: a keyed hash of the client's address, so
  neither the address nor a plain hash of it (reversible by trying every IPv4 address)
  is stored in the cache. IPv6 clients are counted per /64 network (one household or
  phone usually has a whole /64), and an IPv4-mapped IPv6 address counts as its IPv4
  address. django-ratelimit's built-in ``"ip"`` key hashes the bare address, masks
  IPv4-mapped addresses to ``::`` (all of them would share one counter) and raises
  ImproperlyConfigured when ``REMOTE_ADDR`` is empty.
* :func:`check`: looking without counting, so that only forms that are accepted use up
  the limit, and the seconds left in the window for the ``Retry-After`` header.

Behind a reverse proxy ``REMOTE_ADDR`` must be the visitor's address (set by the
proxy/WSGI server), or every visitor shares the proxy's counter.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from django.utils.crypto import salted_hmac
from django_ratelimit.core import get_usage


@dataclass(frozen=True)
class Limit:
    group: str  # counters are per group and client
    rate: str  # django-ratelimit's "count/period", e.g. "5/h"


CONTACT = Limit(group="feedback.contact", rate="5/h")
FEEDBACK = Limit(group="feedback.article", rate="20/h")


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


def client_key(group: str, request) -> str:
    """django-ratelimit's ``key=`` callable."""
    return client_fingerprint(request)


def check(request, limit: Limit, *, count: bool) -> int | None:
    """None while the client is within ``limit``, else the seconds until its window ends.

    ``count=False`` only looks: the client is over once it has used the whole window.
    ``count=True`` counts this request and says whether it went over.
    """
    usage = get_usage(request, group=limit.group, key=client_key, rate=limit.rate, increment=count)
    if usage is None:  # RATELIMIT_ENABLE = False
        return None
    # When the cache fails django-ratelimit answers count=0, limit=0, should_limit: over.
    over = usage["should_limit"] if count else usage["count"] >= usage["limit"]
    return max(1, usage["time_left"]) if over else None
