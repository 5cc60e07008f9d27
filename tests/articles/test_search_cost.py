"""Search whose cost does not grow with the site: a bounded, narrow ranking with a capped count;
"Did you mean …?" on PostgreSQL (pg_trgm), also when nothing matched; snippets cut at words."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import search, selectors
from tests.factories import ArticleFactory, SectionFactory, make_live

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="pg_trgm and ranking caps are PostgreSQL's")


def article_with(title, body="Some text.", **kwargs):
    article = ArticleFactory(title=title, lead="A lead.", **kwargs)
    SectionFactory(article=article, heading="Overview", body=body)
    return make_live(article)


def test_ranked_rows_are_narrow(client):
    article_with("Wrist fracture", body="A broken wrist.")
    rows = selectors.search_ranked(query="wrist")
    assert len(rows) == 1 and set(rows[0]) == {"pk", "rank", "first_published_at"}


@postgres_only
def test_ranking_runs_on_a_bounded_candidate_set(client, monkeypatch):
    monkeypatch.setattr(search, "MAX_RESULTS", 3)
    articles = [article_with(f"Hip fracture {n}", body="Fracture of the hip.") for n in range(5)]
    from articles.models import Article

    with CaptureQueriesContext(connection) as queries:
        search.search(Article.objects.published(), "fracture")
    assert len(queries.captured_queries) == 1 and "LIMIT 3" in queries.captured_queries[0]["sql"]
    response = client.get("/search/", {"q": "fracture"})
    assert response.context["page_obj"].paginator.count == 3  # capped, not 5
    assert response.context["capped"] is True
    assert "3 or more results" in response.content.decode()
    # The candidates are the newest matches, then ranked.
    newest = sorted(articles, key=lambda a: (a.first_published_at, a.pk), reverse=True)[:3]
    assert {a.pk for a in response.context["page_obj"].object_list} == {a.pk for a in newest}


@postgres_only
def test_search_queries_do_not_grow_with_matches(client, django_assert_max_num_queries):
    for n in range(3):
        article_with(f"Ankle fracture {n}", body="Fracture text.")
    client.get("/search/", {"q": "fracture"})
    with django_assert_max_num_queries(2) as few:  # the ranked (pk, rank) rows, then the page's articles
        client.get("/search/", {"q": "fracture"})
    for n in range(12):
        article_with(f"Knee fracture {n}", body="Fracture text.")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/search/", {"q": "fracture"})
    assert len(response.context["page_obj"].object_list) == 10


@postgres_only
def test_did_you_mean_when_nothing_matched(client):
    article_with("Wrist fracture in older adults", body="A broken wrist heals in six weeks.")
    response = client.get("/search/", {"q": "fractre"})
    text = response.content.decode()
    assert response.context["page_obj"].paginator.count == 0
    assert response.context["suggestion"] == "fracture"
    assert 'Did you mean <a href="?q=fracture">fracture</a>?' in text


@postgres_only
def test_did_you_mean_corrects_only_the_misspelt_word(client):
    article_with("Wrist fracture in older adults", body="A broken wrist heals in six weeks.")
    response = client.get("/search/", {"q": "wrist fractre"})
    assert response.context["suggestion"] == "wrist fracture"
    assert response.context["page_obj"].paginator.count == 0  # both words must match


@postgres_only
def test_no_suggestion_for_well_spelt_or_unknown_words(client):
    article_with("Wrist fracture in older adults", body="A broken wrist heals in six weeks.")
    assert client.get("/search/", {"q": "fracture"}).context["suggestion"] is None
    assert client.get("/search/", {"q": "zzzxqv"}).context["suggestion"] is None


@postgres_only
def test_trigram_extension_and_title_index_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone()
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'articles_pv_title_trgm_idx'")
        assert "gin_trgm_ops" in cursor.fetchone()[0]


def test_no_suggestion_on_sqlite(monkeypatch):
    monkeypatch.setattr(search, "is_postgres", lambda: False)
    assert search.did_you_mean("fractre") is None


def test_fallback_snippet_starts_and_ends_at_word_boundaries():
    text = ("Introductory sentence about general orthopaedic care and rehabilitation. " * 4
            + "The scaphoid fracture is easy to miss on a first radiograph, so clinicians repeat it. "
            + "Closing words about follow-up appointments and long-term outcomes. " * 4)
    snippet = search._cut_snippet(text, ["scaphoid"])
    assert snippet.startswith("… ") and snippet.endswith(" …")
    first_word = snippet[2:].split()[0]
    last_word = snippet[:-2].split()[-1]
    assert first_word in text.split() and last_word in text.split()  # whole words only
    assert "<mark>scaphoid</mark>" in snippet


@postgres_only
def test_postgres_snippet_has_no_leading_punctuation(client):
    article_with("Scaphoid", body="; scaphoid fractures are easy to miss, so a second radiograph is taken.")
    item = client.get("/search/", {"q": "scaphoid"}).context["page_obj"].object_list[0]
    assert item.snippet[0].isalnum() or item.snippet.startswith("<mark>")


def test_related_and_category_counts_stay_right(client):
    from articles.models import Category

    category = Category.objects.create(name="Hands", slug="hands")
    other = Category.objects.create(name="Feet", slug="feet")
    first = article_with("Thumb sprain", category=category)
    for n in range(6):
        article_with(f"Finger {n}", category=category)
    article_with("Toe", category=other)
    ArticleFactory(title="Draft hand", category=category)  # not live: not counted
    counts = {c.slug: c.published_count for c in selectors.categories_with_counts()}
    assert counts["hands"] == 7 and counts["feet"] == 1
    first.tags.add("sprain")
    related = list(selectors.related_articles(article=first))
    assert len(related) == 4 and all(a.category_id == category.pk for a in related)
    assert related == sorted(related, key=lambda a: (a.first_published_at, a.pk), reverse=True)
