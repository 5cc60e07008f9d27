"""Crawlers and sharing: sitemap, robots.txt, feeds, head meta tags and JSON-LD."""

import html
import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import rendering, structured_data
from articles.models import Article
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    ReferenceFactory,
    ReviewerFactory,
    SectionFactory,
    UserFactory,
    make_live,
    published_article,
    uploaded_image,
)

pytestmark = pytest.mark.django_db

EVIL = '"><script>alert(1)</script>'
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
DOI = "10.1007/s40279-019-01234-5"
HOST = "bonespine.test"


# --- helpers ---------------------------------------------------------------------------------


class HeadParser(HTMLParser):
    """Collects <meta>, <link> and JSON-LD scripts (attribute values come back unescaped)."""

    def __init__(self):
        super().__init__()
        self.meta, self.links, self.jsonld, self.title = {}, [], [], None
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content")
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "jsonld"
            self.jsonld.append("")
        elif tag == "title" and self.title is None:
            self._in = "title"
            self.title = ""

    def handle_endtag(self, tag):
        if tag in ("script", "title"):
            self._in = None

    def handle_data(self, data):
        if self._in == "jsonld":
            self.jsonld[-1] += data
        elif self._in == "title":
            self.title += data


def head_of(response) -> HeadParser:
    assert response.status_code == 200
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


def link_href(head: HeadParser, rel: str, type_: str | None = None) -> list[str]:
    return [link["href"] for link in head.links if link.get("rel") == rel and (type_ is None or link.get("type") == type_)]


def graph_of(head: HeadParser) -> dict:
    assert len(head.jsonld) == 1
    data = json.loads(head.jsonld[0])
    assert data["@context"] == "https://schema.org"
    return {node["@type"]: node for node in data["@graph"]}


