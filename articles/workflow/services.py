"""Every workflow transition of an article: submit, review, publish, schedule, take offline, restore.

Each one asks the table (:mod:`articles.workflow.table`) whether the person's role may
take the action from the article's state and what it requires, then does its own
effects. They are transactional and keyword-only, and raise :class:`ArticleError` (or
:class:`PermissionDenied`) with a message fit to show to the person who asked.

Editing a published article starts a working revision (status draft again) while the
live version stays on the public page; :func:`article_content_saved` applies that rule.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import renditions, search
from ..models import Article, ArticleComment, ArticleTransition, ReviewReminder, ReviewRound
from . import notifications, permissions, readiness, snapshots, table

S = table.Status


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


def _check_requirements(action: table.Action, article: Article, *, by=None, comment: str = "", publish_at=None,
                        reviewer=None) -> None:
    """What the table says ``action`` requires, beyond role and state (guards included)."""
    for requirement in action.requires:
        if requirement in table.GUARDS and not permissions.guard_holds(requirement, article, by):
            raise ArticleError(_GUARD_MESSAGES[requirement](article))
        if requirement == table.READY and (problems := readiness.blocking_problems(article)):
            raise ArticleError("Before review the article needs " + ", ".join(problems) + ".")
        if requirement == table.COMMENT and not (comment or "").strip():
            raise ArticleError(action.missing_comment)
        if requirement == table.REVIEWER_CHOICE and reviewer is None:
            raise ArticleError("Choose the reviewer to ask.")
        if requirement == table.PRIOR_FULL_REVIEW and not article.last_reviewed_on:
            raise ArticleError("An article that never had a full review cannot be approved as a minor correction.")
        if requirement == table.FUTURE_TIME and (publish_at is None or publish_at <= timezone.now()):
            raise ArticleError("Choose a publication time in the future (or publish now).")
        # SIGN_OFF_INTACT is checked by article_publish itself: failing it voids the sign-off.
    if reviewer is not None and (not reviewer.is_medical_reviewer or reviewer.pk == article.author_id):
        raise ArticleError("Ask a qualified medical reviewer who did not write this article.")


_GUARD_MESSAGES = {
    table.LIVE: lambda article: "This article is not live.",
    table.UNASSIGNED: lambda article: f"{article.requested_reviewer} is already reviewing this article.",
    table.FOR_ME: lambda article: f"{article.requested_reviewer} was asked to review this article; "
                                  "an editor can ask someone else.",
    table.SCHEDULED: lambda article: "This article is not scheduled.",
}


def _authorize(name: str, article: Article, by) -> table.Action:
    """Refuse someone whose roles the table does not list for action ``name`` (before any lock)."""
    action = table.action(name)
    if not permissions.roles_for(by, article) & action.allowed.keys():
        raise PermissionDenied(action.denied)
    return action


def _begin(name: str, article: Article, by, **inputs) -> tuple[table.Action, Article]:
    """Authorize, lock, and check the state and requirements of action ``name``; return the locked article."""
    action = _authorize(name, article, by)
    article = _locked(article)
    if table.LIVE in action.requires and not permissions.guard_holds(table.LIVE, article, by):
        raise ArticleError(_GUARD_MESSAGES[table.LIVE](article))  # "not live" says more than "wrong state"
    if article.status not in action.sources(permissions.roles_for(by, article)):
        raise ArticleError(action.state_error(article.status))
    _check_requirements(action, article, by=by, **inputs)
    return action, article


def _move(action: table.Action, article: Article, *, by, comment: str = "", fields=("status",)) -> Article:
    before = article.status
    if action.target:
        article.status = action.target
    article.save(update_fields=list(fields))
    _record(article, from_status=before, by=by, comment=comment.strip() or action.comment)
    if before == S.IN_REVIEW and article.status not in (S.IN_REVIEW, S.APPROVED, S.CHANGES_REQUESTED):
        _close_round(article, outcome=ReviewRound.Outcome.WITHDRAWN)
    return article


# --- Review rounds and the conversation ------------------------------------------------

def open_round(article: Article) -> ReviewRound | None:
    return article.review_rounds.filter(outcome=ReviewRound.Outcome.OPEN).order_by("-number").first()


def _close_round(article: Article, *, outcome: str, reviewer=None) -> ReviewRound | None:
    current = open_round(article)
    if current is not None:
        current.outcome, current.reviewer, current.closed_at = outcome, reviewer, timezone.now()
        current.save(update_fields=["outcome", "reviewer", "closed_at"])
    return current


def _comment(article: Article, *, by, kind: str, text: str, round_=None) -> ArticleComment | None:
    text = (text or "").strip()
    if not text:
        return None
    return ArticleComment.objects.create(article=article, by=by, kind=kind, text=text,
                                         round=round_ if round_ is not None else open_round(article))


@transaction.atomic
def article_comment(*, article: Article, by, text: str) -> ArticleComment:
    """A reply in the article's conversation (author, its reviewers and editors)."""
    action, article = _begin("comment", article, by, comment=text)
    if len(text.strip()) > ArticleComment._meta.get_field("text").max_length:
        raise ArticleError("Keep a comment under 5,000 characters.")
    comment = _comment(article, by=by, kind=ArticleComment.Kind.REPLY, text=text)
    notifications.comment_added(comment)
    return comment


