"""Rich text: the one allow-list shared by the editor and the sanitizer, in-text
citations, anchors and the links of references.

Leads and section bodies are written in the rich-text editor (django-prose-editor)
and stored as HTML. :data:`EDITOR_EXTENSIONS` says what the editor can produce; the
nh3 (Ammonia) allow-list of :func:`sanitize` is *derived from the same dictionary*
(django-prose-editor's ``allowlist_from_extensions``), so the two can never disagree:
no script, no event handlers, no ``style``, no classes but ours, only http(s)/mailto
links, each carrying ``rel="noopener"``.

An in-text citation is stored as ``<span class="citation" data-refs="KEY KEY"></span>``:
stable reference keys, never a typed number. :func:`resolve_citations` numbers them in
the order of first citation when a version is frozen.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import quote

import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString
from django.utils.text import Truncator, slugify

URL_SCHEMES = {"http", "https", "mailto"}

#: What the editor offers (django-prose-editor extension names → their options). Toolbar:
#: paragraph, sub-headings h3/h4 (a section's own heading is the h2), bold, italic,
#: superscript/subscript, bullet and numbered lists, links, blockquote, simple tables and
#: the citation button. The sanitizer's allow-list is computed from this dictionary.
EDITOR_EXTENSIONS = {
    "Heading": {"levels": [3, 4]},
    "Bold": True,
    "Italic": True,
    "Superscript": True,
    "Subscript": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "HardBreak": True,
    "Link": {
        "enableTarget": False,
        "protocols": sorted(URL_SCHEMES),
        "HTMLAttributes": {"rel": "noopener", "target": None},
    },
    "Blockquote": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "Citation": True,
    "PasteCleanup": True,
    # The browser's spelling check stays on (the package switches it off by default).
    "NoSpellCheck": False,
}
EDITOR_CONFIG = {"extensions": EDITOR_EXTENSIONS}

CITATION_CLASS = "citation"


def process_citation(config, shared_config) -> None:
    """The allow-list part of our Citation extension: ``<span class="citation" data-refs>``."""
    shared_config["tags"].add("span")
    shared_config["attributes"].setdefault("span", set()).add("data-refs")
    shared_config.setdefault("allowed_classes", {}).setdefault("span", set()).add(CITATION_CLASS)


def process_nothing(config, shared_config) -> None:
    """Extensions that only change editing (e.g. paste clean-up) add nothing to the allow-list."""


#: Static pages (about, policies …) are edited with the same editor, without citations, and
#: their sub-headings start at h2 (the page's title is the h1).
PAGE_EDITOR_EXTENSIONS = {
    **{name: config for name, config in EDITOR_EXTENSIONS.items() if name != "Citation"},
    "Heading": {"levels": [2, 3, 4]},
}
PAGE_EDITOR_CONFIG = {"extensions": PAGE_EDITOR_EXTENSIONS}
_OURS = {"Citation": process_citation, "PasteCleanup": process_nothing}


@cache
def allow_list(kind: str = "body") -> dict:
    """The nh3 options of article bodies (``kind="body"``) or static pages (``"page"``), computed
    from the editor's extensions: links restricted to http(s)/mailto with ``rel="noopener"``
    set on every link (the editor writes exactly that)."""
    from django_prose_editor.config import allowlist_from_extensions

    extensions = EDITOR_EXTENSIONS if kind == "body" else PAGE_EDITOR_EXTENSIONS
    options = allowlist_from_extensions({k: v for k, v in extensions.items() if k not in _OURS})
    for name, processor in _OURS.items():
        if name in extensions:
            processor(extensions[name], options)
    options["url_schemes"] = set(URL_SCHEMES)
    options["attributes"]["a"] = {"href", "rel"}
    options["link_rel"] = None
    options["set_tag_attribute_values"] = {"a": {"rel": "noopener"}}
    return options


@cache
def _cleaner(kind: str = "body") -> nh3.Cleaner:
    options = allow_list(kind)
    return nh3.Cleaner(
        tags=options["tags"],
        clean_content_tags={"script", "style", "template", "iframe", "object", "embed", "noscript", "xml"},
        attributes=options["attributes"],
        allowed_classes=options.get("allowed_classes"),
        url_schemes=options["url_schemes"],
        link_rel=None,
        set_tag_attribute_values=options["set_tag_attribute_values"],
        strip_comments=True,
    )


_EMPTY_BLOCK = re.compile(r"^\s*(<p>\s*(<br>)?\s*</p>\s*)*$")
_HEADING_RE = re.compile(r"<(/?)h([1-6])(\s[^>]*)?>", re.IGNORECASE)


def _fit_headings(text: str, top: int = 3) -> str:
    """Headings inside a body sit below the page's own: an article section's body starts at h3
    (h1/h2 → h3), a static page's at h2 (h1 → h2); h5/h6 → h4."""

    def repl(match: re.Match) -> str:
        level = min(max(int(match.group(2)), top), 4)
        return f"<{match.group(1)}h{level}{match.group(3) or ''}>"

    return _HEADING_RE.sub(repl, text)


