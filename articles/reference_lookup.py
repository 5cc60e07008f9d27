"""Fill a reference from its DOI (Crossref) or PubMed ID (NCBI E-utilities).

The admin's "Fill from DOI / PubMed ID" buttons (static/js/admin_reference_kind.js) call
:func:`lookup_view`, a staff-only JSON view; it returns the reference's fields for the
author to check, or a message saying why there are none (not a DOI, not found, offline).
Both services are public: no key, no secret. Every request has a short timeout, so a
slow service costs the author a few seconds, never a hung page.

Tests patch :func:`fetch_json` with recorded responses (tests/fixtures/); nothing else
here touches the network.
"""

from __future__ import annotations

import html
import json
import re
import urllib.error
import urllib.parse
import urllib.request

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from . import citations

TIMEOUT = 4  # seconds
USER_AGENT = "Bonespine/1.0 (reference lookup in the editors' admin)"
CROSSREF_URL = "https://api.crossref.org/works/{doi}"
ESUMMARY_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esummary.fcgi?db=pubmed&retmode=json&id={pmid}"


class LookupFailed(Exception):
    """Why nothing was found, in words for the author; ``status`` is the JSON view's HTTP status."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message, self.status = message, status


class NotFound(Exception):
    pass


def fetch_json(url: str) -> dict:
    """GET ``url`` and parse its JSON. Raises :class:`NotFound` on HTTP 404, ``OSError``
    (``urllib.error.URLError``, timeouts) when the service cannot be reached, ``ValueError``
    when the answer is not JSON."""
    if not url.startswith("https://"):
        raise ValueError(f"Only https addresses are looked up, not {url!r}.")
    request = urllib.request.Request(  # noqa: S310 - https only (checked above), fixed hosts
        url, headers={"Accept": "application/json", "User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        if error.code in (400, 404):
            raise NotFound(url) from error
        raise


def _get(url: str, service: str) -> dict:
    try:
        return fetch_json(url)
    except NotFound:
        raise
    except OSError as error:  # URLError, timeouts, refused connections
        raise LookupFailed(
            f"{service} could not be reached (offline, or too slow to answer): fill the fields by hand, or try again "
            "later.", 502) from error
    except ValueError as error:
        raise LookupFailed(f"{service} gave an answer that could not be read: fill the fields by hand.", 502) from error


# --- Crossref ---------------------------------------------------------------------------

CROSSREF_KINDS = {
    "journal-article": citations.JOURNAL, "book": citations.BOOK, "monograph": citations.BOOK,
    "edited-book": citations.BOOK, "reference-book": citations.BOOK, "book-chapter": citations.CHAPTER,
    "book-section": citations.CHAPTER, "book-part": citations.CHAPTER, "reference-entry": citations.CHAPTER,
    "report": citations.REPORT, "report-component": citations.REPORT, "standard": citations.REPORT,
}


def _plain(text) -> str:
    """Crossref titles may carry JATS markup (<i>, <sub>) and entities: plain text, one line."""
    text = text[0] if isinstance(text, list) and text else text
    if not isinstance(text, str):
        return ""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())


def initials(given: str) -> str:
    """ "Stephen J." → "SJ"; "Jean-Pierre" → "JP" (Citing Medicine: initials without stops)."""
    return "".join(part[0].upper() for part in re.split(r"[\s.\-]+", given or "") if part and part[0].isalpha())


def _people(people) -> tuple[str, str]:
    """Crossref authors/editors as ("Surname AB, Surname C", "Organisation")."""
    names, organisations = [], []
    for person in people or []:
        if person.get("family"):
            names.append(" ".join(p for p in (person["family"].strip(), initials(person.get("given", ""))) if p))
        elif person.get("name"):
            organisations.append(person["name"].strip())
    return ", ".join(names), "; ".join(organisations)


def _year(item: dict) -> int | None:
    for key in ("published-print", "published-online", "issued", "published", "created"):
        parts = (item.get(key) or {}).get("date-parts") or [[None]]
        if parts and parts[0] and isinstance(parts[0][0], int):
            return parts[0][0]
    return None


def parse_crossref(data: dict) -> dict:
    """The fields of a reference from Crossref's ``/works/<doi>`` answer."""
    item = data.get("message") or {}
    kind = CROSSREF_KINDS.get(item.get("type", ""), citations.JOURNAL)
    authors, organisation = _people(item.get("author"))
    editors, _ = _people(item.get("editor"))
    container = item.get("container-title") or []
    if kind == citations.JOURNAL:  # Vancouver uses the abbreviated journal name
        container = item.get("short-container-title") or container
    journal_like, book_like = kind in (citations.JOURNAL, citations.CHAPTER), kind != citations.JOURNAL
    fields = {
        "kind": kind, "authors": authors, "organisation": organisation, "editors": editors,
        "title": _plain(item.get("title")), "journal": _plain(container) if journal_like else "",
        "year": _year(item), "volume": str(item.get("volume") or ""), "issue": str(item.get("issue") or ""),
        "pages": str(item.get("page") or ""), "edition": str(item.get("edition-number") or ""),
        "publisher": str(item.get("publisher") or "") if book_like else "",
        "place": str(item.get("publisher-location") or "") if book_like else "",
        "doi": str(item.get("DOI") or ""),
    }
    if kind == citations.BOOK and not fields["title"] and container:
        fields["title"] = _plain(container)
    return {name: value for name, value in fields.items() if value not in ("", None)}


