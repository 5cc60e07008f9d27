"""The public author page."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import services
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ReviewerFactory,
    SectionFactory,
    UserFactory,
    published_article,
    uploaded_image,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rao():
    return ReviewerFactory(
        name="Dr Asha Rao",
        slug="dr-asha-rao",
        credentials="MBBS, MS (Orthopaedics)",
        professional_title="Consultant spine surgeon",
        bio="Twenty years of spine surgery.\n\nTeaches at the medical college.",
        specialties="Spine, Trauma",
        website="https://example.org/rao",
        orcid="https://orcid.org/0000-0002-1825-0097",
        photo=uploaded_image("asha.jpg"),
    )


def test_profile(client, rao):
    response = client.get("/authors/dr-asha-rao/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="author-name" class="page-title">Dr Asha Rao</h1>' in html
    assert '<p class="author-profile__credentials">MBBS, MS (Orthopaedics)</p>' in html
    assert "Consultant spine surgeon" in html
    assert '<p class="badge">Medical reviewer</p>' in html
    assert f'<img class="author-profile__photo" src="{rao.photo.url}" alt="Portrait of Dr Asha Rao"' in html
    assert "<p>Twenty years of spine surgery.</p>" in html
    assert "Spine, Trauma" in html
    assert '<a href="https://orcid.org/0000-0002-1825-0097" rel="noopener me">ORCID</a>' in html
    assert '<span aria-current="page">Dr Asha Rao</span>' in html
    assert "<title>Dr Asha Rao · Bonespine</title>" in html


def test_written_and_reviewed_lists_show_only_published(client, rao):
    written = published_article(author=rao, title="Slipped disc")
    ArticleFactory(author=rao, title="Unfinished draft")
    reviewed = published_article(title="Knee arthritis", reviewer=rao)
    scheduled = ArticleFactory(title="Future article", first_published_at=timezone.now() + timedelta(days=3))
    SectionFactory(article=scheduled)
    services.article_publish_reviewed(article=scheduled, reviewer=rao, published_at=scheduled.first_published_at)
    gone = published_article(author=rao, title="Withdrawn article")
    services.article_unpublish(article=gone, by=UserFactory(is_staff=True, is_superuser=True), comment="Withdrawn for a test.")

    html = client.get(rao.get_absolute_url()).content.decode()
    written_section = re.search(r'<section aria-labelledby="written-title">.*?</section>', html, re.S).group(0)
    reviewed_section = re.search(r'<section aria-labelledby="reviewed-title">.*?</section>', html, re.S).group(0)
    assert f'<a href="{written.get_absolute_url()}">Slipped disc</a>' in written_section
    assert "Unfinished draft" not in html
    assert "Withdrawn article" not in html
    assert "Future article" not in html
    assert f'<a href="{reviewed.get_absolute_url()}">Knee arthritis</a>' in reviewed_section
    assert "Slipped disc" not in reviewed_section
    reviewed.refresh_from_db()
    assert f"reviewed {reviewed.last_reviewed_on.day} {reviewed.last_reviewed_on:%B %Y}" in reviewed_section


def test_author_without_articles(client):
    AuthorFactory(slug="dr-new", is_medical_reviewer=False)
    html = client.get("/authors/dr-new/").content.decode()
    assert "No published articles yet." in html
    assert "Articles medically reviewed" not in html  # not a reviewer, nothing reviewed


def test_reviewer_without_reviews(client):
    ReviewerFactory(slug="dr-rev")
    assert "No reviewed articles yet." in client.get("/authors/dr-rev/").content.decode()


def test_unknown_author_is_404(client):
    AuthorFactory(slug="dr-real")
    assert client.get("/authors/dr-nobody/").status_code == 404


def test_post_not_allowed(client, rao):
    assert client.post(rao.get_absolute_url()).status_code == 405


def test_article_byline_and_sidebar_link_to_the_author_page(client, rao):
    article = published_article(author=rao)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<a rel="author" href="{rao.get_absolute_url()}">Dr Asha Rao</a>' in html
    sidebar = re.search(r'<aside id="primary-sidebar".*?</aside>', html, re.S).group(0)
    assert "Know your author" in sidebar
    assert 'alt="Portrait of Dr Asha Rao"' in sidebar
    assert f'href="{rao.get_absolute_url()}"' in sidebar


def test_query_count_does_not_grow(client, rao):
    published_article(author=rao)
    client.get(rao.get_absolute_url())
    with CaptureQueriesContext(connection) as small:
        assert client.get(rao.get_absolute_url()).status_code == 200
    for _ in range(8):
        published_article(author=rao)
        published_article(reviewer=rao)
    with CaptureQueriesContext(connection) as big:
        assert client.get(rao.get_absolute_url()).status_code == 200
    assert len(small.captured_queries) == len(big.captured_queries)
