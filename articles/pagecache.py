"""A page cache that is never wrong, and that a change empties only where it shows.

Anonymous GET/HEAD responses of public pages are kept in Django's cache (local memory by
default, Redis with ``REDIS_URL``). Each entry records the *dependencies* the page was built
from, each with the generation number it had then:

- ``site``: what every page shows (categories, authors, tags' names, static pages, the site);
- ``article:<pk>``: one article's public state (its page, its 410, its old addresses);
- ``category:<pk>``, ``tag:<pk>``, ``author:<pk>``: the published articles of a category, a
  tag, an author (written or reviewed): their listing pages and the related articles of the
  articles that share them;
- ``listings``: every list of all articles (home, popular, search, feeds, sitemap) and every
  404 (a new publication can answer it);
- ``sidebar``: the sidebar on every page (category counts, featured, popular, the most prolific
  author).

A page is served from the cache only while every one of its dependencies still has the
generation it recorded. A committed change bumps exactly the dependencies it affects
(:func:`article_dependencies`, :func:`connect_signals`): publishing a revision of one article
empties that article's page, its category, tag and author pages, the lists of all articles
and the pages of the articles that share its category or a tag; the other articles' pages
stay cached. A change that adds or removes a published article (or moves one between
categories, or touches a featured or popular one) also changes the sidebar, and so every
page. Saving a working copy changes no public page and bumps nothing.

A global *epoch* moves with every bump, before the dependencies do: a response built while a
change committed is not stored (it may mix old and new rows). Counters are created with a
unique value, so one evicted and created again never matches an old entry.

Never cached: requests with a session cookie (logged-in staff), the admin, previews (they
live under /admin/), non-GET requests, responses that set a cookie (e.g. a form's CSRF
cookie) or say ``private``/``no-store``, and anything but 200/301/404/410 answers.

Popular lists are part of every cached page: new views show up when the cache entry
expires, at most ``BONESPINE_PAGE_CACHE_SECONDS`` (default 300 s) later.

The same generations guard the fragments pages are assembled from when the page cache is
off or misses (templatetags/fragments.py), the rows pages are found by (``site_row``,
articles/routes.py), and each process's own copies of all of these (``_local``). With Redis
each process also keeps the generations, kept exact by Redis's pushes (articles/tracking.py):
a warm page makes no round trip at all.

With local-memory caching each process has its own cache and counters, which is right for one
process (``runserver``) only: run several workers with ``REDIS_URL``.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.cache import patch_cache_control, set_response_etag

from . import tracking

logger = logging.getLogger(__name__)

EPOCH_KEY = "bonespine:content-generation"
DEPENDENCY_PREFIX = "bonespine:dep:"
SITE, LISTINGS, SIDEBAR = "site", "listings", "sidebar"
SKIP_PREFIXES = ("/admin/", "/healthz", "/views/", "/static/", "/media/")
CACHEABLE_STATUS = {200, 301, 404, 410}


def enabled() -> bool:
    return getattr(settings, "BONESPINE_PAGE_CACHE", True)


def timeout() -> int:
    return getattr(settings, "BONESPINE_PAGE_CACHE_SECONDS", 300)


# --- Generations ---------------------------------------------------------------------------

def _fresh() -> int:
    """A starting value no earlier counter had (nanoseconds since 1970)."""
    return time.time_ns()


def _read(keys: list[str], also: tuple[str, ...] = ()) -> dict:
    """The current value of each counter in ``keys`` (a missing one is created), and the
    entries under ``also``: this process's tracked copy of the counters (articles/tracking.py),
    the rest in one round trip."""
    found, token = tracking.board.known(keys)
    missing = [key for key in keys if key not in found]
    if missing or also:
        read = cache.get_many([*also, *missing])
        for key in missing:
            if read.get(key) is None:
                cache.add(key, _fresh(), timeout=None)
                read[key] = cache.get(key)
        tracking.board.remember({key: read[key] for key in missing}, token)
        found.update(read)
    return found


def _incr(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not there (never read, or evicted): any new value differs from every entry's
        cache.set(key, _fresh(), timeout=None)
    tracking.board.forget([key])


def generations(request, *names: str) -> dict[str, int]:
    """The generation of each dependency in ``names``, recorded as dependencies of the response
    being built for ``request`` (read once per request: a page and its fragments agree).

    Read them *before* the rows they stand for: a change that commits in between then shows
    as a newer generation at the next request, never as an old page under a new number."""
    if request is None:
        found = _read([DEPENDENCY_PREFIX + name for name in names])
        return {name: found[DEPENDENCY_PREFIX + name] for name in names}
    known = request.__dict__.setdefault("_page_dependencies", {})
    missing = [name for name in names if name not in known]
    if missing:
        found = _read([DEPENDENCY_PREFIX + name for name in missing])
        known.update((name, found[DEPENDENCY_PREFIX + name]) for name in missing)
    return {name: known[name] for name in names}


def epoch() -> int:
    """The global epoch (moves first with every bump): equal before and after reading some
    rows means no change committed in between."""
    return _read([EPOCH_KEY])[EPOCH_KEY]


def page_shows(request, *names: str) -> None:
    """A view says what its page shows, so that only changes to those empty it. A view that
    does not say depends on ``site``, ``listings`` and ``sidebar`` (any public change)."""
    if request is not None:
        request._page_declared = (SITE, *names)
        generations(request, SITE, *names)


def stamp(values: dict[str, int]) -> str:
    """A short digest of some generations, for a fragment's cache key."""
    raw = ",".join(f"{name}={value}" for name, value in sorted(values.items()))
    return hashlib.blake2b(raw.encode(), digest_size=8).hexdigest()


