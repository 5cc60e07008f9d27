"""Every absolute URL a crawler or reader sees (canonical, OpenGraph, JSON-LD, feeds, sitemap,
robots.txt) comes from BONESPINE_SITE_URL, never from the request's Host header or scheme:
``Host: localhost`` and ``Host: 127.0.0.1`` give the same page."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from tests.factories import published_article, uploaded_image

pytestmark = pytest.mark.django_db

SITE = "https://bonespine.example"
HOSTS = ("localhost", "127.0.0.1", "www.bonespine.example")


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = list(HOSTS)


def absolute_urls(text: str) -> set[str]:
    return set(re.findall(r"https?://[^\s\"'<>]+", text))


def own_urls(text: str) -> set[str]:
    """Absolute URLs in ``text`` that point at this site under any of the names it is reached by."""
    return {url for url in absolute_urls(text)
            if re.match(r"https?://(localhost|127\.0\.0\.1|testserver|(www\.)?bonespine\.example)[/:]", url)}


def test_article_head_is_the_same_under_every_host_name(site, client):
    article = published_article(title="Clavicle fracture", featured_image=uploaded_image("c.jpg"),
                                image_alt="A collarbone")
    url = article.get_absolute_url()
    pages = {host: client.get(url, HTTP_HOST=host, secure=host == "localhost").content.decode()
             for host in HOSTS}
    page = pages["127.0.0.1"]
    assert f'<link rel="canonical" href="{SITE}{url}">' in page
    assert f'<meta property="og:url" content="{SITE}{url}">' in page
    assert f'<meta property="og:image" content="{SITE}{article.live_version.image.url}">' in page
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    webpage = ld["@graph"][0]
    assert webpage["url"] == f"{SITE}{url}"
    assert webpage["publisher"]["logo"]["url"].startswith(f"{SITE}/static/")
    assert webpage["author"]["url"] == f"{SITE}{article.author.get_absolute_url()}"
    for host, text in pages.items():
        assert own_urls(text) and all(u.startswith(SITE + "/") for u in own_urls(text)), host
        assert own_urls(text) == own_urls(page), host


@pytest.mark.parametrize("path", ["/", "/popular/"])
def test_listing_canonical_ignores_the_host(site, client, path):
    published_article()
    for host in HOSTS:
        text = client.get(path, HTTP_HOST=host).content.decode()
        assert f'<link rel="canonical" href="{SITE}{path}">' in text, host


def test_feeds_sitemap_and_robots_use_the_site_url(site, client):
    article = published_article()
    for host in ("localhost", "127.0.0.1"):
        for path in ("/feed/", "/feed/atom/", f"{article.category.get_absolute_url()}feed/", "/sitemap.xml",
                     "/robots.txt"):
            response = client.get(path, HTTP_HOST=host)
            assert response.status_code == 200, (path, response.status_code)
            text = response.content.decode()
            assert own_urls(text), path
            assert all(u.startswith(SITE + "/") for u in own_urls(text)), (host, path, own_urls(text))
        rss = ET.fromstring(client.get("/feed/", HTTP_HOST=host).content)
        assert rss.find("channel/item/link").text == f"{SITE}{article.get_absolute_url()}"


def test_absolute_urls_of_uploads_on_another_origin_are_kept(settings):
    from articles.structured_data import absolute_url

    settings.SITE_URL = SITE
    assert absolute_url(None, "https://cdn.example/media/a.jpg") == "https://cdn.example/media/a.jpg"
    assert absolute_url(None, "/media/a.jpg") == f"{SITE}/media/a.jpg"
