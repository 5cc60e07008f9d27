"""Compression by the app itself, for hosts without a front server (``make run``, a platform
that runs gunicorn alone). Behind nginx (``make serve``, production) the front server
compresses and asks the app for identity responses (deploy/nginx/), so this does nothing there.

Text responses (HTML, CSS, JS, XML, JSON) are gzipped for clients that accept it, with
Django's own ``GZipMiddleware`` (which also pads each response with random bytes, the
"Heal the BREACH" mitigation) — except one kind, never compressed:

**BREACH.** An attacker who can make a victim's browser send requests with chosen input,
and can watch the compressed response sizes, can recover a secret in the same response byte by
byte, because compression shrinks the response when the input repeats the secret. A page is
exposed when it carries a secret (here: a CSRF token) *and* reflects input from the request
(a query string or a posted form). Those responses are sent uncompressed: the contact form
redisplayed with the visitor's text, the admin's search and filter pages, any form page opened
with a query string. Django also masks the CSRF token with a fresh random value on every
response, so it never repeats across responses either. Public pages without a form (articles,
listings, search results, feeds) carry no token and are compressed.
"""

from __future__ import annotations

from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE_TYPES = frozenset({
    "text/html", "text/css", "text/plain", "text/xml", "text/javascript", "application/javascript",
    "application/json", "application/ld+json", "application/manifest+json", "application/xml",
    "application/rss+xml", "application/atom+xml", "image/svg+xml",
})
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def content_type(response) -> str:
    return response.get("Content-Type", "").split(";", 1)[0].strip().lower()


def carries_csrf_token(request, response) -> bool:
    """The response holds a CSRF token: the template asked for one (``{% csrf_token %}`` and
    ``get_token()`` set ``CSRF_COOKIE_NEEDS_UPDATE``), or the form field is in the body."""
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return True
    return b"csrfmiddlewaretoken" in response.content


def reflects_input(request) -> bool:
    """The request brought input the page may echo: a query string or a body."""
    return bool(request.META.get("QUERY_STRING")) or request.method not in SAFE_METHODS


def breach_exposed(request, response) -> bool:
    return carries_csrf_token(request, response) and reflects_input(request)


class CompressionMiddleware(GZipMiddleware):
    """``GZipMiddleware`` for text types only, never for a BREACH-exposed response (see above).

    Place it near the top of ``MIDDLEWARE`` (outside the page cache, which keeps one identity
    copy of each page). Streaming responses (WhiteNoise's files: it has its own compressed
    copies) are left alone.
    """

    def process_response(self, request, response):
        if response.streaming or response.has_header("Content-Encoding"):
            return response
        if content_type(response) not in COMPRESSIBLE_TYPES:
            return response
        if breach_exposed(request, response):
            return response
        return super().process_response(request, response)