def still_valid(request, recorded: dict[str, int]) -> bool:
    """Whether every dependency still has the generation ``recorded`` (and record them)."""
    return generations(request, *recorded) == recorded


# --- Fragments ---------------------------------------------------------------------------
#
# A fragment's key names the generations of what it shows (``stamp``), so the value under one
# key never changes: a change makes new keys. Each process therefore keeps the fragments it
# has read in memory as well (``_local``), and a warm worker renders a page with no cache
# round trip but the one for the generations. Values that are checked against generations
# after they are read (a route, the tags' fragment, a cached page) are kept too: the check
# is the same for this process's copy. A copy is kept for ``BONESPINE_LOCAL_FRAGMENT_SECONDS``
# (30 s) at most, a page's never past its shared entry's expiry, and all of them within
# ``LOCAL_MAX_BYTES`` (the least recently used go first).

LOCAL_MAX_BYTES = 32 * 1024 * 1024
_local: OrderedDict[str, tuple[float, int, object]] = OrderedDict()
_local_bytes = 0
_local_lock = threading.Lock()


def local_seconds() -> float:
    return getattr(settings, "BONESPINE_LOCAL_FRAGMENT_SECONDS", 30)


def _size(value) -> int:
    """Roughly the memory a value takes: its text, or a flat guess for other objects."""
    if isinstance(value, (str, bytes)):
        return len(value)
    if isinstance(value, tuple):
        return 2048 + sum(len(part) for part in value if isinstance(part, (str, bytes)))
    return 2048


def _local_get(key: str):
    with _local_lock:
        found = _local.get(key)
        if found is None:
            return None
        if found[0] < time.monotonic():
            _local_drop(key)
            return None
        _local.move_to_end(key)
        return found[2]


def _local_forget(key: str) -> None:
    with _local_lock:
        if key in _local:
            _local_drop(key)


def _local_drop(key: str) -> None:
    global _local_bytes
    _expires, size, _value = _local.pop(key)
    _local_bytes -= size


def _local_put(key: str, value, seconds: float | None) -> None:
    global _local_bytes
    seconds = local_seconds() if seconds is None else min(seconds, local_seconds())
    if value is None or seconds <= 0:
        return
    size = _size(value)
    with _local_lock:
        if key in _local:
            _local_drop(key)
        _local[key] = (time.monotonic() + seconds, size, value)
        _local_bytes += size
        while _local_bytes > LOCAL_MAX_BYTES and _local:
            _local_drop(next(iter(_local)))


def clear_local() -> None:
    """Forget this process's copies of fragments and generations (tests; a shared entry is
    still there)."""
    global _local_bytes
    with _local_lock:
        _local.clear()
        _local_bytes = 0
    tracking.board.clear()


def get_many(keys: list[str]) -> dict:
    """The fragments under ``keys`` that exist: this process's copies, the rest in one round trip."""
    found = {}
    wanted = []
    for key in keys:
        value = _local_get(key)
        if value is None:
            wanted.append(key)
        else:
            found[key] = value
    if wanted:
        shared = cache.get_many(wanted)
        for key, value in shared.items():
            _local_put(key, value, None)
        found.update(shared)
    return found


