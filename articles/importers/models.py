"""What the WordPress importer remembers (tables of the ``articles`` app, migration 0011).

* :class:`WordPressPost` — which WordPress post an article came from, so running the same
  export again updates (or leaves alone) the article instead of making a second one.
* :class:`LegacyPath` — an old WordPress address (permalink, ``?p=`` link, category or tag
  archive) and the row it now leads to. It points at the article, category or tag itself,
  never at a slug, so it keeps working when their slugs change.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from taggit.models import Tag


class WordPressPost(models.Model):
    site_url = models.CharField(
        "WordPress site", max_length=300, blank=True, help_text="The export's site address (wp:base_site_url)."
    )
    wp_id = models.PositiveBigIntegerField("WordPress post ID")
    guid = models.CharField("WordPress GUID", max_length=500, blank=True)
    article = models.OneToOneField("articles.Article", on_delete=models.CASCADE, related_name="wordpress_source")
    source_hash = models.CharField(max_length=64, help_text="Fingerprint of the post as last imported.")
    edit_revision = models.PositiveIntegerField(
        help_text="The article's edit revision right after the import wrote it: a later save moves it on."
    )
    image_source = models.CharField(max_length=500, blank=True, help_text="The featured image file last imported.")
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "articles"
        ordering = ["site_url", "wp_id"]
        get_latest_by = "updated_at"
        verbose_name = "imported WordPress post"
        verbose_name_plural = "imported WordPress posts"
        constraints = [
            models.UniqueConstraint(
                fields=["site_url", "wp_id"],
                name="wordpress_post_unique_site_id",
                violation_error_message="This WordPress post was already imported.",
            ),
        ]
        indexes = [models.Index(fields=["guid"], name="wordpress_post_guid_idx")]

    def __str__(self) -> str:
        return f"WordPress post {self.wp_id} → article {self.article_id}"

    def get_absolute_url(self) -> str:
        return self.article.get_absolute_url()


class LegacyPathQuerySet(models.QuerySet):
    def with_targets(self):
        return self.select_related("article", "category", "tag")

    def for_path(self, path: str):
        """The row for ``path`` (tried as given, with a trailing slash and in lower case)."""
        candidates = {path, path.lower()}
        if "?" not in path and not path.endswith("/"):
            candidates |= {path + "/", path.lower() + "/"}
        return self.with_targets().filter(path__in=candidates)


class LegacyPath(models.Model):
    path = models.CharField(
        max_length=500,
        help_text="An address of the old site, e.g. /2024/01/knee-pain/ or /?p=123 (path and query, no host).",
    )
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="legacy_paths")
    category = models.ForeignKey("articles.Category", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="legacy_paths")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, null=True, blank=True, related_name="legacy_paths")
    source = models.CharField(max_length=40, default="wordpress", help_text="Which import made it.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LegacyPathQuerySet.as_manager()

    class Meta:
        app_label = "articles"
        ordering = ["path"]
        verbose_name = "old WordPress address"
        verbose_name_plural = "old WordPress addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["path"],
                name="legacy_path_unique",
                violation_error_message="This old address already leads somewhere.",
            ),
            models.CheckConstraint(
                condition=Q(path__startswith="/"),
                name="legacy_path_absolute",
                violation_error_message="An old address starts with a slash (/).",
            ),
            models.CheckConstraint(
                condition=Q(article__isnull=False, category__isnull=True, tag__isnull=True)
                | Q(article__isnull=True, category__isnull=False, tag__isnull=True)
                | Q(article__isnull=True, category__isnull=True, tag__isnull=False),
                name="legacy_path_one_target",
                violation_error_message="An old address leads to exactly one article, category or tag.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.path} → {self.article or self.category or self.tag}"

    @property
    def target(self):
        return self.article or self.category or self.tag


def _connect_page_cache() -> None:
    """A new or removed old address changes what a 404 answers: invalidate those pages."""
    from django.db.models.signals import post_delete, post_save

    from ..pagecache import listings_changed

    post_save.connect(listings_changed, sender=LegacyPath, dispatch_uid="pagecache-save-LegacyPath")
    post_delete.connect(listings_changed, sender=LegacyPath, dispatch_uid="pagecache-delete-LegacyPath")


_connect_page_cache()
