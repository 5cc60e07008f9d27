"""Search, view counting, popular lists, related articles, moved articles."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from articles import search, services, viewcounts
from articles.models import ArticleDailyViews, SlugRedirect
from tests.factories import ArticleFactory, DailyViewsFactory, SectionFactory, make_live, published_article

pytestmark = pytest.mark.django_db
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"


def article_with(title, lead="A lead.", heading="Overview", body="Some text.", **kwargs):
    article = ArticleFactory(title=title, lead=lead, **kwargs)
    SectionFactory(article=article, heading=heading, body=body)
    return make_live(article)


def result_slugs(client, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return [a.slug for a in response.context["page_obj"].object_list] if response.context["page_obj"] else []


# --- Search ---------------------------------------------------------------------------

def test_title_hit_outranks_body_hit(client):
    body_hit = article_with("Knee pain", body="Patients sometimes describe a meniscus tear as clicking.")
    title_hit = article_with("Meniscus tear", body="Cartilage in the knee.")
    assert result_slugs(client, "meniscus")[:2] == [title_hit.slug, body_hit.slug]


def test_heading_hit_outranks_body_hit(client):
    body_hit = article_with("Shoulder", body="The rotator cuff may tear.")
    heading_hit = article_with("Arm", heading="Rotator cuff injuries", body="Text.")
    assert result_slugs(client, "rotator")[:2] == [heading_hit.slug, body_hit.slug]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_stemming_and_websearch_syntax(client):
    cramps = article_with("Muscle cramps", body="Cramps after running are common.")
    other = article_with("Running injuries", body="Running on hard ground hurts shins.")
    assert result_slugs(client, "cramp") == [cramps.slug]  # stemming: cramp finds cramps
    assert set(result_slugs(client, "running")) == {cramps.slug, other.slug}
    assert result_slugs(client, "running -cramps") == [other.slug]
    assert result_slugs(client, '"hard ground"') == [other.slug]


def test_fallback_handles_quotes_and_exclusion(client, monkeypatch):
    monkeypatch.setattr(search, "is_postgres", lambda: False)
    cramps = article_with("Muscle cramps", body="Cramps after running are common.")
    other = article_with("Running injuries", body="Running on hard ground hurts shins.")
    assert result_slugs(client, "cramp") == [cramps.slug]
    assert result_slugs(client, "running -cramps") == [other.slug]
    assert result_slugs(client, '"hard ground"') == [other.slug]


def test_snippet_highlights_the_hit_and_escapes_author_text(client):
    article_with("Tendons", body="A <b>bold</b> claim: tendinopathy <script>alert(1)</script> improves with load.")
    html = client.get("/search/", {"q": "tendinopathy"}).content.decode()
    assert "<mark>" in html and "tendinopathy</mark>" in html.lower()
    assert "<script>alert(1)" not in html


def test_search_sees_only_live_content(client):
    article = article_with("Gout", body="Uric acid crystals.")
    article.title = "Secret draft title"
    article.save()
    services.article_content_saved(article=article, by=None)
    assert result_slugs(client, "secret") == []
    assert result_slugs(client, "gout") == [article.slug]
    draft = ArticleFactory(title="Unpublished bursitis")
    SectionFactory(article=draft)
    assert result_slugs(client, "bursitis") == []


def test_empty_long_and_paged_queries(client):
    assert client.get("/search/").status_code == 200
    assert b"Tips" in client.get("/search/", {"q": "   "}).content
    response = client.get("/search/", {"q": "x" * 5000})
    assert response.status_code == 200 and len(response.context["query"]) == 200
    for i in range(12):
        article_with(f"Fracture number {i}")
    first = client.get("/search/", {"q": "fracture"})
    assert len(first.context["page_obj"].object_list) == 10
    assert len(client.get("/search/", {"q": "fracture", "page": 2}).context["page_obj"].object_list) == 2
    assert client.get("/search/", {"q": "fracture", "page": 3}).status_code == 404
    assert client.get("/search/", {"q": "fracture", "page": "x"}).status_code == 404


# --- View counting --------------------------------------------------------------------

def test_beacon_counts_a_reader(client):
    article = published_article()
    assert client.post(f"/views/{article.pk}/", HTTP_USER_AGENT=BROWSER_UA).status_code == 204
    assert client.post(f"/views/{article.pk}/", HTTP_USER_AGENT=BROWSER_UA).status_code == 204
    assert ArticleDailyViews.objects.get(article=article).views == 2


@pytest.mark.parametrize("ua", ["Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.0", "",
                                "Mozilla/5.0 HeadlessChrome/120.0", "python-requests/2.31"])
def test_bots_are_not_counted(client, ua):
    article = published_article()
    assert client.post(f"/views/{article.pk}/", HTTP_USER_AGENT=ua).status_code == 204
    assert not ArticleDailyViews.objects.filter(article=article).exists()


def test_no_user_agent_is_not_counted(client):
    article = published_article()
    assert client.post(f"/views/{article.pk}/").status_code == 204
    assert not ArticleDailyViews.objects.exists()


@pytest.mark.parametrize("ua", [
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/114.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "UptimeRobot/2.0", "Wget/1.21.4", "Go-http-client/1.1", "python-httpx/0.27.0", "   ",
])
def test_is_bot(ua):
    assert viewcounts.is_bot(ua)


@pytest.mark.parametrize("ua", [
    BROWSER_UA,
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
    "Safari/537.36 Edg/126.0.0.0",
    "Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 "
    "Chrome/121.0.0.0 Mobile Safari/537.36",
])
def test_browsers_are_not_bots(ua):
    assert not viewcounts.is_bot(ua)


def test_staff_get_and_drafts_are_not_counted(client, admin_user):
    article = published_article()
    assert client.get(f"/views/{article.pk}/").status_code == 405
    client.force_login(admin_user)
    client.post(f"/views/{article.pk}/", HTTP_USER_AGENT=BROWSER_UA)
    client.logout()
    draft = ArticleFactory()
    client.post(f"/views/{draft.pk}/", HTTP_USER_AGENT=BROWSER_UA)
    client.post("/views/999999/", HTTP_USER_AGENT=BROWSER_UA)
    assert ArticleDailyViews.objects.count() == 0


def test_page_carries_the_beacon_preview_does_not(client, admin_user):
    article = published_article()
    assert f'data-view-url="/views/{article.pk}/"'.encode() in client.get(article.get_absolute_url()).content
    client.force_login(admin_user)
    preview = client.get(f"/admin/articles/article/{article.pk}/preview/")
    assert b"data-view-url" not in preview.content
    # Reading the page itself writes nothing: only the beacon counts.
    client.logout()
    client.get(article.get_absolute_url())
    assert ArticleDailyViews.objects.count() == 0


@pytest.mark.skipif("connection.vendor != 'postgresql'")  # SQLite's shared-cache test DB fails fast on locks
@pytest.mark.django_db(transaction=True)
def test_concurrent_views_lose_no_increment():
    """On PostgreSQL this races real connections; the count must be exact."""
    article = published_article()
    n = 60

    def hit(_):
        return Client().post(f"/views/{article.pk}/", HTTP_USER_AGENT=BROWSER_UA).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(hit, range(n)))
    assert statuses == [204] * n
    viewcounts.flush_view_counts()
    assert ArticleDailyViews.objects.get(article=article).views == n
    connection.close()


# --- Popular --------------------------------------------------------------------------

def test_popular_periods(client):
    today = timezone.localdate()
    recent, older, ancient = published_article(), published_article(), published_article()
    DailyViewsFactory(article=recent, day=today, views=5)
    DailyViewsFactory(article=older, day=today - timedelta(days=20), views=50)
    DailyViewsFactory(article=ancient, day=today - timedelta(days=200), views=500)

    def order(period):
        return [a.pk for a in client.get("/popular/", {"period": period}).context["articles"]]

    assert order("7d") == [recent.pk]
    assert order("30d") == [older.pk, recent.pk]
    assert order("all") == [ancient.pk, older.pk, recent.pk]
    assert order("bogus") == order("30d")


# --- Related and moved articles --------------------------------------------------------

def test_related_prefers_shared_tags_then_category(client):
    article = published_article(tags=("knee", "sport"))
    two_tags = published_article(tags=("knee", "sport"))
    one_tag = published_article(tags=("knee",))
    same_category = published_article(tags=(), category=article.category)
    unrelated = published_article(tags=("spine",))
    related = [a.pk for a in client.get(article.get_absolute_url()).context["related"]]
    assert related == [two_tags.pk, one_tag.pk, same_category.pk]
    assert unrelated.pk not in related


def test_changed_slug_answers_301(client, django_capture_on_commit_callbacks):
    article = published_article()
    old = article.get_absolute_url()
    old_slug = article.slug
    assert client.get(old).status_code == 200  # (the address is known now: its route is kept)
    with django_capture_on_commit_callbacks(execute=True):  # visitors see committed changes
        article.slug = "a-better-address"
        article.save()
        services.article_slug_changed(article=article, old_slug=old_slug)
    response = client.get(old)
    assert response.status_code == 301 and response["Location"] == "/articles/a-better-address/"
    assert client.get("/articles/a-better-address/").status_code == 200
    assert client.get("/articles/never-existed/").status_code == 404
    # Moving back makes the old address real again (no redirect loop).
    with django_capture_on_commit_callbacks(execute=True):
        article.slug = old_slug
        article.save()
        services.article_slug_changed(article=article, old_slug="a-better-address")
    assert client.get(old).status_code == 200
    assert client.get("/articles/a-better-address/").status_code == 301
    assert not SlugRedirect.objects.filter(old_slug=old_slug).exists()
