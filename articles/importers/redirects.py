"""Old WordPress addresses answer 301 to their new home.

:class:`LegacyRedirectMiddleware` looks at requests the site itself cannot answer (404)
— and at the front page's ``?p=123`` / ``?page_id=`` / ``?cat=`` / ``?tag=`` links — and
finds the :class:`~articles.importers.models.LegacyPath` of the address. An article's old
address answers 301 only once the article is public (or withdrawn: its page then says 410
Gone); before that it stays 404, so a draft's existence is never revealed. Categories and
tags answer 301 at once. It never hides a page of the site: it acts on 404s only.
"""

from __future__ import annotations

from django.http import HttpResponsePermanentRedirect

from .. import selectors
from ..models import Article

FRONT_PAGE_QUERIES = ("p", "page_id", "cat", "tag")


def legacy_location(path: str) -> str | None:
    """Where the old address ``path`` (path, or ``/?p=…``) leads now, or ``None`` (stay 404)."""
    from .models import LegacyPath

    row = LegacyPath.objects.for_path(path).first()
    if row is None:
        return None
    if row.article_id is not None:
        article = row.article
        if Article.objects.published().filter(pk=article.pk).exists() or \
                selectors.withdrawn_articles().filter(pk=article.pk).exists():
            return article.get_absolute_url()
        return None
    if row.category_id is not None:
        return row.category.get_absolute_url()
    from django.urls import reverse

    return reverse("articles:tag", kwargs={"slug": row.tag.slug})


def _front_page_query(request) -> str | None:
    if request.path != "/":
        return None
    for name in FRONT_PAGE_QUERIES:
        value = request.GET.get(name, "")
        if value:
            return f"/?{name}={value}"
    return None


class LegacyRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and (query := _front_page_query(request)):
            location = legacy_location(query)
            if location:
                return HttpResponsePermanentRedirect(location)
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        location = legacy_location(request.path)
        return HttpResponsePermanentRedirect(location) if location else response
