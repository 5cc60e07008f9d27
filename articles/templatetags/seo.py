"""Template tags for ``<head>``: captured block text, canonical and absolute URLs, JSON-LD."""

from __future__ import annotations

import html

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .. import pagecache, structured_data
from . import fragments

register = template.Library()


class CaptureTextNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # Blocks render escaped HTML; store the plain text so every later use escapes it once.
        context[self.name] = html.unescape(self.nodelist.render(context)).strip()
        return ""


@register.tag
def capture_text(parser, token):
    """``{% capture_text name %}…{% endcapture_text %}``: the enclosed output as plain text in ``name``.

    base.html wraps overridable blocks (title, description, og_image …) with it so one
    block feeds several tags (``<title>``, ``og:title``, ``twitter:title``). The text is
    HTML-unescaped and *not* marked safe: ``{{ name }}`` escapes it again.
    """
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes one argument: the variable name")
    nodelist = parser.parse(("endcapture_text",))
    parser.delete_first_token()
    return CaptureTextNode(nodelist, bits[1])


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's canonical address (``?page=N`` kept beyond page 1 of a listing); empty without a request."""
    request = context.get("request")
    if request is None:
        return ""
    page_obj = context.get("page_obj")
    return structured_data.canonical_url(request, getattr(page_obj, "number", None))


@register.simple_tag(takes_context=True)
def absolute_url(context, location):
    """``location`` as an absolute URL on the request's host (empty when ``location`` is)."""
    request = context.get("request")
    if not location or request is None:
        return location or ""
    return structured_data.absolute_url(request, location)


@register.simple_tag(takes_context=True)
def article_jsonld(context, article, page=None):
    """``<script type="application/ld+json">`` with the article's MedicalWebPage and BreadcrumbList."""
    request = context.get("request")
    if request is None or article is None:
        return ""
    if page is None or page.pk == article.live_version_id:
        # The live page's JSON-LD shows the article's row, people and category (``site``),
        # all under the article's generation: kept in the cache until one of them changes.
        markup = pagecache.fragment(request, fragments.jsonld_key(request, article),
                                    lambda: _jsonld_markup(request, article, page))
        return mark_safe(markup)  # noqa: S308 - built by format_html below
    return _jsonld_markup(request, article, page)


def _jsonld_markup(request, article, page) -> str:
    data = structured_data.article_jsonld(request, article, page)
    return format_html('<script type="application/ld+json">{}</script>', structured_data.json_ld_dumps(data))
