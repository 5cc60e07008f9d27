"""Every state change of articles goes through these functions.

They are transactional, keyword-only, check permissions and invariants, and raise
:class:`ArticleError` (or :class:`PermissionDenied`) with a message fit to show to
the person who asked.

The workflow: draft → in review → (changes requested → in review)* → approved →
published → unpublished / archived. Editing a published article starts a working
revision (status draft again) while the live version stays on the public page.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from . import notifications, permissions, renditions, search, versions
from .models import Article, ArticleDailyViews, ArticleTransition, PublishedVersion, ReviewReminder

S = Article.Status


class ArticleError(Exception):
    """A requested change is not allowed; the message says why."""


class ConcurrentEditError(ArticleError):
    """Someone else saved the article since this person opened it."""


def _locked(article: Article) -> Article:
    """Lock the article's row for this transaction and re-read it, so two transitions
    cannot interleave and each sees the other's result."""
    list(Article.objects.select_for_update().filter(pk=article.pk).values_list("pk", flat=True))
    article.refresh_from_db()
    return article


def _record(article: Article, *, from_status: str, by, comment: str = "", version=None) -> ArticleTransition:
    return ArticleTransition.objects.create(
        article=article, from_status=from_status, to_status=article.status, by=by, comment=comment, version=version
    )


def _require_status(article: Article, allowed: set, action: str) -> None:
    if article.status not in allowed:
        names = ", ".join(sorted(str(S(s).label).lower() for s in allowed))
        raise ArticleError(
            f"Cannot {action} an article that is {article.get_status_display().lower()} (it must be {names})."
        )


def _check_ready_for_review(article: Article) -> None:
    problems = []
    if not article.lead.strip():
        problems.append("a lead")
    if not article.sections.exists():
        problems.append("at least one section")
    if article.featured_image and not article.image_alt.strip():
        problems.append("alt text for the featured image")
    if problems:
        raise ArticleError("Before review the article needs " + ", ".join(problems) + ".")


# --- Content edits -------------------------------------------------------------------

@transaction.atomic
def article_content_saved(*, article: Article, by) -> Article:
    """Called after the working copy (article, sections, references) was saved.

    * A change after approval voids the sign-off: back to draft, needs review again.
    * A change to a published article starts a working revision (status draft); the
      live version keeps being shown until the revision is signed off and published.
    * An unpublished article that is edited becomes a draft again.
    """
    article = _locked(article)
    fingerprint = versions.article_fingerprint(article)
    before = article.status
    comment = ""
    if article.status == S.APPROVED and fingerprint != article.approved_fingerprint:
        comment = "Sign-off voided: the content changed after approval. It needs review again."
        _clear_approval(article)
        article.status = S.DRAFT
    elif article.status == S.PUBLISHED and article.live_version and fingerprint != article.live_version.fingerprint:
        comment = "Working revision started; the live page keeps the signed-off version until this is published."
        article.status = S.DRAFT
    elif article.status == S.UNPUBLISHED:
        comment = "Edited after unpublishing; back to draft."
        article.status = S.DRAFT
    if article.status != before:
        article.save(update_fields=["status", "approved_fingerprint", "approved_by", "approved_at", "approval_kind"])
        _record(article, from_status=before, by=by, comment=comment)
    return article


def _clear_approval(article: Article) -> None:
    article.approved_fingerprint = ""
    article.approved_by = None
    article.approved_at = None
    article.approval_kind = ""
    article.publish_at = None


@transaction.atomic
def article_slug_changed(*, article: Article, old_slug: str) -> None:
    """Keep a published article's old address answering with a 301 to the new one."""
    from .models import SlugRedirect

    if not old_slug or old_slug == article.slug or article.first_published_at is None:
        return
    SlugRedirect.objects.filter(old_slug=article.slug).delete()  # the new address is real again
    SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"article": article})


def claim_version(*, article: Article, expected_version: int | None, by) -> None:
    """Optimistic lock: bump the article's version only if nobody saved since ``expected_version``.

    Raises :class:`ConcurrentEditError` naming who saved it and when.
    """
    updated = Article.objects.filter(pk=article.pk, version=expected_version).update(
        version=F("version") + 1, modified_by=by, modified_at=timezone.now()
    )
    if not updated:
        raise ConcurrentEditError(conflict_message(article))
    article.version = expected_version + 1
    article.modified_by = by


def conflict_message(article: Article) -> str:
    current = Article.objects.filter(pk=article.pk).select_related("modified_by").first()
    if current is None:
        return "This article was deleted by someone else."
    who = current.modified_by.get_full_name() or current.modified_by.username if current.modified_by else "someone else"
    when = timezone.localtime(current.modified_at).strftime("%d %b %Y at %H:%M:%S")
    return (
        f"{who} saved this article on {when}, after you opened it. Your changes were NOT saved and are still in "
        "the form below: copy what you need, reload the page to see their version, and apply your changes again."
    )


# --- Workflow transitions ------------------------------------------------------------

