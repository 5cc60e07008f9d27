"""The article admin's workflow panel: the buttons of the workflow table, review rounds with
what changed since the reviewer's last round, the conversation, and the confirmation that
unpublishing and archiving ask for. Mixed into ArticleAdmin.

No typed text is ever lost: for someone who may edit the article, every button belongs to
the article's own form (``form="article_form"``), so pressing it saves the form first and
then takes the action ("Save and submit …"); if the form has errors, nothing is taken and
the page comes back with everything typed still in it.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .. import services
from ..models import Article
from . import diffs, permissions, readiness, snapshots, table
from .services import open_round

# The form fields of the panel (prefixed so they never clash with the article's own fields).
ACTION, COMMENT, REPLY, PUBLISH_AT, REVIEWER, CONFIRMED = (
    "_workflow", "_workflow_comment", "_workflow_reply", "_workflow_publish_at", "_workflow_reviewer",
    "_workflow_confirmed",
)


def _parse_local(value: str | None):
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        try:
            parsed = datetime.strptime(value, "%Y-%m-%dT%H:%M")
        except ValueError:
            raise services.ArticleError("Give the publication time as a date and time, e.g. 2027-01-31 09:00.")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _reviewer(article: Article, value: str | None):
    if not value:
        return None
    chosen = permissions.reviewer_choices(article).filter(pk=value).first()
    if chosen is None:
        raise services.ArticleError("Ask a qualified medical reviewer who did not write this article.")
    return chosen


def take_action(request, article: Article, name: str) -> bool:
    """Take workflow action ``name`` with the panel's inputs; say what happened. True if done."""
    post, user = request.POST, request.user
    comment = post.get(COMMENT, "")
    calls = {
        "submit": lambda: services.article_submit(article=article, by=user, comment=comment,
                                                  reviewer=_reviewer(article, post.get(REVIEWER))),
        "claim": lambda: services.article_claim(article=article, by=user),
        "request_reviewer": lambda: services.article_request_reviewer(
            article=article, by=user, reviewer=_reviewer(article, post.get(REVIEWER))),
        "approve_full": lambda: services.article_approve(article=article, by=user, kind=table.ReviewKind.FULL,
                                                         comment=comment),
        "approve_minor": lambda: services.article_approve(article=article, by=user, kind=table.ReviewKind.MINOR,
                                                          comment=comment),
        "request_changes": lambda: services.article_request_changes(article=article, by=user, comment=comment),
        "publish": lambda: services.article_publish(article=article, by=user),
        "schedule": lambda: services.article_schedule(article=article, by=user,
                                                      publish_at=_parse_local(post.get(PUBLISH_AT))),
        "unschedule": lambda: services.article_unschedule(article=article, by=user),
        "unpublish": lambda: services.article_unpublish(article=article, by=user, comment=comment),
        "archive": lambda: services.article_archive(article=article, by=user, comment=comment),
        "restore": lambda: services.article_restore(article=article, by=user),
        "comment": lambda: services.article_comment(article=article, by=user, text=post.get(REPLY, "")),
    }
    assert calls.keys() == {a.name for a in table.BUTTONS} | {"comment"}, "every button of the table has a service"
    if name not in calls:
        messages.error(request, "Unknown workflow action.")
        return False
    try:
        calls[name]()
    except (services.ArticleError, PermissionDenied) as error:
        messages.error(request, f"Not done: {error or 'you are not allowed to do that.'}")
        return False
    article.refresh_from_db()
    if name == "comment":
        messages.success(request, "Your comment was added to the conversation.")
    else:
        messages.success(request, f"Done: {table.action(name).label.lower()}. "
                                  f"The article is now {article.get_status_display().lower()}.")
    return True


def review_context(user, article: Article) -> dict:
    """The review rounds a reviewer follows: the round under review, what changed since the
    round this person last reviewed (else the previous round), and against the live version."""
    rounds = list(article.review_rounds.select_related("reviewer", "submitted_by").order_by("-number"))
    current = open_round(article) if article.status == table.Status.IN_REVIEW else (rounds[0] if rounds else None)
    if current is None:
        return {"rounds": rounds}
    profile = permissions.author_profile(user)
    earlier = [r for r in rounds if r.number < current.number]
    mine = next((r for r in earlier if profile is not None and r.reviewer_id == profile.pk), None)
    baseline = mine or (earlier[0] if earlier else None)
    live = article.live_version
    return {
        "rounds": rounds,
        "current_round": current,
        "baseline_round": baseline,
        "baseline_is_mine": mine is not None,
        "changes_since_round": diffs.changes(baseline.content, current.content) if baseline else None,
        "changes_since_live": diffs.changes(live.content, current.content) if live else None,
    }


