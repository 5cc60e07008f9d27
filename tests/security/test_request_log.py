"""Structured request log: one JSON line per request, without personal data."""

import json
import logging

import pytest

from bonespine.logging import JSONFormatter

pytestmark = pytest.mark.django_db

CLIENT_IP = "203.0.113.77"


def request_records(caplog):
    return [r for r in caplog.records if r.name == "bonespine.request"]


def test_one_line_per_request_with_status_and_duration(client, caplog):
    caplog.set_level(logging.INFO, logger="bonespine.request")
    client.get("/search/?q=my+private+symptom", REMOTE_ADDR=CLIENT_IP, HTTP_USER_AGENT="SecretBrowser/1.0")

    records = request_records(caplog)
    assert len(records) == 1
    line = JSONFormatter().format(records[0])
    entry = json.loads(line)
    assert entry["logger"] == "bonespine.request"
    assert entry["level"] == "INFO"
    assert entry["method"] == "GET"
    assert entry["path"] == "/search/"
    assert entry["status"] == 200
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0

    for secret in ("private", "symptom", "q=", CLIENT_IP, "SecretBrowser"):
        assert secret not in line
        assert secret not in caplog.text


def test_error_statuses_and_other_methods_are_logged(client, caplog):
    caplog.set_level(logging.INFO, logger="bonespine.request")
    client.get("/no-such-page/")
    client.post("/popular/")  # GET/HEAD only
    statuses = [(r.fields["method"], r.fields["path"], r.fields["status"]) for r in request_records(caplog)]
    assert statuses == [("GET", "/no-such-page/", 404), ("POST", "/popular/", 405)]


def test_logged_in_users_are_not_named(client, caplog, django_user_model):
    user = django_user_model.objects.create_user("dr.named.person", "named@example.org", "a-long-password-1")
    client.force_login(user)
    caplog.set_level(logging.INFO, logger="bonespine.request")
    client.get("/")
    (record,) = request_records(caplog)
    line = JSONFormatter().format(record)
    assert "named" not in line
    assert set(json.loads(line)) == {"time", "level", "logger", "message", "method", "path", "status", "duration_ms"}


def test_the_formatter_leaves_out_the_request_django_attaches_to_errors(rf):
    """django.request records carry the request object (address, cookies): never written."""
    request = rf.get("/x/?token=abc", REMOTE_ADDR=CLIENT_IP)
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.getLogger("django.request").makeRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/x/",), sys.exc_info(),
            extra={"status_code": 500, "request": request},
        )
    entry = json.loads(JSONFormatter().format(record))
    assert entry["status"] == 500
    assert entry["message"] == "Internal Server Error: /x/"
    assert "ValueError: boom" in entry["exception"]
    assert CLIENT_IP not in json.dumps(entry) and "token" not in json.dumps(entry)


def test_production_logging_config_uses_the_json_formatter():
    from bonespine import settings as production

    assert production.LOGGING["handlers"]["console"]["formatter"] == "json"
    assert production.LOGGING["formatters"]["json"]["()"] == "bonespine.logging.JSONFormatter"
    assert production.LOGGING["loggers"]["bonespine.request"]["level"] == "INFO"
    assert production.LOGGING["loggers"]["django.request"]["level"] == "ERROR"
