"""Workflow emails (Django's email framework; the console backend in development).

Mail is sent after the transaction commits, so a rolled-back transition sends
nothing, and a failing mail server never undoes a transition (it is logged).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils.formats import date_format

logger = logging.getLogger(__name__)


def _admin_url(article) -> str:
    return settings.SITE_URL + reverse("admin:articles_article_change", args=[article.pk])


def _send(messages: list[tuple[str, str, str, list[str]]]) -> None:
    messages = [m for m in messages if m[3]]
    if not messages:
        return

    def send():
        try:
            send_mass_mail(messages, fail_silently=False)
        except Exception:  # noqa: BLE001 - mail must never break the workflow
            logger.exception("Could not send workflow email")

    transaction.on_commit(send)


def _author_email(article) -> list[str]:
    user = article.author.user
    return [user.email] if user and user.email and user.is_active else []


def reviewer_emails(*, exclude_author=None) -> list[str]:
    users = get_user_model().objects.filter(
        is_active=True, author_profile__is_medical_reviewer=True
    ).exclude(email="")
    if exclude_author is not None:
        users = users.exclude(author_profile=exclude_author)
    return sorted(set(users.values_list("email", flat=True)))


def editor_emails() -> list[str]:
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    editors = users.filter(groups__permissions__codename="publish_article") | users.filter(is_superuser=True)
    return sorted(set(editors.values_list("email", flat=True)))


def _person_email(author) -> list[str]:
    user = getattr(author, "user", None)
    return [user.email] if user and user.email and user.is_active else []


def review_requested(article, *, comment: str = "") -> None:
    """To the reviewer asked by name, else to every qualified reviewer but the author."""
    asked = article.requested_reviewer
    to = _person_email(asked) if asked is not None else reviewer_emails(exclude_author=article.author)
    note = f"\n{article.author} wrote:\n\n{comment.strip()}\n" if comment.strip() else ""
    whom = f"{asked}, you were asked to review it." if asked is not None else "Claim it from the review queue."
    _send([(
        f"[Bonespine] Review requested: {article.title}",
        f"{article.author} submitted “{article.title}” for medical review. {whom}\n{note}\n"
        f"Review it here: {_admin_url(article)}\n",
        settings.DEFAULT_FROM_EMAIL,
        to,
    )])


def comment_added(comment) -> None:
    """A reply in the conversation, to the author and the article's reviewers (not the writer)."""
    article = comment.article
    people = [article.author, article.requested_reviewer, article.approved_by]
    to = sorted({email for person in people if person for email in _person_email(person)}
                - {getattr(comment.by, "email", "")})
    who = comment.by.get_full_name() or comment.by.username if comment.by else "Someone"
    _send([(
        f"[Bonespine] New comment: {article.title}",
        f"{who} wrote about “{article.title}”:\n\n{comment.text}\n\nReply here: {_admin_url(article)}#conversation\n",
        settings.DEFAULT_FROM_EMAIL,
        to,
    )])


def changes_requested(article, *, comment: str, by) -> None:
    _send([(
        f"[Bonespine] Changes requested: {article.title}",
        f"{by.get_full_name() or by.username} asked for changes to “{article.title}”:\n\n{comment}\n\n"
        f"Edit it here: {_admin_url(article)}\n",
        settings.DEFAULT_FROM_EMAIL,
        _author_email(article),
    )])


def approved(article, *, by, comment: str = "") -> None:
    _send([(
        f"[Bonespine] Approved: {article.title}",
        f"“{article.title}” was medically approved by {article.approved_by}. An editor will publish it.\n\n"
        + (f"{article.approved_by} wrote:\n\n{comment.strip()}\n\n" if comment.strip() else "") +
        f"{_admin_url(article)}\n",
        settings.DEFAULT_FROM_EMAIL,
        sorted(set(_author_email(article) + editor_emails())),
    )])


def published(article) -> None:
    _send([(
        f"[Bonespine] Published: {article.title}",
        f"“{article.title}” is live at {settings.SITE_URL}{article.get_absolute_url()}\n",
        settings.DEFAULT_FROM_EMAIL,
        _author_email(article),
    )])


def review_due(article, *, today) -> None:
    state = "is overdue" if article.next_review_due < today else f"is due on {date_format(article.next_review_due)}"
    _send([(
        f"[Bonespine] Medical review {('overdue' if article.next_review_due < today else 'due')}: {article.title}",
        f"The medical review of “{article.title}” {state}.\n\nStart a review here: {_admin_url(article)}\n",
        settings.DEFAULT_FROM_EMAIL,
        sorted(set(_author_email(article) + reviewer_emails(exclude_author=article.author))),
    )])
