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


def article_extras(request, article) -> dict:
    """{"tags": html, "related": html} for ``article`` (cached; computed once per request)."""
    extras = getattr(article, "_page_extras", None)
    if extras is None:
        key = f"bonespine:article-extras:{pagecache.generation_for(request)}:{article.pk}"
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


@register.simple_tag(takes_context=True)
def article_tags(context, article):
    return mark_safe(article_extras(context.get("request"), article)["tags"])  # noqa: S308 - rendered by our template


@register.simple_tag(takes_context=True)
def related_articles(context, article):
    return mark_safe(article_extras(context.get("request"), article)["related"])  # noqa: S308 - rendered by our template


@register.simple_tag(takes_context=True)
def article_cards(context, items, level=3):
    """The cards of a listing (``includes/article_card.html``), each rendered once per content
    generation and kept in the cache: one ``get_many`` per listing, only missing cards are
    rendered. A card's key includes its view count where the listing shows one (popular)."""
    items = list(items)
    if not items:
        return ""
    generation = pagecache.generation_for(context.get("request"))
    keys = [
        f"bonespine:card:{generation}:{item.pk}:{level}:{getattr(item, 'view_total', '') or ''}" for item in items
    ]
    found = cache.get_many(keys)
    missing = {}
    for key, item in zip(keys, items):
        if key not in found:
            found[key] = missing[key] = render_to_string("includes/article_card.html", {"item": item, "level": level})
    if missing:
        cache.set_many(missing, pagecache.timeout())
    return mark_safe("".join(found[key] for key in keys))  # noqa: S308 - rendered by our template
