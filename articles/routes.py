"""The article an address shows, found without a query while nothing it depends on changed.

An uncached article page is assembled from fragments kept in the cache (templatetags/
fragments.py): the article, its head tags, its tags and related articles, the sidebar. To
name them the page needs only the article's id, its category, its live version and its tags'
ids. Those are kept per address (a *route*) together with the generations of ``site`` and of
the article (articles/pagecache.py) they were read under: a route is used only while both
still have those values, and one read while a change committed is not kept (the epoch).
Publishing, withdrawing, renaming or re-tagging the article, or any bulk write
(``bump_generation``), bumps one of them, and the next request reads the row again.

The page gets an :class:`ArticleRef`: the route's fields, and the real article (one query)
the first time anything else is read, which happens only when a fragment has to be rebuilt.
"""

from __future__ import annotations

import hashlib

from . import pagecache, selectors


class _Loaded:
    """Attributes set on the instance are answered at once; any other public one (and the
    model's ``_meta``) is read from ``_real()``, loaded the first time one is asked for. A
    private name that was not set is missing, as on the model (``getattr(x, "_cache", None)``)."""

    def __getattr__(self, name):
        if name.startswith("_") and name != "_meta":
            raise AttributeError(name)
        return getattr(self._real(), name)


class ArticleRef(_Loaded):
    """A published article as its page names it: ``pk``, ``slug``, ``category_id``,
    ``live_version_id`` and ``tag_ids`` at once, the rest from the row when first read."""

    def __init__(self, *, pk: int, slug: str, category_id: int, live_version_id: int, tag_ids: tuple[int, ...]):
        self.pk = self.id = pk
        self.slug, self.category_id, self.live_version_id, self.tag_ids = slug, category_id, live_version_id, tag_ids
        self.live_version = VersionRef(self, live_version_id)
        self._target = None

    def _real(self):
        if self._target is None:
            self._target = selectors.article_for_page(slug=self.slug)
        return self._target


class VersionRef(_Loaded):
    """The live version of an :class:`ArticleRef`: its ``pk`` at once, the rest from the row."""

    def __init__(self, article: ArticleRef, pk: int):
        self.pk = self.id = pk
        self._article = article

    def _real(self):
        return self._article._real().live_version


def _key(slug: str) -> str:
    return f"bonespine:route:article:{hashlib.blake2b(slug.encode(), digest_size=12).hexdigest()}"


def _names(pk: int) -> tuple[str, str]:
    return pagecache.SITE, f"article:{pk}"


def article_for_page(request, slug: str):
    """The published article at ``slug`` for its page: an :class:`ArticleRef` from the route
    while it is valid, else the row (``selectors.article_for_page``, Http404 when there is
    none), whose route is then kept unless a change committed while it was read."""
    key = _key(slug)
    route = pagecache.get_many([key]).get(key)
    if route is not None:
        recorded, fields = route
        article = ArticleRef(**fields)
        # One round trip for the route's and the page's generations (pagecache.page_shows).
        pagecache.generations(request, *recorded, *page_dependencies(article))
        if pagecache.still_valid(request, recorded):
            return article
    epoch = pagecache.epoch()
    article = selectors.article_for_page(slug=slug)
    article.tag_ids = selectors.article_tag_ids(article=article)
    recorded = pagecache.generations(request, *_names(article.pk))
    fields = {"pk": article.pk, "slug": article.slug, "category_id": article.category_id,
              "live_version_id": article.live_version_id, "tag_ids": article.tag_ids}
    # The generations were read after the row: keep the route only if nothing was bumped
    # since before it (the epoch moves first with every bump).
    if pagecache.epoch() == epoch:
        pagecache.store(key, (recorded, fields))
    return article


def page_dependencies(article) -> tuple[str, ...]:
    """What an article's page shows besides ``site``: the article, its category's and tags'
    articles (related articles), the sidebar."""
    return (f"article:{article.pk}", f"category:{article.category_id}", pagecache.SIDEBAR,
            *(f"tag:{pk}" for pk in article.tag_ids))
