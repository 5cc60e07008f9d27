from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("includes/sidebar.html")
def sidebar(article=None):
    """The primary sidebar: know your author, explore articles, featured, popular."""
    return {
        "sidebar_author": selectors.featured_author(article=article),
        "categories": selectors.categories_with_counts(),
        "featured": selectors.featured_articles(limit=5, exclude_pk=getattr(article, "pk", None)),
        "popular": selectors.popular_articles(limit=4),
    }
