"""Every state change of articles goes through these functions.

They are transactional, keyword-only and raise :class:`ArticleError` with a
message fit to show to the person who asked for the change.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Article, ArticleDailyViews


class ArticleError(Exception):
    """A requested change is not allowed; the message says why."""


@transaction.atomic
def article_publish_reviewed(
    *,
    article: Article,
    reviewer,
    reviewed_on: date | None = None,
    published_at: datetime | None = None,
) -> Article:
    """Publish ``article`` with a full medical review by ``reviewer`` (never its author).

    Sets the review dates (next review = reviewed + ``BONESPINE_REVIEW_CYCLE``) and the
    first-published / last-updated times.
    """
    if reviewer is None or not reviewer.is_medical_reviewer:
        raise ArticleError("Only a qualified medical reviewer can sign off an article.")
    if reviewer.pk == article.author_id:
        raise ArticleError("An article cannot be signed off by its own author.")
    if not article.sections.exists():
        raise ArticleError("An article needs at least one section before it can be published.")
    now = published_at or timezone.now()
    reviewed_on = reviewed_on or timezone.localdate()
    article.reviewer = reviewer
    article.last_reviewed_on = reviewed_on
    article.next_review_due = reviewed_on + settings.BONESPINE_REVIEW_CYCLE
    article.status = Article.Status.PUBLISHED
    article.first_published_at = article.first_published_at or now
    article.content_updated_at = article.content_updated_at or now
    article.save()
    return article


def record_article_view(*, article: Article, day: date | None = None, count: int = 1) -> None:
    """Add ``count`` views of ``article`` on ``day`` without losing concurrent increments.

    An UPDATE with an F() expression is atomic in the database; when the row for the
    day does not exist yet, the INSERT races are settled by the unique constraint.
    """
    day = day or timezone.now().date()
    updated = ArticleDailyViews.objects.filter(article=article, day=day).update(views=F("views") + count)
    if updated:
        return
    try:
        with transaction.atomic():
            ArticleDailyViews.objects.create(article=article, day=day, views=count)
    except IntegrityError:
        ArticleDailyViews.objects.filter(article=article, day=day).update(views=F("views") + count)
