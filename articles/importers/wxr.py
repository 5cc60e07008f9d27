"""Reading WordPress export files (WXR 1.0, 1.1 and 1.2) by streaming.

:func:`read_wxr` walks the file with defusedxml's ``iterparse`` and yields one entry per
top-level element of the channel (site details, authors, categories, tags, items) as soon
as it is complete, then drops it: memory stays flat whatever the size of the export.

defusedxml refuses entity declarations (the "billion laughs" expansion bomb, external
entities that would read local files or URLs) and external DTDs; a file that is not
well-formed XML stops with the line and column where it broke. Both become
:class:`WxrError`, whose message is meant for the person who ran the import.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

SUPPORTED_VERSIONS = {"1.0", "1.1", "1.2"}

_NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}


class WxrError(Exception):
    """The file cannot be imported (not XML, unsafe XML, not a WordPress export)."""


@dataclass
class Site:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""


@dataclass
class WpAuthor:
    login: str
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""


@dataclass
class WpTerm:
    """A category or a tag declared at the top of the export."""

    taxonomy: str  # "category" or "post_tag"
    slug: str
    name: str
    parent: str = ""  # the parent category's slug (nicename)
    description: str = ""


@dataclass
class WpItem:
    post_id: int = 0
    post_type: str = ""
    status: str = ""
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_name: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    pub_date: str = ""
    post_parent: int = 0
    attachment_url: str = ""
    terms: list[tuple[str, str, str]] = field(default_factory=list)  # (taxonomy, slug, name)
    meta: dict[str, str] = field(default_factory=dict)
    line: int = 0

    def terms_of(self, taxonomy: str) -> list[tuple[str, str]]:
        return [(slug, name) for tax, slug, name in self.terms if tax == taxonomy]


def local_name(tag: str) -> str:
    """``{namespace}name`` → ``wp:name``, ``content:encoded``, ``excerpt:encoded``, ``dc:creator``."""
    if not tag.startswith("{"):
        return tag
    uri, name = tag[1:].split("}", 1)
    if "wordpress.org/export/" in uri:
        return ("excerpt:" if uri.rstrip("/").endswith("excerpt") else "wp:") + name
    prefix = _NAMESPACES.get(uri)
    return f"{prefix}:{name}" if prefix else name


def _text(element) -> str:
    return element.text or ""


def _int(value: str) -> int:
    try:
        return int(value.strip())
    except (TypeError, ValueError):
        return 0


def _children(element) -> dict[str, str]:
    return {local_name(child.tag): _text(child) for child in element}


def _author(element) -> WpAuthor:
    values = _children(element)
    return WpAuthor(
        login=values.get("wp:author_login", "").strip(),
        display_name=values.get("wp:author_display_name", "").strip(),
        first_name=values.get("wp:author_first_name", "").strip(),
        last_name=values.get("wp:author_last_name", "").strip(),
        email=values.get("wp:author_email", "").strip(),
    )


def _category(element) -> WpTerm:
    values = _children(element)
    return WpTerm("category", values.get("wp:category_nicename", "").strip(), html.unescape(values.get("wp:cat_name", "")),
                  parent=values.get("wp:category_parent", "").strip(),
                  description=values.get("wp:category_description", ""))


def _tag(element) -> WpTerm:
    values = _children(element)
    return WpTerm("post_tag", values.get("wp:tag_slug", "").strip(), html.unescape(values.get("wp:tag_name", "")),
                  description=values.get("wp:tag_description", ""))


def _term(element) -> WpTerm:
    values = _children(element)
    return WpTerm(values.get("wp:term_taxonomy", "").strip(), values.get("wp:term_slug", "").strip(),
                  html.unescape(values.get("wp:term_name", "")), parent=values.get("wp:term_parent", "").strip(),
                  description=values.get("wp:term_description", ""))


_ITEM_FIELDS = {
    "title": "title", "link": "link", "guid": "guid", "dc:creator": "creator", "content:encoded": "content",
    "excerpt:encoded": "excerpt", "wp:post_name": "post_name", "wp:post_date": "post_date",
    "wp:post_date_gmt": "post_date_gmt", "pubDate": "pub_date", "wp:status": "status", "wp:post_type": "post_type",
    "wp:attachment_url": "attachment_url",
}


def _item(element) -> WpItem:
    item = WpItem()
    for child in element:
        name = local_name(child.tag)
        if name in _ITEM_FIELDS:
            setattr(item, _ITEM_FIELDS[name], _text(child))
        elif name == "wp:post_id":
            item.post_id = _int(_text(child))
        elif name == "wp:post_parent":
            item.post_parent = _int(_text(child))
        elif name == "category":
            domain = {"tag": "post_tag"}.get(child.get("domain") or "", child.get("domain"))  # WXR 1.0 said "tag"
            if domain:  # WXR 1.0 also repeats each category without domain or nicename
                item.terms.append((domain, (child.get("nicename") or "").strip(), html.unescape(_text(child)).strip()))
        elif name == "wp:postmeta":
            values = _children(child)
            key = values.get("wp:meta_key", "")
            if key:
                item.meta[key] = values.get("wp:meta_value", "")
    for name in ("title", "post_name", "status", "post_type", "link", "guid", "creator"):
        setattr(item, name, getattr(item, name).strip())
    return item


_CHANNEL_READERS = {"wp:author": _author, "wp:category": _category, "wp:tag": _tag, "wp:term": _term, "item": _item}
_SITE_FIELDS = {"title": "title", "link": "link", "wp:base_site_url": "base_site_url",
                "wp:base_blog_url": "base_blog_url", "wp:wxr_version": "wxr_version"}


def read_wxr(path) -> Iterator[Site | WpAuthor | WpTerm | WpItem]:
    """Yield the export's entries in file order: the :class:`Site` (once, updated in place as
    its fields are read), then :class:`WpAuthor`, :class:`WpTerm` and :class:`WpItem` objects.

    Raises :class:`WxrError` for unsafe or malformed XML and for files that are not a
    WordPress export.
    """
    site = Site()
    depth = 0
    channel = None
    started = False
    try:
        for event, element in iterparse(str(path), events=("start", "end"), forbid_dtd=False,
                                        forbid_entities=True, forbid_external=True):
            if event == "start":
                depth += 1
                if depth == 1 and local_name(element.tag) != "rss":
                    raise WxrError("This is not a WordPress export (WXR) file: it does not start with <rss>.")
                if depth == 2 and local_name(element.tag) == "channel":
                    channel = element
                continue
            depth -= 1
            if depth != 2 or channel is None:
                continue
            name = local_name(element.tag)
            if name in _SITE_FIELDS:
                setattr(site, _SITE_FIELDS[name], (_text(element)).strip())
            elif name in _CHANNEL_READERS:
                if not started:
                    started = True
                    yield site
                entry = _CHANNEL_READERS[name](element)
                yield entry
            channel.remove(element)  # done with it: keep memory flat
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        reason = str(error).split(":")[0]
        raise WxrError(f"The file is not well-formed XML: {reason} at line {line}, column {column + 1}. "
                       "Nothing was imported.")
    except DefusedXmlException as error:
        raise WxrError(f"The file was refused because it uses XML features that can be abused ({_refusal(error)}). "
                       "A genuine WordPress export never does; nothing was imported.")
    except OSError as error:
        raise WxrError(f"The file cannot be read: {error.strerror or error}.")
    if channel is None:
        raise WxrError("This is not a WordPress export (WXR) file: it has no <channel>.")
    if not started:
        yield site


def _refusal(error: DefusedXmlException) -> str:
    kind = type(error).__name__
    return {
        "EntitiesForbidden": "it declares XML entities",
        "ExternalReferenceForbidden": "it refers to an external file or address",
        "DTDForbidden": "it has a document type definition",
        "NotSupportedError": "an unsupported XML feature",
    }.get(kind, kind)
