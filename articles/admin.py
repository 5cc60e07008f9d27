from django.contrib import admin, messages
from django.utils.html import format_html

from . import services
from .models import Article, ArticleDailyViews, Category, Reference, Section


def image_preview(image, size: int = 240):
    if not image:
        return "No image yet."
    return format_html(
        '<img src="{}" alt="Current image" style="max-width:{}px;height:auto;border:1px solid #ccc">', image.url, size
    )


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = ["position", "heading", "anchor", "body"]
    ordering = ["position", "pk"]
    classes = ["orderable-inline"]


class ReferenceInline(admin.StackedInline):
    model = Reference
    extra = 0
    fields = [
        "position",
        ("authors", "year"),
        "title",
        ("journal", "volume", "issue", "pages"),
        ("doi", "pmid"),
        "url",
        "citation_text",
    ]
    ordering = ["position", "pk"]
    classes = ["orderable-inline"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "category", "author", "reviewer", "is_featured", "content_updated_at", "next_review_due"]
    list_filter = ["status", "category", "author", "is_featured"]
    search_fields = ["title", "slug", "lead"]
    list_select_related = ["category", "author", "reviewer"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "first_published_at"
    inlines = [SectionInline, ReferenceInline]
    readonly_fields = [
        "status",
        "featured_image_preview",
        "first_published_at",
        "content_updated_at",
        "last_reviewed_on",
        "next_review_due",
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "author", "tags", "is_featured"]}),
        ("Summary", {"fields": ["lead"]}),
        ("Featured image", {"fields": ["featured_image", "featured_image_preview", "image_alt", "image_caption"]}),
        (
            "Review and publication",
            {"fields": ["status", "reviewer", "first_published_at", "content_updated_at", "last_reviewed_on", "next_review_due"]},
        ),
    ]
    actions = ["publish_reviewed"]

    class Media:
        js = ["js/admin_orderable.js", "js/admin_image_preview.js"]

    @admin.display(description="Preview")
    def featured_image_preview(self, obj):
        return image_preview(obj.featured_image)

    @admin.action(description="Publish selected articles (full medical review by their reviewer)")
    def publish_reviewed(self, request, queryset):
        done = 0
        for article in queryset.select_related("reviewer"):
            try:
                services.article_publish_reviewed(article=article, reviewer=article.reviewer)
                done += 1
            except services.ArticleError as error:
                self.message_user(request, f"“{article}”: {error}", messages.ERROR)
        if done:
            self.message_user(request, f"Published {done} article(s).", messages.SUCCESS)


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


@admin.register(ArticleDailyViews)
class ArticleDailyViewsAdmin(admin.ModelAdmin):
    list_display = ["article", "day", "views"]
    list_filter = ["day"]
    search_fields = ["article__title"]
    list_select_related = ["article"]
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
