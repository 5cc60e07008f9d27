"""The article page's trust line, one date style on every page, and "Know your author"."""

import re
from datetime import UTC, date, datetime

import pytest
from django.core import mail
from django.utils import timezone

from articles import services
from articles.models import Article, ArticleTransition
from tests.factories import (
    AuthorFactory,
    CategoryFactory,
    DailyViewsFactory,
    ReviewerFactory,
    UserFactory,
    published_article,
)

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2023, 1, 5, 10, 0, tzinfo=UTC)
UPDATED = datetime(2024, 3, 12, 10, 0, tzinfo=UTC)
REVIEWED = date(2024, 3, 9)
DUE = date(2027, 3, 9)
US_STYLE = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December)"
                      r" \d{1,2}, \d{4}\b")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def article():
    author = AuthorFactory(name="Dr Asha Rao", slug="dr-asha-rao", credentials="MBBS, MS (Orthopaedics)")
    reviewer = ReviewerFactory(name="Dr Rhea Kapoor", slug="dr-rhea-kapoor", credentials="MD, FRCS")
    category = CategoryFactory(name="Knees", slug="knees")
    article = published_article(title="Knee pain", slug="knee-pain", author=author, reviewer=reviewer,
                                category=category, tags=("knee",))
    Article.objects.filter(pk=article.pk).update(
        first_published_at=PUBLISHED, content_updated_at=UPDATED, last_reviewed_on=REVIEWED, next_review_due=DUE
    )
    article.refresh_from_db()
    return article


def sidebar_author(html: str) -> str:
    box = re.search(r'<section class="widget widget--author".*?</section>', html, re.S)
    assert box, "no Know your author box"
    return re.search(r"<p><strong>(.*?)</strong></p>", box.group(0)).group(1)


# --- Trust line -------------------------------------------------------------------------------

class TestTrustLine:
    def test_under_the_byline_linking_to_the_review_box(self, client, article):
        html = client.get("/articles/knee-pain/").content.decode()
        line = re.search(r'<p class="entry__trust">.*?</p>', html, re.S).group(0)
        assert '<a href="#review">' in line
        assert text_of(line).strip() == "Medically reviewed by Dr Rhea Kapoor, MD, FRCS · Last reviewed 9 March 2024"
        assert '<time datetime="2024-03-09">9 March 2024</time>' in line
        # near the top: in the header, after the byline, before the lead; the target exists once
        header = re.search(r'<header class="entry__header">.*?</header>', html, re.S).group(0)
        assert line in header and header.index("entry__byline") < header.index("entry__trust")
        assert html.index("entry__trust") < html.index('class="entry__lead"')
        assert html.count('id="review"') == 1
        assert html.index('id="review"') > html.index("entry__trust")
        assert 'class="review-box" id="review"' in html

    def test_without_a_review_date_the_line_names_the_reviewer_only(self, client, article):
        Article.objects.filter(pk=article.pk).update(last_reviewed_on=None, next_review_due=None)
        html = client.get("/articles/knee-pain/").content.decode()
        line = re.search(r'<p class="entry__trust">.*?</p>', html, re.S).group(0)
        assert text_of(line).strip() == "Medically reviewed by Dr Rhea Kapoor, MD, FRCS"

    def test_reviewer_without_credentials(self, client, article):
        article.reviewer.credentials = ""
        article.reviewer.save()
        html = client.get("/articles/knee-pain/").content.decode()
        line = re.search(r'<p class="entry__trust">.*?</p>', html, re.S).group(0)
        assert "Medically reviewed by Dr Rhea Kapoor · Last reviewed" in text_of(line)


# --- One date style ---------------------------------------------------------------------------