@transaction.atomic
def article_submit(*, article: Article, by) -> Article:
    if not permissions.can_submit(by, article):
        raise PermissionDenied("Only the article's author or an editor can submit it for review.")
    article = _locked(article)
    _require_status(article, {S.DRAFT, S.CHANGES_REQUESTED}, "submit")
    _check_ready_for_review(article)
    before = article.status
    article.status = S.IN_REVIEW
    article.save(update_fields=["status"])
    _record(article, from_status=before, by=by, comment="Submitted for medical review.")
    notifications.review_requested(article)
    return article


@transaction.atomic
def article_request_changes(*, article: Article, by, comment: str) -> Article:
    if not permissions.can_review(by, article):
        raise PermissionDenied("Only a qualified medical reviewer who did not write this article can review it.")
    if not (comment or "").strip():
        raise ArticleError("Say what needs to change: a comment is required when requesting changes.")
    article = _locked(article)
    _require_status(article, {S.IN_REVIEW}, "request changes to")
    before = article.status
    article.status = S.CHANGES_REQUESTED
    article.save(update_fields=["status"])
    _record(article, from_status=before, by=by, comment=comment.strip())
    notifications.changes_requested(article, comment=comment.strip(), by=by)
    return article


@transaction.atomic
def article_approve(*, article: Article, by, kind: str = Article.ReviewKind.FULL, comment: str = "") -> Article:
    """Medical sign-off of the exact current content (its fingerprint is stored)."""
    if not permissions.can_review(by, article):
        raise PermissionDenied("Only a qualified medical reviewer who did not write this article can sign it off.")
    if kind not in Article.ReviewKind.values:
        raise ArticleError("Choose a full review or a minor correction.")
    article = _locked(article)
    _require_status(article, {S.IN_REVIEW}, "approve")
    if kind == Article.ReviewKind.MINOR and not article.last_reviewed_on:
        raise ArticleError("An article that never had a full review cannot be approved as a minor correction.")
    before = article.status
    article.status = S.APPROVED
    article.approved_fingerprint = versions.article_fingerprint(article)
    article.approved_by = permissions.author_profile(by)
    article.approved_at = timezone.now()
    article.approval_kind = kind
    article.save(update_fields=["status", "approved_fingerprint", "approved_by", "approved_at", "approval_kind"])
    label = "full review" if kind == Article.ReviewKind.FULL else "minor correction"
    _record(article, from_status=before, by=by, comment=(f"Approved ({label}). " + comment.strip()).strip())
    notifications.approved(article, by=by)
    return article


def article_publish(*, article: Article, by, now: datetime | None = None) -> Article:
    """Make the approved working copy the live version, in one transaction.

    Refuses if the content changed since sign-off, and then voids the approval
    (that part is committed, so the article shows it needs review again).
    """
    if by is not None and not permissions.is_editor(by):
        raise PermissionDenied("Only an editor can publish articles.")
    with transaction.atomic():
        article = _locked(article)
        _require_status(article, {S.APPROVED}, "publish")
        fingerprint = versions.article_fingerprint(article)
        if fingerprint == article.approved_fingerprint:
            return _go_live(article, by=by, now=now, fingerprint=fingerprint)
        before = article.status
        _clear_approval(article)
        article.status = S.DRAFT
        article.save()
        _record(article, from_status=before, by=by, comment="Sign-off voided: content changed after approval.")
    raise ArticleError("The content changed after it was signed off; it needs medical review again.")


def _go_live(article: Article, *, by, now: datetime | None, fingerprint: str) -> Article:
    now = now or timezone.now()
    previous = article.versions.order_by("-number").first()
    snapshot = versions.build_snapshot(article)
    snapshot.renditions = renditions.renditions_for(snapshot.image)  # idempotent; {} on failure
    snapshot.number = (previous.number + 1) if previous else 1
    snapshot.published_at = now
    snapshot.published_by = by
    snapshot.reviewer = article.approved_by
    snapshot.review_kind = article.approval_kind
    snapshot.reviewed_at = article.approved_at
    snapshot.content_changed = previous is None or previous.fingerprint != fingerprint
    snapshot.save()
    search.index_version(snapshot)

    before = article.status
    article.live_version = snapshot
    article.reviewer = article.approved_by
    article.first_published_at = article.first_published_at or now
    if snapshot.content_changed or article.content_updated_at is None:
        article.content_updated_at = now
    if article.approval_kind == Article.ReviewKind.FULL:
        article.last_reviewed_on = timezone.localdate(article.approved_at)
        article.next_review_due = article.last_reviewed_on + settings.BONESPINE_REVIEW_CYCLE
    article.status = S.PUBLISHED
    article.publish_at = None
    article.save()
    _record(article, from_status=before, by=by, version=snapshot,
            comment=f"Published version {snapshot.number}." + ("" if snapshot.content_changed else " Content unchanged."))
    notifications.published(article)
    return article


@transaction.atomic
def article_schedule(*, article: Article, by, publish_at: datetime) -> Article:
    if not permissions.is_editor(by):
        raise PermissionDenied("Only an editor can schedule articles.")
    article = _locked(article)
    _require_status(article, {S.APPROVED}, "schedule")
    if publish_at is None or publish_at <= timezone.now():
        raise ArticleError("Choose a publication time in the future (or publish now).")
    article.publish_at = publish_at
    article.save(update_fields=["publish_at"])
    _record(article, from_status=article.status, by=by,
            comment=f"Scheduled to go live on {timezone.localtime(publish_at):%d %b %Y at %H:%M}.")
    return article


