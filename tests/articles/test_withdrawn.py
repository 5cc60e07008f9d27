"""A withdrawn article answers 410 Gone with a short notice; never-published ones stay 404.

Withdrawn: it was live, then unpublished or archived (and not published again since).
The notice gives its title, the withdrawal date from the transition log and a link to
its category; it is in no feed, sitemap or list, keeps its history, costs few queries
and is cached like a 404 until the article is published again.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import services
from articles.models import ArticleTransition, PublishedVersion
from tests.factories import ArticleFactory, CategoryFactory, ReviewerFactory, SectionFactory, UserFactory, published_article

pytestmark = pytest.mark.django_db

WITHDRAW = {
    "unpublish": lambda article, by: services.article_unpublish(article=article, by=by, comment="Out of date."),
    "archive": lambda article, by: services.article_archive(article=article, by=by, comment="Superseded."),
}


@pytest.fixture
def editor():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def gone(editor):
    category = CategoryFactory(name="Knees", slug="knees")
    article = published_article(title="Runner's knee", slug="runners-knee", category=category)
    WITHDRAW["unpublish"](article, editor)
    article.refresh_from_db()
    return article


def withdrawn_on(article, when: datetime):
    ArticleTransition.objects.filter(article=article, to_status__in=["unpublished", "archived"]).update(at=when)


@pytest.mark.parametrize("how", sorted(WITHDRAW))
def test_withdrawn_article_answers_410_with_a_notice(client, editor, how):
    category = CategoryFactory(name="Knees", slug="knees")
    article = published_article(title="Runner's knee", slug="runners-knee", category=category)
    WITHDRAW[how](article, editor)
    withdrawn_on(article, datetime(2024, 3, 12, 9, 30, tzinfo=UTC))
    response = client.get("/articles/runners-knee/")
    assert response.status_code == 410
    html = response.content.decode()
    assert re.search(r'<h1 class="page-title">Runner(&#x27;|\')s knee</h1>', html)
    assert 'withdrawn on <time datetime="2024-03-12">12 March 2024</time>' in html
    assert '<a href="/category/knees/">Knees</a>' in html
    assert '<meta name="robots" content="noindex">' in html
    assert 'rel="canonical"' not in html
    assert "data-view-url" not in html  # no view beacon: nothing is read


def test_the_notice_shows_the_last_published_title_and_the_latest_withdrawal(client, editor, gone):
    # An edit after withdrawal (back to draft, new title) is not public: the notice keeps the signed-off title.
    gone.title = "Unreviewed new title"
    services.article_update(article=gone, by=editor, expected_revision=None, changed_fields=["title"])
    gone.refresh_from_db()
    assert gone.status == "draft"
    older = datetime(2023, 1, 5, 12, 0, tzinfo=UTC)
    withdrawn_on(gone, older)
    ArticleTransition.objects.create(article=gone, from_status="published", to_status="archived",
                                     at=datetime(2024, 6, 2, 12, 0, tzinfo=UTC))
    response = client.get("/articles/runners-knee/")
    assert response.status_code == 410  # still withdrawn while the revision is a draft
    html = response.content.decode()
    assert "Unreviewed new title" not in html
    assert re.search(r"Runner(&#x27;|')s knee", html)
    assert "2 June 2024" in html and "5 January 2023" not in html


@pytest.mark.parametrize("status", ["draft", "in_review", "changes_requested", "unpublished", "archived"])
def test_never_published_articles_stay_404(client, status):
    ArticleFactory(slug="never-live", status=status)
    response = client.get("/articles/never-live/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_unknown_address_stays_404(client, gone):
    assert client.get("/articles/nothing-here/").status_code == 404


def test_an_old_address_of_a_withdrawn_article_leads_to_the_notice(client, editor):
    article = published_article(slug="old-knee")
    old = article.slug
    article.slug = "runners-knee"
    services.article_update(article=article, by=editor, expected_revision=None, changed_fields=["slug"], old_slug=old)
    WITHDRAW["archive"](article, editor)
    response = client.get("/articles/old-knee/")
    assert response.status_code == 301 and response["Location"] == "/articles/runners-knee/"
    assert client.get("/articles/runners-knee/").status_code == 410


def test_withdrawn_article_leaves_feeds_sitemap_and_lists(client, gone):
    published_article(title="Still here", category=gone.category)
    for url in ("/feed/", "/feed/atom/", "/category/knees/feed/", "/category/knees/feed/atom/", "/sitemap.xml",
                "/", "/category/knees/", f"/authors/{gone.author.slug}/", "/search/?q=knee", "/tags/cramp/"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "runners-knee" not in body, url
        assert "Runner" not in body, url


def test_withdrawn_article_keeps_its_history(gone):
    assert PublishedVersion.objects.filter(article=gone).count() == 1
    steps = list(ArticleTransition.objects.filter(article=gone).order_by("at", "pk").values_list("to_status", flat=True))
    assert steps[-1] == "unpublished" and "published" in steps
    assert gone.history.exists()


def test_the_notice_costs_few_queries(client, gone):
    client.get("/articles/runners-knee/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/articles/runners-knee/").status_code == 410
    # the live lookup, then the withdrawn lookup (title, date and category in one query)
    assert len(ctx.captured_queries) <= 3, [q["sql"] for q in ctx.captured_queries]


def test_republished_article_is_back(client, editor, gone):
    services.article_restore(article=gone, by=editor)
    services.article_publish_reviewed(article=gone, reviewer=ReviewerFactory())
    assert client.get("/articles/runners-knee/").status_code == 200


def test_scheduled_article_is_not_withdrawn(client):
    published_article(slug="coming-soon", first_published_at=timezone.now() + timedelta(hours=2))
    assert client.get("/articles/coming-soon/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_cached_like_a_404_and_back_on_the_next_request_after_republishing(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "withdrawn-tests"}}
    settings.BONESPINE_PAGE_CACHE = True
    cache.clear()
    client = Client()
    editor = UserFactory(is_staff=True, is_superuser=True)
    reviewer = ReviewerFactory()
    article = published_article(title="Runner's knee", slug="runners-knee", reviewer=reviewer)
    SectionFactory(article=article)
    url = "/articles/runners-knee/"
    assert client.get(url).status_code == 200
    assert client.get(url)["X-Cache"] == "HIT"
    WITHDRAW["unpublish"](article, editor)
    first = client.get(url)
    assert first.status_code == 410 and first["X-Cache"] == "MISS"
    assert "public" in first["Cache-Control"]
    again = client.get(url)
    assert again.status_code == 410 and again["X-Cache"] == "HIT"
    services.article_restore(article=article, by=editor)
    services.article_publish_reviewed(article=article, reviewer=reviewer)
    back = client.get(url)
    assert back.status_code == 200 and back["X-Cache"] == "MISS"
    cache.clear()
