"""Site-wide middleware: request log, security headers, CSP, friendly 503 when the database is down.

Their places in ``settings.MIDDLEWARE`` matter and are explained there.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from functools import lru_cache

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
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


UNIX_SOCKET = "unix"  # in BONESPINE_TRUSTED_PROXIES: a peer on a unix socket (empty REMOTE_ADDR)


@lru_cache(maxsize=8)
def _trusted_networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries if entry != UNIX_SOCKET)


def _is_trusted(address: str, entries: tuple[str, ...]) -> bool:
    if not address:
        return UNIX_SOCKET in entries
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted_networks(entries))


def forwarded_client(remote_addr: str, forwarded_for: str, trusted: tuple[str, ...]) -> str:
    """The visitor's address: ``remote_addr`` unless it is a trusted proxy, then the right-most
    address of ``X-Forwarded-For`` that is not a trusted proxy (what a client writes into the
    header itself is to its left and never chosen). A malformed hop stops the walk."""
    if not trusted or not _is_trusted(remote_addr, trusted):
        return remote_addr
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return remote_addr
        if not _is_trusted(hop, trusted):
            return hop
    return remote_addr


class ForwardedClientMiddleware:
    """Behind nginx (or a load balancer) ``REMOTE_ADDR`` is the proxy: every visitor would
    share one rate-limit counter and one login-lockout count. For a request from a proxy
    listed in ``BONESPINE_TRUSTED_PROXIES`` (addresses or networks, ``unix`` for a unix
    socket), ``REMOTE_ADDR`` becomes the client address the proxy reported in
    ``X-Forwarded-For``; from anyone else the header is ignored, so it cannot be spoofed.
    First in MIDDLEWARE: the rate limits (articles/feedback/ratelimit.py) and django-axes
    then read the visitor's address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        trusted = tuple(getattr(settings, "BONESPINE_TRUSTED_PROXIES", ()))
        if trusted:
            meta = request.META
            meta["REMOTE_ADDR"] = forwarded_client(
                meta.get("REMOTE_ADDR", ""), meta.get("HTTP_X_FORWARDED_FOR", ""), trusted)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Adds ``Cross-Origin-Resource-Policy`` to every response, and the caching headers that
    keep shared caches (nginx's micro-cache, a CDN, a corporate proxy) from storing what is
    personal or short-lived.

    Django's SecurityMiddleware already sends nosniff, Referrer-Policy, COOP and HSTS,
    XFrameOptionsMiddleware sends X-Frame-Options and django-permissions-policy sends
    Permissions-Policy; CORP has no Django setting. A value a view has set itself is left alone.

    Caching (issue 14; it sits outside the page cache, so it sees its hits too):

    * ``private, no-store`` (:func:`~django.utils.cache.add_never_cache_headers`) on every
      response to a request that carries a session cookie (a logged-in user; the page cache
      never serves those either), on every response that sets a cookie, that used a CSRF token
      (a form), and on the contact page: nothing in them may be kept for someone else;
    * ``Vary: Cookie`` on those personal responses. An anonymous public page (which the page
      cache marks ``public``) is the same for every reader and does not read the session, so
      it does not vary on cookies (which would split shared caches by every analytics cookie);
      a page that does read the session gets ``Vary: Cookie`` from SessionMiddleware;
    * a 404 is kept by shared caches for :data:`NOT_FOUND_MAX_AGE` seconds at most (a page
      about to be published, a mistyped link fixed), instead of the page cache's minute.

    Static files and uploads are the same for everyone and keep their own headers.
    """

    NOT_FOUND_MAX_AGE = 5

    def __init__(self, get_response):
        self.get_response = get_response
        self.cross_origin_resource_policy = settings.BONESPINE_CROSS_ORIGIN_RESOURCE_POLICY
        self.shared_prefixes = tuple(
            prefix for prefix in ("/" + settings.STATIC_URL.lstrip("/"), "/" + settings.MEDIA_URL.lstrip("/"))
            if prefix != "/"
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.cross_origin_resource_policy:
            response.headers.setdefault("Cross-Origin-Resource-Policy", self.cross_origin_resource_policy)
        if not request.path.startswith(self.shared_prefixes):
            self.cache_headers(request, response)
        return response

    def is_personal(self, request, response) -> bool:
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            or response.cookies
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds a CSRF token
            or request.path == _contact_path()
        ):
            return True
        try:  # logged in some other way than with the session cookie (e.g. a test's force_login)
            return getattr(getattr(request, "user", None), "is_authenticated", False) is True
        except Exception:  # noqa: BLE001 - the user cannot be read (database down): assume personal
            return True

    def cache_headers(self, request, response) -> None:
        if self.is_personal(request, response):
            add_never_cache_headers(response)  # max-age=0, no-cache, no-store, must-revalidate, private
            patch_vary_headers(response, ("Cookie",))
            return
        control = response.get("Cache-Control", "")
        if "private" in control or "no-store" in control:
            return
        if response.status_code == 404:
            response.headers.pop("Cache-Control", None)
            patch_cache_control(response, public=True, max_age=self.NOT_FOUND_MAX_AGE)


def _contact_path() -> str:
    return _contact_path_in(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@lru_cache(maxsize=16)
def _contact_path_in(urlconf: str, script_prefix: str) -> str:
    """The contact page's address (reversed once per URL configuration, not per request)."""
    try:
        return reverse("feedback:contact", urlconf=urlconf)
    except NoReverseMatch:
        return "/contact/"


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
