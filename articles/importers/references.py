"""A WordPress "References" section → Reference rows.

Each list item (``<ol>``/``<ul>``), else each paragraph or line, is one reference. The
text is kept verbatim as the free-text citation; a DOI, a PubMed ID and a web address are
taken out when present (``articles.citations`` cleans them as the admin does). When the
text is clearly Vancouver style (``Surname AB, Surname C. Title. Journal. Year;Vol(Issue):
Pages.``) the journal article's fields are filled as well.
"""

from __future__ import annotations

import html
import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from .. import citations, rendering

REFERENCE_HEADINGS = {"references", "reference", "bibliography", "sources", "source", "further reading",
                      "reference list", "references and further reading", "sources and further reading"}

_LIST_ITEM = re.compile(r"<li\b[^>]*>(.*?)(?=<li\b|</[ou]l\s*>|$)", re.DOTALL | re.IGNORECASE)
_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p\s*>", re.DOTALL | re.IGNORECASE)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_HREF = re.compile(r"""\bhref\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_NUMBERING = re.compile(r"^\s*(?:\[\d{1,3}\]|\(\d{1,3}\)|\d{1,3}[.)])\s*")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)")
_PMID = re.compile(r"\bPMID\s*:?\s*(\d{1,10})\b|pubmed(?:\.ncbi\.nlm\.nih\.gov|/)/?(\d{1,10})", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_TRAILING = ".,;:)]}>"

# Surname AB, Surname-Other CD, van der Berg E, et al.
_NAME = r"[A-Z][\w'’\-]+(?:\s[A-Za-z][\w'’\-]+){0,3}\s[A-Z]{1,4}"
_AUTHORS = re.compile(rf"^{_NAME}(?:,\s{_NAME})*(?:,?\s+et\s+al\.?)?$")
_VANCOUVER = re.compile(
    r"^(?P<authors>[^.]+?)\.\s+"
    r"(?P<title>[^.?!]+(?:[.?!](?!\s)[^.?!]*)*[.?!])\s+"
    r"(?P<journal>[A-Z][^.;]*(?:\.\s?[A-Z][^.;]*)*?)\.?\s+"
    r"(?P<year>(?:18|19|20)\d{2})(?:\s+[A-Z][a-z]{2}(?:\s+\d{1,2})?)?\s*;\s*"
    r"(?P<volume>[\w-]+)?(?:\s*\((?P<issue>[^)]+)\))?\s*:\s*"
    r"(?P<pages>[A-Za-z]?\d+(?:\s*[-–]\s*[A-Za-z]?\d+)?)\."
)


def is_reference_heading(heading: str) -> bool:
    return heading.strip().rstrip(":").strip().lower() in REFERENCE_HEADINGS


def _items(body: str) -> list[str]:
    if re.search(r"<li\b", body, re.IGNORECASE):
        return _LIST_ITEM.findall(body)
    paragraphs = _PARAGRAPH.findall(body) or [body]
    lines: list[str] = []
    for paragraph in paragraphs:
        for piece in _BREAK.split(paragraph):
            lines.extend(piece.split("\n"))
    return lines


def _strip_end(value: str) -> str:
    while value and value[-1] in _TRAILING:
        value = value[:-1]
    return value


def _identifiers(text: str, hrefs: list[str]) -> dict:
    found = {"doi": "", "pmid": "", "url": ""}
    for candidate in [*hrefs, text]:
        candidate = html.unescape(candidate)
        if not found["doi"] and (match := _DOI.search(candidate)):
            doi = citations.normalize_doi(_strip_end(match.group(1)))
            if re.match(citations.DOI_PATTERN, doi) and len(doi) <= 200:
                found["doi"] = doi
        if not found["pmid"] and (match := _PMID.search(candidate)):
            found["pmid"] = citations.normalize_pmid(match.group(1) or match.group(2))
    for candidate in [*hrefs, *_URL.findall(text)]:
        url = _strip_end(html.unescape(candidate).strip())
        if "doi.org/" in url.lower() or "pubmed" in url.lower():
            continue
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            continue
        if len(url) <= 500:
            found["url"] = url
            break
    return found


def vancouver_fields(text: str) -> dict:
    """The fields of a journal article written in Vancouver style, or {} when it is not clearly one."""
    match = _VANCOUVER.match(text)
    if not match:
        return {}
    authors = match.group("authors").strip()
    if not _AUTHORS.match(authors):
        return {}
    year = int(match.group("year"))
    return {
        "kind": citations.JOURNAL,
        "authors": authors[:2000],
        "title": match.group("title").strip().rstrip(".")[:500],
        "journal": match.group("journal").strip()[:300],
        "year": year,
        "volume": (match.group("volume") or "")[:30],
        "issue": (match.group("issue") or "")[:30],
        "pages": re.sub(r"\s*[-–]\s*", "-", match.group("pages"))[:40],
    }


def parse_reference(item_html: str) -> dict | None:
    """One reference's field values (``kind``, ``citation_text``, identifiers, structured
    fields when Vancouver), or ``None`` when the item has no text."""
    text = _NUMBERING.sub("", rendering.plain_text(item_html))
    if not text:
        return None
    values = {"kind": citations.OTHER, "citation_text": text, **_identifiers(text, _HREF.findall(item_html))}
    values.update(vancouver_fields(text))
    return values


def _valid(values: dict) -> dict | None:
    """``values`` as a Reference that passes the model's checks, degrading to free text and
    then dropping a bad identifier; ``None`` when even that fails."""
    from ..models import Reference

    structured = {k: v for k, v in values.items()}
    free = {k: values[k] for k in ("citation_text", "doi", "pmid", "url")} | {"kind": citations.OTHER}
    attempts = [structured, free, free | {"url": ""}, free | {"url": "", "doi": "", "pmid": ""}]
    for attempt in attempts:
        try:
            # Field checks and the model's clean(); its constraints are checked again when the
            # service saves the rows (validating them here too would double the queries).
            Reference(**attempt).full_clean(exclude=["article", "key", "position"], validate_constraints=False)
        except ValidationError:
            continue
        return attempt
    return None


def parse_references(body: str) -> tuple[list[dict], list[str]]:
    """The references of a References section, and warnings for what could not be used."""
    references: list[dict] = []
    warnings: list[str] = []
    items = _items(body)
    for item in items:
        values = parse_reference(item)
        if values is None:
            continue
        valid = _valid(values)
        if valid is None:
            warnings.append(f"Reference not parsed (kept out): “{values['citation_text'][:80]}”")
            continue
        if valid.get("kind") == citations.OTHER and values.get("kind") != citations.OTHER:
            warnings.append(f"Reference kept as free text (its fields did not pass the checks): "
                            f"“{values['citation_text'][:60]}…”")
        references.append(valid)
    if not references and rendering.plain_text(body):
        warnings.append("References not parsed: the References section has text but no reference in it.")
    free = [r for r in references if r["kind"] == citations.OTHER and not (r.get("doi") or r.get("pmid"))]
    if free:
        warnings.append(f"{len(free)} of {len(references)} reference(s) not parsed into fields (not clearly Vancouver "
                        "style, no DOI or PubMed ID): kept as free text; give them a type in the admin.")
    return references, warnings
