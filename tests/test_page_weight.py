"""Page weight budget: the article page's HTML + CSS + JS stays under 100 KB
uncompressed, and nothing render-blocking comes from another host."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db
BUDGET = 100 * 1024
STATIC_DIR = Path(settings.BASE_DIR) / "static"


def test_article_page_weight_and_no_third_party_blocking(client, demo_data):  # load_demo's content
    html = client.get("/articles/exercise-associated-muscle-cramps/").content.decode()
    stylesheets = re.findall(r'<link[^>]+rel="stylesheet"[^>]*href="([^"]+)"', html)
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert stylesheets and scripts
    for url in stylesheets + scripts:
        assert url.startswith("/"), f"{url} is loaded from another host"
        assert not url.startswith("//")
    for tag in re.findall(r"<script[^>]+src=[^>]+>", html):
        assert "defer" in tag or "async" in tag, f"render-blocking script: {tag}"
    total = len(html.encode())
    for url in stylesheets + scripts:
        path = STATIC_DIR / url.removeprefix(settings.STATIC_URL if settings.STATIC_URL.startswith("/")
                                             else "/" + settings.STATIC_URL)
        total += path.stat().st_size
    print(f"article page: {len(html.encode())} B HTML, {total} B with CSS and JS")
    assert total <= BUDGET, f"{total} bytes > {BUDGET}"
