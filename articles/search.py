"""Article search.

PostgreSQL: full-text search over the live versions with weights (title A > lead B >
section headings C > bodies D), English stemming, ``websearch_to_tsquery`` syntax
(quotes for phrases, ``-word`` to exclude), ranking and highlighted snippets. The
vector is stored on each PublishedVersion when it is published (GIN-indexed).

SQLite (the embedded default): the same page from a simpler matcher that understands
quotes and ``-word``, ranks title > lead > headings > body hits, and cuts a snippet
around the first hit.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import nh3
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When

from .models import PublishedVersion

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
CONFIG = "english"


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def index_version(version: PublishedVersion) -> None:
    """Store the weighted search vector of a version (PostgreSQL only; a no-op elsewhere)."""
    index_versions(PublishedVersion.objects.filter(pk=version.pk))


def index_versions(versions) -> None:
    """Store the weighted search vectors of a queryset of versions in one UPDATE (PostgreSQL
    only; a no-op elsewhere). For bulk loads; publishing indexes one version."""
    if not is_postgres():
        return
    from django.contrib.postgres.search import SearchVector

    vector = (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("lead_html", weight="B", config=CONFIG)
        + SearchVector("section_text", weight="C", config=CONFIG)
        + SearchVector("body_text", weight="D", config=CONFIG)
    )
    versions.update(search_vector=vector)


def clean_query(raw: str | None) -> str:
    """Whitespace collapsed and cut to a sane length (never an error)."""
    return " ".join((raw or "").split())[:MAX_QUERY_LENGTH]


@dataclass
class ParsedQuery:
    phrases: list[str]
    excluded: list[str]


def parse(query: str) -> ParsedQuery:
    """Quoted phrases and words to find, and ``-words`` to exclude (the SQLite fallback)."""
    phrases, excluded = [], []
    for match in re.finditer(r'(-?)"([^"]+)"|(-?)(\S+)', query):
        negative = match.group(1) or match.group(3)
        text = (match.group(2) or match.group(4) or "").strip().strip('"')
        if not text or text.lower() in {"or", "and"}:
            continue
        (excluded if negative else phrases).append(text)
    return ParsedQuery(phrases[:MAX_TERMS], excluded[:MAX_TERMS])


def search(queryset, query: str):
    """``queryset`` (public articles) narrowed to ``query``, best first, each with a ``snippet``.

    Returns a queryset (for pagination) annotated with ``rank`` and ``snippet`` (safe HTML:
    escaped text with ``<mark>`` around hits; on SQLite the snippet is added per page by
    :func:`add_snippets`).
    """
    if is_postgres():
        return _search_postgres(queryset, query)
    return _search_fallback(queryset, query)


def _search_postgres(queryset, query: str):
    from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank

    ts_query = SearchQuery(query, search_type="websearch", config=CONFIG)
    return (
        queryset.filter(live_version__search_vector=ts_query)
        .annotate(
            rank=SearchRank(F("live_version__search_vector"), ts_query, normalization=Value(1)),
            snippet=SearchHeadline(
                "live_version__body_text",
                ts_query,
                config=CONFIG,
                start_sel="<mark>",
                stop_sel="</mark>",
                max_words=30,
                min_words=12,
                short_word=3,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-first_published_at", "-pk")
    )


def _field_hit(field: str, terms: list[str]) -> Q:
    condition = Q()
    for term in terms:
        condition |= Q(**{f"live_version__{field}__icontains": term})
    return condition


def _search_fallback(queryset, query: str):
    parsed = parse(query)
    if not parsed.phrases:
        return queryset.none()
    fields = ["title", "excerpt", "section_text", "body_text"]
    for term in parsed.phrases:
        term_q = Q()
        for field in fields:
            term_q |= Q(**{f"live_version__{field}__icontains": term})
        queryset = queryset.filter(term_q)
    for term in parsed.excluded:
        for field in fields:
            queryset = queryset.exclude(**{f"live_version__{field}__icontains": term})
    weights = {"title": 8, "excerpt": 4, "section_text": 2, "body_text": 1}
    rank = sum(
        (Case(When(_field_hit(field, parsed.phrases), then=Value(weight)), default=Value(0),
              output_field=IntegerField()) for field, weight in weights.items()),
        Value(0),
    )
    return queryset.annotate(rank=rank).order_by("-rank", "-first_published_at", "-pk")


def safe_snippet(text: str) -> str:
    """Only ``<mark>`` survives; everything else is escaped text."""
    return nh3.clean(text or "", tags={"mark"}, attributes={})


def add_snippets(articles, query: str) -> None:
    """Give each article of a results page a ``snippet`` (SQLite: cut around the first hit)."""
    if is_postgres():
        for article in articles:
            article.snippet = safe_snippet(article.snippet)
        return
    terms = parse(query).phrases
    for article in articles:
        version = article.live_version
        article.snippet = _cut_snippet(html.unescape(version.body_text or version.excerpt or ""), terms)


def _cut_snippet(text: str, terms: list[str], width: int = 220) -> str:
    lowered = text.lower()
    hits = [pos for pos in (lowered.find(t.lower()) for t in terms) if pos >= 0]
    start = max(0, min(hits) - width // 3) if hits else 0
    piece = html.escape(text[start:start + width])
    if terms:
        pattern = re.compile("|".join(re.escape(html.escape(t)) for t in terms), re.IGNORECASE)
        piece = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", piece)
    return ("… " if start else "") + piece + (" …" if start + width < len(text) else "")
