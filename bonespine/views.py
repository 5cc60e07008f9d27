"""Project-level views: the health check and the admin log-in lockout page."""

from __future__ import annotations

import logging
import secrets

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def check_database() -> bool:
    """One round trip to the default database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0] == 1


def check_cache() -> bool:
    """One write and one read of the default cache (a fresh key, so concurrent probes don't collide)."""
    key = f"healthz:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    return cache.get(key) == value


@never_cache  # outermost: a 405 is not cached either
@require_safe
def healthz(request):
    """``GET /healthz``: 200 ``{"status": "ok", "database": "ok", "cache": "ok"}``,
    or 503 naming the part that failed ("error"). For load balancers and uptime checks;
    it renders no template and reads no content, so it stays cheap."""
    result = {}
    for name, check in (("database", check_database), ("cache", check_cache)):
        try:
            ok = check()
        except Exception:  # any failure of a dependency is "not healthy", never a 500
            logger.exception("Health check failed: %s", name)
            ok = False
        result[name] = "ok" if ok else "error"
    healthy = all(state == "ok" for state in result.values())
    return JsonResponse({"status": "ok" if healthy else "error", **result}, status=200 if healthy else 503)


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes ``AXES_LOCKOUT_CALLABLE``: the admin-styled page shown instead of the
    log-in form once a username has failed too often from one address."""
    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": "Log-in paused",
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    response = render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
