"""The front server of `make serve` (deploy/nginx/) in front of the app, for real.

One nginx per test session (per xdist worker), rendered by deploy/nginx/render.py exactly as
scripts/serve.sh renders it, with the production micro-cache TTL, proxying to pytest-django's
live server (DEBUG off, as in every test). It serves uploads from disk, compresses, hides its
version, and micro-caches anonymous pages — never a logged-in request, and a withdrawn article
is gone within 5 s.
"""

from __future__ import annotations

import gzip
import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings

from tests.factories import published_article, uploaded_image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy" / "nginx"))
import render  # noqa: E402  (deploy/nginx/render.py)

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
TTL = render.CACHE_SECONDS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Front:
    def __init__(self, port: int, run_dir: Path, static_root: Path, media_root: Path):
        self.port, self.run_dir, self.static_root, self.media_root = port, run_dir, static_root, media_root

    def get(self, path: str, headers: dict | None = None, method: str = "GET", body=None, source: str | None = None):
        # ``source``: connect from another loopback address (127.0.0.2 …), as another visitor.
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10,
                                          source_address=(source, 0) if source else None)
        try:
            conn.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()


@pytest.fixture(scope="session")
def front(live_server, tmp_path_factory):
    if NGINX is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is missing: scripts/install-system-packages.sh nginx installs it.")
        pytest.skip("nginx is not installed (scripts/test.sh installs it: scripts/install-system-packages.sh nginx)")
    base = tmp_path_factory.mktemp("nginx")
    run_dir, static_root, media_root = base / "run", base / "static", base / "media"
    for folder in (run_dir, static_root, media_root):
        folder.mkdir()
    upstream = urlsplit(live_server.url)
    port = _free_port()
    conf = render.write_run_dir(run_dir=run_dir, listen=f"127.0.0.1:{port}",
                                upstream=f"127.0.0.1:{upstream.port}", static_root=str(static_root),
                                media_root=str(media_root), workers="1")
    command = [NGINX, "-p", str(run_dir), "-e", str(run_dir / "error.log"), "-c", str(conf)]
    started = subprocess.run(command, capture_output=True, text=True)
    assert started.returncode == 0, started.stderr + (run_dir / "error.log").read_text()
    try:
        for _ in range(50):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield Front(port, run_dir, static_root, media_root)
    finally:
        subprocess.run([*command, "-s", "quit"], capture_output=True)


@pytest.fixture
def site(front, settings):
    settings.MEDIA_ROOT = str(front.media_root)
    settings.BONESPINE_PAGE_CACHE = False  # only nginx's cache is under test
    return front


def test_uploads_are_served_from_disk_with_debug_off(site, transactional_db):
    assert django_settings.DEBUG is False
    article = published_article(featured_image=uploaded_image("knee.jpg"), image_alt="A knee")
    url = article.live_version.image.url
    assert url.startswith("/media/")
    status, headers, body = site.get(url)
    assert status == 200, url
    assert body == (site.media_root / url.removeprefix("/media/")).read_bytes()
    assert headers["content-type"] == "image/jpeg"
    assert headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in headers["content-security-policy"]
    assert headers["server"] == "nginx"  # server_tokens off: no version
    assert site.get("/media/articles/missing.jpg")[0] == 404


