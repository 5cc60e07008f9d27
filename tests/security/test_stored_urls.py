"""Issue 14 item 10: every URL rendered from stored data goes through one safe-URL check.

Forms validate URLs, but rows also arrive through restores, importers and the shell. Here
hostile values are written straight into the database (``QuerySet.update``, no validation)
in every URL field of every model, in the published snapshot's references and in every
stored image name; then the public pages, the feeds and the JSON-LD are fetched and every
link they carry must be http, https, mailto or a path on the site.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.apps import apps
from django.db import connection, models

from articles.models import Article, Category, PublishedVersion, Reference
from authors.models import Author
from tests.factories import published_article, uploaded_image
from tests.security.html_scan import json_ld_blocks, scan_html


def safe_url(value):
    from articles.templatetags.safeurls import safe_url

    return safe_url(value)


HOSTILE = {
    "javascript": "javascript:alert(1)",
    "upper-case": "JaVaScRiPt:alert(1)",
    "newline-inside": "java\nscript:alert(1)",
    "tab-inside": "java\tscript:alert(1)",
    "leading-space": " javascript:alert(1)",
    "leading-control": "\x01javascript:alert(1)",
    "nul-inside": "java\x00script:alert(1)",
    "data-html": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript": "vbscript:msgbox(1)",
    "attribute-break": 'https://example.org/" onmouseover="alert(1)',
    "zero-width-space": "java\u200bscript:alert(1)",
}
SAFE = ["https://orcid.org/0000-0002-1825-0097", "http://example.org/dr-rao", "mailto:dr.rao@example.org",
        "HTTPS://EXAMPLE.ORG/"]

# Every URLField of the project's models (history copies aside). A new one fails this test
# until it is added to HOSTILE_ROWS below, so that it is tested too.
URL_FIELDS = {("authors.Author", "website"), ("authors.Author", "orcid"), ("authors.Author", "profile_url"),
              ("articles.Reference", "url")}
FILE_FIELDS = {("articles.Article", "featured_image"), ("articles.PublishedVersion", "image"),
               ("authors.Author", "photo"), ("articles.Category", "icon")}


def project_fields(kind) -> set[tuple[str, str]]:
    found = set()
    for model in apps.get_models():
        if model._meta.app_label in ("articles", "authors") and not model.__name__.startswith("Historical"):
            found |= {(model._meta.label, f.name) for f in model._meta.get_fields() if isinstance(f, kind)}
    return found


def test_every_url_and_file_field_is_covered():
    assert project_fields(models.URLField) == URL_FIELDS
    assert project_fields(models.FileField) == FILE_FIELDS


@pytest.mark.parametrize("value", SAFE)
def test_safe_url_keeps_http_https_and_mailto(value):
    assert safe_url(value) == value


@pytest.mark.parametrize("value", [*HOSTILE.values(), "", None, "/authors/x/", "//evil.example/", "example.org",
                                   "https:evil.example", "file:///etc/passwd", "ftp://example.org/",
                                   "javascript&colon;alert(1)", "\uff4aavascript:alert(1)"])
def test_safe_url_refuses_everything_else(value):
    assert safe_url(value) == ""


def test_safe_url_trims_what_a_browser_trims():
    assert safe_url("  https://example.org/ \n") == "https://example.org/"


# --- Hostile rows, then every public page ------------------------------------------------------


def store_hostile(value: str):
    if "\x00" in value and connection.vendor == "postgresql":
        # PostgreSQL refuses NUL in text outright: such a value can never be stored there.
        with pytest.raises(ValueError, match="NUL"):
            Author.objects.create(name="x", slug="x", website=value)
        pytest.skip("PostgreSQL cannot store NUL characters (checked above); SQLite runs this case")
    article = published_article(title="Back pain", slug="back-pain", references=2,
                                featured_image=uploaded_image("x.jpg"), image_alt="A back")
    article.category.icon = uploaded_image("icon.png", fmt="PNG")
    article.category.save()
    author = article.author
    author.photo = uploaded_image("me.jpg")
    author.save()
    Author.objects.filter(pk=author.pk).update(website=value, orcid=value, profile_url=value, photo=value)
    Reference.objects.filter(article=article).update(url=value, doi="", pmid="")
    version = PublishedVersion.objects.get(pk=article.live_version_id)
    for reference in version.content.get("references", []):
        reference.update(url=value, doi="", pmid="")
    PublishedVersion.objects.filter(pk=version.pk).update(content=version.content, image=value)
    Article.objects.filter(pk=article.pk).update(featured_image=value)
    Category.objects.filter(pk=article.category_id).update(icon=value)
    return article


class Links(HTMLParser):
    ATTRIBUTES = {"href", "src", "srcset", "action", "formaction"}

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in self.ATTRIBUTES and value is not None:
                self.urls += [part.strip().split(" ")[0] for part in value.split(",")] if name == "srcset" else [value]
            elif tag == "meta" and name == "content" and value and re.match(r"^\s*\S+:", value or "") \
                    and dict(attrs).get("property", dict(attrs).get("name", "")).endswith(("url", "image")):
                self.urls.append(value)


def assert_link_is_safe(url: str, where: str) -> None:
    """The test's own oracle (not the code under test): a path on the site, or an http(s)/mailto
    URL with no white space or control character anywhere."""
    if url.startswith(("/", "#", "?")) and not url.startswith("//"):
        return  # a path on the site
    assert not re.search(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]", url), f"{where}: {url!r}"
    assert re.match(r"^(https?://|mailto:)", url, re.IGNORECASE), f"{where}: unsafe link {url!r}"


def json_strings(data, key=""):
    if isinstance(data, dict):
        for k, v in data.items():
            yield from json_strings(v, k)
    elif isinstance(data, list):
        for item in data:
            yield from json_strings(item, key)
    elif isinstance(data, str):
        yield key, data


def page_urls(article) -> list[str]:
    return ["/", f"/articles/{article.slug}/", f"/authors/{article.author.slug}/",
            f"/category/{article.category.slug}/", "/popular/", "/tags/cramp/", "/search/?q=back"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_stored_urls_never_reach_a_public_page(client, value):
    article = store_hostile(value)
    for url in page_urls(article):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert scan_html(html) == [], (url, scan_html(html))
        links = Links()
        links.feed(html)
        for link in links.urls:
            assert_link_is_safe(link, url)
        for block in json_ld_blocks(html):
            for key, text in json_strings(json.loads(block)):
                if key in ("url", "sameAs", "@id", "item", "logo", "mainEntityOfPage"):
                    assert_link_is_safe(text, f"{url} JSON-LD {key}")


@pytest.mark.django_db
@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_stored_urls_never_reach_a_feed_or_the_sitemap(client, value):
    article = store_hostile(value)
    slug = article.category.slug
    for url in ("/feed/", "/feed/atom/", f"/category/{slug}/feed/", f"/category/{slug}/feed/atom/", "/sitemap.xml"):
        response = client.get(url)
        assert response.status_code == 200, url
        root = ElementTree.fromstring(response.content)
        for element in root.iter():
            tag = element.tag.rsplit("}", 1)[-1]
            if tag in ("link", "loc", "guid", "uri", "id", "url") and (element.text or "").strip():
                assert urlsplit(element.text.strip()).scheme in ("http", "https"), (url, element.text)
                assert_link_is_safe(element.text.strip(), url)
            if element.get("href"):
                assert_link_is_safe(element.get("href"), url)
        assert b"alert(1)" not in response.content and b"PHNjcmlwdD5" not in response.content, url


@pytest.mark.django_db
def test_valid_author_links_are_still_shown(client):
    article = published_article(title="Back pain", slug="back-pain")
    Author.objects.filter(pk=article.author_id).update(
        website="https://rao.example/", orcid="https://orcid.org/0000-0002-1825-0097", profile_url="")
    html = client.get(f"/authors/{article.author.slug}/").content.decode()
    assert '<a href="https://rao.example/" rel="noopener me">Website</a>' in html
    assert '<a href="https://orcid.org/0000-0002-1825-0097" rel="noopener me">ORCID</a>' in html
    assert "Registration / profile" not in html
    page = client.get("/articles/back-pain/").content.decode()
    graph = json.loads(json_ld_blocks(page)[0])["@graph"][0]
    assert graph["author"]["sameAs"] == ["https://rao.example/", "https://orcid.org/0000-0002-1825-0097"]
