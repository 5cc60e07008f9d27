"""Named, chainable filters for articles and categories (``Article.objects.published()``, …).

Every page, feed, sitemap and selector goes through them; "published" is defined once,
here, and every count or lookup of published articles reuses it.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models
from django.utils import timezone

from .workflow.table import Status


class CategoryQuerySet(models.QuerySet):
    def with_published_counts(self):
        """Each category with ``published_count``: one small count per category, answered from
        the partial "live articles of a category, newest first" index (no join of the whole
        article table, no scan of its wide rows)."""
        from django.apps import apps
        from django.db.models.functions import Coalesce

        Article = apps.get_model("articles", "Article")
        counts = (
            Article.objects.published().filter(category=models.OuterRef("pk")).order_by()
            .values("category").annotate(n=models.Count("pk")).values("n")
        )
        return self.annotate(published_count=Coalesce(models.Subquery(counts), 0))


class ArticleQuerySet(models.QuerySet):
    def live(self):
        """Articles with a live, signed-off version (a working revision may be in progress)."""
        return self.filter(live_version__isnull=False)

    def published(self):
        """What the public may see: live and with a publication time that has come."""
        return self.live().filter(first_published_at__lte=timezone.now())

    def featured(self):
        return self.filter(is_featured=True)

    def in_category(self, category):
        return self.filter(category=category)

    def by_author(self, author):
        return self.filter(author=author)

    def reviewed_by(self, author):
        return self.filter(reviewer=author)

    def tagged(self, tag):
        return self.filter(tags=tag)

    def with_people(self):
        return self.select_related("author", "category", "reviewer", "live_version")

    def waiting_for_review(self):
        return self.filter(status=Status.IN_REVIEW)

    def changes_requested(self):
        return self.filter(status=Status.CHANGES_REQUESTED)

    def scheduled_due(self, now=None):
        return self.filter(status=Status.APPROVED, publish_at__isnull=False, publish_at__lte=now or timezone.now())

    def newest_first(self):
        return self.order_by("-first_published_at", "-pk")

    def review_overdue(self, today: date | None = None):
        return self.filter(next_review_due__lt=today or timezone.localdate())

    def review_due_within(self, days: int, today: date | None = None):
        today = today or timezone.localdate()
        return self.filter(next_review_due__gte=today, next_review_due__lte=today + timedelta(days=days))
