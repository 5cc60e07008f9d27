"""Parts of the article page that are not the signed-off version: its tags and its related
articles. They change when other content changes, so they are rendered once per content
generation (articles/pagecache.py) and article, kept in the cache, and shared by every
request until the next change: an uncached article page then reads one row (the article
with its live version, whose body was rendered when it was frozen) and these fragments."""

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .. import pagecache, selectors

register = template.Library()


def article_extras(article) -> dict:
    """{"tags": html, "related": html} for ``article`` (cached; computed once per request)."""
    extras = getattr(article, "_page_extras", None)
    if extras is None:
        key = f"bonespine:article-extras:{pagecache.generation()}:{article.pk}"
        extras = cache.get(key)
        if extras is None:
            tags = list(article.tags.all())
            related = list(selectors.related_articles(article=article))
            extras = {
                "tags": render_to_string("articles/includes/article_tags.html", {"article": article, "tags": tags}),
                "related": render_to_string("articles/includes/article_related.html", {"related": related}),
            }
            cache.set(key, extras, pagecache.timeout())
        article._page_extras = extras
    return extras


@register.simple_tag
def article_tags(article):
    return mark_safe(article_extras(article)["tags"])  # noqa: S308 - rendered by our template


@register.simple_tag
def related_articles(article):
    return mark_safe(article_extras(article)["related"])  # noqa: S308 - rendered by our template
