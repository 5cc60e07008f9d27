"""The workflow's records: published versions (what the public reads), the transition log
and review reminders. They belong to the ``articles`` app (tables, migrations and
permissions are ``articles.*``); :mod:`articles.models` imports them.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone

from ..images import articles_upload_to
from .table import ReviewKind, Status


class PublishedVersion(models.Model):
    """A signed-off, frozen copy of an article's content: what the public reads.

    Every publication makes a new one, so the list of versions is the article's
    publication history, and any two can be compared.
    """

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    lead_html = models.TextField(blank=True)
    excerpt = models.TextField(blank=True)
    image = models.ImageField(upload_to=articles_upload_to, blank=True, width_field="image_width",
                              height_field="image_height")
    image_width = models.PositiveIntegerField(null=True, blank=True)
    image_height = models.PositiveIntegerField(null=True, blank=True)
    image_alt = models.CharField(max_length=250, blank=True)
    image_caption = models.CharField(max_length=300, blank=True)
    sections = models.JSONField(default=list, help_text="[{heading, anchor, html}] in order.")
    references = models.JSONField(default=list, help_text="[{html, backlinks}] in order of first citation.")
    body_html = models.TextField(
        blank=True, editable=False,
        help_text="The rendered body (contents, sections, references), made once when the version is frozen.",
    )
    content = models.JSONField(default=dict, help_text="The source content the fingerprint covers.")
    fingerprint = models.CharField(max_length=64)
    section_text = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewer = models.ForeignKey("authors.Author", on_delete=models.PROTECT, related_name="+")
    review_kind = models.CharField(max_length=10, choices=ReviewKind.choices)
    reviewed_at = models.DateTimeField()
    content_changed = models.BooleanField(
        default=True, help_text="False when this publication repeated the previous version's content."
    )
    renditions = models.JSONField(
        default=dict, blank=True, help_text="Resized copies of the image: {format: [{width, height, name}]}."
    )
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-number"]
        get_latest_by = "number"
        verbose_name = "published version"
        verbose_name_plural = "published versions"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"],
                name="version_number_unique_per_article",
                violation_error_message="This article already has a published version with this number.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — version {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.article.slug})


class ArticleTransition(models.Model):
    """One step of the editorial workflow: who moved the article from which state to which, when and why."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)
    version = models.ForeignKey(PublishedVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-at", "-pk"]
        get_latest_by = "at"
        verbose_name = "workflow step"
        verbose_name_plural = "workflow steps"
        indexes = [models.Index(fields=["article", "-at"], name="transition_article_at_idx")]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class ReviewReminder(models.Model):
    """A review-due reminder sent for an article on a day (makes the reminder command idempotent)."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="review_reminders")
    sent_on = models.DateField()

    class Meta:
        ordering = ["-sent_on"]
        verbose_name = "review reminder"
        verbose_name_plural = "review reminders"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "sent_on"],
                name="reminder_once_per_day",
                violation_error_message="A review reminder for this article was already sent on this day.",
            )
        ]

    def __str__(self) -> str:
        return f"Reminder for {self.article_id} on {self.sent_on}"


class ReviewRound(models.Model):
    """One submission for medical review: the content exactly as submitted, frozen, and how
    that review ended. A reviewer compares a round with the one they last reviewed."""

    class Outcome(models.TextChoices):
        OPEN = "", "Waiting for review"
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        WITHDRAWN = "withdrawn", "Withdrawn before review"

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="review_rounds")
    number = models.PositiveIntegerField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    content = models.JSONField(default=dict, help_text="The content as submitted (what a sign-off covers).")
    fingerprint = models.CharField(max_length=64)
    reviewer = models.ForeignKey(
        "authors.Author", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The reviewer who approved the round or asked for changes.",
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True, default=Outcome.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        get_latest_by = "number"
        verbose_name = "review round"
        verbose_name_plural = "review rounds"
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="review_round_number_unique",
                                    violation_error_message="This article already has a review round with this number."),
            models.CheckConstraint(condition=models.Q(outcome="") | models.Q(closed_at__isnull=False),
                                   name="review_round_closed_has_time",
                                   violation_error_message="A finished review round needs the time it finished."),
        ]

    def __str__(self) -> str:
        return f"Review round {self.number} of {self.article_id}"


class ArticleComment(models.Model):
    """The conversation about an article: the author's comment on submitting, the reviewer's
    requests and remarks, and replies — each with who and when."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "On submitting"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "On approving"
        REPLY = "reply", "Reply"
        WITHDRAWN = "withdrawn", "Reason for withdrawing"

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="comments")
    round = models.ForeignKey(ReviewRound, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REPLY)
    text = models.TextField(max_length=5000)

    class Meta:
        ordering = ["at", "pk"]
        get_latest_by = "at"
        verbose_name = "comment"
        verbose_name_plural = "comments"
        indexes = [models.Index(fields=["article", "at"], name="comment_article_at_idx")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="comment_text_not_blank",
                                   violation_error_message="Write something: a comment cannot be empty."),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.by} on {self.at:%d %b %Y}"
