"""Find executable markup in a page: the checks behind the XSS corpus tests.

:func:`scan_html` parses a response with :class:`html.parser.HTMLParser` (which,
like a browser, decodes entities in attribute values) and reports every construct
that could run script, whoever wrote it:

* a ``<script>`` that is not one of the site's own: allowed are ``src`` under
  ``/static/`` (and the admin's ``/admin/jsi18n/``), and data blocks
  (``type="application/ld+json"`` or ``"application/json"``), whose text must be
  valid JSON with no ``</script`` or ``<!--`` in the raw source;
* any ``on*`` attribute;
* a URL attribute (``href``, ``src``, ``action``, ``formaction``, ``xlink:href``,
  ``data``, ``poster``, ``background``, ``srcset``, ``values``, ``to``, ``from``,
  ``by``…) whose value, with whitespace and control characters removed and
  lower-cased, starts with ``javascript:``, ``vbscript:`` or ``data:`` (only
  ``data:image/`` in an ``<img src>`` is allowed, and no page uses it);
* ``srcdoc``; ``style`` attributes or ``<style>`` text with ``expression(``,
  ``javascript:``, ``behavior:``, ``-moz-binding`` or ``@import``;
* the elements ``iframe``, ``frame``, ``frameset``, ``object``, ``embed``,
  ``applet``, ``base``, ``portal``, ``math``, ``foreignobject``, ``set``,
  ``animate*``, ``<meta http-equiv="refresh">``, ``<link rel="import">``, and the
  raw-text elements (``noscript``, ``xmp``…) where parsers disagree;
* ``<![CDATA[`` sections and comments holding markup (a browser may end them
  earlier than this parser does).

Each finding carries its offset in the page, so a test can name the payload that
caused it: the nearest marker word before it (:func:`nearest_marker`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset",
    "values", "to", "from", "by", "lowsrc", "dynsrc", "cite", "longdesc", "ping", "codebase", "archive",
    "manifest", "icon", "itemtype",
}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
FORBIDDEN_ELEMENTS = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal", "math", "foreignobject",
    "set", "animate", "animatemotion", "animatetransform", "handler", "listener",
    # Raw-text elements: browsers (scripting on) and this parser disagree on where they
    # end, the classic mutation-XSS door; no page of the site uses them.
    "noscript", "xmp", "noembed", "noframes", "plaintext", "listing",
}
CSS_DANGER = ("expression(", "javascript:", "vbscript:", "behavior:", "-moz-binding", "@import")
ALLOWED_SCRIPT_SRC = ("/static/", "/admin/jsi18n/")
# "importmap": the rich-text editor's import map (JSON, not executed), checked like the other data blocks.
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json", "importmap"}

_STRIP = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028\u2029\ufeff]+")


def normalise_url(value: str) -> str:
    """What a browser compares against a scheme: no whitespace or control characters, lower case."""
    return _STRIP.sub("", value or "").lower()


@dataclass(frozen=True)
class Finding:
    offset: int
    what: str

    def __str__(self) -> str:
        return self.what


class _Scanner(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.findings: list[Finding] = []
        self.in_script: str | None = None  # "data" for a JSON data block, "code" otherwise
        self.script_start = 0
        self.in_style = False

    def position(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def flag(self, what: str) -> None:
        self.findings.append(Finding(self.position(), what))

    def raw_tag(self) -> str:
        return (self.get_starttag_text() or "")[:160]

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)
        if tag == "script":
            self.in_script = None

    def _check(self, tag, attrs):
        attrs = [(name.lower(), value or "") for name, value in attrs]
        values = dict(attrs)
        raw = self.raw_tag()
        if tag == "script":
            src = values.get("src", "")
            kind = values.get("type", "").strip().lower()
            if src and src.startswith(ALLOWED_SCRIPT_SRC) and kind in ("", "text/javascript", "module"):
                self.in_script = "code-allowed"
            elif not src and kind in DATA_SCRIPT_TYPES:
                self.in_script = "data"
                self.script_start = self.position() + len(self.get_starttag_text() or "")
            else:
                self.in_script = "code"
                self.flag(f"foreign <script>: {raw}")
        if tag == "style":
            self.in_style = True
        if tag in FORBIDDEN_ELEMENTS:
            self.flag(f"forbidden <{tag}>: {raw}")
        if tag == "meta" and values.get("http-equiv", "").strip().lower() == "refresh":
            self.flag(f"meta refresh: {raw}")
        if tag == "link" and "import" in values.get("rel", "").lower().split():
            self.flag(f"link rel=import: {raw}")
        for name, value in attrs:
            if name.startswith("on"):
                self.flag(f"event handler {name}= on <{tag}>: {raw}")
            elif name == "srcdoc":
                self.flag(f"srcdoc on <{tag}>: {raw}")
            elif name in URL_ATTRIBUTES or name.endswith(":href"):
                url = normalise_url(value)
                for candidate in (url, *[part.split(" ")[0] for part in url.split(",")]) if name == "srcset" else (url,):
                    if candidate.startswith(BAD_SCHEMES) and not (
                        tag == "img" and name == "src" and candidate.startswith("data:image/")
                    ):
                        self.flag(f"{candidate.split(':')[0]}: URL in {name}= on <{tag}>: {raw}")
                        break
            elif name == "style" and any(bad in normalise_url(value) for bad in CSS_DANGER):
                self.flag(f"dangerous CSS in style= on <{tag}>: {raw}")

    def handle_endtag(self, tag):
        if tag == "script" and self.in_script == "data":
            end = self.position()
            self._check_data_block(self.text[self.script_start:end])
        if tag == "script":
            self.in_script = None
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_script == "code-allowed" and data.strip():
            self.flag(f"inline code inside an allowed <script src>: {data.strip()[:80]!r}")
        if self.in_style and any(bad in normalise_url(data) for bad in CSS_DANGER):
            self.flag(f"dangerous CSS in <style>: {data.strip()[:80]!r}")

    def unknown_decl(self, data):
        # <![CDATA[...]]> is a bogus comment in HTML, ended by the first ">" (this parser
        # waits for "]]>"), so whatever follows that ">" is live markup for a browser.
        self.flag(f"marked section <![{data[:80]}")

    def handle_comment(self, data):
        if "<" in data or ">" in data or "--!" in data:
            self.flag(f"markup inside a comment: <!--{data[:80]}")

    def _check_data_block(self, raw: str):
        lowered = raw.lower()
        if "</script" in lowered or "<!--" in lowered or "<script" in lowered:
            self.flag(f"markup inside a JSON data block: {raw[:120]!r}")
        try:
            json.loads(raw)
        except ValueError as error:
            self.flag(f"JSON data block is not valid JSON ({error}): {raw[:120]!r}")


def scan_html(text: str) -> list[Finding]:
    scanner = _Scanner(text)
    scanner.feed(text)
    scanner.close()
    return scanner.findings


def json_ld_blocks(text: str) -> list[str]:
    """The raw text of every ``<script type="application/ld+json">`` of a page."""
    return re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, flags=re.DOTALL | re.IGNORECASE)


MARKER_RE = re.compile(r"xssmark(\d{3})")


def marker(index: int) -> str:
    """A word put next to payload ``index`` wherever it is stored: findable by search, and by
    :func:`nearest_marker` to tell which payload a finding belongs to."""
    return f"xssmark{index:03d}"


def nearest_marker(text: str, offset: int) -> int | None:
    found = None
    for match in MARKER_RE.finditer(text, 0, offset + 1):
        found = int(match.group(1))
    return found
