"""References in Vancouver style, as NLM's *Citing Medicine* (2nd ed.) sets it out.

One module for every type of source: what each type needs (:func:`missing_fields`),
how pasted DOIs and PubMed IDs are cleaned (:func:`normalize_doi`, :func:`normalize_pmid`)
and how a reference is written out (:func:`citation_text`, :func:`citation_html`).

The patterns, one per type (each element only when known)::

    journal  Authors. Title. Journal. Year;Vol(Issue):Pages.
    book     Authors. Title. Edition. Place: Publisher; Year.
    chapter  Authors. Chapter title. In: Editors, editors. Book title. Edition. Place: Publisher; Year. p. Pages.
    web page Authors. Title [Internet]. Place: Publisher; Year [cited 2024 Mar 5]. Available from: URL
    report   like a book; online (with a URL) like a web page
    other    the free text

Authors are "Surname AB" separated by commas; more than six become the first six and
"et al."; an organisation as author follows the people (or stands alone). The text of a
journal article is part of the content fingerprint a sign-off is bound to
(``workflow/snapshots.py``), so it must never change for the same fields.

Functions take a Reference or anything with the same attributes; missing attributes
count as empty (old published versions are rebuilt as ``Reference(**fields)``).
"""

from __future__ import annotations

import datetime
import re
import secrets
from urllib.parse import unquote

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .rendering import doi_url, pubmed_url, web_url

# The kinds, as stored (``Reference.Kind`` gives them their labels).
JOURNAL, BOOK, CHAPTER, WEBPAGE, REPORT, OTHER = "journal", "book", "chapter", "webpage", "report", "other"

MAX_AUTHORS = 6

# --- Identifiers: patterns, messages, paste cleanup ------------------------------------

DOI_PATTERN = r"^10\.\d{4,9}/\S+$"
PMID_PATTERN = r"^\d{1,10}$"
DOI_MESSAGE = "This cannot be a DOI: a DOI starts with 10., four or more digits and a slash, e.g. 10.1234/abcd."
PMID_MESSAGE = "This cannot be a PubMed ID: a PubMed ID is a number, e.g. 8776474."

_DOI_PASTE = re.compile(
    r"""^(?:
        (?P<url>(?:https?://)?(?:www\.)?(?:dx\.)?doi\.org/)   # https://doi.org/…, http://dx.doi.org/…
        | doi\s*:\s* | doi\s+                                 # doi:10.…, DOI: 10.…, DOI 10.…
    )?(?P<doi>10\.\d{4,9}/\S+)$""",
    re.IGNORECASE | re.VERBOSE,
)
_PMID_PASTE = re.compile(
    r"""^(?:
        pmid\s*:?\s*                                                     # PMID: 123, PMID 123
        | (?:https?://)?(?:www\.)?pubmed\.ncbi\.nlm\.nih\.gov/           # https://pubmed.ncbi.nlm.nih.gov/123/
        | (?:https?://)?(?:www\.)?ncbi\.nlm\.nih\.gov/pubmed/            # the old address
    )?(?P<pmid>\d{1,10})/?(?:[?\#]\S*)?$""",
    re.IGNORECASE | re.VERBOSE,
)


#: Every field of a reference's content: what a restore brings back, what the demo data sets.
REFERENCE_FIELDS = ("kind", "authors", "organisation", "editors", "title", "journal", "edition", "place",
                    "publisher", "year", "volume", "issue", "pages", "doi", "pmid", "url", "date_accessed",
                    "citation_text")


def new_reference_key() -> str:
    """A stable, random name for a reference ("r" + 8 hex digits): in-text citations point to it."""
    return "r" + secrets.token_hex(4)


def normalize_doi(value: str) -> str:
    """The bare DOI of a pasted DOI, doi.org link or "doi:" citation; other values unchanged
    (stripped), for the validator to reject."""
    value = (value or "").strip()
    match = _DOI_PASTE.match(value)
    if not match:
        return value
    doi = match.group("doi")
    return unquote(doi) if match.group("url") else doi


def normalize_pmid(value: str) -> str:
    """The digits of a pasted PubMed ID ("PMID: 123", a PubMed link); other values unchanged."""
    value = (value or "").strip()
    match = _PMID_PASTE.match(value)
    return match.group("pmid") if match else value


# --- What each type needs -------------------------------------------------------------

# Which fields each type uses, in the order the form shows them (the admin groups and the
# help text come from here). "title" and the identifiers are shared by every structured type.
FIELDS_OF = {
    JOURNAL: ("authors", "organisation", "title", "journal", "year", "volume", "issue", "pages", "doi", "pmid",
              "url"),
    BOOK: ("authors", "organisation", "editors", "title", "edition", "place", "publisher", "year", "doi", "pmid",
           "url"),
    CHAPTER: ("authors", "title", "editors", "journal", "edition", "place", "publisher", "year", "pages", "doi",
              "pmid", "url"),
    WEBPAGE: ("authors", "organisation", "title", "journal", "place", "publisher", "year", "url", "date_accessed"),
    REPORT: ("authors", "organisation", "title", "place", "publisher", "year", "pages", "doi", "pmid", "url",
             "date_accessed"),
    OTHER: ("citation_text", "doi", "pmid", "url"),
}

