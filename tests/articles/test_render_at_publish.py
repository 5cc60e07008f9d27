"""Render at publish (issue 13): a published version stores its rendered body; the article
page outputs it and assembles the rest from fragments cached per content generation (and
the article's route: articles/routes.py), which follow every committed change."""

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import pagecache
from articles.models import PublishedVersion
from articles.workflow import snapshots
from tests.factories import SectionFactory, published_article

pytestmark = pytest.mark.django_db


def test_the_version_stores_its_rendered_body_and_the_page_outputs_it(client):
    article = published_article(title="Knee", slug="knee", sections=3, references=2)
    version = article.live_version
    assert version.body_html == snapshots.render_body(version)
    assert '<nav id="contents"' in version.body_html and '<ol class="references">' in version.body_html
    page = client.get("/articles/knee/").content.decode()
    assert version.body_html in page


def test_a_warm_uncached_article_page_reads_no_row(client, settings):
    settings.BONESPINE_PAGE_CACHE = False
    published_article(title="Knee", slug="knee", sections=20, references=20, tags=[f"t{i}" for i in range(10)])
    published_article(title="Other knee", slug="other-knee", tags=["t1"])
    client.get("/articles/knee/")  # fills the cached fragments (tags, related, sidebar) and the route
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/articles/knee/").content.decode()
    assert len(queries) == 0, [q["sql"][:120] for q in queries]
    assert "Other knee" in page and 'rel="tag">t9</a>' in page
    # Without this process's copies and the shared ones, the page is built again from the rows.
    pagecache.clear_local()
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        cold = client.get("/articles/knee/").content.decode()
    assert len(queries) > 0 and cold == page


def test_the_fragments_follow_committed_changes(client, settings, django_capture_on_commit_callbacks):
    settings.BONESPINE_PAGE_CACHE = False
    with django_capture_on_commit_callbacks(execute=True):
        article = published_article(title="Knee", slug="knee", tags=["knee"])
    assert "Related articles" not in client.get("/articles/knee/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        published_article(title="Runner's knee", slug="runners-knee", tags=["knee"])
        article.tags.add("sprain")
    page = client.get("/articles/knee/").content.decode()
    assert "Runner&#x27;s knee" in page or "Runner's knee" in page
    assert 'rel="tag">sprain</a>' in page


def test_a_working_revision_does_not_change_the_stored_body(client):
    article = published_article(title="Knee", slug="knee")
    before = article.live_version.body_html
    SectionFactory(article=article, heading="Draft only", body="<p>Not signed off.</p>")
    assert "Draft only" not in client.get("/articles/knee/").content.decode()
    assert PublishedVersion.objects.get(pk=article.live_version_id).body_html == before


def test_the_migration_renders_versions_that_have_no_body_yet():
    import importlib

    migration = importlib.import_module("articles.migrations.0013_version_body_html")
    article = published_article(title="Knee", slug="knee")
    PublishedVersion.objects.filter(pk=article.live_version_id).update(body_html="")
    migration.render_existing(django_apps, None)
    version = PublishedVersion.objects.get(pk=article.live_version_id)
    assert version.body_html == snapshots.render_body(version)


def test_listing_cards_follow_committed_changes(client, settings, django_capture_on_commit_callbacks):
    from articles import services
    from tests.factories import ReviewerFactory

    settings.BONESPINE_PAGE_CACHE = False
    with django_capture_on_commit_callbacks(execute=True):
        article = published_article(title="Knee pain", slug="knee")
    listing = f"/category/{article.category.slug}/"
    assert "Knee pain" in client.get(listing).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Knee pain in runners"
        article = services.article_update(article=article, by=None, expected_revision=None, changed_fields=["title"])
        services.article_publish_reviewed(article=article, reviewer=ReviewerFactory())
    assert "Knee pain in runners" in client.get(listing).content.decode()
    assert "Knee pain in runners" in client.get("/").content.decode()


def test_the_cached_article_and_its_head_follow_committed_changes(client, settings, django_capture_on_commit_callbacks):
    """Without the page cache, the article's fragments (head, the article itself, JSON-LD) are
    reused until what they show changes: a new version, a renamed author, a new review date."""
    from articles import services
    from tests.factories import ReviewerFactory

    settings.BONESPINE_PAGE_CACHE = False
    with django_capture_on_commit_callbacks(execute=True):
        article = published_article(title="Knee pain", slug="knee")
    page = client.get("/articles/knee/").content.decode()
    assert "<title>Knee pain · " in page and '"headline":"Knee pain"' in page
    assert client.get("/articles/knee/").content.decode() == page  # from the fragments, unchanged

    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Knee pain in runners"
        article = services.article_update(article=article, by=None, expected_revision=None, changed_fields=["title"])
        services.article_publish_reviewed(article=article, reviewer=ReviewerFactory())
    page = client.get("/articles/knee/").content.decode()
    assert "<title>Knee pain in runners · " in page
    assert 'property="og:title" content="Knee pain in runners"' in page
    assert '"headline":"Knee pain in runners"' in page
    assert '<h1 id="article-title" class="entry__title">Knee pain in runners</h1>' in page

    with django_capture_on_commit_callbacks(execute=True):
        article.author.name = "Dr Renamed Author"
        article.author.save()
    page = client.get("/articles/knee/").content.decode()
    assert page.count("Dr Renamed Author") >= 3  # byline, about the author, JSON-LD


def test_a_feedback_answer_does_not_leave_its_page_in_the_fragments(client, settings):
    """The page re-rendered after a feedback post (another address, a form with errors) is
    built each time; the article's cached parts stay those of its own address."""
    settings.BONESPINE_PAGE_CACHE = False
    published_article(title="Knee", slug="knee")
    client.get("/articles/knee/")
    answer = client.post("/articles/knee/feedback/", {"helpful": "maybe"})
    assert answer.status_code == 200 and "Your feedback was not sent" in answer.content.decode()
    page = client.get("/articles/knee/").content.decode()
    assert "Your feedback was not sent" not in page
    assert '<link rel="canonical" href="http://testserver/articles/knee/">' in page


def test_listing_heads_are_kept_per_address_and_follow_changes(client, settings, django_capture_on_commit_callbacks):
    settings.BONESPINE_PAGE_CACHE = False
    with django_capture_on_commit_callbacks(execute=True):
        article = published_article(title="Knee", slug="knee")
    category = article.category
    url = category.get_absolute_url()
    assert f"<title>{category.name} · " in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        category.name = "Knees and hips"
        category.save()
    page = client.get(url).content.decode()
    assert "<title>Knees and hips · " in page and 'property="og:title" content="Knees and hips"' in page
    # One head per address: the popular page's periods keep their own canonical address.
    assert '<link rel="canonical" href="http://testserver/popular/">' in client.get("/popular/?period=7d").content.decode()
    assert "period=all" not in client.get("/popular/?period=7d").content.decode().split("</head>")[0]
