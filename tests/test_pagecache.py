"""The page cache is never wrong: each change is visible on the very next request,
on local memory and on a real Redis server; logged-in users and previews bypass it;
conditional GET answers 304. Also the Redis view-count buffer."""

import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.flatpages.models import FlatPage
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import selectors, services, viewcounts
from articles.models import ArticleDailyViews
from tests.factories import ArticleFactory, SectionFactory, make_live, published_article

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"


@pytest.fixture(params=["locmem", "redis"])
def page_cache(request, settings, use_cache):
    use_cache(request.param)
    settings.BONESPINE_PAGE_CACHE = True
    cache.clear()
    yield request.param
    cache.clear()


def get(client, url):
    response = client.get(url)
    return response, response.content.decode()


def hit_then(client, url):
    """Warm the cache for ``url`` and prove the second request is served from it."""
    first = client.get(url)
    second = client.get(url)
    assert second.get("X-Cache") == "HIT", (url, first.get("X-Cache"))
    return second.content.decode()


pytestmark = pytest.mark.django_db


def test_anonymous_pages_are_cached_with_cdn_headers(page_cache, client):
    article = published_article()
    response = client.get(article.get_absolute_url())
    assert response["X-Cache"] == "MISS"
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
    assert "stale-while-revalidate=300" in response["Cache-Control"]
    again = client.get(article.get_absolute_url())
    assert again["X-Cache"] == "HIT" and again.content == response.content


def test_conditional_get_answers_304(page_cache, client):
    article = published_article()
    etag = client.get(article.get_absolute_url())["ETag"]
    assert etag
    assert client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/", HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_logged_in_users_neither_read_nor_fill_the_cache(page_cache, client, admin_user):
    article = published_article()
    url = article.get_absolute_url()
    hit_then(client, url)
    client.force_login(admin_user)
    response = client.get(url)
    assert "X-Cache" not in response
    preview = client.get(f"/admin/articles/article/{article.pk}/preview/")
    assert "X-Cache" not in preview and "no-store" in preview["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_publishing_shows_on_the_next_request(page_cache, client):
    existing = published_article()
    home = hit_then(client, "/")
    category_url = existing.category.get_absolute_url()
    hit_then(client, category_url)
    article = ArticleFactory(title="Brand new article on bunions", category=existing.category)
    SectionFactory(article=article)
    assert "bunions" not in hit_then(client, "/")
    make_live(article)
    assert "Brand new article on bunions" in get(client, "/")[1]
    assert "Brand new article on bunions" in get(client, category_url)[1]
    assert home != get(client, "/")[1]


@pytest.mark.django_db(transaction=True)
def test_unpublishing_shows_on_the_next_request(page_cache, client, admin_user):
    article = published_article(title="Soon withdrawn")
    url = article.get_absolute_url()
    assert "Soon withdrawn" in hit_then(client, url)
    assert "Soon withdrawn" in hit_then(client, "/")
    services.article_unpublish(article=article, by=admin_user, comment="Withdrawn for a test.")
    assert client.get(url).status_code == 410
    assert "Soon withdrawn" not in get(client, "/")[1]


@pytest.mark.django_db(transaction=True)
def test_publishing_a_revision_shows_on_the_next_request(page_cache, client, admin_user):
    from tests.factories import ReviewerFactory

    reviewer = ReviewerFactory()
    article = published_article(title="Live title", reviewer=reviewer)
    url = article.get_absolute_url()
    hit_then(client, url)
    article.title = "Corrected title"
    article.save()
    services.article_content_saved(article=article, by=admin_user)
    assert "Live title" in get(client, url)[1]  # the revision is not public yet
    services.article_publish_reviewed(article=article, reviewer=reviewer)
    page = get(client, url)[1]
    assert "Corrected title" in page and "Live title" not in page


@pytest.mark.django_db(transaction=True)
def test_category_author_tag_and_static_page_changes(page_cache, client):
    article = published_article(tags=("sprain",))
    url = article.get_absolute_url()
    hit_then(client, url)
    category = article.category
    category.name = "Renamed category"
    category.save()
    assert "Renamed category" in get(client, url)[1]

    hit_then(client, url)
    author = article.author
    author.name = "Dr Renamed"
    author.save()
    assert "Dr Renamed" in get(client, url)[1]

    hit_then(client, url)
    article.tags.add("ankle")
    assert ">ankle<" in get(client, url)[1]

    page = FlatPage.objects.create(url="/about/", title="About us", content="<p>Old text</p>")
    page.sites.add(1)
    assert "Old text" in hit_then(client, "/about/")
    page.content = "<p>New text</p>"
    page.save()
    assert "New text" in get(client, "/about/")[1]


def test_admin_and_beacon_are_never_cached(page_cache, client):
    article = published_article()
    response = client.post(f"/views/{article.pk}/", HTTP_USER_AGENT=BROWSER_UA)
    assert response.status_code == 204 and "X-Cache" not in response
    assert "X-Cache" not in client.get("/admin/login/")


# --- Redis view buffer ---------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_buffered_views_are_flushed_exactly(redis_cache):
    cache.clear()
    article = published_article()
    n = 80

    def hit(_):
        return Client().post(f"/views/{article.pk}/", HTTP_USER_AGENT=BROWSER_UA).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(hit, range(n))) == [204] * n
    assert not ArticleDailyViews.objects.exists()  # no database write per view
    assert viewcounts.pending_count() == n
    # Two flushes at once: each batch is claimed by exactly one of them.
    with ThreadPoolExecutor(max_workers=2) as pool:
        stored = sum(pool.map(lambda _: viewcounts.flush_view_counts(), range(2)))
    assert stored == n
    assert ArticleDailyViews.objects.get(article=article).views == n
    call_command("flush_view_counts")
    assert ArticleDailyViews.objects.get(article=article).views == n
    # The job also counts the popular rankings, so that no page request has to.
    ranking = cache.get(f"bonespine:popular:7d:{selectors.popular_since('7d')}")
    assert isinstance(ranking, tuple) and ranking[1] == [(article.pk, n)]
    cache.clear()
    connection.close()