@transaction.atomic
def article_claim(*, article: Article, by) -> Article:
    """A reviewer takes an unassigned article from the queue."""
    action, article = _begin("claim", article, by)
    article.requested_reviewer = permissions.author_profile(by)
    return _move(action, article, by=by, fields=["requested_reviewer"],
                 comment=f"{article.requested_reviewer} claimed the review.")


@transaction.atomic
def article_request_reviewer(*, article: Article, by, reviewer) -> Article:
    """The author or an editor asks one qualified reviewer (never the author) to review it."""
    action, article = _begin("request_reviewer", article, by, reviewer=reviewer)
    article.requested_reviewer = reviewer
    _move(action, article, by=by, fields=["requested_reviewer"], comment=f"Asked {reviewer} to review it.")
    notifications.review_requested(article)
    return article


def _clear_approval(article: Article) -> None:
    article.approved_fingerprint = ""
    article.approved_by = None
    article.approved_at = None
    article.approval_kind = ""
    article.publish_at = None


APPROVAL_FIELDS = ["status", "approved_fingerprint", "approved_by", "approved_at", "approval_kind", "publish_at"]


# --- Content edits -------------------------------------------------------------------

@transaction.atomic
def article_content_saved(*, article: Article, by) -> Article:
    """Called after the working copy (article, sections, references) was saved.

    The table's ``edit`` action moves the article to draft when the edit matters:
    * a change after approval voids the sign-off: back to draft, needs review again;
    * a change to a published article starts a working revision; the live version keeps
      being shown until the revision is signed off and published;
    * an unpublished article that is edited becomes a draft again.
    """
    article = _locked(article)
    fingerprint = snapshots.article_fingerprint(article)
    before = article.status
    comment = ""
    if article.status == S.APPROVED and fingerprint != article.approved_fingerprint:
        comment = "Sign-off voided: the content changed after approval. It needs review again."
        _clear_approval(article)
    elif article.status == S.PUBLISHED and article.live_version and fingerprint != article.live_version.fingerprint:
        comment = "Working revision started; the live page keeps the signed-off version until this is published."
    elif article.status == S.UNPUBLISHED:
        comment = "Edited after unpublishing; back to draft."
    if comment:
        article.status = table.action("edit").target
        article.save(update_fields=APPROVAL_FIELDS)
        _record(article, from_status=before, by=by, comment=comment)
    return article


@transaction.atomic
def article_back_to_draft(*, article: Article, by, comment: str) -> Article:
    """After an edit that must be reviewed whatever the state (a restore of older content):
    the table's ``edit`` target, sign-off voided, recorded (also when it already was a draft)."""
    article = _locked(article)
    before = article.status
    _clear_approval(article)
    article.status = table.action("edit").target
    article.save(update_fields=APPROVAL_FIELDS)
    _record(article, from_status=before, by=by, comment=comment)
    return article


# --- Workflow transitions ------------------------------------------------------------

@transaction.atomic
def article_submit(*, article: Article, by, comment: str = "", reviewer=None) -> Article:
    """Send the working copy for medical review: its content is frozen as a new review round,
    the comment starts (or continues) the conversation, and a reviewer may be asked by name."""
    action, article = _begin("submit", article, by, reviewer=reviewer)
    if reviewer is not None:
        article.requested_reviewer = reviewer
    _move(action, article, by=by, comment=comment, fields=["status", "requested_reviewer"])
    content = snapshots.content_of(article)
    previous = article.review_rounds.order_by("-number").first()
    new_round = ReviewRound.objects.create(
        article=article, number=(previous.number + 1) if previous else 1, submitted_by=by,
        content=content, fingerprint=snapshots.fingerprint_of(content),
    )
    _comment(article, by=by, kind=ArticleComment.Kind.SUBMITTED, text=comment, round_=new_round)
    notifications.review_requested(article, comment=comment)
    return article


@transaction.atomic
def article_request_changes(*, article: Article, by, comment: str) -> Article:
    action, article = _begin("request_changes", article, by, comment=comment)
    _comment(article, by=by, kind=ArticleComment.Kind.CHANGES_REQUESTED, text=comment)
    _close_round(article, outcome=ReviewRound.Outcome.CHANGES_REQUESTED, reviewer=permissions.author_profile(by))
    _move(action, article, by=by, comment=comment)
    notifications.changes_requested(article, comment=comment.strip(), by=by)
    return article


