import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget
from django.contrib.flatpages.admin import FlatPageAdmin
from django.contrib.flatpages.forms import FlatpageForm
from django.contrib.flatpages.models import FlatPage
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.forms.boundfield import BoundField
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget
from js_asset import Media as AssetMedia
from simple_history.admin import SimpleHistoryAdmin

from . import citations, reference_lookup, rendering, services
from .images import SafeImageField
from .models import Article, ArticleDailyViews, ArticleTransition, Category, PublishedVersion, Reference, Section
from .workflow import permissions, queues, table
from .workflow.admin_versions import ArticleVersionViews
from .workflow.admin_views import ArticleWorkflowViews


def image_preview(image, size: int = 240):
    if not image:
        return "No image yet."
    return format_html(
        '<img src="{}" alt="Current image" style="max-width:{}px;height:auto;border:1px solid #ccc">', image.url, size
    )


# The largest value of a PositiveSmallIntegerField: a row whose position was left empty goes last.
POSITION_LAST = 32767


class OrderedForm(forms.ModelForm):
    """A section or reference row. An empty position means "at the end"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "position" in self.fields:
            self.fields["position"].required = False

    def clean_position(self):
        position = self.cleaned_data.get("position")
        return POSITION_LAST if position is None else position


class OrderedFormSet(forms.BaseInlineFormSet):
    """Rows are saved in the order of the positions typed in them (equal numbers keep their
    order on the page) and renumbered 10, 20, 30 …: what the editor typed is what readers see,
    with or without the page's JavaScript (static/js/admin_orderable.js does the same on screen)."""

    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms) or self.non_form_errors():
            return  # nothing is saved: keep the numbers as typed for the next try
        rows = [
            form for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form) and (form.instance.pk or form.has_changed())
        ]
        ordered = sorted(enumerate(rows), key=lambda pair: (pair[1].cleaned_data["position"], pair[0]))
        for number, (_, form) in enumerate(ordered, start=1):
            position = number * 10
            form.cleaned_data["position"] = form.instance.position = position
            if form.initial.get("position") != position and "position" not in form.changed_data:
                form.changed_data.append("position")  # an unchanged row is saved only if it counts as changed


DUPLICATE_ANCHOR = "Two sections of this article cannot share the same anchor: choose another or leave it empty."


class SectionForm(OrderedForm):
    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("anchor") and cleaned.get("heading"):
            self.auto_anchor = True
            cleaned["anchor"] = self.instance.suggested_anchor(cleaned["heading"])
        return cleaned


class SectionFormSet(OrderedFormSet):
    """Anchors are unique across the sections saved together: a typed anchor used twice is an
    error on the second one; an anchor made from a heading gets a suffix instead."""

    def clean(self):
        rows = [
            form for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("anchor")
        ]
        taken = set()
        for form in rows:  # typed anchors first: they keep their name
            if not getattr(form, "auto_anchor", False):
                if form.cleaned_data["anchor"] in taken:
                    form.add_error("anchor", DUPLICATE_ANCHOR)
                else:
                    taken.add(form.cleaned_data["anchor"])
        for form in rows:
            if getattr(form, "auto_anchor", False):
                data = form.cleaned_data
                if data["anchor"] in taken:
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


class ReferenceKindField(forms.ChoiceField):
    """The type of source; a form posted without it (an older page, a script) means a
    journal article, as it always did, and does not by itself make an empty row "changed"."""

    def __init__(self, **kwargs):
        kind = Reference._meta.get_field("kind")
        super().__init__(choices=kind.choices, required=False, initial=kind.default, label=capfirst(kind.verbose_name),
                         help_text=kind.help_text, **kwargs)

    def clean(self, value):
        return super().clean(value) or Reference.Kind.JOURNAL

    def has_changed(self, initial, data):
        return bool(data) and super().has_changed(initial, data)


class EditorMediaNonce:
    """For admin pages with the rich-text editor: the page's media carry this response's CSP
    nonce on every tag, because the editor needs an inline import map and the policy stays
    ``script-src 'self'`` plus the nonce."""

    def render_change_form(self, request, context, *args, **kwargs):
        nonce = getattr(request, "csp_nonce", None)
        nonce = "" if nonce is None else str(nonce)  # str() first: django-csp's lazy nonce is falsy until read
        if nonce:
            context["media"] = AssetMedia.from_media(context["media"], nonce=nonce)
        return super().render_change_form(request, context, *args, **kwargs)