def lookup_doi(doi: str) -> dict:
    doi = citations.normalize_doi(doi)
    if not re.match(citations.DOI_PATTERN, doi):
        raise LookupFailed(citations.DOI_MESSAGE, 400)
    try:
        data = _get(CROSSREF_URL.format(doi=urllib.parse.quote(doi, safe="/:;()._-")), "Crossref")
    except NotFound as error:
        raise LookupFailed(f"Crossref does not know the DOI {doi}: check it, or fill the fields by hand.", 404) from error
    fields = parse_crossref(data)
    if not fields.get("title"):
        raise LookupFailed(f"Crossref has no title for the DOI {doi}: fill the fields by hand.", 404)
    return fields


# --- PubMed ------------------------------------------------------------------------------

def parse_esummary(data: dict, pmid: str) -> dict:
    """The fields of a reference from E-utilities' esummary JSON (PubMed)."""
    item = (data.get("result") or {}).get(pmid) or {}
    if not item or item.get("error") or not item.get("title"):
        raise NotFound(pmid)
    people = [a for a in item.get("authors") or [] if a.get("name")]
    authors = ", ".join(a["name"] for a in people if a.get("authtype", "Author") == "Author")
    organisation = "; ".join(a["name"] for a in people if a.get("authtype") == "CollectiveName")
    year = re.match(r"\d{4}", item.get("pubdate") or item.get("epubdate") or "")
    ids = {i.get("idtype"): i.get("value") for i in item.get("articleids") or []}
    book = _plain(item.get("booktitle"))
    title = _plain(item.get("title"))
    kind = citations.JOURNAL
    if book:
        kind = citations.BOOK if book.rstrip(".") == title.rstrip(".") else citations.CHAPTER
    fields = {
        "kind": kind, "authors": authors, "organisation": organisation, "title": title,
        "journal": item.get("source", "") if kind == citations.JOURNAL else (book if kind == citations.CHAPTER else ""),
        "year": int(year.group()) if year else None, "volume": item.get("volume", ""), "issue": item.get("issue", ""),
        "pages": item.get("pages", ""), "publisher": item.get("publishername", ""),
        "place": item.get("publisherlocation", ""), "doi": citations.normalize_doi(ids.get("doi") or ""),
        "pmid": pmid,
    }
    return {name: value for name, value in fields.items() if value not in ("", None)}


def lookup_pmid(pmid: str) -> dict:
    pmid = citations.normalize_pmid(pmid)
    if not re.match(citations.PMID_PATTERN, pmid):
        raise LookupFailed(citations.PMID_MESSAGE, 400)
    try:
        return parse_esummary(_get(ESUMMARY_URL.format(pmid=pmid), "PubMed"), pmid)
    except NotFound as error:
        raise LookupFailed(f"PubMed has no article with the ID {pmid}: check it, or fill the fields by hand.",
                          404) from error


# --- The admin's JSON view ---------------------------------------------------------------

@require_GET
def lookup_view(request):
    """``?doi=…`` or ``?pmid=…`` → ``{"ok": true, "fields": {…}, "message": …}``, or
    ``{"ok": false, "message": …}`` with 400 (not an identifier), 403, 404 (not found) or
    502 (service unreachable). Wrapped in ``admin_view`` (staff login) by ArticleAdmin."""
    if not request.user.has_perm("articles.change_article"):
        return JsonResponse({"ok": False, "message": "You may not edit articles."}, status=403)
    doi, pmid = request.GET.get("doi", "").strip(), request.GET.get("pmid", "").strip()
    try:
        if doi:
            fields, source = lookup_doi(doi), "Crossref"
        elif pmid:
            fields, source = lookup_pmid(pmid), "PubMed"
        else:
            raise LookupFailed("Type a DOI or a PubMed ID first.", 400)
    except LookupFailed as error:
        return JsonResponse({"ok": False, "message": error.message}, status=error.status)
    return JsonResponse({"ok": True, "fields": fields,
                         "message": f"Filled from {source}: check every field against the source before saving."})