@transaction.atomic
def article_approve(*, article: Article, by, kind: str = table.ReviewKind.FULL, comment: str = "") -> Article:
    """Medical sign-off of the exact current content (its fingerprint is stored)."""
    if kind not in table.ReviewKind.values:
        _authorize("approve_full", article, by)
        raise ArticleError("Choose a full review or a minor correction.")
    name = "approve_full" if kind == table.ReviewKind.FULL else "approve_minor"
    action, article = _begin(name, article, by)
    article.approved_fingerprint = snapshots.article_fingerprint(article)
    article.approved_by = permissions.author_profile(by)
    article.approved_at = timezone.now()
    article.approval_kind = kind
    _comment(article, by=by, kind=ArticleComment.Kind.APPROVED, text=comment)
    _close_round(article, outcome=ReviewRound.Outcome.APPROVED, reviewer=article.approved_by)
    _move(action, article, by=by, comment=(action.comment + " " + comment.strip()).strip(), fields=APPROVAL_FIELDS)
    notifications.approved(article, by=by, comment=comment)
    return article


def article_publish(*, article: Article, by, now: datetime | None = None) -> Article:
    """Make the approved working copy the live version, in one transaction.

    ``by=None`` is the scheduler. Refuses if the content changed since sign-off, and
    then voids the approval (that part is committed, so the article shows it needs
    review again).
    """
    with transaction.atomic():
        action, article = _begin("publish", article, by)
        fingerprint = snapshots.article_fingerprint(article)
        if fingerprint == article.approved_fingerprint:
            return _go_live(action, article, by=by, now=now, fingerprint=fingerprint)
        before = article.status
        _clear_approval(article)
        article.status = table.action("edit").target
        article.save()
        _record(article, from_status=before, by=by, comment="Sign-off voided: content changed after approval.")
    raise ArticleError("The content changed after it was signed off; it needs medical review again.")


def _go_live(action: table.Action, article: Article, *, by, now: datetime | None, fingerprint: str) -> Article:
    now = now or timezone.now()
    previous = article.versions.order_by("-number").first()
    snapshot = snapshots.build_snapshot(article)
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
    if article.approval_kind == table.ReviewKind.FULL:
        article.last_reviewed_on = timezone.localdate(article.approved_at)
        article.next_review_due = article.last_reviewed_on + settings.BONESPINE_REVIEW_CYCLE
    article.status = action.target
    article.publish_at = None
    article.save()
    _record(article, from_status=before, by=by, version=snapshot,
            comment=f"Published version {snapshot.number}." + ("" if snapshot.content_changed else " Content unchanged."))
    notifications.published(article)
    return article


@transaction.atomic
def article_schedule(*, article: Article, by, publish_at: datetime | None) -> Article:
    action, article = _begin("schedule", article, by, publish_at=publish_at)
    article.publish_at = publish_at
    _move(action, article, by=by, fields=["publish_at"],
          comment=f"Scheduled to go live on {timezone.localtime(publish_at):%d %b %Y at %H:%M} "
                  f"({timezone.get_current_timezone_name()}).")
    return article


@transaction.atomic
def article_unschedule(*, article: Article, by) -> Article:
    action, article = _begin("unschedule", article, by)
    article.publish_at = None
    return _move(action, article, by=by, fields=["publish_at"],
                 comment="Schedule cancelled: the article stays approved until it is published or scheduled again.")


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


def _take_offline(name: str, article: Article, *, by, comment: str) -> Article:
    """Remove the live version (the versions themselves are kept) and record why (required)."""
    action, article = _begin(name, article, by, comment=comment)
    _comment(article, by=by, kind=ArticleComment.Kind.WITHDRAWN, text=comment)
    article.live_version = None
    _clear_approval(article)
    return _move(action, article, by=by, comment=comment, fields=[*APPROVAL_FIELDS, "live_version"])


@transaction.atomic
def article_unpublish(*, article: Article, by, comment: str = "") -> Article:
    return _take_offline("unpublish", article, by=by, comment=comment)


@transaction.atomic
def article_archive(*, article: Article, by, comment: str = "") -> Article:
    return _take_offline("archive", article, by=by, comment=comment)


@transaction.atomic
def article_restore(*, article: Article, by) -> Article:
    """Bring an unpublished or archived article back to draft for editing."""
    action, article = _begin("restore", article, by)
    return _move(action, article, by=by)


@transaction.atomic
def article_publish_reviewed(
    *,
    article: Article,
    reviewer,
    reviewed_on: date | None = None,
    published_at: datetime | None = None,
    by=None,
) -> Article:
    """Sign off (full review by ``reviewer``) and publish in one step (the table's ``sign_off_and_publish``).

    For loading content that was reviewed elsewhere (demo content, imports); not
    reachable from the admin, and still refuses a reviewer who is not qualified or
    who wrote the article.
    """
    if reviewer is None or not reviewer.is_medical_reviewer:
        raise ArticleError("Only a qualified medical reviewer can sign off an article.")
    if reviewer.pk == article.author_id:
        raise ArticleError("An article cannot be signed off by its own author.")
    _action, article = _begin("sign_off_and_publish", article, None)
    when = published_at or timezone.now()
    reviewed_at = timezone.make_aware(datetime.combine(reviewed_on, time(12))) if reviewed_on else when
    before = article.status
    article.status = S.APPROVED
    article.approved_fingerprint = snapshots.article_fingerprint(article)
    article.approved_by = reviewer
    article.approved_at = reviewed_at
    article.approval_kind = table.ReviewKind.FULL
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