def test_flush_view_counts_without_a_shared_cache_does_nothing():
    out = io.StringIO()
    with CaptureQueriesContext(connection) as queries:
        call_command("flush_view_counts", stdout=out)
    assert "nothing to store" in out.getvalue() and not queries


def test_cached_pages_are_served_while_the_database_is_down(page_cache, client, monkeypatch):
    from django.db import OperationalError
    from django.db.backends.base.base import BaseDatabaseWrapper

    article = published_article(title="Still readable")
    url = article.get_absolute_url()
    hit_then(client, url)

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", down)
    response = client.get(url)
    assert response.status_code == 200 and response["X-Cache"] == "HIT"
    assert "Still readable" in response.content.decode()
    # A page that is not in the cache gets the friendly 503, not a traceback.
    uncached = client.get("/popular/?period=7d")
    assert uncached.status_code == 503


# --- Targeted invalidation: a change empties only the pages that show it -----------------------

def _three_articles():
    """A and B share a category and the tag "knee"; C is in another category with another tag."""
    from tests.factories import CategoryFactory

    knees = CategoryFactory(name="Knees")
    a = published_article(title="Article A on knees", category=knees, tags=("knee",))
    b = published_article(title="Article B on knees", category=knees, tags=("knee",))
    c = published_article(title="Article C on hips", category=CategoryFactory(name="Hips"), tags=("hip",))
    return a, b, c


def _revise(article, admin_user, title):
    """Sign off and publish a new version of ``article`` with a new title."""
    from articles.workflow import services as workflow_services  # noqa: F401 - the real publish path

    article.refresh_from_db()
    article.title = title
    article.save()
    services.article_content_saved(article=article, by=admin_user)
    services.article_publish_reviewed(article=article, reviewer=article.reviewer)


def _is_hit(client, url) -> bool:
    return client.get(url).get("X-Cache") == "HIT"


@pytest.mark.django_db(transaction=True)
def test_publishing_a_revision_empties_what_shows_it_and_keeps_the_rest(page_cache, client, admin_user):
    a, b, c = _three_articles()
    pages = {
        "a": a.get_absolute_url(), "b": b.get_absolute_url(), "c": c.get_absolute_url(),
        "knees": a.category.get_absolute_url(), "hips": c.category.get_absolute_url(),
        "knee tag": "/tags/knee/", "hip tag": "/tags/hip/", "home": "/", "feed": "/feed/",
        "author of a": a.author.get_absolute_url(), "author of c": c.author.get_absolute_url(),
    }
    for url in pages.values():
        hit_then(client, url)

    _revise(a, admin_user, "Article A, corrected")

    # Everything that shows A's title is rebuilt at once …
    for name in ("a", "b", "knees", "knee tag", "home", "feed", "author of a"):
        response, body = get(client, pages[name])
        assert response["X-Cache"] == "MISS", name
        assert "Article A, corrected" in body, name
    # … and what does not show it is still served from the cache, unchanged and right.
    for name in ("c", "hips", "hip tag", "author of c"):
        response, body = get(client, pages[name])
        assert response["X-Cache"] == "HIT", name
        assert "Article A, corrected" not in body and "Article A on knees" not in body, name


@pytest.mark.django_db(transaction=True)
def test_saving_a_working_copy_empties_nothing(page_cache, client, admin_user):
    a, b, c = _three_articles()
    urls = [a.get_absolute_url(), b.get_absolute_url(), c.get_absolute_url(), "/", a.category.get_absolute_url()]
    for url in urls:
        hit_then(client, url)
    a.refresh_from_db()
    a.title = "A draft title nobody may read yet"
    a.save()
    services.article_content_saved(article=a, by=admin_user)
    SectionFactory(article=a, heading="A draft section")
    ArticleFactory(title="A brand new draft", category=a.category, author=a.author)  # never published
    for url in urls:
        response, body = get(client, url)
        assert response["X-Cache"] == "HIT", url
        assert "draft" not in body.lower() or "A draft title" not in body


