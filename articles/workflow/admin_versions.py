"""Versions in the article admin: the staff preview, the comparison of versions, and restoring
older content. Restoring a django-simple-history record or a past
published version becomes an EDIT of the working copy (a new draft that needs review and
publishing), never a change of the live page. Mixed into ArticleAdmin; it replaces
django-simple-history's "Revert", which saved every historic field (status and live
version included) and so bypassed the medical sign-off.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from .. import rendering, selectors, services
from ..models import Article, Reference
from . import diffs, permissions, snapshots


def as_content(content: dict) -> dict:
    """A restorable content (reference fields) in the form :func:`snapshots.content_of` gives."""
    return {
        **{key: (content.get(key) or "").strip() for key in ("title", "lead", "image", "image_alt", "image_caption")},
        "sections": [{"heading": s["heading"].strip(), "anchor": s["anchor"], "body": s["body"].strip()}
                     for s in content["sections"]],
        "references": [{"text": rendering.vancouver_text(Reference(**r)), "doi": r.get("doi", ""),
                        "pmid": r.get("pmid", ""), "url": r.get("url", "")} for r in content["references"]],
    }


class ArticleVersionViews:
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

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """One record of the article's history: what it held, and "Restore as a new draft"."""
        article = self._article_for(request, object_id)
        record = get_object_or_404(Article.history.model, id=article.pk, history_id=version_id)
        who = f" by {record.history_user}" if record.history_user else ""
        source = f"the save of {timezone.localtime(record.history_date):%d %b %Y at %H:%M}{who}"
        return self._restore_page(request, article, services.content_from_history(record), source)

    def restore_version_view(self, request, pk, number):
        article = self._article_for(request, pk)
        version = get_object_or_404(article.versions, number=number)
        source = f"published version {version.number} ({timezone.localtime(version.published_at):%d %b %Y})"
        return self._restore_page(request, article, services.content_from_version(version), source)

    def _restore_page(self, request, article: Article, content: dict, source: str):
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        if request.method == "POST":
            try:
                services.article_restore_content(article=article, by=request.user, content=content, source=source)
                messages.success(request, f"Restored {source} as a new draft. The live page has not changed: "
                                          "submit the draft for medical review, then publish it.")
            except (services.ArticleError, PermissionDenied) as error:
                messages.error(request, str(error) or "You are not allowed to do that.")
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"Restore {source}?",
            "source": source,
            "content": as_content(content),
            "changes": diffs.changes(snapshots.content_of(article), as_content(content)),
            "can_restore": permissions.can_edit(request.user, article),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/articles/article/restore.html", context)
