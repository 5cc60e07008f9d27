"""A page cache that is never wrong.

Anonymous GET/HEAD responses of public pages are kept in Django's cache (local
memory by default, Redis with ``REDIS_URL``) under a key that includes a *content
generation* number. Anything that can change what a public page shows (an article,
a published version, a category, an author, a tag, a static page, an old address)
bumps the generation after its transaction commits, so the very next request of
every page misses the cache and is rebuilt. Old entries simply expire.

Never cached: requests with a session cookie (logged-in staff), the admin,
previews (they live under /admin/), non-GET requests, responses that set a cookie
(e.g. a form's CSRF cookie) or say ``private``/``no-store``, and anything but
200/301/404/410 answers (410: a withdrawn article, whose next publication bumps the
generation like any other change).

Popular lists are part of every cached page: new views show up when the cache
entry expires, at most ``BONESPINE_PAGE_CACHE_SECONDS`` (default 300 s) later.

With local-memory caching each process has its own cache and generation, which is
right for one process (``runserver``) only: run several workers with ``REDIS_URL``.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.cache import patch_cache_control, set_response_etag

logger = logging.getLogger(__name__)

GENERATION_KEY = "bonespine:content-generation"
SKIP_PREFIXES = ("/admin/", "/healthz", "/views/", "/static/", "/media/")
CACHEABLE_STATUS = {200, 301, 404, 410}


def enabled() -> bool:
    return getattr(settings, "BONESPINE_PAGE_CACHE", True)


def timeout() -> int:
    return getattr(settings, "BONESPINE_PAGE_CACHE_SECONDS", 300)


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def generation_for(request) -> int:
    """The content generation for one request, read from the cache once: the page cache key,
    the sidebar and the page's other cached fragments then agree on it (and a page costs one
    cache round trip for it, not one per fragment)."""
    if request is None:
        return generation()
    value = getattr(request, "_content_generation", None)
    if value is None:
        value = request._content_generation = generation()
    return value


def bump_generation() -> None:
    """Invalidate every cached page (atomic increment, shared by all workers with Redis)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): any new value differs from what pages used
        cache.add(GENERATION_KEY, 2, timeout=None)
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            pass


def content_changed(**kwargs) -> None:
    """Signal receiver: bump once the surrounding transaction has committed."""
    transaction.on_commit(bump_generation)


# Query parameters that only tell analytics where a visitor came from: no page reads them,
# so a link shared with ``?utm_source=…`` or ``?fbclid=…`` is the same cache entry as the bare one.
TRACKING_PARAMETERS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga"})


def is_tracking_parameter(name: str) -> bool:
    return name.startswith("utm_") or name in TRACKING_PARAMETERS


def cache_query(request) -> str:
    """The query string as the cache sees it: tracking parameters dropped, the rest as sent."""
    raw = request.META.get("QUERY_STRING", "")
    if not raw:
        return ""
    kept = [part for part in raw.split("&") if part and not is_tracking_parameter(part.split("=", 1)[0])]
    return "&".join(kept)


def _key(request) -> str:
    # The scheme is part of the key: a page filled over http must never answer an https
    # request (redirects, the CSP's upgrade-insecure-requests and cookies differ).
    raw = f"{request.scheme}|{request.get_host()}|{request.path}?{cache_query(request)}"
    return f"bonespine:page:{generation_for(request)}:{hashlib.sha256(raw.encode()).hexdigest()}"


def request_is_cacheable(request) -> bool:
    if not enabled() or request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith(SKIP_PREFIXES):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def response_is_cacheable(response) -> bool:
    if response.status_code not in CACHEABLE_STATUS or response.streaming:
        return False
    if response.cookies or getattr(response, "no_page_cache", False):
        return False
    control = response.get("Cache-Control", "")
    return "private" not in control and "no-store" not in control and "no-cache" not in control


class PageCacheMiddleware:
    """Serve and store anonymous public pages (place it before the session middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request_is_cacheable(request):
            return self.get_response(request)
        try:
            key = _key(request)
            cached = cache.get(key)
        except Exception:  # noqa: BLE001 - a broken cache must not break the site
            logger.exception("Page cache unavailable")
            return self.get_response(request)
        if cached is not None:
            cached["X-Cache"] = "HIT"
            return cached
        response = self.get_response(request)
        if response_is_cacheable(response):
            patch_cache_control(response, public=True, max_age=60, stale_while_revalidate=300)
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response.render()
            if not response.has_header("ETag"):
                set_response_etag(response)
            response["X-Cache"] = "MISS"
            try:
                cache.set(key, response, timeout())
            except Exception:  # noqa: BLE001
                logger.exception("Could not store page in cache")
        return response


def connect_signals() -> None:
    """Every model whose rows public pages show invalidates the page cache when it changes."""
    from django.contrib.flatpages.models import FlatPage
    from django.contrib.sites.models import Site
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from taggit.models import Tag, TaggedItem

    from authors.models import Author

    from .models import Article, Category, CategoryRedirect, PublishedVersion, SlugRedirect

    for model in (Article, PublishedVersion, Category, Author, FlatPage, Site, Tag, TaggedItem, SlugRedirect,
                  CategoryRedirect):
        post_save.connect(content_changed, sender=model, dispatch_uid=f"pagecache-save-{model.__name__}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"pagecache-delete-{model.__name__}")
    m2m_changed.connect(content_changed, sender=FlatPage.sites.through, dispatch_uid="pagecache-flatpage-sites")
