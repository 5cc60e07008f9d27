"""A WordPress post's HTML → Bonespine's lead, sections and references.

Classic-editor text (paragraphs separated by blank lines) and block-editor HTML
(``<!-- wp:… -->`` comments) are both accepted. Text before the first ``<h2>`` is the
lead (when it is long, its first paragraph is the lead and the rest an "Introduction"
section); each ``<h2>`` starts a section; a section headed References, Bibliography,
Sources or Further reading becomes the reference list. Shortcodes, inline images and
embeds are removed and reported. Every lead and body goes through
:func:`articles.rendering.sanitize`, the allow-list the rich-text editor uses.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .. import rendering
from .references import is_reference_heading, parse_references

LEAD_MAX_WORDS = 80  # a longer opening keeps its first paragraph as the lead
HEADING_MAX = 200  # Section.heading
INTRODUCTION = "Introduction"

# --- Shortcodes --------------------------------------------------------------------

#: Shortcodes removed with what they enclose (their content is not text of the article).
ENCLOSING_DROPPED = {"caption", "wp_caption", "embed", "gallery", "video", "audio", "playlist", "ez-toc", "toc",
                     "table-of-contents", "lwptoc", "contact-form-7", "contact-form", "wpforms", "ad", "adsense"}
#: Bracketed words of citations and prose that are not shortcodes ("[Internet]", "[cited 2024 Jan 5]").
NOT_SHORTCODES = {"internet", "cited", "updated", "accessed", "monograph", "serial", "abstract", "letter", "editorial",
                  "dissertation", "homepage", "database", "cd-rom", "epub", "published", "erratum", "retracted",
                  "comment", "preprint", "sic", "online", "review", "table", "figure", "note", "citation needed"}

_SHORTCODE = re.compile(r"\[(?P<close>/)?(?P<name>[a-z][a-z0-9_-]*)(?P<args>(?:\s[^\[\]]*)?)(?P<self>/)?\]")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:")


def _is_shortcode(match: re.Match) -> bool:
    name, args = match.group("name"), match.group("args").strip()
    if name in ENCLOSING_DROPPED:
        return True
    if name in NOT_SHORTCODES or (name + " " + args).strip().split(" ")[0] in NOT_SHORTCODES:
        return False
    # WordPress shortcodes are lower-case words with no arguments or key="value" arguments.
    return not args or "=" in args


def remove_shortcodes(text: str) -> tuple[str, list[str]]:
    """Remove shortcodes; return the text and the names removed (in order, once each).

    ``[caption]…[/caption]``, ``[embed]…[/embed]`` and the like go with their content; the
    content of other enclosing shortcodes (``[box]Text[/box]``) is kept as text.
    """
    removed: list[str] = []

    def note(name: str) -> None:
        if name not in removed:
            removed.append(name)

    for name in ENCLOSING_DROPPED:
        pattern = re.compile(r"\[" + re.escape(name) + r"(?:\s[^\]]*)?\].*?\[/" + re.escape(name) + r"\]",
                             re.DOTALL | re.IGNORECASE)
        if pattern.search(text):
            note(name)
            text = pattern.sub("", text)

    def repl(match: re.Match) -> str:
        if not _is_shortcode(match):
            return match.group(0)
        note(match.group("name"))
        return ""

    return _SHORTCODE.sub(repl, text), removed


# --- Classic editor paragraphs -----------------------------------------------------------

_BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "dl", "table", "blockquote", "div", "pre",
               "figure", "hr", "section", "address", "form", "fieldset")
_BLOCK_BOUNDARY = re.compile(r"(<(?:" + "|".join(_BLOCK_TAGS) + r")\b[^>]*>|</(?:" + "|".join(_BLOCK_TAGS) + r")>)",
                             re.IGNORECASE)
_STARTS_WITH_BLOCK = re.compile(r"^\s*</?(?:" + "|".join((*_BLOCK_TAGS, "li", "tr", "td", "th", "thead", "tbody",
                                                         "dt", "dd", "caption")) + r")\b", re.IGNORECASE)


def autop(text: str) -> str:
    """WordPress's wpautop in short: blank-line-separated text becomes paragraphs, single
    line breaks inside a paragraph become ``<br>``; block elements are left as they are."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _BLOCK_BOUNDARY.sub(lambda m: (f"\n\n{m.group(0)}" if not m.group(0).startswith("</") else f"{m.group(0)}\n\n"),
                               text)
    chunks = [chunk.strip() for chunk in re.split(r"\n\s*\n", text)]
    out = []
    for chunk in chunks:
        if not chunk:
            continue
        if _STARTS_WITH_BLOCK.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + re.sub(r"\s*\n\s*", "<br>\n", chunk) + "</p>")
    return "\n".join(out)


