"""The article admin's workflow panel, preview and version diff (staff only)."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.dateparse import parse_datetime

from .. import selectors, services
from ..models import Article
from . import permissions, snapshots, table


class ArticleWorkflowViews:
    """Mixed into ArticleAdmin."""

    def _article_for(self, request, pk) -> Article:
        article = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        return article

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        article = self.get_queryset(request).filter(pk=object_id).select_related("live_version", "approved_by").first()
        if article is None:
            raise Http404("No article with this id that you may open.")
        if article is not None:
            approval_valid = None
            if article.status == Article.Status.APPROVED:
                approval_valid = snapshots.article_fingerprint(article) == article.approved_fingerprint
            extra_context.update(
                workflow_actions=permissions.available_actions(request.user, article),
                transitions=article.transitions.select_related("by", "version")[:50],
                published_versions=article.versions.select_related("reviewer", "published_by").only(
                    "number", "published_at", "reviewer__name", "published_by__username", "review_kind",
                    "content_changed", "article_id",
                ),
                approval_valid=approval_valid,
                article_obj=article,
                schedule_min=timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def workflow_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_for(request, pk)
        action = request.POST.get("action", "")
        comment = request.POST.get("comment", "")
        user = request.user
        calls = {
            "submit": lambda: services.article_submit(article=article, by=user, comment=comment),
            "approve_full": lambda: services.article_approve(article=article, by=user, kind=Article.ReviewKind.FULL,
                                                             comment=comment),
            "approve_minor": lambda: services.article_approve(article=article, by=user,
                                                              kind=Article.ReviewKind.MINOR, comment=comment),
            "request_changes": lambda: services.article_request_changes(article=article, by=user, comment=comment),
            "publish": lambda: services.article_publish(article=article, by=user),
            "schedule": lambda: services.article_schedule(article=article, by=user,
                                                          publish_at=_parse_local(request.POST.get("publish_at"))),
            "unpublish": lambda: services.article_unpublish(article=article, by=user, comment=comment),
            "archive": lambda: services.article_archive(article=article, by=user, comment=comment),
            "restore": lambda: services.article_restore(article=article, by=user),
        }
        assert calls.keys() == {a.name for a in table.BUTTONS}, "every button of the workflow table has a service"
        if action not in calls:
            messages.error(request, "Unknown workflow action.")
        else:
            try:
                calls[action]()
                article.refresh_from_db()
                messages.success(request, f"Done: the article is now {article.get_status_display().lower()}.")
            except (services.ArticleError, PermissionDenied) as error:
                messages.error(request, str(error) or "You are not allowed to do that.")
        if self.has_view_permission(request, article) and self.get_queryset(request).filter(pk=article.pk).exists():
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        return HttpResponseRedirect(reverse("admin:articles_article_changelist"))

    def preview_view(self, request, pk):
        """The working copy rendered exactly as the public page would show it once published.

        Staff only (admin_view), never cached, never indexed, never counted as a view.
        """
        self._article_for(request, pk)
        article = selectors.article_for_preview(pk=pk)
        response = TemplateResponse(
            request,
            "articles/article_detail.html",
            {"article": article, "page": snapshots.build_snapshot(article), "preview": True},
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        add_never_cache_headers(response)
        return response

    def diff_view(self, request, pk):
        article = self._article_for(request, pk)
        available = {str(v.number): v for v in article.versions.all()}
        working = {"label": "Working copy", "content": snapshots.content_of(article)}

        def pick(key, default):
            if key == "working" or (key is None and default == "working"):
                return working
            version = available.get(key or default)
            if version is None:
                raise Http404("No such version.")
            return {"label": f"Version {version.number} ({timezone.localtime(version.published_at):%d %b %Y})",
                    "content": version.content}

        numbers = sorted(available, key=int)
        default_a = numbers[-1] if numbers else "working"
        old = pick(request.GET.get("a"), default_a)
        new = pick(request.GET.get("b"), "working")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"Compare versions of “{article.title}”",
            "diff_table": snapshots.diff_html(old["content"], new["content"], old["label"], new["label"]),
            "changed": snapshots.diff_summary(old["content"], new["content"]),
            "choices": [("working", "Working copy")] + [(n, f"Version {n}") for n in reversed(numbers)],
            "a": request.GET.get("a") or default_a,
            "b": request.GET.get("b") or "working",
        }
        return TemplateResponse(request, "admin/articles/article/diff.html", context)


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
