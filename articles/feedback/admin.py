"""Admin for what readers send: contact messages and "Was this page helpful?" answers.

Editors see both (permissions from :mod:`articles.workflow.roles`); the only change they make is
ticking a message as handled, through :func:`feedback_services.contact_message_set_handled`.
Reader text is shown as plain text (the admin escapes it).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.text import Truncator

from ..models import ArticleFeedback, ContactMessage
from . import services as feedback_services


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "subject", "short_message", "article", "created_at", "handled"]
    list_display_links = ["name"]
    list_editable = ["handled"]
    list_filter = ["handled", "created_at"]
    search_fields = ["name", "email", "subject", "message", "article__title"]
    list_select_related = ["article"]
    date_hierarchy = "created_at"
    fields = ["name", "email", "subject", "message", "article", "created_at", "handled"]
    readonly_fields = ["name", "email", "subject", "message", "article", "created_at"]
    actions = ["mark_handled", "mark_not_handled"]

    def has_add_permission(self, request):
        return False  # messages come from readers only

    @admin.display(description="Message")
    def short_message(self, obj):
        return Truncator(obj.message).chars(80)

    def save_model(self, request, obj, form, change):
        # Everything but "handled" is read-only, so that is the one change to save.
        feedback_services.contact_message_set_handled(message=obj, handled=obj.handled, by=request.user)

    def _set_handled(self, request, queryset, handled: bool):
        done = 0
        for message in queryset:
            try:
                feedback_services.contact_message_set_handled(message=message, handled=handled, by=request.user)
                done += 1
            except PermissionDenied as error:
                self.message_user(request, str(error), messages.ERROR)
                return
        self.message_user(request, f"{done} message(s) marked as {'handled' if handled else 'not handled'}.",
                          messages.SUCCESS)

    @admin.action(description="Mark selected messages as handled", permissions=["change"])
    def mark_handled(self, request, queryset):
        self._set_handled(request, queryset, True)

    @admin.action(description="Mark selected messages as not handled", permissions=["change"])
    def mark_not_handled(self, request, queryset):
        self._set_handled(request, queryset, False)


def _article_feedback_count(**filters):
    rows = (
        ArticleFeedback.objects.filter(article=OuterRef("article"), **filters)
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(admin.ModelAdmin):
    list_display = ["article", "helpful", "short_comment", "created_at", "article_score"]
    list_filter = ["helpful", ("article", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["comment", "article__title"]
    list_select_related = ["article"]
    date_hierarchy = "created_at"
    fields = ["article", "helpful", "comment", "created_at"]

    def get_queryset(self, request):
        # The article's running total, for the "Article score" column (no query per row).
        return super().get_queryset(request).annotate(
            article_yes=_article_feedback_count(helpful=True),
            article_total=_article_feedback_count(),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # read-only; editors may delete spam

    @admin.display(description="Comment")
    def short_comment(self, obj):
        return Truncator(obj.comment).chars(80) or "—"

    @admin.display(description="Article score", ordering="article_total")
    def article_score(self, obj):
        """How readers rated the whole article: "3 of 4 helpful (75%)"."""
        total = getattr(obj, "article_total", 0)
        if not total:
            return "—"
        return f"{obj.article_yes} of {total} helpful ({round(100 * obj.article_yes / total)}%)"