def test_static_files_are_immutable_and_precompressed(site):
    css = "body { color: #222; }\n" * 200
    (site.static_root / "css").mkdir(exist_ok=True)
    (site.static_root / "css" / "site.0123456789ab.css").write_text(css)
    (site.static_root / "css" / "site.0123456789ab.css.gz").write_bytes(gzip.compress(css.encode()))
    status, headers, body = site.get("/static/css/site.0123456789ab.css", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert gzip.decompress(body).decode() == css
    assert headers["cache-control"] == "public, max-age=31536000, immutable"


def test_html_is_compressed_through_nginx(site, transactional_db):
    article = published_article(title="Compressed knee article")
    path = article.get_absolute_url()
    status, headers, plain = site.get(path)
    assert status == 200 and "content-encoding" not in headers and b"Compressed knee article" in plain
    status, headers, body = site.get(path, {"Accept-Encoding": "gzip"})
    assert headers["content-encoding"] == "gzip" and "Accept-Encoding" in headers.get("vary", "")
    assert gzip.decompress(body) == plain and len(body) < len(plain) / 2
    if render.BROTLI_MODULE.exists():
        status, headers, body = site.get(path, {"Accept-Encoding": "br"})
        assert headers["content-encoding"] == "br" and len(body) < len(plain) / 2
    # The feed (XML) too; the contact form (a CSRF token next to reflected input) never is.
    assert site.get("/feed/", {"Accept-Encoding": "gzip"})[1].get("content-encoding") == "gzip"
    status, headers, _ = site.get("/contact/?article=x", {"Accept-Encoding": "gzip, br"})
    assert status == 200 and "content-encoding" not in headers


def test_a_logged_in_request_is_never_served_from_the_proxy_cache(site, transactional_db, client, admin_user):
    article = published_article(title="Cached for readers")
    path = article.get_absolute_url()
    assert site.get(path)[1]["x-proxy-cache"] in {"MISS", "EXPIRED"}
    assert site.get(path)[1]["x-proxy-cache"] == "HIT"
    client.force_login(admin_user)
    session = {"Cookie": f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value}"}
    for _ in range(3):
        status, headers, _ = site.get(path, session)
        assert status == 200 and headers["x-proxy-cache"] == "BYPASS"
    # A session cookie among others, and the admin itself, are never cached either.
    assert site.get(path, {"Cookie": f"_ga=1; {session['Cookie']}; theme=x"})[1]["x-proxy-cache"] == "BYPASS"
    for _ in range(2):
        status, headers, _ = site.get("/admin/", session)
        assert status == 200 and headers["x-proxy-cache"] == "BYPASS"
    # What a logged-in request got is not stored for the next reader: a page only a logged-in
    # request has asked for is still a MISS for an anonymous one.
    other = published_article(title="Only staff read this one so far").get_absolute_url()
    assert site.get(other, session)[1]["x-proxy-cache"] == "BYPASS"
    assert site.get(other)[1]["x-proxy-cache"] == "MISS"


def test_tracking_parameters_share_the_proxy_cache_entry(site, transactional_db):
    published_article(title="Knee tracking article")
    path = "/search/?q=knee"
    assert site.get(path)[1]["x-proxy-cache"] in {"MISS", "EXPIRED"}
    for variant in ("/search/?q=knee&utm_source=news", "/search/?utm_source=a&utm_medium=b&q=knee",
                    "/search/?fbclid=x&q=knee&gclid=y"):
        status, headers, body = site.get(variant)
        # The bare page's entry (HIT, or EXPIRED/STALE/UPDATING should the 3 s pass): never a new one.
        assert status == 200 and headers["x-proxy-cache"] != "MISS", variant
    assert site.get("/search/?q=knees&utm_source=news")[1]["x-proxy-cache"] == "MISS"


def test_a_withdrawn_article_is_gone_from_the_proxy_within_5_seconds(site, transactional_db, admin_user):
    from articles import services

    article = published_article(title="Soon withdrawn through nginx")
    path = article.get_absolute_url()
    site.get(path)
    status, headers, body = site.get(path)
    assert status == 200 and headers["x-proxy-cache"] == "HIT" and b"Soon withdrawn through nginx" in body
    services.article_unpublish(article=article, by=admin_user, comment="Withdrawn for a test.")
    withdrawn_at = time.monotonic()
    while True:
        status, headers, _ = site.get(path)
        elapsed = time.monotonic() - withdrawn_at
        if status == 410:
            break
        assert elapsed < 5, f"still {status} ({headers.get('x-proxy-cache')}) through nginx after {elapsed:.1f} s"
        time.sleep(0.2)
    assert elapsed <= 5
    assert site.get(path)[0] == 410  # and it stays gone


def test_behind_nginx_each_visitor_has_their_own_rate_limit(site, transactional_db, settings, monkeypatch):
    """nginx reports the visitor in X-Forwarded-For; the app believes it from nginx only
    (BONESPINE_TRUSTED_PROXIES), so visitors do not share one counter and a header the visitor
    sends itself changes nothing."""
    from django.core.cache import cache

    from articles.feedback import ratelimit

    cache.clear()
    settings.BONESPINE_TRUSTED_PROXIES = ["127.0.0.1/32"]  # nginx's address, as the live server sees it
    monkeypatch.setattr(ratelimit, "FEEDBACK", ratelimit.Limit(group="feedback.article", rate="1/h"))
    article = published_article(title="Helpful through nginx")
    form = {"Content-Type": "application/x-www-form-urlencoded"}

    def post(source, headers=None):
        return site.get(f"{article.get_absolute_url()}feedback/", method="POST", body="helpful=yes",
                        headers={**form, **(headers or {})}, source=source)[0]

    assert post("127.0.0.2") == 303
    assert post("127.0.0.2") == 429
    assert post("127.0.0.2", {"X-Forwarded-For": "203.0.113.50"}) == 429  # spoofing gives no fresh counter
    assert post("127.0.0.3") == 303  # another visitor


def test_the_production_example_is_the_template_rendered():
    """deploy/nginx/bonespine.example.conf is `render.py --example` (no drift from the tested template)."""
    assert (ROOT / "deploy/nginx/bonespine.example.conf").read_text() == render.example_conf()
    assert 1 <= render.CACHE_SECONDS <= 3