def store(key: str, value, seconds: int | None = None) -> None:
    """Keep a fragment (for ``seconds``, default the page cache's timeout)."""
    seconds = timeout() if seconds is None else seconds
    cache.set(key, value, seconds)
    _local_put(key, value, seconds)


def store_many(values: dict, seconds: int | None = None) -> None:
    seconds = timeout() if seconds is None else seconds
    cache.set_many(values, seconds)
    for key, value in values.items():
        _local_put(key, value, seconds)


def prefetch(request, keys: list[str]) -> None:
    """Read the entries of several fragments about to be rendered in one round trip at most."""
    if request is not None and keys:
        found = get_many(keys)
        request.__dict__.setdefault("_prefetched", {}).update((key, found.get(key)) for key in keys)


def cache_get(request, key: str):
    """A fragment's entry: the prefetched copy if there is one, else this process's or the cache's."""
    prefetched = getattr(request, "_prefetched", None)
    if prefetched is not None and key in prefetched:
        return prefetched.pop(key)
    return get_many([key]).get(key)


def fragment(request, key: str, build, seconds: int | None = None):
    """The fragment ``key`` (prefetched or read), or ``build()``'s value stored under it (for
    ``seconds``, default the page cache's timeout)."""
    value = cache_get(request, key)
    if value is None:
        value = build()
        store(key, value, seconds)
    return value


def cached(request, names: tuple[str, ...], label: str, build):
    """``build()``'s value, kept in the cache under ``label`` and the generations of ``names``
    (what it shows): a listing keeps the rows of each of its pages this way, so a request
    reads no listing query and its cost does not grow with the articles the list holds."""
    digest = hashlib.blake2b(label.encode(), digest_size=12).hexdigest()
    return fragment(request, f"bonespine:cached:{digest}:{stamp(generations(request, *names))}", build)


def site_row(request, label: str, build):
    """A row that pages are found by and name (a category, a tag, an author by its slug):
    ``build()``, kept until ``site`` moves (editing or deleting such a row bumps it). A
    missing row (``Http404``) is not kept."""
    return cached(request, (SITE,), f"row|{label}", build)


def bump(*names: str) -> None:
    """Invalidate what depends on ``names`` now: the epoch first, then each dependency."""
    _incr(EPOCH_KEY)
    for name in dict.fromkeys(names):
        _incr(DEPENDENCY_PREFIX + name)


def bump_on_commit(*names: str) -> None:
    """Bump ``names`` once the surrounding transaction has committed (at once outside one)."""
    if names:
        transaction.on_commit(lambda: bump(*names))


def bump_generation() -> None:
    """Invalidate every cached page and fragment (after bulk writes, which send no signals)."""
    bump(SITE)


# --- What a change affects -----------------------------------------------------------------

# The article row's fields that public pages read; the rest (title, lead, image… of the
# working copy, the workflow's bookkeeping) is never shown before it is signed off and frozen
# in a published version, whose id is ``live_version_id``.
ARTICLE_PUBLIC_FIELDS = (
    "slug", "category_id", "author_id", "reviewer_id", "is_featured", "live_version_id", "first_published_at",
    "content_updated_at", "last_reviewed_on", "next_review_due",
)


def _article_state(article_id: int) -> dict | None:
    from .models import Article

    return Article.objects.filter(pk=article_id).values(*ARTICLE_PUBLIC_FIELDS).first()


def _is_public(state: dict | None) -> bool:
    from django.utils import timezone

    return bool(state and state["live_version_id"] and state["first_published_at"]
                and state["first_published_at"] <= timezone.now())


def _popular_ids() -> set[int]:
    from . import selectors

    return {pk for pk, _ in selectors.popular_ranking(selectors.DEFAULT_POPULAR_PERIOD)}


