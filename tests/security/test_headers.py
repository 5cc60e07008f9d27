"""Security headers on every kind of response: public pages, admin, static files, errors."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.db import OperationalError
from django.http import FileResponse

from tests.factories import published_article

EXPECTED_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

# Every feature the site does not use, switched off for every origin (django-permissions-policy).
PERMISSIONS_POLICY = {
    f"{feature}=()"
    for feature in ("accelerometer", "browsing-topics", "camera", "display-capture", "geolocation", "gyroscope",
                    "interest-cohort", "magnetometer", "microphone", "midi", "payment", "usb")
}


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(response, *, admin=False):
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.get(name) == value, name
    assert set(response.headers["Permissions-Policy"].split(", ")) == PERMISSIONS_POLICY

    csp = csp_directives(response)
    assert csp["default-src"] == ["'self'"]
    assert "'self'" in csp["script-src"]
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "https:"} & set(csp["script-src"])
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    # Development and tests are plain http; upgrade-insecure-requests is production only.
    assert "upgrade-insecure-requests" not in csp
    if admin:
        assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
    else:
        assert csp["style-src"] == ["'self'"]


@pytest.fixture
def site_content(db):
    article = published_article(title="Back pain", slug="back-pain")
    about = FlatPage.objects.create(url="/about/", title="About us", content="<p>Who we are.</p>")
    about.sites.add(Site.objects.get_current())
    return article


PUBLIC_URLS = [
    "/",
    "/articles/back-pain/",
    "/category/{category}/",
    "/search/?q=back",
    "/popular/",
    "/authors/{author}/",
    "/tags/cramp/",
    "/about/",
    "/feed/",
    "/sitemap.xml",
    "/robots.txt",
    "/healthz",
    "/admin/login/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_every_page_sends_the_security_headers(client, site_content, url):
    url = url.format(category=site_content.category.slug, author=site_content.author.slug)
    response = client.get(url)
    assert response.status_code == 200, url
    assert_security_headers(response, admin=url.startswith("/admin/"))


@pytest.mark.django_db
def test_not_found_page_sends_the_security_headers(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_security_headers(response)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/", "/admin/articles/article/", "/admin/articles/article/add/"])
def test_admin_pages_allow_inline_styles_but_never_inline_scripts(client, url):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "a-long-admin-password")
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    assert_security_headers(response, admin=True)


@pytest.mark.django_db  # closing the response fires request_finished, which checks connections
def test_static_files_served_by_whitenoise_send_the_security_headers(client, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from static/ without collectstatic
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert isinstance(response, FileResponse)  # answered by WhiteNoise, not a view
    assert b".site-header" in response.getvalue()
    response.close()
    assert_security_headers(response)
    # Issue 14 item 9: for this site's own pages only, and the headers agree.
    assert "Access-Control-Allow-Origin" not in response.headers
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"


def test_no_server_version_is_sent():
    """Issue 14 item 9: gunicorn says "gunicorn" without its version, nginx has server_tokens off."""
    from pathlib import Path

    import gunicorn

    assert gunicorn.SERVER == "gunicorn"
    conf = (Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "bonespine.conf.in").read_text()
    assert "server_tokens off;" in conf
    assert "Access-Control-Allow-Origin" not in conf


@pytest.mark.django_db
def test_server_error_page_sends_the_security_headers(client, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("articles.selectors.featured_articles", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert_security_headers(response)


@pytest.mark.django_db
def test_database_unavailable_page_sends_the_security_headers(client, monkeypatch):
    def down(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("articles.selectors.featured_articles", down)
    response = client.get("/")
    assert response.status_code == 503
    assert_security_headers(response)


@pytest.mark.django_db
def test_a_template_that_uses_the_nonce_gets_it_in_script_src(rf):
    """If a page ever needs an inline script, {{ request.csp_nonce }} puts a matching nonce in the header."""
    from django.http import HttpResponse

    from bonespine.middleware import ContentSecurityPolicyMiddleware

    def view(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}">1</script>')

    request = rf.get("/")
    response = ContentSecurityPolicyMiddleware(view)(request)
    nonce = request.csp_nonce
    assert f"'nonce-{nonce}'" in csp_directives(response)["script-src"]
    # And a page that does not use it gets no nonce at all.
    plain = ContentSecurityPolicyMiddleware(lambda r: HttpResponse("plain"))(rf.get("/"))
    assert csp_directives(plain)["script-src"] == ["'self'"]