@pytest.mark.django_db(transaction=True)
def test_a_new_article_changes_the_sidebar_of_every_page(page_cache, client):
    a, b, c = _three_articles()
    url = c.get_absolute_url()
    before = hit_then(client, url)
    assert "Hips" in before
    published_article(title="Another hip article", category=c.category, tags=("other",))
    response, body = get(client, url)
    # The sidebar counts the category's articles: every page shows the new count.
    assert response["X-Cache"] == "MISS"
    assert body != before


@pytest.mark.django_db(transaction=True)
def test_a_new_tag_empties_the_article_and_the_tag_pages_only(page_cache, client):
    a, b, c = _three_articles()
    for url in (a.get_absolute_url(), c.get_absolute_url(), "/tags/hip/"):
        hit_then(client, url)
    a.tags.add("sprain")
    assert 'rel="tag">sprain</a>' in get(client, a.get_absolute_url())[1]
    assert client.get("/tags/sprain/").status_code == 200
    assert _is_hit(client, c.get_absolute_url()) and _is_hit(client, "/tags/hip/")


@pytest.mark.django_db(transaction=True)
def test_a_change_to_a_related_article_shows_on_the_pages_that_list_it(page_cache, client, admin_user):
    a, b, c = _three_articles()
    assert "Article A on knees" in hit_then(client, b.get_absolute_url())  # A is related to B
    _revise(a, admin_user, "Article A, renamed")
    body = get(client, b.get_absolute_url())[1]
    assert "Article A, renamed" in body and "Article A on knees" not in body


def test_a_page_built_while_a_change_commits_is_not_kept(page_cache, rf):
    """The epoch moves before any dependency: a response whose rows may predate the change it
    recorded is served once and not stored."""
    from django.http import HttpResponse

    from articles import pagecache

    def view_during_publish(request):
        pagecache.page_shows(request, "article:1")
        pagecache.bump("article:2")  # an unrelated change commits while this page renders
        return HttpResponse("built during a change")

    middleware = pagecache.PageCacheMiddleware(view_during_publish)
    assert middleware(rf.get("/articles/x/"))["X-Cache"] == "MISS"
    assert middleware(rf.get("/articles/x/"))["X-Cache"] == "MISS"  # nothing was stored
    middleware = pagecache.PageCacheMiddleware(lambda request: HttpResponse("quiet"))
    middleware(rf.get("/articles/x/"))
    assert middleware(rf.get("/articles/x/"))["X-Cache"] == "HIT"


def test_an_evicted_counter_never_revives_an_old_page(page_cache, rf):
    from django.http import HttpResponse

    from articles import pagecache

    def view(request):
        pagecache.page_shows(request, "article:7")
        return HttpResponse("article 7")

    middleware = pagecache.PageCacheMiddleware(view)
    middleware(rf.get("/articles/seven/"))
    assert middleware(rf.get("/articles/seven/"))["X-Cache"] == "HIT"
    cache.delete(pagecache.DEPENDENCY_PREFIX + "article:7")  # evicted (or never bumped before)
    assert middleware(rf.get("/articles/seven/"))["X-Cache"] == "MISS"
    assert middleware(rf.get("/articles/seven/"))["X-Cache"] == "HIT"


def test_a_hit_is_one_cache_round_trip_or_none(page_cache, client, monkeypatch):
    """The entry, the epoch and the generations the page depends on are read together; on
    Redis a warm process holds the page and the generations (articles/tracking.py), so a hit
    reads nothing from the cache at all."""
    from articles import pagecache

    article = published_article()
    url = article.get_absolute_url()
    hit_then(client, url)
    calls = []

    class Counting:
        def __getattr__(self, name):
            method = getattr(cache, name)
            if name in {"get", "get_many", "add", "set", "incr"}:
                return lambda *args, **kwargs: (calls.append(name), method(*args, **kwargs))[1]
            return method

    monkeypatch.setattr(pagecache, "cache", Counting())
    response = client.get(url)
    assert response["X-Cache"] == "HIT" and calls == ([] if page_cache == "redis" else ["get_many"])


@pytest.mark.django_db(transaction=True)
def test_a_page_this_process_holds_is_not_served_after_a_change(page_cache, client, admin_user):
    """Each process keeps a copy of the pages it served; another worker commits a change (so
    this process's copy is not replaced): the copy is checked like the shared entry."""
    from articles import pagecache

    article = published_article(title="Held by this process")
    url = article.get_absolute_url()
    hit_then(client, url)
    held = dict(pagecache._local)
    assert any(isinstance(value[2], tuple) and "article:" in str(value[2][0]) for value in held.values())
    services.article_unpublish(article=article, by=admin_user, comment="Withdrawn for a test.")
    pagecache._local.update(held)
    response = client.get(url)
    assert response.status_code == 410 and response["X-Cache"] == "MISS"
    assert client.get(url)["X-Cache"] == "HIT"
