"""``/sitemap.xml``: articles, categories, authors, tags and the static pages.

Each section costs one query whatever the number of rows: ``items()`` returns a list,
so the paginator counts it with ``len()`` instead of a ``COUNT`` query (fine far below
the 50,000 URLs a sitemap may hold).
Addresses use the host the sitemap was requested on (``RequestSite``), not the
``Site`` row, so development, staging and production each list their own URLs.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sites.requests import RequestSite
from django.urls import reverse
from django.views.decorators.http import require_safe

from . import selectors


class RequestHostSitemap(Sitemap):
    """A sitemap whose absolute URLs use the given (request) site instead of the ``Site`` row."""

    def __init__(self, site=None):
        self.request_site = site

    def get_urls(self, page=1, site=None, protocol=None):
        return super().get_urls(page=page, site=self.request_site or site, protocol=protocol)


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
    site = RequestSite(request)
    return sitemap_views.sitemap(request, sitemaps={name: cls(site) for name, cls in SITEMAPS.items()})