def article_dependencies(article_id: int, before: dict | None, after: dict | None) -> list[str]:
    """What a change of one article from ``before`` to ``after`` (its public fields; None:
    no row) changes: nothing when neither is public and nothing public changed."""
    if before == after:
        return []
    names = [f"article:{article_id}"]
    public = [state for state in (before, after) if _is_public(state)]
    if not public:
        return names  # a draft (or a withdrawn article's 410 page) only
    from taggit.models import TaggedItem

    names.append(LISTINGS)
    for state in public:
        names += [f"category:{state['category_id']}", f"author:{state['author_id']}"]
        if state["reviewer_id"]:
            names.append(f"author:{state['reviewer_id']}")
    names += [f"tag:{pk}" for pk in TaggedItem.objects.filter(
        object_id=article_id, content_type_id=_article_content_type_id(),
    ).values_list("tag_id", flat=True)]
    sidebar_moves = (
        len(public) == 1  # published or withdrawn: the counts and the lists change
        or before["category_id"] != after["category_id"] or before["author_id"] != after["author_id"]
        or before["is_featured"] or after["is_featured"]
        or article_id in _popular_ids()
    )
    if sidebar_moves:
        names.append(SIDEBAR)
    return names


def _article_pre_save(sender, instance, raw=False, **kwargs):
    instance._public_before = None if raw or instance.pk is None else _article_state(instance.pk)


def _article_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        bump_on_commit(SITE)
        return
    after = {field: getattr(instance, field) for field in ARTICLE_PUBLIC_FIELDS}
    before = getattr(instance, "_public_before", None)
    bump_on_commit(*article_dependencies(instance.pk, before, after))


def _article_deleted(sender, instance, **kwargs):
    before = {field: getattr(instance, field) for field in ARTICLE_PUBLIC_FIELDS}
    bump_on_commit(*article_dependencies(instance.pk, before, None))


def _version_saved(sender, instance, created, raw=False, **kwargs):
    """A published version is frozen; a rewrite (a data migration, the render-at-publish
    backfill) refreshes its article's pages when it is the live one. (A new version is
    published by saving the article with it as ``live_version``.)"""
    state = None if created else _article_state(instance.article_id)
    if state and state["live_version_id"] == instance.pk:
        bump_on_commit(*article_dependencies(instance.article_id, None, state))


def _version_deleted(sender, instance, **kwargs):
    """Deleting the live version takes the article offline (``SET_NULL`` sends no save)."""
    state = _article_state(instance.article_id)
    if state is not None and state["live_version_id"] is None:
        bump_on_commit(*article_dependencies(instance.article_id, {**state, "live_version_id": instance.pk}, state))


def _tagged_item_changed(sender, instance, **kwargs):
    if getattr(instance, "content_type_id", None) != _article_content_type_id():
        return
    state = _article_state(instance.object_id)
    names = [f"article:{instance.object_id}"]
    if _is_public(state):
        names += [LISTINGS, f"tag:{instance.tag_id}"]
    bump_on_commit(*names)


def _article_content_type_id() -> int:
    from django.contrib.contenttypes.models import ContentType

    from .models import Article

    return ContentType.objects.get_for_model(Article).pk


def _slug_redirect_changed(sender, instance, **kwargs):
    bump_on_commit(LISTINGS, f"article:{instance.article_id}")


def listings_changed(sender=None, **kwargs):
    """Signal receiver for rows that only change which addresses answer (old WordPress paths)."""
    bump_on_commit(LISTINGS)


def _site_changed(sender, **kwargs):
    bump_on_commit(SITE)


def _name_saved(sender, created=False, **kwargs):
    """A renamed tag or an edited author shows wherever it is named; a new one is named
    nowhere yet, but its address may answer now (an author's page: a 404 until then)."""
    bump_on_commit(LISTINGS if created else SITE)