class ArticleWorkflowViews:
    """Mixed into ArticleAdmin."""

    def _article_for(self, request, pk) -> Article:
        article = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        return article

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        article = (self.get_queryset(request).filter(pk=object_id)
                   .select_related("live_version", "approved_by", "requested_reviewer", "author").first())
        if article is None:
            raise Http404("No article with this id that you may open.")
        approval_valid = None
        if article.status == Article.Status.APPROVED:
            approval_valid = snapshots.article_fingerprint(article) == article.approved_fingerprint
        saves_first = permissions.can_edit(request.user, article)
        # The "ready for review" check, for whoever can edit (re-run on every save: the page reloads).
        checks = readiness.review_checks(article) if saves_first else None
        extra_context.update(
            workflow_actions=permissions.available_actions(request.user, article),
            workflow_form_id="article_form" if saves_first else "workflow-form",
            workflow_saves_first=saves_first,
            reviewer_choices=permissions.reviewer_choices(article),
            may_comment=permissions.may(request.user, "comment", article),
            comments=article.comments.select_related("by", "round"),
            transitions=article.transitions.select_related("by", "version")[:50],
            published_versions=article.versions.select_related("reviewer", "published_by").only(
                "number", "published_at", "reviewer__name", "published_by__username", "review_kind",
                "content_changed", "article_id",
            ),
            approval_valid=approval_valid,
            readiness_checks=checks,
            readiness_blocking=any(check.blocking for check in checks or []),
            article_obj=article,
            time_zone=timezone.get_current_timezone_name(),
            schedule_min=timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            **review_context(request.user, article),
        )
        return super().change_view(request, object_id, form_url, extra_context)

    def workflow_view(self, request, pk):
        """The panel's buttons for someone who cannot edit the article (nothing typed to lose)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_for(request, pk)
        return self.workflow_response(request, article, request.POST.get(ACTION, ""))

    def workflow_response(self, request, article: Article, name: str):
        """Take the action, or first ask for confirmation and a reason (unpublish, archive)."""
        action = table.BY_NAME.get(name)
        if action is not None and action.confirm and not request.POST.get(CONFIRMED):
            return self.confirm_view(request, article, action)
        take_action(request, article, name)
        if self.has_view_permission(request, article) and self.get_queryset(request).filter(pk=article.pk).exists():
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]) + "#workflow")
        return HttpResponseRedirect(reverse("admin:articles_article_changelist"))

    def confirm_view(self, request, article: Article, action: table.Action):
        if not permissions.may(request.user, action, article):
            messages.error(request, f"Not done: {action.denied}")
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"{action.label} “{article.title}”?",
            "action": action,
            "comment": request.POST.get(COMMENT, ""),
            "fields": {"action": ACTION, "comment": COMMENT, "confirmed": CONFIRMED},
            "live": article.live_version_id is not None,
        }
        return TemplateResponse(request, "admin/articles/article/confirm_action.html", context)

    # --- the panel's buttons inside the article form: save first, then act ---------------------
    def response_change(self, request, obj):
        name = request.POST.get(ACTION)
        if name:
            return self.workflow_response(request, obj, name)
        typed = (request.POST.get(REPLY) or request.POST.get(COMMENT) or "").strip()
        if typed:  # typed in the panel, then "Save" pressed: the comment is kept, not lost
            try:
                services.article_comment(article=obj, by=request.user, text=typed)
                messages.info(request, "What you typed in the workflow panel was added to the conversation.")
            except (services.ArticleError, PermissionDenied) as error:
                messages.warning(request, f"Your comment could not be added: {error}")
        return super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "POST" and request.POST.get(ACTION):
            messages.warning(request, "Nothing was saved and the workflow step was not taken: correct the errors "
                                      "below, then press the button again. Everything you typed is still here.")
        return super().render_change_form(request, context, add, change, form_url, obj)
