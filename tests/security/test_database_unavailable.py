"""Database down: a friendly 503 instead of a traceback; error pages never touch the database."""

import logging

import pytest
from django.db import IntegrityError, InterfaceError, OperationalError
from django.template.loader import render_to_string

from bonespine.middleware import service_unavailable_response

pytestmark = pytest.mark.django_db

def raiser(exc):
    def selector(*args, **kwargs):
        raise exc

    return selector


@pytest.mark.parametrize(
    "url, selector",
    [
        ("/", "featured_articles"),
        ("/popular/", "popular_refs"),
        ("/search/?q=knee", "search_ranked"),
        ("/articles/any-slug/", "article_for_page"),
    ],
)
@pytest.mark.parametrize("error", [OperationalError("could not connect to server"), InterfaceError("connection already closed")])
def test_database_errors_become_a_friendly_503(client, monkeypatch, caplog, url, selector, error):
    monkeypatch.setattr(f"articles.selectors.{selector}", raiser(error))
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get(url)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "no-store" in response.headers["Cache-Control"]
    content = response.content.decode()
    assert "We'll be back shortly" in content
    assert "Traceback" not in content and "could not connect" not in content and "already closed" not in content
    # Logged for the team, with the traceback, exactly once.
    errors = [r for r in caplog.records if r.name == "django.request"]
    assert len(errors) == 1
    assert errors[0].levelno == logging.ERROR and errors[0].exc_info[0] is type(error)


def test_other_errors_stay_500s(client, monkeypatch):
    monkeypatch.setattr("articles.selectors.featured_articles", raiser(IntegrityError("duplicate key")))
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_with_debug_on_developers_get_the_technical_page(client, monkeypatch, settings):
    settings.DEBUG = True
    monkeypatch.setattr("articles.selectors.featured_articles", raiser(OperationalError("down")))
    client.raise_request_exception = False
    assert client.get("/").status_code == 500


def test_the_503_page_needs_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = service_unavailable_response()
    content = response.content.decode()
    assert response.status_code == 503
    assert '<link rel="stylesheet" href="/static/css/site.css">' in content  # the site's design
    assert 'class="site-header"' in content and 'class="site-footer"' in content
    assert "{%" not in content and "{{" not in content


def test_the_500_page_needs_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        content = render_to_string("500.html")
    assert "Something went wrong" in content
    assert '<link rel="stylesheet" href="/static/css/site.css">' in content
    assert 'class="site-header"' in content
