"""Article search.

PostgreSQL: full-text search over the live versions with weights (title A > lead B >
section headings C > bodies D), English stemming, ``websearch_to_tsquery`` syntax
(quotes for phrases, ``-word`` to exclude), ranking and highlighted snippets. The
vector is stored on each PublishedVersion when it is published (GIN-indexed).

SQLite (the embedded default): the same page from a simpler matcher that understands
quotes and ``-word``, ranks title > lead > headings > body hits, and cuts a snippet
around the first hit.

Cost that does not grow with the site (PostgreSQL): a word found in 96 % of 20,000 articles
must cost what a rare one costs. So the ranking runs on a bounded, narrow candidate set:
the newest ``MAX_RESULTS`` matching articles (found newest first through the partial
"live, newest first" index, or through the GIN index for rare words), read as
``(id, rank, date)`` rows in one query and sorted by rank in Python; the shown count is
exact up to ``MAX_RESULTS`` and "500 or more" beyond.
Only the page's ten articles are then read in full, with their snippets. The price: for a
very common word, an old article outside the newest 500 matches is not among the results.

Typo tolerance (PostgreSQL, pg_trgm): when a search finds nothing, each word is compared with the words of the published titles
(trigram similarity, through a trigram index on the titles) and "Did you mean …?" offers
the corrected query.
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
MAX_RESULTS = 500  # candidates ranked (PostgreSQL); the count shown is exact up to here
# Fewer hits than this: look for a spelling suggestion. 1 = when nothing matched, so the
# pages that found something run the same queries whatever the data (tests/test_query_budget.py).
SUGGEST_BELOW = 1
SUGGEST_WORDS = 4  # at most this many words are checked (one indexed query each)


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


def search(queryset, query: str) -> list[dict]:
    """``queryset`` (public articles) narrowed to ``query``, best first, as narrow rows.

    Returns at most ``MAX_RESULTS`` ``{"pk", "rank", "first_published_at"}`` dicts, from one
    query; :func:`page_articles` then reads the articles of one page. On PostgreSQL these are the
    newest ``MAX_RESULTS`` matches (found newest first through the partial index, their rank
    computed for those rows only), sorted by rank here: nothing is joined or sorted per match.
    """
    if is_postgres():
        rows = _search_postgres(queryset, query)
    else:
        rows = _search_fallback(queryset, query)
    rows = list(rows.values("pk", "rank", "first_published_at")[:MAX_RESULTS])
    rows.sort(key=lambda row: (row["rank"], row["first_published_at"], row["pk"]), reverse=True)
    return rows


def _ts_query(query: str):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(query, search_type="websearch", config=CONFIG)


def _search_postgres(queryset, query: str):
    from django.contrib.postgres.search import SearchRank

    ts_query = _ts_query(query)
    return (
        queryset.filter(live_version__search_vector=ts_query)
        .annotate(rank=SearchRank(F("live_version__search_vector"), ts_query, normalization=Value(1)))
        .order_by("-first_published_at", "-pk")
    )


def page_articles(queryset, rows, query: str) -> list:
    """The articles of one results page (``rows`` from :func:`search`), in that order, each with
    ``rank`` and ``snippet`` (safe HTML: escaped text, ``<mark>`` around hits). One query."""
    ranks = {row["pk"]: row["rank"] for row in rows}
    if not ranks:
        return []
    if is_postgres():
        from django.contrib.postgres.search import SearchHeadline

        queryset = queryset.annotate(snippet=SearchHeadline(
            "live_version__body_text", _ts_query(query), config=CONFIG, start_sel="<mark>", stop_sel="</mark>",
            max_words=30, min_words=12, short_word=3, max_fragments=2, fragment_delimiter=" … ",
        ))
    found = queryset.in_bulk(list(ranks))
    articles = [found[pk] for pk in ranks if pk in found]
    for article in articles:
        article.rank = ranks[article.pk]
    add_snippets(articles, query)
    return articles


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


_LEADING_JUNK = re.compile(r"^[\s,.;:!?)\]}'\"’”-]+")


def add_snippets(articles, query: str) -> None:
    """Give each article of a results page a ``snippet`` (SQLite: cut around the first hit)."""
    if is_postgres():
        for article in articles:
            article.snippet = safe_snippet(_LEADING_JUNK.sub("", article.snippet or ""))
        return
    terms = parse(query).phrases
    for article in articles:
        version = article.live_version
        article.snippet = _cut_snippet(html.unescape(version.body_text or version.excerpt or ""), terms)


def _cut_snippet(text: str, terms: list[str], width: int = 220) -> str:
    """About ``width`` characters around the first hit, starting and ending at word boundaries."""
    lowered = text.lower()
    hits = [pos for pos in (lowered.find(t.lower()) for t in terms) if pos >= 0]
    start = max(0, min(hits) - width // 3) if hits else 0
    end = min(len(text), start + width)
    if start > 0 and not text[start - 1].isspace():  # inside a word: begin at the next one
        space = text.find(" ", start, min(hits) if hits else end)
        start = space + 1 if space >= 0 else start
    if end < len(text) and not text[end].isspace():  # end before a cut word
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    width = end - start
    piece = html.escape(text[start:end].strip())
    if terms:
        pattern = re.compile("|".join(re.escape(html.escape(t)) for t in terms), re.IGNORECASE)
        piece = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", piece)
    return ("… " if start else "") + piece + (" …" if start + width < len(text) else "")


# --- "Did you mean …?" (PostgreSQL, pg_trgm) ------------------------------------------------

_WORD = re.compile(r"[^\W\d_]{3,}")

_SIMILAR_WORD_SQL = """
SELECT word FROM (
    SELECT DISTINCT lower(w) AS word
    FROM (
        SELECT pv.title
        FROM articles_publishedversion pv
        JOIN articles_article a ON a.live_version_id = pv.id
        WHERE %(word)s <%% pv.title AND a.first_published_at <= now()
        LIMIT 200
    ) titles, regexp_split_to_table(titles.title, '[^[:alpha:]]+') AS w
    WHERE length(w) >= 3
) words
WHERE word %% %(word)s
ORDER BY similarity(word, %(word)s) DESC, word
LIMIT 1
"""


def similar_word(word: str) -> str | None:
    """The title word most like ``word`` (trigram similarity), or None (PostgreSQL only)."""
    if not is_postgres():
        return None
    with connection.cursor() as cursor:
        cursor.execute(_SIMILAR_WORD_SQL, {"word": word.lower()})
        row = cursor.fetchone()
    return row[0] if row else None


def did_you_mean(query: str) -> str | None:
    """``query`` with its misspelt words replaced by the nearest title words, or None when
    nothing would change (PostgreSQL only: SQLite has no trigram matching)."""
    if not is_postgres():
        return None
    changed = False
    checked = 0

    def fix(match: re.Match) -> str:
        nonlocal changed, checked
        word = match.group(0)
        if checked >= SUGGEST_WORDS:
            return word
        checked += 1
        better = similar_word(word)
        if better and better != word.lower():
            changed = True
            return better
        return word

    suggestion = _WORD.sub(fix, query)
    return suggestion if changed else None