# --- The page cache ------------------------------------------------------------------------

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
    return f"bonespine:page:{hashlib.sha256(raw.encode()).hexdigest()}"


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
        key = _key(request)
        try:
            # One round trip for a hit: the epoch and the generations the page depends on, and
            # the entry unless this process holds a copy of it (``_local``). Without a copy the
            # names are a guess (those the entry recorded when this process last stored or
            # served it): the entry's own list is what is checked; a name the guess missed is
            # read then.
            held = _local_get(key)
            names = tuple(held[0]) if held is not None else _dependency_names.get(key, ())
            wanted = [EPOCH_KEY, *(DEPENDENCY_PREFIX + name for name in names)]
            found = _read(wanted, also=() if held is not None else (key,))
            request.__dict__.setdefault("_page_dependencies", {}).update(
                (name, found[DEPENDENCY_PREFIX + name]) for name in names
                if found.get(DEPENDENCY_PREFIX + name) is not None
            )
            current = found.get(EPOCH_KEY)
            if current is None:
                current = epoch()
            if held is not None:
                if still_valid(request, held[0]):
                    response = pickle.loads(held[1])  # noqa: S301 - our own entry, from this process
                    response["X-Cache"] = "HIT"
                    return response
                _local_forget(key)
                found[key] = cache.get(key)  # another process may have stored the new page
            entry = found.get(key)
            # The generations read to check the entry are current: a rebuilt page reuses them.
            if entry is not None and still_valid(request, entry[0]):
                _remember(key, entry[0])
                _hold(key, entry)
                response = entry[1]
                response["X-Cache"] = "HIT"
                return response
        except Exception:  # noqa: BLE001 - a broken cache must not break the site
            logger.exception("Page cache unavailable")
            return self.get_response(request)
        response = self.get_response(request)
        if response_is_cacheable(response):
            patch_cache_control(response, public=True, max_age=60, stale_while_revalidate=300)
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response.render()
            if not response.has_header("ETag"):
                set_response_etag(response)
            response["X-Cache"] = "MISS"
            self.store(request, key, current, response)
        return response

    @staticmethod
    def store(request, key: str, epoch, response) -> None:
        try:
            names = [SITE]
            if not getattr(request, "_page_declared", None):
                names += [LISTINGS, SIDEBAR]
            if response.status_code != 200:
                names.append(LISTINGS)  # a new publication or an old address can answer it
            recorded = dict(generations(request, *names))
            recorded.update(request._page_dependencies)
            # Built while a change committed? Then it may mix old and new rows: do not keep it.
            if cache.get(EPOCH_KEY) != epoch:
                return
            entry = (recorded, response, time.time() + timeout())
            cache.set(key, entry, timeout())
            _remember(key, recorded)
            _hold(key, entry)
        except Exception:  # noqa: BLE001
            logger.exception("Could not store page in cache")


def _hold(key: str, entry: tuple) -> None:
    """Keep a pickled copy of a page's entry in this process (until the shared one expires)."""
    if len(entry) == 3:  # (entries stored before the expiry was recorded are not held)
        recorded, response, expires_at = entry
        _local_put(key, (recorded, pickle.dumps(response, pickle.HIGHEST_PROTOCOL)), expires_at - time.time())


# Page key → the dependency names its entry recorded, per process: which generations to read
# together with the entry. Bounded; a wrong or missing guess costs one more round trip only.
_dependency_names: dict[str, tuple[str, ...]] = {}


def _remember(key: str, recorded: dict) -> None:
    names = tuple(recorded)
    if _dependency_names.get(key) != names:
        if len(_dependency_names) >= 20_000:
            _dependency_names.clear()
        _dependency_names[key] = names


def connect_signals() -> None:
    """Every model whose rows public pages show invalidates what it affects when it changes."""
    from django.contrib.flatpages.models import FlatPage
    from django.contrib.sites.models import Site
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
    from taggit.models import Tag, TaggedItem

    from authors.models import Author

    from .models import Article, Category, CategoryRedirect, PublishedVersion, SlugRedirect

    pre_save.connect(_article_pre_save, sender=Article, dispatch_uid="pagecache-pre-save-Article")
    post_save.connect(_article_saved, sender=Article, dispatch_uid="pagecache-save-Article")
    post_delete.connect(_article_deleted, sender=Article, dispatch_uid="pagecache-delete-Article")
    post_save.connect(_version_saved, sender=PublishedVersion, dispatch_uid="pagecache-save-PublishedVersion")
    post_delete.connect(_version_deleted, sender=PublishedVersion, dispatch_uid="pagecache-delete-PublishedVersion")
    for model in (Author, Tag):
        post_save.connect(_name_saved, sender=model, dispatch_uid=f"pagecache-save-{model.__name__}")
        post_delete.connect(_site_changed, sender=model, dispatch_uid=f"pagecache-delete-{model.__name__}")
    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(_tagged_item_changed, sender=TaggedItem, dispatch_uid=f"pagecache-{name}-TaggedItem")
        signal.connect(_slug_redirect_changed, sender=SlugRedirect, dispatch_uid=f"pagecache-{name}-SlugRedirect")
        for model in (Category, FlatPage, Site, CategoryRedirect):
            signal.connect(_site_changed, sender=model, dispatch_uid=f"pagecache-{name}-{model.__name__}")
    m2m_changed.connect(_site_changed, sender=FlatPage.sites.through, dispatch_uid="pagecache-flatpage-sites")