# --- Top-level blocks ------------------------------------------------------------------

_VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr", "area", "col", "embed", "param", "track"}


class _BlockSplitter(HTMLParser):
    """Split HTML into its top-level elements; loose text and inline elements between them
    become a paragraph."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.blocks: list[str] = []
        self.depth = 0  # inside a top-level block element
        self.inline_depth = 0  # inside a top-level inline element
        self.current: list[str] = []
        self.loose: list[str] = []

    def _flush_loose(self):
        text = "".join(self.loose).strip()
        if rendering.plain_text(text):
            self.blocks.append(f"<p>{text}</p>")
        self.loose = []

    def handle_starttag(self, tag, attrs):
        raw = self.get_starttag_text() or f"<{tag}>"
        if self.depth:
            self.current.append(raw)
            if tag not in _VOID:
                self.depth += 1
        elif self.inline_depth or tag in _INLINE:
            self.loose.append(raw)
            if tag not in _VOID:
                self.inline_depth += 1
        else:
            self._flush_loose()
            if tag in _VOID:
                self.blocks.append(raw)
            else:
                self.current, self.depth = [raw], 1

    def handle_startendtag(self, tag, attrs):
        if tag in _VOID:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if self.depth:
            self.current.append(f"</{tag}>")
            self.depth -= 1
            if not self.depth:
                self.blocks.append("".join(self.current))
                self.current = []
        elif self.inline_depth:
            self.loose.append(f"</{tag}>")
            self.inline_depth -= 1

    def _data(self, text):
        (self.current if self.depth else self.loose).append(text)

    def handle_data(self, data):
        self._data(data)

    def handle_entityref(self, name):
        self._data(f"&{name};")

    def handle_charref(self, name):
        self._data(f"&#{name};")

    def close(self):
        super().close()
        if self.current:
            self.blocks.append("".join(self.current))
        self._flush_loose()


_INLINE = {"a", "abbr", "b", "strong", "i", "em", "u", "sub", "sup", "small", "mark", "code", "span", "br"}


def top_level_blocks(fragment: str) -> list[str]:
    splitter = _BlockSplitter()
    splitter.feed(fragment)
    splitter.close()
    return [block for block in splitter.blocks if rendering.plain_text(block) or "<hr" in block]


# --- The conversion ------------------------------------------------------------------

_SECTION_HEADING = re.compile(r"<h[12]\b[^>]*>(.*?)</h[12]\s*>", re.DOTALL | re.IGNORECASE)
_FIGURE = re.compile(r"<figure\b[^>]*>.*?</figure\s*>", re.DOTALL | re.IGNORECASE)
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_EMBEDS = re.compile(r"<(iframe|video|audio|object|embed|script|style|form)\b.*?(?:</\1\s*>|/>|$)", re.DOTALL | re.IGNORECASE)
_SRC = re.compile(r"""\bsrc\s*=\s*["']([^"']+)""", re.IGNORECASE)
_REVIEWED_BY = re.compile(r"\b(?:medically\s+)?reviewed\s+by\s*:?\s*((?:Dr\.?|Doctor|Prof\.?|Professor)\s+[^.<\n,;|]{2,80})",
                          re.IGNORECASE)
_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p\s*>", re.DOTALL | re.IGNORECASE)


@dataclass
class Converted:
    lead: str = ""
    sections: list[dict] = field(default_factory=list)  # {"heading", "body"}
    references: list[dict] = field(default_factory=list)  # Reference field values
    warnings: list[str] = field(default_factory=list)
    reviewed_by: list[str] = field(default_factory=list)


def _remove_media(text: str, result: Converted) -> str:
    images: list[str] = []

    def figure(match: re.Match) -> str:
        if _IMG.search(match.group(0)):
            images.extend(_SRC.findall(match.group(0)) or ["(no address)"])
            return ""
        return match.group(0)

    text = _FIGURE.sub(figure, text)
    for tag in _IMG.findall(text):
        images.extend(_SRC.findall(tag) or ["(no address)"])
    text = _IMG.sub("", text)
    if images:
        shown = ", ".join(images[:3]) + (f" and {len(images) - 3} more" if len(images) > 3 else "")
        result.warnings.append(f"{len(images)} inline image(s) not imported (only the featured image is): {shown}")
    embedded = sorted({m.group(1).lower() for m in _EMBEDS.finditer(text)})
    if embedded:
        result.warnings.append("Embedded content removed: " + ", ".join(f"<{name}>" for name in embedded))
        text = _EMBEDS.sub("", text)
    return text


def _remove_review_claims(text: str, result: Converted) -> str:
    """Report "Medically reviewed by Dr …"; a paragraph that says only that is removed
    (Bonespine shows its own, signed-off reviewer)."""
    for match in _REVIEWED_BY.finditer(rendering.plain_text(text)):
        result.reviewed_by.append(match.group(1).strip())

    def paragraph(match: re.Match) -> str:
        words = rendering.plain_text(match.group(1))
        return "" if _REVIEWED_BY.search(words) and len(words.split()) <= 25 else match.group(0)

    return _PARAGRAPH.sub(paragraph, text)


def convert(content: str, *, excerpt: str = "") -> Converted:
    """Convert one post's ``content:encoded`` (and its excerpt, used when there is no lead)."""
    result = Converted()
    text = content or ""
    block_editor = bool(_BLOCK_COMMENT.search(text))
    text = _COMMENT.sub("", text)
    text = _remove_media(text, result)  # first: a [caption] holds an inline image
    text, shortcodes = remove_shortcodes(text)
    if shortcodes:
        result.warnings.append("Shortcodes removed: " + ", ".join(f"[{name}]" for name in shortcodes))
    if not block_editor:
        text = autop(text)
    text = _remove_review_claims(text, result)

    parts = _SECTION_HEADING.split(text)  # [before, heading1, body1, heading2, body2, ...]
    opening, pairs = parts[0], list(zip(parts[1::2], parts[2::2]))
    sections: list[dict] = []
    for heading_html, body in pairs:
        heading = rendering.plain_text(heading_html)
        if not heading:
            result.warnings.append("An empty heading was skipped (its text joined the part before it).")
            if sections:
                sections[-1]["body"] += body
            else:
                opening += body
            continue
        if is_reference_heading(heading):
            references, notes = parse_references(body)
            result.references.extend(references)
            result.warnings.extend(notes)
            continue
        if len(heading) > HEADING_MAX:
            result.warnings.append(f"Heading shortened to {HEADING_MAX} characters: “{heading[:40]}…”")
            heading = heading[: HEADING_MAX - 1].rstrip() + "…"
        sections.append({"heading": heading, "body": body})

    blocks = top_level_blocks(opening)
    lead_blocks, intro_blocks = blocks, []
    if len(rendering.plain_text(opening).split()) > LEAD_MAX_WORDS and len(blocks) > 1:
        lead_blocks, intro_blocks = blocks[:1], blocks[1:]
    result.lead = rendering.sanitize("\n".join(lead_blocks))
    if not result.lead and excerpt.strip():
        result.lead = rendering.sanitize(autop(html.escape(rendering.plain_text(excerpt))))
        result.warnings.append("No text before the first heading: the lead is the post's excerpt.")
    if intro_blocks:
        sections.insert(0, {"heading": INTRODUCTION, "body": "\n".join(intro_blocks)})

    for section in sections:
        body = rendering.sanitize(section["body"])
        if not rendering.plain_text(body):
            result.warnings.append(f"Heading “{section['heading']}” skipped: there is no text under it.")
            continue
        result.sections.append({"heading": section["heading"], "body": body})
    if not result.lead:
        result.warnings.append("No lead: write one before sending the article for review.")
    if not result.sections:
        result.warnings.append("No sections (the post has no <h2> headings with text): add at least one before review.")
    if result.reviewed_by:
        names = "; ".join(dict.fromkeys(result.reviewed_by))
        result.warnings.append(f"The post says it was medically reviewed by {names}. This is not a Bonespine sign-off: "
                               "the article needs a medical review here before it can be published.")
    return result
