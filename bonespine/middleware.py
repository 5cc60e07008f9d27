"""Site-wide middleware: request log, security headers, CSP, friendly 503 when the database is down.

Their places in ``settings.MIDDLEWARE`` matter and are explained there.
"""

from __future__ import annotations

import logging
import time

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.log import log_response

request_logger = logging.getLogger("bonespine.request")


class RequestLogMiddleware:
    """One INFO line per request on ``bonespine.request``: method, path, status, duration.

    Deliberately without the query string (search terms are personal), the client's
    address, the user or any header. Outermost in MIDDLEWARE so that it times and sees
    every response, static files and error pages included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        fields = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration_ms,
        }
        request_logger.info(
            "%s %s %s %.1fms", request.method, request.path, response.status_code, duration_ms, extra={"fields": fields}
        )
        return response


class SecurityHeadersMiddleware:
    """Adds ``Cross-Origin-Resource-Policy`` to every response.

    Django's SecurityMiddleware already sends nosniff, Referrer-Policy, COOP and HSTS,
    XFrameOptionsMiddleware sends X-Frame-Options and django-permissions-policy sends
    Permissions-Policy; CORP has no Django setting. A value a view has set itself is left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.cross_origin_resource_policy = settings.BONESPINE_CROSS_ORIGIN_RESOURCE_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.cross_origin_resource_policy:
            response.headers.setdefault("Cross-Origin-Resource-Policy", self.cross_origin_resource_policy)
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with ``style-src 'unsafe-inline'`` added under /admin/ only.

    The Django admin (``style="..."`` attributes in its templates and in the
    ``<style>`` block of the changelist), django-simple-history's history page and our
    own admin templates (workflow panel, version diff) rely on inline styles. Rewriting
    Django's templates is not ours to do, so the admin gets inline *styles* (never inline
    scripts: its JavaScript is all in static files). Staff-only pages behind a login are
    the smallest place to allow them; the public pages keep ``style-src 'self'``.
    ``style-src-attr`` alone would not do, because of the ``<style>`` elements.
    """

    _admin_prefix: str | None = None

    def _is_admin(self, request) -> bool:
        if self._admin_prefix is None:
            type(self)._admin_prefix = reverse("admin:index")
        return request.path_info.startswith(self._admin_prefix)

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request=request, response=response, report_only=report_only)
        if not report_only and self._is_admin(request):
            parts.update = {**(parts.update or {}), "style-src": [UNSAFE_INLINE]}
        return parts


def service_unavailable_response() -> HttpResponse:
    """The static "back shortly" page: rendered without a request, so no context processor
    (and nothing else) can touch the database."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """A view that fails because the database cannot be reached answers 503 with
    ``templates/503.html`` (and ``Retry-After``) instead of a 500 and a traceback.

    Last in MIDDLEWARE, so its ``process_exception`` is the first to see a view's
    exception. Only connection-level errors count (``OperationalError`` — server gone,
    too many connections, timeouts — and ``InterfaceError``, a closed connection);
    integrity errors and bugs stay 500s. The error is logged on ``django.request`` with
    its traceback, like any other server error. With DEBUG on, Django's technical page
    is shown instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if settings.DEBUG or not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        response = service_unavailable_response()
        log_response(
            "Service Unavailable (database): %s",
            request.path,
            response=response,
            request=request,
            exception=exception,
        )
        return response
