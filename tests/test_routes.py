"""With the page cache off, a page is assembled from cached fragments, the article's route
(articles/routes.py) and the rows a page is found by (category, tag, author), each kept in
the shared cache and in this process's memory. None of them may outlive a committed change:
these tests run on local memory and on a real Redis server, with every change committed."""


import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import pagecache, routes, selectors, services
from tests.factories import ArticleFactory, ReviewerFactory, SectionFactory, make_live, published_article

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["locmem", "redis"])
def fragments_only(request, settings, use_cache):
    """The page cache off (every request renders), the fragments and routes on."""
    yield from _fragments_only(settings, use_cache, request.param)


@pytest.fixture
def fragments_only_on_redis(settings, use_cache):
    yield from _fragments_only(settings, use_cache, "redis")


def _fragments_only(settings, use_cache, backend):
    use_cache(backend)
    settings.BONESPINE_PAGE_CACHE = False
    cache.clear()
    pagecache.clear_local()
    yield backend
    cache.clear()
    pagecache.clear_local()


def warm(client, url) -> str:
    """Request ``url`` until it is built from its route and fragments alone (no query)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200 and len(queries) == 0, [q["sql"][:100] for q in queries]
    return response.content.decode()


def test_a_withdrawn_article_is_gone_at_once(fragments_only, client, admin_user):
    article = published_article(title="Soon withdrawn")
    url = article.get_absolute_url()
    assert "Soon withdrawn" in warm(client, url)
    services.article_unpublish(article=article, by=admin_user, comment="Withdrawn for a test.")
    assert client.get(url).status_code == 410
    assert "Soon withdrawn" not in client.get("/").content.decode()


def test_a_published_revision_replaces_the_page_its_title_and_breadcrumbs(fragments_only, client, admin_user):
    reviewer = ReviewerFactory()
    article = published_article(title="Live title", reviewer=reviewer)
    url = article.get_absolute_url()
    assert "Live title" in warm(client, url)
    article.title = "Corrected title"
    article.save()
    services.article_content_saved(article=article, by=admin_user)
    assert "Corrected title" not in client.get(url).content.decode()  # not signed off yet
    services.article_publish_reviewed(article=article, reviewer=reviewer)
    page = client.get(url).content.decode()
    assert "Live title" not in page
    assert '<span aria-current="page">Corrected title</span>' in page and "<title>Corrected title" in page


def test_a_changed_slug_moves_and_the_old_address_can_be_taken_again(fragments_only, client):
    article = published_article(title="Moving article", slug="old-address")
    warm(client, "/articles/old-address/")
    article.slug = "new-address"
    article.save()
    services.article_slug_changed(article=article, old_slug="old-address")
    response = client.get("/articles/old-address/")
    assert response.status_code == 301 and response["Location"] == "/articles/new-address/"
    assert "Moving article" in warm(client, "/articles/new-address/")
    # A new article at the old address is that article, not the one the old route named.
    newcomer = ArticleFactory(title="Newcomer article", slug="old-address")
    SectionFactory(article=newcomer)
    make_live(newcomer)
    assert "Newcomer article" in client.get("/articles/old-address/").content.decode()


def test_a_route_read_while_a_change_commits_is_not_kept(fragments_only, client, monkeypatch):
    article = published_article()
    real = selectors.article_for_page

    def read_while_a_change_commits(*, slug):
        found = real(slug=slug)
        pagecache.bump(f"article:{found.pk}")  # as a publication committing in between
        return found

    monkeypatch.setattr(selectors, "article_for_page", read_while_a_change_commits)
    assert client.get(article.get_absolute_url()).status_code == 200
    assert cache.get(routes._key(article.slug)) is None
    monkeypatch.setattr(selectors, "article_for_page", real)
    client.get(article.get_absolute_url())
    assert cache.get(routes._key(article.slug)) is not None


def test_an_old_copy_in_this_process_is_not_trusted_after_a_change(fragments_only, client, admin_user):
    """Another worker commits the change: this process still holds the old route and
    fragments in memory, and must not use them."""
    article = published_article(title="Held in memory")
    url = article.get_absolute_url()
    warm(client, url)
    held = dict(pagecache._local)
    services.article_unpublish(article=article, by=admin_user, comment="Withdrawn for a test.")
    pagecache._local.update(held)  # the change's own process would have replaced them
    assert client.get(url).status_code == 410


def test_renamed_category_tag_and_author_show_on_their_pages(fragments_only, client):
    article = published_article(tags=("sprain",))
    category, author = article.category, article.author
    tag_url = "/tags/sprain/"
    warm(client, category.get_absolute_url())
    warm(client, author.get_absolute_url())
    warm(client, tag_url)
    category.name = "Renamed category"
    category.save()
    author.name = "Dr Renamed"
    author.save()
    tag = article.tags.get()
    tag.name = "Sprained"
    tag.save()
    assert 'page-title">Renamed category</h1>' in client.get(category.get_absolute_url()).content.decode()
    assert "Dr Renamed" in client.get(author.get_absolute_url()).content.decode()
    assert "Sprained" in client.get(tag_url).content.decode()


def test_a_warm_article_page_makes_no_cache_round_trip(fragments_only_on_redis, client, monkeypatch):
    """Its route and fragments are this process's copies, and so are the generations that
    say they are current (articles/tracking.py)."""
    article = published_article(tags=("sprain", "ankle"))
    url = article.get_absolute_url()
    warm(client, url)
    calls = []
    backend = caches["default"]
    for name in ("get", "get_many", "set", "set_many", "add", "incr"):
        real = getattr(backend, name)
        monkeypatch.setattr(backend, name, lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k))
    assert client.get(url).status_code == 200
    assert calls == [], calls


def test_this_process_keeps_a_bounded_amount(monkeypatch):
    monkeypatch.setattr(pagecache, "LOCAL_MAX_BYTES", 10_000)
    pagecache.clear_local()
    for i in range(20):
        pagecache.store(f"test-fragment:{i}", "x" * 1_000)
    assert pagecache._local_bytes <= 10_000 and len(pagecache._local) == 10
    assert "test-fragment:19" in pagecache._local and "test-fragment:0" not in pagecache._local
    pagecache.clear_local()


def test_the_popular_ranking_is_counted_by_one_request_while_the_others_use_the_last(settings):
    settings.BONESPINE_POPULAR_SECONDS = 120
    article = published_article()
    selectors.popular_ranking("all", recount=True)
    key = f"bonespine:popular:all:{selectors.popular_since('all')}"
    counted_at, ranking = cache.get(key)
    cache.set(key, (counted_at - 1_000, [(article.pk, 7)]), 600)  # stale
    cache.add(f"{key}:counting", 1, 30)  # another request is counting it
    with CaptureQueriesContext(connection) as queries:
        assert selectors.popular_ranking("all") == [(article.pk, 7)]
    assert len(queries) == 0
    cache.delete(f"{key}:counting")
    assert selectors.popular_ranking("all") == ranking  # counted again, by this request
    assert cache.get(key)[0] > counted_at - 1_000