class ReferenceKeyField(forms.SlugField):
    """The reference's stable key, a hidden field: citations in the text point to it. A new
    row gets one here (and a fresh one from static/js/editor_extensions.js when added on the
    page); it never makes an empty row "changed"."""

    def __init__(self, **kwargs):
        super().__init__(max_length=16, required=False, initial=citations.new_reference_key,
                         widget=forms.HiddenInput, **kwargs)

    def clean(self, value):
        return super().clean(value) or citations.new_reference_key()

    def has_changed(self, initial, data):
        return False


class ReferenceForm(OrderedForm):
    """A reference row: its type decides which fields count (articles/citations.py, which
    the model's clean applies, with a message on the field that is missing). Every field is
    on the page, its help text saying which types use it; static/js/admin_reference_kind.js
    hides the ones the chosen type does not use and adds the "Fill from DOI / PubMed ID" buttons."""

    kind = ReferenceKindField()
    key = ReferenceKeyField()
    # Longer than the stored identifiers: a pasted link is cleaned to the bare DOI or PubMed ID.
    doi = forms.CharField(label="DOI", max_length=500, required=False)
    pmid = forms.CharField(label="PubMed ID", max_length=200, required=False)

    class Meta:
        model = Reference
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("doi", "pmid"):
            self.fields[name].help_text = Reference._meta.get_field(name).help_text
        for name, field in self.fields.items():
            if used_by := citations.used_by_text(name):
                field.help_text = f"{field.help_text} {used_by}".strip()
        self.fields["kind"].widget.attrs["data-fields-of"] = json.dumps(citations.FIELDS_OF)
        lookup = reverse("admin:articles_article_reference_lookup")
        for name in ("doi", "pmid"):
            self.fields[name].widget.attrs.update({"data-lookup-url": lookup, "data-lookup": name})
        self.fields["date_accessed"].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def clean_doi(self):
        return citations.normalize_doi(self.cleaned_data.get("doi", ""))

    def clean_pmid(self):
        return citations.normalize_pmid(self.cleaned_data.get("pmid", ""))


class ReferenceInline(SectionInline):
    model = Reference
    form = ReferenceForm
    formset = OrderedFormSet
    fields = None
    fieldsets = [
        (None, {"fields": ["position", "kind", "key"]}),
        ("Who", {"fields": [("authors", "organisation"), "editors"]}),
        ("What", {"fields": ["title", ("journal", "edition")]}),
        ("Published", {"fields": [("place", "publisher"), ("year", "volume", "issue", "pages")]}),
        ("Where to find it", {"fields": [("doi", "pmid"), ("url", "date_accessed")]}),
        ("Free text", {"fields": ["citation_text"]}),
    ]

    class Media:
        js = ["js/admin_reference_kind.js"]


