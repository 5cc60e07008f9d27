"""State changes for reader contact messages and "Was this page helpful?" feedback.

Like :mod:`articles.services`: keyword-only, type-hinted, transactional, checking the
rules themselves (forms check them too; these are the last word for every caller) and
raising :class:`FeedbackError` with a message fit to show.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction

from ..models import Article, ArticleFeedback, ContactMessage

NAME_MAX = ContactMessage._meta.get_field("name").max_length
EMAIL_MAX = ContactMessage._meta.get_field("email").max_length
SUBJECT_MAX = ContactMessage._meta.get_field("subject").max_length
MESSAGE_MAX = ContactMessage._meta.get_field("message").max_length  # not enforced by the database
COMMENT_MAX = ArticleFeedback._meta.get_field("comment").max_length  # not enforced by the database


class FeedbackError(Exception):
    """A message or feedback cannot be stored; the message says why."""


def _text(value: str | None, *, label: str, limit: int, required: bool) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if required and not value:
        raise FeedbackError(f"{label} is required.")
    if len(value) > limit:
        raise FeedbackError(f"{label} is too long: at most {limit} characters (it has {len(value)}).")
    return value


@transaction.atomic
def contact_message_create(
    *,
    name: str,
    email: str,
    message: str,
    subject: str = "",
    article: Article | None = None,
) -> ContactMessage:
    """Store a message sent through the contact form (optionally about one published article)."""
    name = _text(name, label="Your name", limit=NAME_MAX, required=True)
    email = _text(email, label="Email address", limit=EMAIL_MAX, required=True)
    try:
        validate_email(email)
    except ValidationError:
        raise FeedbackError("Enter a valid email address, like name@example.com.") from None
    subject = _text(subject, label="Subject", limit=SUBJECT_MAX, required=False)
    message = _text(message, label="Message", limit=MESSAGE_MAX, required=True)
    if article is not None and not article.is_public:
        article = None  # a report about a page that is not public any more is still a message
    return ContactMessage.objects.create(name=name, email=email, subject=subject, message=message, article=article)


@transaction.atomic
def contact_message_set_handled(*, message: ContactMessage, handled: bool, by) -> ContactMessage:
    """Mark a contact message as handled (or not) — the only change staff make to one."""
    if not (by.is_active and by.has_perm("articles.change_contactmessage")):
        raise PermissionDenied("Only editors can mark contact messages as handled.")
    ContactMessage.objects.filter(pk=message.pk).update(handled=handled)
    message.handled = handled
    return message


@transaction.atomic
def article_feedback_create(*, article: Article, helpful: bool, comment: str = "") -> ArticleFeedback:
    """Store one reader's answer to "Was this page helpful?" for a published article."""
    if not isinstance(helpful, bool):
        raise FeedbackError("Choose Yes or No.")
    if not article.is_public:
        raise FeedbackError("Feedback can only be given on a published article.")
    comment = _text(comment, label="Comment", limit=COMMENT_MAX, required=False)
    return ArticleFeedback.objects.create(article=article, helpful=helpful, comment=comment)


__all__ = [
    "COMMENT_MAX",
    "MESSAGE_MAX",
    "FeedbackError",
    "article_feedback_create",
    "contact_message_create",
    "contact_message_set_handled",
]