class TestDates:
    def test_article_page_byline_and_review_box_agree(self, client, article):
        html = client.get("/articles/knee-pain/").content.decode()
        assert 'Last updated on <time datetime="2024-03-12">12 March 2024</time>' in html
        review = text_of(re.search(r'<dl class="review-box__dates">.*?</dl>', html, re.S).group(0))
        assert "First published 5 January 2023" in review
        assert "Page last reviewed 9 March 2024" in review
        assert "Next review due 9 March 2027" in review
        assert not US_STYLE.search(text_of(html))

    @pytest.mark.parametrize("url", ["/", "/category/knees/", "/tags/knee/", "/popular/?period=all", "/search/?q=knee"])
    def test_listings(self, client, article, url):
        DailyViewsFactory(article=article, views=3)
        html = client.get(url).content.decode()
        assert '<time datetime="2024-03-12T10:00:00+00:00">12 March 2024</time>' in html, url
        assert not US_STYLE.search(text_of(html)), url

    def test_author_page(self, client, article):
        html = client.get("/authors/dr-rhea-kapoor/").content.decode()
        assert "reviewed 9 March 2024" in text_of(html)
        assert not US_STYLE.search(text_of(html))

    def test_withdrawn_notice(self, client, article):
        services.article_unpublish(article=article, by=UserFactory(is_superuser=True, is_staff=True), comment="Old.")
        ArticleTransition.objects.filter(article=article, to_status="unpublished").update(at=UPDATED)
        html = client.get("/articles/knee-pain/").content.decode()
        assert "withdrawn on 12 March 2024" in text_of(html)

    def test_the_style_follows_the_locale(self, client, article, settings):
        settings.LANGUAGE_CODE = "en-us"
        html = client.get("/articles/knee-pain/").content.decode()
        text = text_of(html)
        assert "Last updated on March 12, 2024" in text
        assert "Page last reviewed March 9, 2024" in text
        assert "Last reviewed March 9, 2024" in text
        assert "12 March 2024" not in text

    def test_review_reminder_email(self, article, settings):
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        reviewer_user = UserFactory(username="kapoor", email="kapoor@example.org")
        other = ReviewerFactory(user=reviewer_user)
        assert other.pk != article.author_id
        Article.objects.filter(pk=article.pk).update(next_review_due=timezone.localdate().replace(year=2100))
        from articles.workflow import notifications

        article.refresh_from_db()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(notifications.transaction, "on_commit", lambda fn: fn())
            notifications.review_due(article, today=date(2099, 1, 1))
        assert len(mail.outbox) == 1
        due = article.next_review_due
        assert f"is due on {due.day} {due:%B %Y}" in mail.outbox[0].body


# --- Know your author ------------------------------------------------------------------------

class TestKnowYourAuthor:
    @pytest.fixture
    def prolific(self):
        """The author the other pages feature: the one with the most published articles."""
        author = AuthorFactory(name="Dr Most Prolific", credentials="MBBS")
        for _ in range(3):
            published_article(author=author)
        return author

    def test_article_page_shows_the_articles_author(self, client, article, prolific):
        assert sidebar_author(client.get("/articles/knee-pain/").content.decode()).startswith("Dr Asha Rao")

    def test_author_page_shows_that_author(self, client, article, prolific):
        assert sidebar_author(client.get("/authors/dr-asha-rao/").content.decode()).startswith("Dr Asha Rao")

    def test_reviewer_page_shows_the_reviewer_even_without_written_articles(self, client, article, prolific):
        html = client.get("/authors/dr-rhea-kapoor/").content.decode()
        assert sidebar_author(html).startswith("Dr Rhea Kapoor")

    def test_every_author_page_has_its_own_cached_sidebar(self, client, article, prolific):
        for _ in range(2):  # the second round reads the cached sidebars
            assert sidebar_author(client.get("/authors/dr-asha-rao/").content.decode()).startswith("Dr Asha Rao")
            assert sidebar_author(client.get("/authors/dr-rhea-kapoor/").content.decode()).startswith("Dr Rhea")
            assert sidebar_author(client.get("/").content.decode()).startswith("Dr Most Prolific")
            assert sidebar_author(client.get("/articles/knee-pain/").content.decode()).startswith("Dr Asha Rao")

    @pytest.mark.parametrize("url", ["/", "/category/knees/", "/popular/", "/tags/knee/", "/search/?q=knee"])
    def test_other_pages_show_the_featured_author(self, client, article, prolific, url):
        assert sidebar_author(client.get(url).content.decode()).startswith("Dr Most Prolific")
