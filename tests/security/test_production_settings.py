"""Production configuration (DJANGO_DEBUG=0), checked in fresh interpreters.

Settings are read once per process, so each case starts ``python`` with its own
environment (the suite's DJANGO_* and DATABASE_URL variables removed).
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
SETUP = "import django; django.setup()"


def run(args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    clean.update({"DJANGO_SETTINGS_MODULE": "bonespine.settings", **env})
    return subprocess.run([sys.executable, *args], check=False, cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=120)


def production_env(**overrides):
    env = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "example.org",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


@pytest.mark.parametrize(
    "missing, message",
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0"),
        ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG=0"),
    ],
)
def test_production_refuses_to_start_without_a_required_variable(missing, message):
    result = run(["-c", SETUP], **production_env(**{missing: None}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_starts_with_the_required_variables():
    result = run(["-c", SETUP], **production_env())
    assert result.returncode == 0, result.stderr


def test_deploy_checks_pass_in_production():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_checks_fail_on_a_weak_secret_key():
    """The check above can fail: a short key is a deploy warning (security.W009)."""
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production_env(DJANGO_SECRET_KEY="short"))
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


PRODUCTION_RESPONSE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

client = Client(HTTP_HOST="example.org")
secure = client.get("/robots.txt", secure=True)
plain = client.get("/robots.txt")
print(json.dumps({
    "secure_status": secure.status_code,
    "secure_headers": dict(secure.headers),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
    "settings": {name: getattr(settings, name) for name in (
        "DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    )},
}))
"""


def test_production_responses_are_https_only_and_hardened():
    result = run(["-c", PRODUCTION_RESPONSE], **production_env())
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])

    assert data["plain_status"] == 301
    assert data["plain_location"] == "https://example.org/robots.txt"

    assert data["secure_status"] == 200
    headers = data["secure_headers"]
    # Issue 14 item 8: a year, without includeSubDomains and preload unless asked for.
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    csp = headers["Content-Security-Policy"]
    assert "upgrade-insecure-requests" in csp.split("; ")
    assert "script-src 'self'" in csp.split("; ")
    for name in ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy",
                 "Cross-Origin-Opener-Policy", "Cross-Origin-Resource-Policy"):
        assert name in headers

    assert data["settings"] == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
    }


@pytest.mark.parametrize("env, expected", [
    ({"DJANGO_HSTS_INCLUDE_SUBDOMAINS": "1"}, "max-age=31536000; includeSubDomains"),
    ({"DJANGO_HSTS_PRELOAD": "1"}, "max-age=31536000; preload"),
    ({"DJANGO_HSTS_INCLUDE_SUBDOMAINS": "1", "DJANGO_HSTS_PRELOAD": "1"}, "max-age=31536000; includeSubDomains; preload"),
], ids=["subdomains", "preload", "both"])
def test_hsts_subdomains_and_preload_are_opt_in(env, expected):
    result = run(["-c", PRODUCTION_RESPONSE], **production_env(**env))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["secure_headers"]["Strict-Transport-Security"] == expected


def test_deploy_checks_pass_with_hsts_opted_in():
    env = production_env(DJANGO_HSTS_INCLUDE_SUBDOMAINS="1", DJANGO_HSTS_PRELOAD="1")
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert result.returncode == 0, result.stdout + result.stderr


UPGRADE = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['upgrade-insecure-requests'])"
)


@pytest.mark.parametrize(
    "env, expected",
    [({}, "True"), ({"DJANGO_SECURE_SSL_REDIRECT": "0"}, "False"), ({"DJANGO_DEBUG": "1"}, "False")],
    ids=["production", "plain-http trial", "development"],
)
def test_upgrade_insecure_requests_only_when_serving_https(env, expected):
    result = run(["-c", UPGRADE], **production_env(**env))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected
