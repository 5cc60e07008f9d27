"""Issue 14 item 7: what shared caches may keep.

* the contact page (a CSRF token and cookie) and every response to a logged-in user:
  ``private, no-store``;
* anonymous public pages, which the page cache marks ``public``, are the same for every
  reader: no cookie is set or read, so they do not vary on it (the personal ones do);
* a 404 is kept by a shared cache for a few seconds at most;
* static files stay public, whoever asks.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils.cache import get_max_age

from tests.factories import published_article

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, str | bool]:
    found = {}
    for part in response.headers.get("Cache-Control", "").split(","):
        if part.strip():
            name, _, value = part.strip().partition("=")
            found[name.lower()] = value or True
    return found


def vary(response) -> set[str]:
    return {v.strip().lower() for v in response.headers.get("Vary", "").split(",") if v.strip()}


def assert_not_shared(response, where):
    cc = directives(response)
    assert cc.get("private") and cc.get("no-store"), f"{where}: Cache-Control {response.headers.get('Cache-Control')!r}"
    assert "public" not in cc and "s-maxage" not in cc, where
    assert "cookie" in vary(response), where


@pytest.fixture
def article():
    return published_article(title="Back pain", slug="back-pain")


def test_contact_page_is_private_and_not_stored(client, settings):
    settings.BONESPINE_PAGE_CACHE = True
    first = client.get("/contact/")
    assert first.status_code == 200
    assert "csrftoken" in first.cookies
    assert_not_shared(first, "/contact/ (first visit)")
    again = client.get("/contact/")  # the CSRF cookie is sent back; the page still holds a token
    assert_not_shared(again, "/contact/ (with the CSRF cookie)")
    assert "X-Cache" not in again


def test_contact_form_sent_back_with_errors_is_private(client):
    response = client.post("/contact/", {"name": "", "email": "not-an-address", "message": ""})
    assert response.status_code in (200, 400)
    assert_not_shared(response, "POST /contact/")


@pytest.mark.parametrize("staff", [True, False], ids=["staff", "reader-account"])
def test_every_response_to_a_logged_in_user_is_private(client, article, staff, settings):
    settings.BONESPINE_PAGE_CACHE = True
    user = get_user_model().objects.create_user("someone", "someone@example.org", "a-long-password-1",
                                                is_staff=staff)
    client.force_login(user)
    for url in ("/", "/articles/back-pain/", f"/authors/{article.author.slug}/", f"/category/{article.category.slug}/",
                "/search/?q=back", "/popular/", "/tags/cramp/", "/feed/", "/sitemap.xml", "/robots.txt",
                "/no-such-page/", "/admin/login/"):
        response = client.get(url)
        assert response.status_code in (200, 302, 404), url
        assert_not_shared(response, url)


def test_anonymous_pages_are_public_and_the_same_for_everyone(client, article, settings):
    settings.BONESPINE_PAGE_CACHE = True
    for url in ("/", "/articles/back-pain/", f"/authors/{article.author.slug}/", "/feed/"):
        for attempt in ("MISS", "HIT"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["X-Cache"] == attempt, url
            cc = directives(response)
            assert cc.get("public") and "no-store" not in cc and "private" not in cc, (url, cc)
            assert not response.cookies and "cookie" not in vary(response), (url, attempt)


@pytest.mark.parametrize("page_cache", [True, False], ids=["page-cache", "no-page-cache"])
def test_not_found_is_kept_by_shared_caches_for_seconds_only(client, settings, page_cache):
    settings.BONESPINE_PAGE_CACHE = page_cache
    for attempt in ("MISS", "HIT"):
        response = client.get("/articles/no-such-article/")
        assert response.status_code == 404
        assert response.get("X-Cache") == (attempt if page_cache else None)
        cc = directives(response)
        assert 0 < get_max_age(response) <= 10, cc
        assert int(cc.get("s-maxage", 0)) <= 10 and int(cc.get("stale-while-revalidate", 0)) <= 10, cc


def test_static_files_stay_public_for_a_logged_in_user(client, settings):
    settings.WHITENOISE_USE_FINDERS = True
    user = get_user_model().objects.create_user("someone", "someone@example.org", "a-long-password-1")
    client.force_login(user)
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    response.close()
    cc = directives(response)
    assert "no-store" not in cc and "private" not in cc, cc
