"""Markdown rendering, HTML sanitizing, anchors and Vancouver-style references.

Author text is rendered once (when it is saved) and the stored HTML is what pages
show. Everything goes through :func:`sanitize`, an nh3 (Ammonia) allow-list: no
script, no event handlers, no ``style``, and only http(s)/mailto links.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import markdown
import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString
from django.utils.text import Truncator, slugify

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "b", "em", "i", "u", "sub", "sup", "small", "mark", "abbr",
    "a", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "code", "pre",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "caption",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
MARKDOWN_EXTENSIONS = ["tables", "sane_lists", "abbr", "def_list", "fenced_code"]

RESERVED_ANCHORS = {"contents", "references", "main-content", "primary-navigation", "primary-sidebar",
                    "site-search", "about-author", "tags", "review", "feedback", "related-title", "toc-title", "toc-list",
                    "article-title"}

_HEADING_RE = re.compile(r"<(/?)h([1-6])(\s[^>]*)?>", re.IGNORECASE)


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _demote_headings(html: str, top_level: int = 3) -> str:
    """Headings inside a body sit below the section's h2: # → h3, ## → h4 …"""

    def repl(match: re.Match) -> str:
        level = min(int(match.group(2)) + top_level - 1, 6)
        return f"<{match.group(1)}h{level}{match.group(3) or ''}>"

    return _HEADING_RE.sub(repl, html)


def render_markdown(text: str) -> str:
    """Markdown → sanitized HTML (raw HTML in the source is escaped-or-stripped by nh3)."""
    if not text or not text.strip():
        return ""
    html = markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS, output_format="html")
    return sanitize(_demote_headings(html))


def plain_text(html_or_text: str) -> str:
    """Text without tags and with entities decoded (templates escape it again when shown)."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(html_or_text or ""))).strip()


def excerpt(html: str, words: int = 30) -> str:
    return Truncator(plain_text(html)).words(words, truncate="…")


def make_anchor(heading: str, taken: set[str]) -> str:
    """A URL fragment for a heading, unique among ``taken`` and the page's own ids."""
    base = slugify(heading)[:70].strip("-") or "section"
    if base[0].isdigit():
        base = f"s-{base}"
    candidate, n = base, 2
    while candidate in taken or candidate in RESERVED_ANCHORS:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


# --- References -------------------------------------------------------------------

# The citation itself (every type, Vancouver as Citing Medicine sets it out) lives in
# ``articles/citations.py``; these names stay for the callers (snapshots, versions).

def vancouver_text(ref) -> str:
    from .citations import citation_text

    return citation_text(ref)


def doi_url(doi: str) -> str:
    return "https://doi.org/" + quote(doi, safe="/:;()[]._-+")


def pubmed_url(pmid: str) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{quote(pmid, safe='')}/"


def web_url(url: str) -> str:
    """``url`` if it is an http(s) address (the only links a reference may carry), else ""."""
    return url if (url or "").lower().startswith(("https://", "http://")) else ""


def reference_url(reference) -> str:
    """The best link for a reference (a Reference, or a dict of a version's content): DOI, PubMed, else its URL."""
    get = reference.get if isinstance(reference, dict) else lambda name: getattr(reference, name, "")
    if get("doi"):
        return doi_url(get("doi"))
    if get("pmid"):
        return pubmed_url(get("pmid"))
    return web_url(get("url") or "")


def vancouver_html(ref) -> SafeString:
    from .citations import citation_html

    return citation_html(ref)
