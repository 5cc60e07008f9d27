from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Article, ArticleDailyViews, ArticleTransition, Category, PublishedVersion, Reference, Section
from .workflow import permissions
from .workflow.admin_views import ArticleWorkflowViews


def image_preview(image, size: int = 240):
    if not image:
        return "No image yet."
    return format_html(
        '<img src="{}" alt="Current image" style="max-width:{}px;height:auto;border:1px solid #ccc">', image.url, size
    )


class SectionForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("anchor") and cleaned.get("heading"):
            self.auto_anchor = True
            cleaned["anchor"] = self.instance.suggested_anchor(cleaned["heading"])
        return cleaned


class SectionFormSet(forms.BaseInlineFormSet):
    """Anchors made from headings are kept unique across the sections saved together."""

    def clean(self):
        taken = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("anchor"):
                continue
            if data["anchor"] in taken and getattr(form, "auto_anchor", False):
                data["anchor"] = form.instance.anchor = form.instance.suggested_anchor(data["heading"], taken)
            taken.add(data["anchor"])
        super().clean()


class SectionInline(admin.StackedInline):
    model = Section
    form = SectionForm
    formset = SectionFormSet
    extra = 0
    fields = ["position", "heading", "anchor", "body"]
    ordering = ["position", "pk"]
    classes = ["orderable-inline"]

    def has_change_permission(self, request, obj=None):
        return obj is None or permissions.can_edit(request.user, obj)

    has_add_permission = has_delete_permission = has_change_permission


