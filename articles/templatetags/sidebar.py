from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .. import pagecache, selectors

register = template.Library()


def sidebar_context(article=None, author=None) -> dict:
    return {
        "sidebar_author": selectors.featured_author(article=article, author=author),
        "categories": selectors.categories_with_counts(),
        "featured": selectors.featured_articles(limit=5, exclude_pk=getattr(article, "pk", None)),
        "popular": selectors.popular_articles(limit=4),
    }


def sidebar_key(request, article, author) -> str:
    stamp = pagecache.stamp(pagecache.generations(request, pagecache.SITE, pagecache.SIDEBAR))
    return f"bonespine:sidebar:{stamp}:{getattr(article, 'pk', 0)}:{getattr(author, 'pk', 0)}"


@register.simple_tag(takes_context=True)
def sidebar(context, article=None, author=None):
    """The primary sidebar: know your author, explore articles, featured, popular.

    "Know your author" shows the author of the page being read: ``article``'s author on an
    article page, ``author`` on an author page, a featured author elsewhere. The sidebar is
    the same for every page of one article, of one author, or every other page, so its
    HTML is kept in the cache under that article or author and the generations of ``site``
    and ``sidebar`` (articles/pagecache.py): a change that moves the counts or the lists
    rebuilds it, and the popular list in it lags by at most ``BONESPINE_POPULAR_SECONDS``.
    """
    request = context.get("request")
    html = pagecache.fragment(
        request, sidebar_key(request, article, author),
        lambda: render_to_string("includes/sidebar.html", sidebar_context(article, author)),
        seconds=getattr(settings, "BONESPINE_POPULAR_SECONDS", 120),
    )
    return mark_safe(html)  # our own template's output
