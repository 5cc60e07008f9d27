"""Behind a proxy the visitor's address, not the proxy's, is what rate limits and the login
lockout count (BONESPINE_TRUSTED_PROXIES; bonespine/middleware.py, ForwardedClientMiddleware).
The header is believed only from a trusted proxy, and only its right-most untrusted hop."""

import pytest
from django.http import HttpResponse

from articles.feedback import ratelimit
from bonespine.middleware import ForwardedClientMiddleware, forwarded_client

UNIX = ("unix",)


@pytest.mark.parametrize("remote, forwarded, trusted, expected", [
    ("198.51.100.4", "203.0.113.9", (), "198.51.100.4"),  # no proxy configured: the header means nothing
    ("198.51.100.4", "203.0.113.9", UNIX, "198.51.100.4"),  # not from the proxy: ignored (spoofing)
    ("", "203.0.113.9", UNIX, "203.0.113.9"),  # nginx on gunicorn's unix socket
    ("", "6.6.6.6, 203.0.113.9", UNIX, "203.0.113.9"),  # what the client wrote itself is on the left
    ("10.0.0.2", "198.51.100.7, 10.1.2.3", ("10.0.0.0/8",), "198.51.100.7"),  # two proxies of ours
    ("10.0.0.2", "2001:db8::1", ("10.0.0.0/8",), "2001:db8::1"),
    ("", "", UNIX, ""),  # no header: nothing to believe
    ("", "not-an-address", UNIX, ""),  # malformed: not believed
    ("", "203.0.113.9, bad, 10.0.0.1", ("unix", "10.0.0.0/8"), ""),  # malformed hop stops the walk
    ("127.0.0.1", "127.0.0.2", ("127.0.0.1/32",), "127.0.0.2"),
])
def test_the_visitor_is_the_right_most_untrusted_hop(remote, forwarded, trusted, expected):
    assert forwarded_client(remote, forwarded, trusted) == expected


def test_the_middleware_rewrites_remote_addr_only_for_trusted_proxies(rf, settings):
    seen = []
    middleware = ForwardedClientMiddleware(lambda request: seen.append(request.META["REMOTE_ADDR"]) or HttpResponse())
    settings.BONESPINE_TRUSTED_PROXIES = ["unix"]
    middleware(rf.get("/", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="203.0.113.9"))
    middleware(rf.get("/", REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="203.0.113.9"))
    settings.BONESPINE_TRUSTED_PROXIES = []
    middleware(rf.get("/", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="203.0.113.9"))
    assert seen == ["203.0.113.9", "198.51.100.4", ""]


@pytest.mark.django_db
def test_visitors_behind_the_proxy_have_their_own_rate_limit(client, settings, monkeypatch):
    """Two visitors behind nginx: each gets its own counter; rewriting the header does not
    give a visitor a fresh one."""
    from django.core.cache import cache

    from tests.factories import published_article

    cache.clear()
    settings.BONESPINE_TRUSTED_PROXIES = ["unix"]
    monkeypatch.setattr(ratelimit, "FEEDBACK", ratelimit.Limit(group="feedback.article", rate="1/h"))
    article = published_article()
    url = f"{article.get_absolute_url()}feedback/"

    def post(forwarded):
        return client.post(url, {"helpful": "yes"}, REMOTE_ADDR="", HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert post("203.0.113.9") == 303
    assert post("203.0.113.9") == 429
    assert post("1.2.3.4, 203.0.113.9") == 429  # a made-up first hop changes nothing
    assert post("198.51.100.7") == 303  # another visitor


def test_a_bad_setting_is_refused_at_start_up(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import bonespine.settings as project_settings

    monkeypatch.setenv("BONESPINE_TRUSTED_PROXIES", "unix,10.0.0.0/33")
    with pytest.raises(ImproperlyConfigured, match="10.0.0.0/33"):
        importlib.reload(project_settings)
    monkeypatch.delenv("BONESPINE_TRUSTED_PROXIES")
    importlib.reload(project_settings)
