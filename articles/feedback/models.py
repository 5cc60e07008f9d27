"""What readers send: contact messages and "Was this page helpful?" answers.

They belong to the ``articles`` app (tables, migrations and permissions are
``articles.*``); :mod:`articles.models` imports them.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ContactMessage(models.Model):
    """A message sent through the contact form."""

    name = models.CharField(max_length=120)
    email = models.EmailField()
    subject = models.CharField(max_length=200, blank=True)
    message = models.TextField(max_length=5000)
    article = models.ForeignKey("articles.Article", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                help_text="The article the reader wrote about, if any.")
    created_at = models.DateTimeField(default=timezone.now)
    handled = models.BooleanField(default=False, help_text="Tick when someone has answered or acted on it.")

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"
        verbose_name = "contact message"
        verbose_name_plural = "contact messages"

    def __str__(self) -> str:
        return f"{self.name}: {self.subject or self.message[:40]}"


class ArticleFeedback(models.Model):
    """A reader's answer to "Was this page helpful?"."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="feedback")
    helpful = models.BooleanField()
    comment = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"
        verbose_name = "reader feedback"
        verbose_name_plural = "reader feedback"
        indexes = [models.Index(fields=["article", "-created_at"], name="feedback_article_idx")]

    def __str__(self) -> str:
        return f"{'Helpful' if self.helpful else 'Not helpful'}: {self.article_id}"