_BLOCK_TAG = re.compile(r"<(p|h2|h3|h4|ul|ol|blockquote|table)\b")
_SPAN_TAG = re.compile(r"<span\b[^>]*>|</span>")


def _unwrap_spans(text: str) -> str:
    """Keep citation spans; other spans (fonts, colours pasted from Word) give up their text."""
    out, stack, pos = [], [], 0
    for match in _SPAN_TAG.finditer(text):
        out.append(text[pos:match.start()])
        tag = match.group(0)
        if tag == "</span>":
            if stack and stack.pop():
                out.append(tag)
        else:
            keep = f'class="{CITATION_CLASS}"' in tag
            stack.append(keep)
            if keep:
                out.append(tag)
        pos = match.end()
    out.append(text[pos:])
    return "".join(out)


def sanitize(text: str, kind: str = "body") -> str:
    """HTML from the editor (or anywhere else) → the allow-listed HTML that is stored.

    An editor left empty (``<p></p>``) is stored as "". ``kind="page"`` is a static page's
    allow-list (h2 allowed, no citations).
    """
    if not text or _EMPTY_BLOCK.match(text):
        return ""
    cleaned = _unwrap_spans(_cleaner(kind).clean(_fit_headings(text, 3 if kind == "body" else 2))).strip()
    if cleaned and not _BLOCK_TAG.search(cleaned):
        # Text without blocks (the shell, a script, an import, a bare <div>): blank lines separate paragraphs.
        cleaned = "".join(f"<p>{part.strip()}</p>" for part in re.split(r"\n\s*\n", cleaned) if part.strip())
    return cleaned


def sanitize_page(text: str) -> str:
    """A static page's content: the editor's allow-list with h2 sub-headings and no citations."""
    return sanitize(text, kind="page")


#: The ids the page gives citations and references (cite-1, ref-1): never a section's anchor.
_PAGE_IDS = re.compile(r"^(cite|ref)-\d+$")
RESERVED_ANCHORS = {"contents", "references", "main-content", "primary-navigation", "primary-sidebar",
                    "site-search", "about-author", "tags", "review", "feedback", "related-title", "toc-title", "toc-list",
                    "article-title"}


# --- In-text citations ----------------------------------------------------------------

_CITATION_RE = re.compile(r"<span(?=[^>]*\bclass=\"citation\")([^>]*)>(.*?)</span>", re.DOTALL)
_REFS_RE = re.compile(r'\bdata-refs="([^"]*)"')


def citation_keys(text: str) -> list[list[str]]:
    """The keys of each citation in ``text``, in order (one list per citation)."""
    return [(_REFS_RE.search(m.group(1)) or [None, ""])[1].split() for m in _CITATION_RE.finditer(text or "")]


def _number_groups(numbers: list[int]) -> list[tuple[int, int]]:
    """[1, 2, 3, 5] → [(1, 3), (5, 5)]."""
    groups: list[tuple[int, int]] = []
    for n in sorted(set(numbers)):
        if groups and n == groups[-1][1] + 1:
            groups[-1] = (groups[-1][0], n)
        else:
            groups.append((n, n))
    return groups


def _ref_link(n: int) -> str:
    return f'<a href="#ref-{n}" aria-label="reference {n}">{n}</a>'


