"""article_publish_reviewed (sign-off and publish in one step) and record_article_view.

The step-by-step workflow (submit → approve → publish …) is in test_workflow.py."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from articles import selectors
from articles.models import Article, ArticleDailyViews, ArticleTransition
from articles.services import ArticleError, article_publish_reviewed, record_article_view
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ReferenceFactory,
    ReviewerFactory,
    SectionFactory,
    uploaded_image,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    article = ArticleFactory(title="Cramp", lead="<p>Cramps <strong>hurt</strong>.</p>")
    SectionFactory(article=article, heading="Causes", body="<p>Many <em>causes</em>.</p>")
    ReferenceFactory(article=article)
    return article


class TestPublishReviewed:
    def test_publishes_with_review_dates(self, draft, settings):
        settings.BONESPINE_REVIEW_CYCLE = timedelta(days=100)
        reviewer = ReviewerFactory()
        reviewed_on = date(2026, 3, 1)
        published_at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
        article = article_publish_reviewed(
            article=draft, reviewer=reviewer, reviewed_on=reviewed_on, published_at=published_at
        )
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED
        assert article.reviewer == reviewer
        assert article.last_reviewed_on == reviewed_on
        assert article.next_review_due == date(2026, 6, 9)  # reviewed + 100 days
        assert article.first_published_at == published_at
        assert article.content_updated_at == published_at
        assert article.is_public
        assert article in set(Article.objects.published())

    def test_default_cycle_and_dates(self, draft, settings):
        before = timezone.now()
        article = article_publish_reviewed(article=draft, reviewer=ReviewerFactory())
        article.refresh_from_db()
        assert article.last_reviewed_on == timezone.localdate()
        assert article.next_review_due == article.last_reviewed_on + settings.BONESPINE_REVIEW_CYCLE
        assert before <= article.first_published_at <= timezone.now()

    def test_live_version_freezes_the_content(self, draft):
        article = article_publish_reviewed(article=draft, reviewer=ReviewerFactory())
        version = article.live_version
        assert version.number == 1
        assert version.title == "Cramp"
        assert version.lead_html == "<p>Cramps <strong>hurt</strong>.</p>"
        assert version.sections == [{"heading": "Causes", "anchor": "causes", "html": "<p>Many <em>causes</em>.</p>"}]
        assert len(version.references) == 1
        assert version.references[0]["html"].startswith("Bentley S. Exercise-induced muscle cramp")
        assert version.reviewer == article.reviewer

    def test_records_the_workflow_steps(self, draft):
        article_publish_reviewed(article=draft, reviewer=ReviewerFactory())
        steps = list(ArticleTransition.objects.filter(article=draft).order_by("at", "pk").values_list("to_status", flat=True))
        assert steps == [Article.Status.APPROVED, Article.Status.PUBLISHED]

    def test_first_published_at_kept_on_republication(self, draft):
        first = datetime(2025, 1, 1, tzinfo=UTC)
        article_publish_reviewed(article=draft, reviewer=ReviewerFactory(), published_at=first)
        Article.objects.filter(pk=draft.pk).update(status=Article.Status.DRAFT)  # a working revision
        draft.refresh_from_db()
        article = article_publish_reviewed(article=draft, reviewer=ReviewerFactory(),
                                           published_at=datetime(2026, 1, 1, tzinfo=UTC))
        assert article.first_published_at == first
        assert article.live_version.number == 2

    def test_refuses_a_reviewer_who_is_not_qualified(self, draft):
        with pytest.raises(ArticleError, match="qualified medical reviewer"):
            article_publish_reviewed(article=draft, reviewer=AuthorFactory(is_medical_reviewer=False))
        self.assert_untouched(draft)

    def test_refuses_no_reviewer(self, draft):
        with pytest.raises(ArticleError):
            article_publish_reviewed(article=draft, reviewer=None)
        self.assert_untouched(draft)

    def test_refuses_the_author_as_reviewer(self, draft):
        draft.author.is_medical_reviewer = True
        draft.author.save()
        with pytest.raises(ArticleError, match="its own author"):
            article_publish_reviewed(article=draft, reviewer=draft.author)
        self.assert_untouched(draft)

    def test_refuses_an_article_without_sections(self):
        article = ArticleFactory()
        with pytest.raises(ArticleError, match="at least one section"):
            article_publish_reviewed(article=article, reviewer=ReviewerFactory())
        self.assert_untouched(article)

    def test_refuses_an_image_with_blank_alt_text(self):
        article = ArticleFactory(featured_image=uploaded_image(), image_alt="   ")
        SectionFactory(article=article)
        with pytest.raises(ArticleError, match="alt text"):
            article_publish_reviewed(article=article, reviewer=ReviewerFactory())
        self.assert_untouched(article)

    @pytest.mark.parametrize("status", [Article.Status.UNPUBLISHED, Article.Status.ARCHIVED])
    def test_refuses_unpublished_or_archived(self, draft, status):
        Article.objects.filter(pk=draft.pk).update(status=status)
        with pytest.raises(ArticleError, match="Cannot publish"):
            article_publish_reviewed(article=draft, reviewer=ReviewerFactory())

    @staticmethod
    def assert_untouched(article):
        fresh = Article.objects.get(pk=article.pk)
        assert fresh.status == Article.Status.DRAFT
        assert fresh.live_version_id is None
        assert fresh.reviewer_id is None and fresh.first_published_at is None
        assert fresh.last_reviewed_on is None and fresh.next_review_due is None


class TestRecordArticleView:
    def test_creates_then_increments(self):
        article = ArticleFactory()
        today = timezone.now().date()
        record_article_view(article=article)
        assert list(ArticleDailyViews.objects.values_list("article_id", "day", "views")) == [(article.pk, today, 1)]
        record_article_view(article=article)
        record_article_view(article=article, count=5)
        assert ArticleDailyViews.objects.get().views == 7

    def test_one_row_per_day_and_article(self):
        first, second = ArticleFactory(), ArticleFactory()
        day = date(2026, 1, 1)
        record_article_view(article=first, day=day)
        record_article_view(article=first, day=day + timedelta(days=1))
        record_article_view(article=second, day=day)
        rows = set(ArticleDailyViews.objects.values_list("article_id", "day", "views"))
        assert rows == {(first.pk, day, 1), (first.pk, day + timedelta(days=1), 1), (second.pk, day, 1)}

    def test_feeds_the_popular_list(self):
        article = ArticleFactory(published=True)
        record_article_view(article=article, count=3)
        assert [a.view_total for a in selectors.popular_articles(period="7d")] == [3]


def test_publish_reviewed_keeps_image_dimensions_on_the_live_version():
    article = ArticleFactory(featured_image=uploaded_image(size=(80, 60)), image_alt="A knee")
    SectionFactory(article=article)
    article = article_publish_reviewed(article=article, reviewer=ReviewerFactory())
    version = article.live_version
    assert version.image.name == article.featured_image.name
    assert (version.image_width, version.image_height) == (80, 60)
    assert version.image_alt == "A knee"