KIND_LABELS = {
    JOURNAL: "journal articles", BOOK: "books", CHAPTER: "book chapters", WEBPAGE: "web pages",
    REPORT: "guidelines or reports", OTHER: '"Other"',
}


def kinds_using(field: str) -> list[str]:
    return [kind for kind, fields in FIELDS_OF.items() if field in fields]


def used_by_text(field: str) -> str:
    """ "Used for journal articles and books." — the help text that works without JavaScript."""
    labels = [KIND_LABELS[kind] for kind in kinds_using(field)]
    if len(labels) == len(FIELDS_OF):
        return "Used for every type."
    if len(labels) > 1:
        labels = [", ".join(labels[:-1]) + " and " + labels[-1]]
    return f"Used for {labels[0]}." if labels else ""


def _get(ref, name: str):
    value = getattr(ref, name, "")
    return value.strip() if isinstance(value, str) else value


def missing_fields(ref) -> dict[str, str]:
    """What the reference's type needs and lacks, as {field: message} (empty when complete).

    A reference written only as free text is not held to its type (the rule "a title or
    a free-text citation" is the model's constraint, checked separately).
    """
    kind = _get(ref, "kind") or JOURNAL
    errors: dict[str, str] = {}
    if kind == OTHER:
        if not _get(ref, "citation_text"):
            errors["citation_text"] = 'For "Other", write the whole citation here, as readers should see it.'
        return errors
    if not _get(ref, "title"):
        return errors
    # A journal article is held to no more than it always was (a title): older references
    # without the journal's name stay valid.
    if kind == CHAPTER and not _get(ref, "journal"):
        errors["journal"] = "A book chapter needs the title of the book it is in."
    if kind in (BOOK, CHAPTER):
        if not _get(ref, "publisher"):
            errors["publisher"] = "A book needs its publisher (and the place of publication, when known)."
        if not _get(ref, "year"):
            errors["year"] = "A book needs its year of publication."
    if kind == WEBPAGE and not _get(ref, "url"):
        errors["url"] = "A web page needs its address (URL)."
    if kind in (WEBPAGE, REPORT) and _get(ref, "url") and not _get(ref, "date_accessed"):
        errors["date_accessed"] = "Give the day you read it online: Citing Medicine prints it as [cited …]."
    if kind == REPORT and not (_get(ref, "authors") or _get(ref, "organisation") or _get(ref, "publisher")):
        errors["organisation"] = "Say who wrote or issued it: the organisation, the authors or the publisher."
    return errors


# --- Writing it out -------------------------------------------------------------------

def _end(text: str) -> str:
    """Terminate a citation element with a full stop unless it already ends in punctuation."""
    text = text.strip()
    if not text:
        return ""
    return text if text[-1] in ".?!" else text + "."


def _names(text: str) -> list[str]:
    return [name.strip() for name in re.split(r"[,;]", text or "") if name.strip()]


def _has_et_al(text: str) -> bool:
    return bool(re.search(r"\bet al\.?\s*$", text or "", re.IGNORECASE))


def name_list(text: str) -> str:
    """Names as typed when six or fewer, else the first six and "et al." (without the final stop)."""
    text = (text or "").strip().rstrip(".") if _has_et_al(text) else (text or "").strip()
    names = _names(text)
    if len(names) <= MAX_AUTHORS or _has_et_al(text):
        return text
    return ", ".join(names[:MAX_AUTHORS]) + ", et al"


def authors_element(ref) -> str:
    """ "Bye A, Kan A." / "Bye A; World Health Organization." / "World Health Organization." """
    people, organisation = name_list(_get(ref, "authors")), _get(ref, "organisation")
    if people and organisation:
        return _end(f"{people.rstrip('.')}; {organisation}")
    return _end(people or organisation or "")


def editors_element(text: str) -> str:
    """ "Smith J, Jones K, editors." / "Smith J, editor." """
    text = (text or "").strip()
    if not text:
        return ""
    names = name_list(text).rstrip(".")
    if _has_et_al(names):
        names += "."
    plural = len(_names(text)) > 1 or _has_et_al(text)
    return f"{names}, {'editors' if plural else 'editor'}."


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def edition_element(text: str) -> str:
    """ "2" / "2nd" / "2nd ed" → "2nd ed." (Citing Medicine abbreviates edition as "ed.")."""
    text = (text or "").strip().rstrip(".")
    if not text:
        return ""
    if text.isdigit():
        text = _ordinal(int(text))
    if not re.search(r"\bed(ition|n)?$", text, re.IGNORECASE):
        text += " ed"
    else:
        text = re.sub(r"\b(edition|edn)$", "ed", text, flags=re.IGNORECASE)
    return text + "."


def cited_date(day: datetime.date | None) -> str:
    """Citing Medicine's date: year, abbreviated month, day ("2024 Mar 5")."""
    if not day:
        return ""
    return f"{day.year} {day.strftime('%b')} {day.day}"


