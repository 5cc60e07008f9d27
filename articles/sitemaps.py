"""``/sitemap.xml``: articles, categories, authors, tags and the static pages.

Each section costs one query whatever the number of rows: ``items()`` returns a list,
so the paginator counts it with ``len()`` instead of a ``COUNT`` query (fine far below
the 50,000 URLs a sitemap may hold).
Addresses use the configured site address (``BONESPINE_SITE_URL``: its scheme and host),
never the request's ``Host`` header nor the ``Site`` row, like every absolute URL
(:mod:`articles.structured_data`).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.urls import reverse
from django.views.decorators.http import require_safe

from . import selectors


@dataclass(frozen=True)
class ConfiguredSite:
    """What the sitemap framework reads of a site (``domain``), from ``settings.SITE_URL``."""

    domain: str
    protocol: str

    @classmethod
    def from_settings(cls) -> ConfiguredSite:
        parts = urlsplit(settings.SITE_URL)
        return cls(domain=parts.netloc, protocol=parts.scheme)


class RequestHostSitemap(Sitemap):
    """A sitemap whose absolute URLs use the configured site address instead of the ``Site``
    row or the request (the name is historical)."""

    def __init__(self, site: ConfiguredSite | None = None):
        self.configured_site = site or ConfiguredSite.from_settings()

    def get_urls(self, page=1, site=None, protocol=None):
        site = self.configured_site
        return super().get_urls(page=page, site=site, protocol=site.protocol)


class ArticleSitemap(RequestHostSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return list(selectors.sitemap_articles())

    def lastmod(self, article):
        return article.last_updated


class CategorySitemap(RequestHostSitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return list(selectors.sitemap_categories())

    def lastmod(self, category):
        return category.last_change


class AuthorSitemap(RequestHostSitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        return list(selectors.sitemap_authors())


class TagSitemap(RequestHostSitemap):
    changefreq = "weekly"
    priority = 0.3

    def items(self):
        return list(selectors.sitemap_tags())

    def location(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})


class StaticSitemap(RequestHostSitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return selectors.sitemap_static_pages()

    def location(self, path):
        return path


SITEMAPS = {
    "static": StaticSitemap,
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
    "authors": AuthorSitemap,
    "tags": TagSitemap,
}


@require_safe
def sitemap(request):
    site = ConfiguredSite.from_settings()
    return sitemap_views.sitemap(request, sitemaps={name: cls(site) for name, cls in SITEMAPS.items()})