def publish_scheduled(*, now: datetime | None = None) -> list[Article]:
    """Publish every approved article whose time has come. Safe to run concurrently (cron)."""
    now = now or timezone.now()
    published = []
    for pk in list(Article.objects.scheduled_due(now).values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                article = Article.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
                if article is None or article.status != S.APPROVED or not article.publish_at or article.publish_at > now:
                    continue
                published.append(article_publish(article=article, by=None, now=article.publish_at))
        except ArticleError:
            continue
    return published


def _take_offline(article: Article, *, by, to_status: str, comment: str) -> Article:
    """Remove the live version (the versions themselves are kept) and record why."""
    before = article.status
    article.status = to_status
    article.live_version = None
    _clear_approval(article)
    article.save()
    _record(article, from_status=before, by=by, comment=comment)
    return article


@transaction.atomic
def article_unpublish(*, article: Article, by, comment: str = "") -> Article:
    if not permissions.is_editor(by):
        raise PermissionDenied("Only an editor can unpublish articles.")
    article = _locked(article)
    if article.live_version_id is None:
        raise ArticleError("This article is not live.")
    return _take_offline(article, by=by, to_status=S.UNPUBLISHED, comment=comment.strip() or "Unpublished.")


@transaction.atomic
def article_archive(*, article: Article, by, comment: str = "") -> Article:
    if not permissions.is_editor(by):
        raise PermissionDenied("Only an editor can archive articles.")
    article = _locked(article)
    if article.status == S.ARCHIVED:
        raise ArticleError("This article is already archived.")
    return _take_offline(article, by=by, to_status=S.ARCHIVED, comment=comment.strip() or "Archived.")


@transaction.atomic
def article_restore(*, article: Article, by) -> Article:
    """Bring an unpublished or archived article back to draft for editing."""
    if not permissions.is_editor(by):
        raise PermissionDenied("Only an editor can restore archived articles.")
    article = _locked(article)
    _require_status(article, {S.UNPUBLISHED, S.ARCHIVED}, "restore")
    before = article.status
    article.status = S.DRAFT
    article.save(update_fields=["status"])
    _record(article, from_status=before, by=by, comment="Restored to draft.")
    return article


@transaction.atomic
def article_publish_reviewed(
    *,
    article: Article,
    reviewer,
    reviewed_on: date | None = None,
    published_at: datetime | None = None,
    by=None,
) -> Article:
    """Sign off (full review by ``reviewer``) and publish in one step.

    For loading content that was reviewed elsewhere (demo content, imports); still
    refuses a reviewer who is not qualified or who wrote the article.
    """
    if reviewer is None or not reviewer.is_medical_reviewer:
        raise ArticleError("Only a qualified medical reviewer can sign off an article.")
    if reviewer.pk == article.author_id:
        raise ArticleError("An article cannot be signed off by its own author.")
    article = _locked(article)
    _require_status(article, {S.DRAFT, S.CHANGES_REQUESTED, S.IN_REVIEW, S.APPROVED}, "publish")
    _check_ready_for_review(article)
    when = published_at or timezone.now()
    reviewed_at = timezone.make_aware(datetime.combine(reviewed_on, time(12))) if reviewed_on else when
    before = article.status
    article.status = S.APPROVED
    article.approved_fingerprint = versions.article_fingerprint(article)
    article.approved_by = reviewer
    article.approved_at = reviewed_at
    article.approval_kind = Article.ReviewKind.FULL
    article.save()
    _record(article, from_status=before, by=by, comment=f"Approved (full review) by {reviewer}.")
    return article_publish(article=article, by=None, now=when)


# --- Review cycle ----------------------------------------------------------------

def send_review_reminders(*, within_days: int = 30, today: date | None = None) -> list[Article]:
    """Remind about live articles due for review within ``within_days`` or overdue.

    One reminder per article per day: the ReviewReminder row (unique per article and
    day) is created first, so a second run the same day, even a concurrent one, sends
    nothing again.
    """
    today = today or timezone.localdate()
    due = (
        Article.objects.live()
        .filter(next_review_due__lte=today + timedelta(days=within_days))
        .select_related("author__user")
    )
    sent = []
    for article in due:
        try:
            with transaction.atomic():
                ReviewReminder.objects.create(article=article, sent_on=today)
                notifications.review_due(article, today=today)
        except IntegrityError:
            continue
        sent.append(article)
    return sent


# --- Views -------------------------------------------------------------------------

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


__all__ = [
    "ArticleError", "ConcurrentEditError", "PublishedVersion", "article_approve", "article_archive",
    "article_content_saved", "article_publish", "article_publish_reviewed", "article_request_changes",
    "article_restore", "article_slug_changed", "article_schedule", "article_submit", "article_unpublish", "claim_version",
    "publish_scheduled", "record_article_view", "send_review_reminders",
]
