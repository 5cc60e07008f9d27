"""Safe output of stored data: links and static-page HTML.

``safe_url`` is the one check every URL that comes from stored data passes before it is
rendered — in templates (``{{ author.website|safe_url }}``), feeds and JSON-LD
(:mod:`articles.structured_data`). Forms validate URLs on the way in, but rows also arrive
through restores, importers and the shell, so the check is made again on the way out.

``static_page_html`` is a static page's (flatpage's) content through the same allow-list
sanitizer as article bodies, with h2 sub-headings (:func:`articles.rendering.sanitize_page`).
"""

from __future__ import annotations

import re

from django import template
from django.utils.safestring import SafeString

register = template.Library()

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# Browsers drop ASCII tab and newline anywhere in a URL and C0 controls and spaces at its ends
# (WHATWG URL parsing), so "java\nscript:" and " javascript:" run as javascript:. The ends are
# trimmed here as a browser would; anything of the kind left inside refuses the URL.
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028\u2029\u202f\u205f\u3000\ufeff]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def safe_url(value) -> str:
    """``value`` if it is an absolute http, https or mailto URL, else "".

    Anything with control characters or white space (after the tabs and newlines a browser
    would drop, and the spaces it would trim, are considered), no scheme, or another scheme
    (``javascript:``, ``data:``, ``vbscript:``, ``file:``…) gives "".
    """
    if not value:
        return ""
    text = str(value).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14"
                            "\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    if _CONTROL_OR_SPACE.search(text):  # "java\nscript:", "https://a b", zero-width spaces…
        return ""
    match = _SCHEME.match(text)
    if not match or match.group(1).lower() not in SAFE_SCHEMES:
        return ""
    if match.group(1).lower() in ("http", "https") and not text[match.end():].startswith("//"):
        return ""
    return text


@register.filter(name="safe_url")
def safe_url_filter(value) -> str:
    return safe_url(value)


@register.filter
def static_page_html(value) -> SafeString:
    """A static page's stored HTML, sanitized with the article bodies' allow-list, marked safe."""
    from articles import staticpages

    return staticpages.sanitized(value)