class ReferenceInline(SectionInline):
    model = Reference
    form = forms.ModelForm
    formset = forms.BaseInlineFormSet
    fields = [
        "position",
        ("authors", "year"),
        "title",
        ("journal", "volume", "issue", "pages"),
        ("doi", "pmid"),
        "url",
        "citation_text",
    ]


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Review overdue"),
            ("due30", "Review due within 30 days"),
            ("waiting", "Waiting for review"),
            ("changes", "Changes requested"),
            ("revision", "Live, with unpublished changes"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "overdue":
            return queryset.live().review_overdue()
        if value == "due30":
            return queryset.live().review_due_within(30)
        if value == "waiting":
            return queryset.waiting_for_review()
        if value == "changes":
            return queryset.changes_requested()
        if value == "revision":
            return queryset.live().exclude(status=Article.Status.PUBLISHED)
        return queryset


class ArticleAdminForm(forms.ModelForm):
    expected_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_revision"].initial = self.instance.edit_revision

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = Article.objects.filter(pk=self.instance.pk).values_list("edit_revision", flat=True).first()
            if cleaned.get("expected_revision") != current:
                raise forms.ValidationError(services.conflict_message(self.instance), code="conflict")
        return cleaned


@admin.register(Article)
class ArticleAdmin(ArticleWorkflowViews, SimpleHistoryAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = ["title", "status", "live_state", "category", "author", "reviewer", "content_updated_at",
                    "next_review_due"]
    list_filter = [NeedsAttentionFilter, "status", "category", "author", "is_featured"]
    search_fields = ["title", "slug", "lead"]
    list_select_related = ["category", "author", "reviewer"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "first_published_at"
    inlines = [SectionInline, ReferenceInline]
    base_readonly = [
        "status", "featured_image_preview", "reviewer", "first_published_at", "content_updated_at",
        "last_reviewed_on", "next_review_due",
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "author", "tags", "is_featured", "expected_revision"]}),
        ("Summary", {"fields": ["lead"]}),
        ("Featured image", {"fields": ["featured_image", "featured_image_preview", "image_alt", "image_caption"]}),
        (
            "Review and publication",
            {"fields": ["status", "reviewer", "publish_at", "first_published_at", "content_updated_at",
                        "last_reviewed_on", "next_review_due"]},
        ),
    ]
    actions = ["submit_selected", "publish_selected", "unpublish_selected", "archive_selected"]

    class Media:
        js = ["js/admin_orderable.js", "js/admin_image_preview.js"]

    # --- who sees and changes what -------------------------------------------------
    def get_queryset(self, request):
        return permissions.visible_articles(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return permissions.can_create(request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return super().has_view_permission(request)
        return permissions.can_view(request.user, obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return permissions.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not request.user.is_superuser:
            return False
        return obj is None or obj.first_published_at is None

    def has_publish_permission(self, request):
        return permissions.is_editor(request.user)

    def has_submit_permission(self, request):
        return request.user.has_perm("articles.change_article")

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.base_readonly)
        if not permissions.is_editor(request.user):
            fields += ["author", "is_featured", "publish_at"]
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if obj is None or self.has_change_permission(request, obj) else {}

    # --- saving: one service call (articles.services) saves the article and its inlines --
    def save_model(self, request, obj, form, change):
        """Nothing here: :meth:`save_related` saves the article and its parts in one service call."""

    def save_related(self, request, form, formsets, change):
        def save_parts():
            super(ArticleAdmin, self).save_related(request, form, formsets, change)

        if not change:
            services.article_create(article=form.instance, by=request.user, save_related=save_parts)
            return
        article = services.article_update(
            article=form.instance,
            by=request.user,
            expected_revision=form.cleaned_data.get("expected_revision"),
            old_slug=form.initial.get("slug", "") if "slug" in form.changed_data else "",
            save_related=save_parts,
        )
        if article.has_unpublished_changes:
            self.message_user(request, "Saved as a working revision. The live page keeps showing the signed-off "
                                       "version until this revision is reviewed and published.", messages.INFO)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.ConcurrentEditError:
            # Someone saved between our check and our write: show the form again with the conflict message.
            return super().changeform_view(request, object_id, form_url, extra_context)

    # --- display ------------------------------------------------------------------
    @admin.display(description="Preview")
    def featured_image_preview(self, obj):
        return image_preview(obj.featured_image)

    @admin.display(description="Live", boolean=True)
    def live_state(self, obj):
        return obj.live_version_id is not None

    # --- bulk actions (each calls the service; errors are shown, never a 500) ------
    def _bulk(self, request, queryset, label, call):
        done = 0
        for article in queryset:
            try:
                call(article)
                done += 1
            except (services.ArticleError, PermissionDenied) as error:
                self.message_user(request, f"“{article}”: {error}", messages.ERROR)
        if done:
            self.message_user(request, f"{label}: {done} article(s).", messages.SUCCESS)

    @admin.action(description="Submit selected articles for review", permissions=["submit"])
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, "Submitted", lambda a: services.article_submit(article=a, by=request.user))

    @admin.action(description="Publish selected approved articles", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, "Published", lambda a: services.article_publish(article=a, by=request.user))

    @admin.action(description="Unpublish selected articles", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._bulk(request, queryset, "Unpublished", lambda a: services.article_unpublish(article=a, by=request.user))

    @admin.action(description="Archive selected articles", permissions=["publish"])
    def archive_selected(self, request, queryset):
        self._bulk(request, queryset, "Archived", lambda a: services.article_archive(article=a, by=request.user))

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("<int:pk>/workflow/", self.admin_site.admin_view(self.workflow_view), name="%s_%s_workflow" % info),
            path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view), name="%s_%s_preview" % info),
            path("<int:pk>/diff/", self.admin_site.admin_view(self.diff_view), name="%s_%s_diff" % info),
        ] + super().get_urls()

    def response_post_save_change(self, request, obj):
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "icon_preview"]
    list_editable = ["position"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["icon_preview"]

    @admin.display(description="Icon")
    def icon_preview(self, obj):
        return image_preview(obj.icon, 40)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ArticleDailyViews)
class ArticleDailyViewsAdmin(ReadOnlyAdmin):
    list_display = ["article", "day", "views"]
    list_filter = ["day"]
    search_fields = ["article__title"]
    list_select_related = ["article"]
    date_hierarchy = "day"


@admin.register(ArticleTransition)
class ArticleTransitionAdmin(ReadOnlyAdmin):
    list_display = ["article", "from_status", "to_status", "by", "at", "comment"]
    list_filter = ["to_status"]
    search_fields = ["article__title", "comment"]
    list_select_related = ["article", "by"]
    date_hierarchy = "at"


@admin.register(PublishedVersion)
class PublishedVersionAdmin(ReadOnlyAdmin):
    list_display = ["article", "number", "published_at", "reviewer", "review_kind", "content_changed"]
    list_select_related = ["article", "reviewer"]
    search_fields = ["article__title", "title"]
    exclude = ["content", "sections", "references", "section_text", "body_text", "lead_html"]
from .feedback import admin as feedback_admin  # noqa: E402,F401
