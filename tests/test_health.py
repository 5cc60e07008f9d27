"""GET /healthz: database and cache status for load balancers and uptime checks."""

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.urls import resolve, reverse

from bonespine import views

pytestmark = pytest.mark.django_db


def test_url():
    assert reverse("healthz") == "/healthz"
    assert resolve("/healthz").func is views.healthz


def test_healthy(client, django_assert_num_queries):
    with django_assert_num_queries(1):  # SELECT 1, nothing else
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in response.headers["Cache-Control"]


def test_database_down(client, monkeypatch):
    def refuse():
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "cache": "ok"}
    assert "no-store" in response.headers["Cache-Control"]
    assert b"Connection refused" not in response.content


def test_cache_down(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis")

    monkeypatch.setattr(cache, "set", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "error"}


def test_cache_that_loses_writes_is_unhealthy(client, monkeypatch):
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "error"


def test_head_works_and_writes_are_refused(client):
    assert client.head("/healthz").status_code == 200
    response = client.post("/healthz")
    assert response.status_code == 405
    assert "no-store" in response.headers["Cache-Control"]
