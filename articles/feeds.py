"""RSS 2.0 and Atom feeds: the latest published articles, site-wide and per category.

Item text comes from the live (signed-off) version; the feed framework escapes it.
Links use the configured site address (``BONESPINE_SITE_URL``), never the request's host
nor the ``Site`` row, like the sitemap (:func:`articles.structured_data.absolute_url`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from . import selectors, structured_data
from .models import Category

# XML 1.0 cannot carry most control characters (e.g. Word's manual line break U+000B).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def feed_text(value: str) -> str:
    return _CONTROL.sub(" ", value or "")


@dataclass(frozen=True)
class FeedScope:
    """What one feed request is about: the request (its path) and the category, if any."""

    request: HttpRequest
    category: Category | None = None

    def absolute(self, location: str) -> str:
        return structured_data.absolute_url(self.request, location)


class LatestArticlesFeed(Feed):
    feed_type = Rss201rev2Feed
    language = "en-gb"

    def get_object(self, request, *args, **kwargs):
        return FeedScope(request=request)

    def title(self, scope):
        return f"{settings.SITE_NAME}: latest articles"

    def description(self, scope):
        return f"{settings.SITE_TAGLINE}: new and updated articles, each medically reviewed."

    def link(self, scope):
        return scope.absolute(reverse("articles:home"))

    def feed_url(self, scope):
        return scope.absolute(scope.request.path)

    def items(self, scope):
        articles = list(selectors.feed_articles(category=scope.category))
        for article in articles:
            article.feed_link = scope.absolute(article.get_absolute_url())
        return articles

    def item_title(self, article):
        # RSS readers render titles as HTML: escape (as Django's default item_title does);
        # Atom titles are declared plain text, so they stay as they are.
        title = feed_text(article.live_version.title)
        return title if issubclass(self.feed_type, Atom1Feed) else escape(title)

    def item_description(self, article):
        # Readers treat the description as HTML; the excerpt is plain text, so escape it.
        return escape(feed_text(article.live_version.excerpt))

    def item_link(self, article):
        return article.feed_link

    def item_pubdate(self, article):
        return article.first_published_at

    def item_updateddate(self, article):
        return article.last_updated

    def item_author_name(self, article):
        return feed_text(article.author.name)

    def item_categories(self, article):
        return [feed_text(article.category.name)]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed

    def subtitle(self, scope):
        return self.description(scope)


class CategoryMoved(Exception):
    """The feed was asked for by a category's old slug; ``category`` is where it lives now."""

    def __init__(self, category: Category):
        super().__init__(category.slug)
        self.category = category


class CategoryFeed(LatestArticlesFeed):
    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except CategoryMoved as moved:  # an old address: 301 to the same feed at the current one
            name = f"{request.resolver_match.namespace}:{request.resolver_match.url_name}"
            return HttpResponsePermanentRedirect(reverse(name, kwargs={"slug": moved.category.slug}))

    def get_object(self, request, slug):
        try:
            category = selectors.category_for_page(slug=slug)
        except Http404:
            moved = selectors.redirect_for_old_category_slug(slug=slug)
            if moved is None:
                raise
            raise CategoryMoved(moved)
        return FeedScope(request=request, category=category)

    def title(self, scope):
        return feed_text(f"{settings.SITE_NAME}: {scope.category.name}")

    def description(self, scope):
        text = scope.category.description or f"Latest {settings.SITE_NAME} articles in {scope.category.name}."
        return escape(feed_text(text))

    def link(self, scope):
        return scope.absolute(scope.category.get_absolute_url())


class CategoryAtomFeed(CategoryFeed):
    feed_type = Atom1Feed

    def subtitle(self, scope):
        return self.description(scope)