def citation_html(numbers: list[int], anchor_id: str) -> str:
    """``[1]``, ``[2–4]``, ``[1, 3]``: superscript links to the references (a range of three
    or more shows its ends)."""
    parts = []
    for first, last in _number_groups(numbers):
        if last - first >= 2:
            parts.append(f"{_ref_link(first)}–{_ref_link(last)}")
        else:
            parts.extend(_ref_link(n) for n in range(first, last + 1))
    return f'<sup class="citation" id="{anchor_id}">[{", ".join(parts)}]</sup>'


@dataclass
class ResolvedCitations:
    """Texts with their citations numbered, and the reference order they imply."""

    texts: list[str]
    order: list[str]  # reference keys: cited ones in order of first citation, then the rest
    backlinks: dict[str, list[str]] = field(default_factory=dict)  # key → ids of the citations
    missing: list[str] = field(default_factory=list)  # keys cited that no reference has


def resolve_citations(texts: list[str], reference_keys: list[str]) -> ResolvedCitations:
    """Number the citations of ``texts`` (lead, then sections, in page order).

    References are numbered in the order they are first cited; uncited ones follow in
    list order. A citation of a key no reference has is dropped (never a broken link).
    """
    known = set(reference_keys)
    number: dict[str, int] = {}
    backlinks: dict[str, list[str]] = {}
    missing: list[str] = []
    counter = 0

    def replace(match: re.Match) -> str:
        nonlocal counter
        refs_match = _REFS_RE.search(match.group(1))
        keys = refs_match.group(1).split() if refs_match else []
        present = [k for k in keys if k in known]
        missing.extend(k for k in keys if k not in known and k not in missing)
        if not present:
            return ""
        for key in present:
            number.setdefault(key, len(number) + 1)
        counter += 1
        anchor_id = f"cite-{counter}"
        for key in dict.fromkeys(present):
            backlinks.setdefault(key, []).append(anchor_id)
        return citation_html([number[k] for k in present], anchor_id)

    resolved = [_CITATION_RE.sub(replace, text or "") for text in texts]
    order = sorted(number, key=number.get) + [k for k in reference_keys if k not in number]
    return ResolvedCitations(texts=resolved, order=order, backlinks=backlinks, missing=missing)


def strip_citations(text: str) -> str:
    return _CITATION_RE.sub("", text or "")


def plain_text(html_or_text: str) -> str:
    """Text without tags (citations left out) and with entities decoded (templates escape it
    again when shown). Block ends become spaces, so "<p>One</p><p>Two</p>" reads "One Two"."""
    text = re.sub(r"</(p|h[1-6]|li|td|th|blockquote)>|<br>", " ", strip_citations(html_or_text or ""))
    return re.sub(r"\s+", " ", html.unescape(strip_tags(text))).strip()


def readable_text(html_text: str) -> str:
    """Stored HTML as text a person compares (diffs, history): one line per paragraph,
    heading or list item ("• "), citations as [cite: keys], entities decoded."""
    text = _CITATION_RE.sub(lambda m: f"[cite: {' '.join(citation_keys(m.group(0))[0])}]", html_text or "")
    text = re.sub(r"<li\b[^>]*>", "• ", text)
    text = re.sub(r"</(p|h[1-6]|li|tr|blockquote)>|<br>", "\n", text)
    text = re.sub(r"</t[hd]>", " | ", text)
    text = html.unescape(strip_tags(text))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def excerpt(html: str, words: int = 30) -> str:
    return Truncator(plain_text(html)).words(words, truncate="…")


def anchor_is_reserved(anchor: str) -> bool:
    """Ids the page uses itself (contents, references, cite-1, ref-1 …) or that start with a digit."""
    return anchor in RESERVED_ANCHORS or bool(_PAGE_IDS.match(anchor)) or anchor[:1].isdigit()


def make_anchor(heading: str, taken: set[str]) -> str:
    """A URL fragment for a heading, unique among ``taken`` and the page's own ids."""
    base = slugify(heading)[:70].strip("-") or "section"
    if base[0].isdigit():
        base = f"s-{base}"
    candidate, n = base, 2
    while candidate in taken or anchor_is_reserved(candidate):
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
    """``url`` if it is a safe http(s) address (the only links a reference may carry), else ""
    (the one safe-URL check: no control characters or spaces, no other scheme)."""
    from .templatetags.safeurls import safe_url

    url = safe_url(url)
    return url if url.lower().startswith(("https://", "http://")) else ""


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