def _publication(ref, year_note: str = "") -> str:
    """ "Place: Publisher; Year[ note]." — each part only when known."""
    place, publisher = _get(ref, "place"), _get(ref, "publisher")
    if _get(ref, "kind") == WEBPAGE and not publisher:
        publisher = _get(ref, "journal")  # the website's name stands in for its publisher
    who = f"{place}: {publisher}" if place and publisher else publisher or place
    year = str(_get(ref, "year") or "")
    when = " ".join(part for part in (year, year_note) if part)
    if who and when:
        return _end(f"{who}; {when}")
    return _end(who or when)


def _online(ref) -> bool:
    return bool(_get(ref, "url"))


def _journal_text(ref) -> str:
    # Word for word the first version's code (raw values included): the content
    # fingerprint of every signed-off article depends on this text, and
    # tests/articles/test_references.py pins it.
    raw = lambda name: getattr(ref, name, "") or ""  # noqa: E731
    parts = []
    if raw("authors") or raw("organisation"):
        parts.append(authors_element(ref))
    if raw("title"):
        parts.append(_end(raw("title")))
    if raw("journal"):
        parts.append(_end(raw("journal")))
    # Vancouver: Year;Volume(Issue):Pages — each part only when known.
    year, volume, issue, pages = raw("year"), raw("volume"), raw("issue"), raw("pages")
    source = str(year) if year else ""
    vol = f"{volume}({issue})" if volume and issue else volume or (f"({issue})" if issue else "")
    if vol:
        source = f"{source};{vol}" if source else vol
    if pages:
        source = f"{source}:{pages}" if source else pages
    if source:
        parts.append(_end(source))
    return " ".join(parts)


def _book_text(ref) -> str:
    lead = authors_element(ref) or editors_element(_get(ref, "editors"))
    parts = [lead, _end(_get(ref, "title")), edition_element(_get(ref, "edition")), _publication(ref)]
    return " ".join(p for p in parts if p)


def _chapter_text(ref) -> str:
    editors = editors_element(_get(ref, "editors"))
    book = " ".join(p for p in (editors, _end(_get(ref, "journal"))) if p)
    pages = _get(ref, "pages")
    parts = [
        authors_element(ref), _end(_get(ref, "title")), f"In: {book}" if book else "",
        edition_element(_get(ref, "edition")), _publication(ref), _end(f"p. {pages}") if pages else "",
    ]
    return " ".join(p for p in parts if p)


def _online_text(ref) -> str:
    """Web pages, and guidelines or reports with a URL: "[Internet]", "[cited …]", "Available from:"."""
    title = _get(ref, "title").rstrip(".")
    cited = cited_date(_get(ref, "date_accessed"))
    parts = [
        authors_element(ref), f"{title} [Internet]." if title else "",
        _publication(ref, f"[cited {cited}]" if cited else ""), f"Available from: {_get(ref, 'url')}",
    ]
    return " ".join(p for p in parts if p)


def _report_text(ref) -> str:
    if _online(ref):
        return _online_text(ref)
    parts = [authors_element(ref), _end(_get(ref, "title")), _publication(ref)]
    pages = _get(ref, "pages")
    if pages:
        parts.append(_end(pages if re.search(r"\bp\.?$", pages) else f"{pages} p"))
    return " ".join(p for p in parts if p)


_WRITERS = {JOURNAL: _journal_text, BOOK: _book_text, CHAPTER: _chapter_text, WEBPAGE: _online_text,
            REPORT: _report_text}


def citation_text(ref) -> str:
    """The plain-text citation, e.g.
    ``Bentley S. Exercise-induced muscle cramp: proposed mechanisms and management. Sports Med. 1996;21:409-420.``
    """
    kind = _get(ref, "kind") or JOURNAL
    free_text = getattr(ref, "citation_text", "") or ""
    if not getattr(ref, "title", "") and free_text:  # as the first version did, whatever the type
        return _end(free_text)
    if kind == OTHER:
        return _end(free_text or _get(ref, "title"))
    return _WRITERS.get(kind, _journal_text)(ref)


def citation_html(ref) -> SafeString:
    """The citation, escaped, followed by DOI / PubMed / web links where known. In a web
    page's "Available from: URL" the address itself is the link (http/https only)."""
    text = citation_text(ref)
    url = web_url(_get(ref, "url") or "")
    available = f"Available from: {_get(ref, 'url')}"
    if url and text.endswith(available):
        html = escape(text[: -len(available)]) + format_html('Available from: <a href="{}" rel="noopener">{}</a>',
                                                              url, url)
        url = ""  # already linked
    else:
        html = escape(text)
    doi, pmid = _get(ref, "doi"), _get(ref, "pmid")
    links = []
    if doi:
        links.append(format_html('<a href="{}" rel="noopener">doi:{}</a>', doi_url(doi), doi))
    if pmid:
        links.append(format_html('<a href="{}" rel="noopener">PubMed {}</a>', pubmed_url(pmid), pmid))
    if not (doi or pmid) and url:
        links.append(format_html('<a href="{}" rel="noopener">Available online</a>', url))
    if links:
        html += " " + " · ".join(links)
    return mark_safe(html)