def sitemap_entries(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{SM}urlset"
    entries = {}
    for url in root.findall(f"{SM}url"):
        lastmod = url.find(f"{SM}lastmod")
        entries[url.find(f"{SM}loc").text] = lastmod.text if lastmod is not None else None
    return entries


def rss_items(response) -> list[ET.Element]:
    assert response.status_code == 200
    assert "xml" in response["Content-Type"]
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel").findall("item")


def atom_entries(response) -> list[ET.Element]:
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def count_queries(client, url, **extra) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- data ------------------------------------------------------------------------------------


@pytest.fixture
def site_data():
    """One rich published article, a scheduled one, a draft and the static pages."""
    author = AuthorFactory(name="Dr Asha Rao", slug="dr-asha-rao", credentials="MBBS, MS (Orthopaedics)",
                           professional_title="Consultant spine surgeon")
    reviewer = ReviewerFactory(name="Dr Rhea Kapoor", slug="dr-rhea-kapoor", credentials="MD, FRCS")
    category = CategoryFactory(name="Wellness", slug="wellness")
    empty_category = CategoryFactory(name="Procedures", slug="procedures")
    article = ArticleFactory(
        title="Muscle cramps", slug="muscle-cramps", lead="<p>Cramps are <strong>sudden</strong> &amp; painful.</p>",
        author=author, category=category,
        featured_image=uploaded_image("cramp.jpg"), image_alt="A runner holding her calf",
    )
    SectionFactory(article=article, position=0, heading="Causes")
    ReferenceFactory(article=article, position=0, doi=DOI)
    ReferenceFactory(article=article, position=1, title="Cramp and PubMed", pmid="8776013")
    ReferenceFactory(article=article, position=2, authors="", title="", journal="", year=None, volume="", pages="",
                     citation_text="NICE guideline NG59", url="https://www.nice.org.uk/ng59")
    article.tags.add("cramp", "sports injury")
    article = make_live(article, reviewer=reviewer)
    # The working copy moves on; the public (and crawlers) must still see the signed-off version.
    Article.objects.filter(pk=article.pk).update(title="Unreviewed working title")

    scheduled = ArticleFactory(title="Coming soon", slug="coming-soon", category=category,
                               first_published_at=timezone.now() + timedelta(days=3))
    scheduled.tags.add("future-tag")
    make_live(scheduled)
    draft = ArticleFactory(title="Draft only", slug="draft-only", category=category)
    draft.tags.add("draft-tag")
    drafter = draft.author

    site = Site.objects.get(pk=settings.SITE_ID)
    for url in ("/about/", "/contact/", "/policies/", "/editorial-policy/"):  # no /disclaimer/
        page = FlatPage.objects.create(url=url, title=url.strip("/").title(), content="<p>Text.</p>")
        page.sites.add(site)
    return {
        "article": Article.objects.get(pk=article.pk), "author": author, "reviewer": reviewer,
        "category": category, "empty_category": empty_category, "scheduled": scheduled, "draft": draft,
        "drafter": drafter,
    }


@pytest.fixture
def evil_article():
    return published_article(title=EVIL, slug="evil", lead=f"<p>Lead {html.escape(EVIL)}</p>", image_alt=EVIL,
                             featured_image=uploaded_image("evil.jpg"), tags=["evil"])


# --- sitemap.xml -----------------------------------------------------------------------------


class TestSitemap:
    def test_lists_public_urls_on_the_configured_site_url(self, client, settings, site_data):
        # Neither the request's Host header nor the Site row: BONESPINE_SITE_URL.
        settings.ALLOWED_HOSTS = [HOST, "other.test"]
        settings.SITE_URL = f"https://{HOST}"
        Site.objects.filter(pk=settings.SITE_ID).update(domain="example.com")
        entries = sitemap_entries(client.get("/sitemap.xml", HTTP_HOST="other.test"))
        base = f"https://{HOST}"
        expected = {
            "/", "/about/", "/contact/", "/policies/", "/editorial-policy/",
            "/articles/muscle-cramps/",
            "/category/wellness/", "/category/procedures/",
            "/authors/dr-asha-rao/", "/authors/dr-rhea-kapoor/",
            "/tags/cramp/", "/tags/sports-injury/",
        }
        assert set(entries) == {base + path for path in expected}
        assert all("example.com" not in loc and "other.test" not in loc for loc in entries)

    def test_lastmod_for_articles_and_categories(self, client, site_data):
        article = site_data["article"]
        entries = sitemap_entries(client.get("/sitemap.xml"))
        expected = timezone.localdate(article.content_updated_at or article.first_published_at).isoformat()
        assert entries["http://testserver/articles/muscle-cramps/"] == expected
        assert entries["http://testserver/category/wellness/"] == expected
        assert entries["http://testserver/category/procedures/"] is None  # nothing published there

    def test_drafts_scheduled_and_their_tags_and_authors_absent(self, client, site_data):
        text = client.get("/sitemap.xml").content.decode()
        for absent in ("draft-only", "coming-soon", "draft-tag", "future-tag", site_data["drafter"].slug,
                       "/disclaimer/"):
            assert absent not in text

    def test_scheme_of_the_site_url_whatever_the_request_came_over(self, client, site_data):
        entries = sitemap_entries(client.get("/sitemap.xml", secure=True))
        assert entries and all(loc.startswith("http://testserver/") for loc in entries)

    def test_query_count_does_not_grow_with_articles(self, client, site_data):
        client.get("/sitemap.xml")  # warm the Site cache
        n_small = count_queries(client, "/sitemap.xml")
        for i in range(6):
            published_article(tags=[f"extra {i}"])
        n_big = count_queries(client, "/sitemap.xml")
        assert n_small == n_big
        assert n_big <= 5  # one query per section (static pages, articles, categories, authors, tags)
        assert len(sitemap_entries(client.get("/sitemap.xml"))) > 12

    def test_sitemap_url_resolves(self):
        assert reverse("articles:sitemap") == "/sitemap.xml"


# --- robots.txt ------------------------------------------------------------------------------


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /search/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_robots_txt_uses_the_configured_site_url(client, settings):
    settings.ALLOWED_HOSTS = [HOST, "other.test"]
    settings.SITE_URL = f"https://{HOST}"
    response = client.get("/robots.txt", HTTP_HOST="other.test")
    assert f"Sitemap: https://{HOST}/sitemap.xml" in response.content.decode().splitlines()


# --- feeds -----------------------------------------------------------------------------------


class TestFeeds:
    def test_rss_items_come_from_the_live_version(self, client, site_data):
        article = site_data["article"]
        items = rss_items(client.get("/feed/"))
        assert [item.findtext("title") for item in items] == ["Muscle cramps"]
        item = items[0]
        assert item.findtext("link") == "http://testserver/articles/muscle-cramps/"
        # The stored excerpt is plain text; an RSS description holds HTML, so it is escaped once.
        assert article.live_version.excerpt == "Cramps are sudden & painful."
        assert item.findtext("description") == "Cramps are sudden &amp; painful."
        assert item.findtext("category") == "Wellness"
        assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Dr Asha Rao"
        assert item.findtext("pubDate")

    def test_rss_channel(self, client, site_data):
        root = ET.fromstring(client.get("/feed/").content)
        channel = root.find("channel")
        assert channel.findtext("title") == f"{settings.SITE_NAME}: latest articles"
        assert channel.findtext("link") == "http://testserver/"
        assert channel.findtext("language") == "en-gb"

    def test_atom_entries(self, client, site_data):
        article = site_data["article"]
        entries = atom_entries(client.get("/feed/atom/"))
        assert len(entries) == 1
        entry = entries[0]
        assert entry.findtext(f"{ATOM}title") == "Muscle cramps"
        assert entry.find(f"{ATOM}link").get("href") == "http://testserver/articles/muscle-cramps/"
        assert entry.findtext(f"{ATOM}summary") == "Cramps are sudden &amp; painful."
        assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Dr Asha Rao"
        assert entry.find(f"{ATOM}category").get("term") == "Wellness"
        assert entry.findtext(f"{ATOM}published").startswith(article.first_published_at.date().isoformat())
        assert entry.findtext(f"{ATOM}updated").startswith(article.last_updated.date().isoformat())

    def test_latest_twenty_newest_first(self, client):
        now = timezone.now()
        for i in range(21):
            published_article(title=f"Story {i}", first_published_at=now - timedelta(days=30 - i), tags=())
        titles = [item.findtext("title") for item in rss_items(client.get("/feed/"))]
        assert titles == [f"Story {i}" for i in range(20, 0, -1)]
        assert len(atom_entries(client.get("/feed/atom/"))) == 20

    def test_category_feed_filters(self, client, site_data):
        published_article(title="Elsewhere", category=CategoryFactory(slug="spine"))
        for url in ("/category/wellness/feed/", "/category/spine/feed/"):
            assert len(rss_items(client.get(url))) == 1
        assert [i.findtext("title") for i in rss_items(client.get("/category/wellness/feed/"))] == ["Muscle cramps"]
        assert [e.findtext(f"{ATOM}title") for e in atom_entries(client.get("/category/spine/feed/atom/"))] == [
            "Elsewhere"
        ]
        assert rss_items(client.get("/category/procedures/feed/")) == []

    @pytest.mark.parametrize("url", ["/category/nope/feed/", "/category/nope/feed/atom/"])
    def test_unknown_category_feed_is_404(self, client, url):
        assert client.get(url).status_code == 404

    def test_url_names(self):
        assert reverse("articles:feed") == "/feed/"
        assert reverse("articles:feed_atom") == "/feed/atom/"
        assert reverse("articles:category_feed", args=["wellness"]) == "/category/wellness/feed/"
        assert reverse("articles:category_feed_atom", args=["wellness"]) == "/category/wellness/feed/atom/"

    def test_query_count_does_not_grow(self, client, site_data):
        client.get("/feed/")
        n_small = count_queries(client, "/feed/")
        for _ in range(5):
            published_article(category=site_data["category"])
        assert count_queries(client, "/feed/") == n_small
        assert count_queries(client, "/category/wellness/feed/atom/") <= n_small + 1


# --- head: canonical, OpenGraph, Twitter ----------------------------------------------------------


class TestMetaTags:
    def test_article_page(self, client, site_data):
        article = site_data["article"]
        head = head_of(client.get("/articles/muscle-cramps/?utm_source=x"))
        url = "http://testserver/articles/muscle-cramps/"
        assert head.title == "Muscle cramps · Bonespine"
        assert link_href(head, "canonical") == [url]
        meta = head.meta
        assert meta["description"] == "Cramps are sudden & painful."  # entities decoded once, not shown as "&amp;"
        assert meta["og:type"] == "article"
        assert meta["og:title"] == meta["twitter:title"] == "Muscle cramps"
        assert meta["og:description"] == meta["twitter:description"] == "Cramps are sudden & painful."
        assert meta["og:url"] == url
        assert meta["og:site_name"] == "Bonespine"
        assert meta["og:image"] == meta["twitter:image"] == "http://testserver" + article.live_version.image.url
        assert meta["og:image:alt"] == meta["twitter:image:alt"] == "A runner holding her calf"
        assert meta["twitter:card"] == "summary_large_image"
        assert meta["article:published_time"] == timezone.localtime(article.first_published_at).isoformat()
        assert meta["article:modified_time"] == timezone.localtime(article.last_updated).isoformat()
        assert meta["article:section"] == "Wellness"
        assert "robots" not in meta

    def test_home_and_feed_links(self, client, site_data):
        head = head_of(client.get("/"))
        assert link_href(head, "canonical") == ["http://testserver/"]
        assert head.meta["og:type"] == "website"
        assert head.meta["og:url"] == "http://testserver/"
        assert head.meta["twitter:card"] == "summary"
        assert "og:image" not in head.meta
        assert link_href(head, "alternate", "application/rss+xml") == ["/feed/"]
        assert link_href(head, "alternate", "application/atom+xml") == ["/feed/atom/"]
        assert head.jsonld == []

    def test_category_page(self, client, site_data):
        head = head_of(client.get("/category/wellness/"))
        assert link_href(head, "canonical") == ["http://testserver/category/wellness/"]
        assert head.meta["og:title"] == "Wellness"
        assert set(link_href(head, "alternate", "application/rss+xml")) == {"/feed/", "/category/wellness/feed/"}
        assert "/category/wellness/feed/atom/" in link_href(head, "alternate", "application/atom+xml")

    def test_canonical_keeps_page_number_beyond_page_one(self, client):
        category = CategoryFactory(slug="spine")
        for _ in range(13):
            published_article(category=category, tags=())
        assert link_href(head_of(client.get("/category/spine/?page=2")), "canonical") == [
            "http://testserver/category/spine/?page=2"
        ]
        assert link_href(head_of(client.get("/category/spine/?page=1")), "canonical") == [
            "http://testserver/category/spine/"
        ]

    def test_canonical_drops_other_query_strings(self, client, site_data):
        head = head_of(client.get("/popular/?period=7d"))
        assert link_href(head, "canonical") == ["http://testserver/popular/"]

    def test_author_and_tag_and_static_pages(self, client, site_data):
        author = head_of(client.get("/authors/dr-asha-rao/"))
        assert author.meta["og:title"] == "Dr Asha Rao, MBBS, MS (Orthopaedics)"
        assert link_href(author, "canonical") == ["http://testserver/authors/dr-asha-rao/"]
        tag = head_of(client.get("/tags/cramp/"))
        assert tag.meta["og:title"] == "Articles tagged “cramp”"
        about = head_of(client.get("/about/"))
        assert about.meta["og:title"] == "About"
        assert link_href(about, "canonical") == ["http://testserver/about/"]

    def test_search_keeps_noindex_and_has_no_canonical(self, client, site_data):
        head = head_of(client.get("/search/?q=cramp"))
        assert head.meta["robots"] == "noindex, follow"
        assert link_href(head, "canonical") == []

    def test_preview_is_noindex_without_canonical_or_jsonld(self, client, site_data):
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
        head = head_of(client.get(f"/admin/articles/article/{site_data['draft'].pk}/preview/"))
        assert head.meta["robots"] == "noindex, nofollow"
        assert link_href(head, "canonical") == []
        assert head.jsonld == []
        assert head.meta["og:title"] == "Draft only"
        assert "article:published_time" not in head.meta

    def test_values_are_escaped_once(self, client, evil_article):
        response = client.get(evil_article.get_absolute_url())
        html = response.content.decode()
        assert "<script>alert(1)" not in html
        assert "&amp;quot;" not in html and "&amp;lt;" not in html  # not double-escaped
        head = head_of(response)
        assert head.title == f"{EVIL} · Bonespine"
        assert head.meta["og:title"] == head.meta["twitter:title"] == EVIL
        assert head.meta["og:image:alt"] == EVIL
        assert head.meta["description"] == head.meta["og:description"] == f"Lead {EVIL}"
        assert graph_of(head)["MedicalWebPage"]["headline"] == EVIL
        assert graph_of(head)["MedicalWebPage"]["description"] == f"Lead {EVIL}"


# --- JSON-LD ---------------------------------------------------------------------------------


class TestJsonLd:
    def test_medical_web_page(self, client, site_data):
        article = site_data["article"]
        graph = graph_of(head_of(client.get("/articles/muscle-cramps/")))
        page = graph["MedicalWebPage"]
        url = "http://testserver/articles/muscle-cramps/"
        assert page["url"] == page["mainEntityOfPage"] == url
        assert page["headline"] == "Muscle cramps"
        assert page["description"] == "Cramps are sudden & painful."
        assert page["author"] == {
            "@type": "Person", "name": "Dr Asha Rao", "url": "http://testserver/authors/dr-asha-rao/",
            "honorificSuffix": "MBBS, MS (Orthopaedics)", "jobTitle": "Consultant spine surgeon",
        }
        assert page["reviewedBy"]["name"] == "Dr Rhea Kapoor"
        assert page["reviewedBy"]["honorificSuffix"] == "MD, FRCS"
        assert page["lastReviewed"] == article.last_reviewed_on.isoformat()
        assert page["datePublished"] == article.first_published_at.isoformat()
        assert page["dateModified"] == article.last_updated.isoformat()
        assert page["about"]["name"] == "Wellness"
        assert page["specialty"] == "https://schema.org/Musculoskeletal"
        assert page["audience"] == {"@type": "MedicalAudience", "audienceType": "Patient"}
        assert page["inLanguage"] == "en-GB"
        assert page["image"]["url"] == "http://testserver" + article.live_version.image.url
        assert page["publisher"]["name"] == "Bonespine"
        assert page["publisher"]["logo"]["url"] == "http://testserver/static/img/logo.svg"

    def test_citations_link_doi_pubmed_and_url(self, client, site_data):
        page = graph_of(head_of(client.get("/articles/muscle-cramps/")))["MedicalWebPage"]
        citations = page["citation"]
        assert [c["@type"] for c in citations] == ["CreativeWork"] * 3
        assert citations[0]["url"] == f"https://doi.org/{DOI}"
        assert citations[0]["name"].startswith("Bentley S. Exercise-induced muscle cramp")
        assert citations[1]["url"] == "https://pubmed.ncbi.nlm.nih.gov/8776013/"
        assert citations[2] == {"@type": "CreativeWork", "name": "NICE guideline NG59.",
                                "url": "https://www.nice.org.uk/ng59"}

    def test_breadcrumb_list(self, client, site_data):
        crumbs = graph_of(head_of(client.get("/articles/muscle-cramps/")))["BreadcrumbList"]
        items = crumbs["itemListElement"]
        assert [(i["position"], i["name"], i["item"]) for i in items] == [
            (1, "Home", "http://testserver/"),
            (2, "Wellness", "http://testserver/category/wellness/"),
            (3, "Muscle cramps", "http://testserver/articles/muscle-cramps/"),
        ]

    def test_script_breakout_is_impossible(self):
        text = structured_data.json_ld_dumps({"headline": "</script><script>alert(1)</script> & more"})
        assert "<" not in text and ">" not in text and "&" not in text
        assert json.loads(text) == {"headline": "</script><script>alert(1)</script> & more"}

    def test_only_on_article_pages(self, client, site_data):
        for url in ("/", "/category/wellness/", "/authors/dr-asha-rao/", "/about/"):
            assert head_of(client.get(url)).jsonld == [], url


@pytest.mark.parametrize(
    "reference, url",
    [
        ({"doi": "10.1000/a b", "pmid": "1", "url": "https://x.org"}, "https://doi.org/10.1000/a%20b"),
        ({"doi": "", "pmid": "123", "url": "https://x.org"}, "https://pubmed.ncbi.nlm.nih.gov/123/"),
        ({"doi": "", "pmid": "", "url": "https://x.org/p"}, "https://x.org/p"),
        ({"doi": "", "pmid": "", "url": "javascript:alert(1)"}, ""),
        ({"text": "Free text"}, ""),
    ],
)
def test_reference_url(reference, url):
    assert rendering.reference_url(reference) == url


# --- nothing executable leaks anywhere; queries stay flat ----------------------------------------------


def test_script_in_title_never_reaches_any_output(client, evil_article):
    for url in (evil_article.get_absolute_url(), "/", "/feed/", "/feed/atom/",
                f"/category/{evil_article.category.slug}/feed/", "/sitemap.xml", "/tags/evil/",
                evil_article.category.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<script>alert(1)" not in response.content.decode(), url
    items = rss_items(client.get("/feed/"))
    assert items[0].findtext("title") == html.escape(EVIL)  # RSS readers treat titles as HTML
    assert atom_entries(client.get("/feed/atom/"))[0].findtext(f"{ATOM}title") == EVIL


def test_article_page_queries_do_not_grow_with_references(client):
    small = published_article(references=1, tags=["one"])
    big = ArticleFactory()
    SectionFactory(article=big, position=0)
    for i in range(20):
        ReferenceFactory(article=big, position=i, doi=f"10.1000/ref{i}")
    big.tags.add("one")
    big = make_live(big)
    for article in (small, big):  # warm per-process caches
        client.get(article.get_absolute_url())
    assert count_queries(client, small.get_absolute_url()) == count_queries(client, big.get_absolute_url())
    page = graph_of(head_of(client.get(big.get_absolute_url())))["MedicalWebPage"]
    assert len(page["citation"]) == 20
