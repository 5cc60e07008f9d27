"""Compression by the app (no front server): text for clients that accept gzip, never a response
that carries a CSRF token together with input reflected from the request (BREACH)."""

import gzip

import pytest

from tests.factories import published_article

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def body(response) -> bytes:
    if response.get("Content-Encoding") == "gzip":
        return gzip.decompress(response.content)
    return response.content


def test_html_is_gzipped_for_clients_that_accept_it(client):
    article = published_article(title="A long article about the knee")
    plain = client.get(article.get_absolute_url())
    assert "Content-Encoding" not in plain
    compressed = client.get(article.get_absolute_url(), **GZIP)
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert len(compressed.content) < len(plain.content) / 2
    assert b"A long article about the knee" in body(compressed)


@pytest.mark.parametrize("path", ["/", "/feed/", "/sitemap.xml", "/search/?q=knee", "/search/?q=%3Cscript%3E"])
def test_pages_without_a_csrf_token_are_compressed_even_with_a_query(client, path):
    published_article(title="Knee pain")
    response = client.get(path, **GZIP)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip", path
    assert b"csrfmiddlewaretoken" not in body(response)


def test_cached_pages_are_compressed_too(client, settings):
    settings.BONESPINE_PAGE_CACHE = True
    url = published_article().get_absolute_url()
    client.get(url)
    hit = client.get(url, **GZIP)
    assert hit["X-Cache"] == "HIT" and hit["Content-Encoding"] == "gzip"
    assert client.get(url)["X-Cache"] == "HIT" and "Content-Encoding" not in client.get(url)  # the copy stays plain


class TestBreach:
    """A CSRF token next to reflected input is never compressed."""

    def test_contact_form_with_a_query_string_is_not_compressed(self, client):
        article = published_article()
        response = client.get(f"/contact/?article={article.slug}", **GZIP)
        assert response.status_code == 200 and b"csrfmiddlewaretoken" in response.content
        assert "Content-Encoding" not in response

    def test_contact_form_redisplayed_with_the_visitors_text_is_not_compressed(self, client):
        data = {"name": "Priya Shah", "email": "not-an-address", "subject": "Typo",
                "message": "The second section says 'femer'. " * 20, "website": ""}
        response = client.post("/contact/", data, REMOTE_ADDR="203.0.113.9", **GZIP)
        assert response.status_code == 200
        assert b"femer" in response.content and b"csrfmiddlewaretoken" in response.content
        assert "Content-Encoding" not in response

    def test_contact_form_without_input_may_be_compressed(self, client):
        response = client.get("/contact/", **GZIP)
        assert response["Content-Encoding"] == "gzip"  # a token, but nothing of the request in it

    def test_admin_search_is_not_compressed(self, client, admin_user):
        client.force_login(admin_user)
        published_article(title="Secretive knee")
        response = client.get("/admin/articles/article/?q=knee", **GZIP)
        assert response.status_code == 200 and b"csrfmiddlewaretoken" in response.content
        assert "Content-Encoding" not in response
