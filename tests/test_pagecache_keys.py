"""The page cache's key: the scheme is part of it (a page filled over http never answers an
https request, nor the reverse); tracking parameters (utm_*, fbclid, gclid) do not make new
entries."""

import pytest
from django.core.cache import cache

from articles import pagecache
from tests.factories import published_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "pagecache-key-tests"}}
    settings.BONESPINE_PAGE_CACHE = True
    settings.SECURE_SSL_REDIRECT = False
    cache.clear()
    yield
    cache.clear()


def page_keys() -> set[str]:
    return {key for key in cache._cache if ":bonespine:page:" in key}  # noqa: SLF001 - locmem internals


def test_http_and_https_are_separate_entries(page_cache, client):
    url = published_article().get_absolute_url()
    assert client.get(url)["X-Cache"] == "MISS"
    assert client.get(url)["X-Cache"] == "HIT"
    secure = client.get(url, secure=True)
    assert secure.status_code == 200 and secure["X-Cache"] == "MISS"
    assert client.get(url, secure=True)["X-Cache"] == "HIT"
    assert len(page_keys()) == 2


@pytest.mark.parametrize("tracking", [
    "utm_source=newsletter&utm_medium=email&utm_campaign=spring",
    "fbclid=IwAR0abc",
    "gclid=Cj0KCQ",
    "utm_content=x&fbclid=y&gclid=z",
])
def test_tracking_parameters_share_the_bare_page_entry(page_cache, client, tracking):
    url = published_article().get_absolute_url()
    bare = client.get(url)
    assert bare["X-Cache"] == "MISS"
    tracked = client.get(f"{url}?{tracking}")
    assert tracked["X-Cache"] == "HIT" and tracked.content == bare.content
    assert len(page_keys()) == 1


def test_other_parameters_still_make_their_own_entries(page_cache, client):
    published_article(title="Knee fracture care")
    assert client.get("/search/?q=knee")["X-Cache"] == "MISS"
    assert client.get("/search/?q=knee&utm_source=x")["X-Cache"] == "HIT"
    page = client.get("/search/?q=fracture&utm_source=x")
    assert page["X-Cache"] == "MISS" and "Knee fracture care" in page.content.decode()
    assert len(page_keys()) == 2


def test_cache_query_drops_only_tracking_parameters(rf):
    request = rf.get("/search/?utm_source=a&q=knee+pain&page=2&fbclid=b&gclid=c&utm_term=d&utmost=1")
    assert pagecache.cache_query(request) == "q=knee+pain&page=2&utmost=1"
    assert pagecache.cache_query(rf.get("/")) == ""