class NeedsAttentionFilter(admin.SimpleListFilter):
    """The work queues of the admin's home page (articles/workflow/queues.py), as a list filter."""

    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        mine = queues.roles_of(request.user)
        return [(q.key, q.label) for q in queues.QUEUES if q.role in mine] + [
            ("revision", "Live, with unpublished changes")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "revision":
            return queryset.live().exclude(status=Article.Status.PUBLISHED)
        condition = queues.condition(value, request.user) if value else None
        return queryset.filter(condition) if condition is not None else queryset


CHOSEN_IMAGE_LOST = (
    "The picture you chose was not saved because of the errors on this page: choose it again before saving."
)


class ChosenImageBoundField(BoundField):
    """An image upload that says so when the page comes back with errors: browsers never send
    a chosen file again, so a picture chosen before the failed save must be chosen again. (A
    picture refused for itself has its own error instead.)"""

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        if not (self.form.is_bound and isinstance(self.data, UploadedFile)) or self.errors:
            return super().as_widget(widget, attrs, only_initial)
        notice_id = f"{self.auto_id or self.html_name}_not_saved"
        described = " ".join(filter(None, [self.aria_describedby, notice_id]))
        html = super().as_widget(widget, {**(attrs or {}), "aria-describedby": described}, only_initial)
        return html + format_html('<ul class="errorlist" id="{}"><li>{}</li></ul>', notice_id, CHOSEN_IMAGE_LOST)


class ChosenImageField(forms.ImageField):
    bound_field_class = ChosenImageBoundField


# For the image fields of the category and author admins.
CHOSEN_IMAGE_OVERRIDES = {SafeImageField: {"form_class": ChosenImageField, "widget": AdminFileWidget}}


class ArticleAdminForm(forms.ModelForm):
    expected_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = "__all__"
        field_classes = {"featured_image": ChosenImageField}

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
class ArticleAdmin(EditorMediaNonce, ArticleWorkflowViews, ArticleVersionViews, SimpleHistoryAdmin):
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
        "status", "featured_image_preview", "reviewer", "publish_at", "first_published_at", "content_updated_at",
        "last_reviewed_on", "next_review_due",
    ]  # scheduling is done with the workflow panel's buttons, never by typing a date here
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
            fields += ["author", "is_featured"]
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

    @admin.action(description="Submit selected for medical review", permissions=["submit"])
    def submit_selected(self, request, queryset):
        # Each article through the workflow service (which checks this person's rights on it);
        # what could not be sent is listed, article by article, with the reason.
        self._bulk(request, queryset, "Sent to the medical reviewers' queue",
                   lambda a: services.article_submit(article=a, by=request.user))

    @admin.action(description="Publish selected approved articles", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, "Published", lambda a: services.article_publish(article=a, by=request.user))

    @admin.action(description="Unpublish selected articles…", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        return self._bulk_withdraw(request, queryset, "unpublish", services.article_unpublish, "Unpublished")

    @admin.action(description="Archive selected articles…", permissions=["publish"])
    def archive_selected(self, request, queryset):
        return self._bulk_withdraw(request, queryset, "archive", services.article_archive, "Archived")

    def _bulk_withdraw(self, request, queryset, name, service, done_label):
        """Unpublishing and archiving ask for confirmation and a reason (kept in each article's log)."""
        reason = request.POST.get("reason", "").strip()
        if request.POST.get("confirmed") and reason:
            self._bulk(request, queryset, done_label, lambda a: service(article=a, by=request.user, comment=reason))
            return None
        if request.POST.get("confirmed"):
            self.message_user(request, table.action(name).missing_comment, messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{table.action(name).label} {queryset.count()} article(s)?",
            "articles": queryset,
            "action_name": request.POST.get("action"),
            "action": table.action(name),
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        }
        return TemplateResponse(request, "admin/articles/article/confirm_bulk.html", context)

    def view_on_site(self, obj):
        """The public page, only when there is one (a draft has "Preview" instead)."""
        return obj.get_absolute_url() if obj.is_public else None

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("<int:pk>/workflow/", self.admin_site.admin_view(self.workflow_view), name="%s_%s_workflow" % info),
            path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view), name="%s_%s_preview" % info),
            path("<int:pk>/diff/", self.admin_site.admin_view(self.diff_view), name="%s_%s_diff" % info),
            path("reference-lookup/", self.admin_site.admin_view(reference_lookup.lookup_view),
                 name="%s_%s_reference_lookup" % info),
            path("<int:pk>/versions/<int:number>/restore/", self.admin_site.admin_view(self.restore_version_view),
                 name="%s_%s_restore_version" % info),
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
    formfield_overrides = CHOSEN_IMAGE_OVERRIDES

    @admin.display(description="Icon")
    def icon_preview(self, obj):
        return image_preview(obj.icon, 40)

    def save_model(self, request, obj, form, change):
        services.category_update(category=obj, by=request.user)  # a renamed category keeps its old address


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


# --- Static pages: the same rich-text editor as article bodies -----------------------------
class StaticPageForm(FlatpageForm):
    """A static page's content is written in the rich-text editor (h2 sub-headings, no
    citations) and kept to its allow-list (``rendering.sanitize_page``; saving sanitizes too)."""

    content = ProseEditorFormField(
        config=rendering.PAGE_EDITOR_CONFIG, preset="configurable", sanitize=rendering.sanitize_page,
        widget=AdminProseEditorWidget, required=False,
        help_text="The page's text. Sub-headings are Heading 2 to 4; paste from Word or Google Docs keeps the "
        "structure and drops the formatting.",
    )


class StaticPageAdmin(EditorMediaNonce, FlatPageAdmin):
    form = StaticPageForm


admin.site.unregister(FlatPage)
admin.site.register(FlatPage, StaticPageAdmin)
