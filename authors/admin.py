from django.contrib import admin

from articles.admin import image_preview

from .models import Author


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials", "professional_title", "is_medical_reviewer", "user"]
    list_filter = ["is_medical_reviewer"]
    search_fields = ["name", "credentials", "specialties", "user__username"]
    list_select_related = ["user"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["photo_preview"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "credentials", "professional_title", "user", "is_medical_reviewer"]}),
        ("Biography", {"fields": ["short_bio", "bio", "specialties"]}),
        ("Photo", {"fields": ["photo", "photo_preview"]}),
        ("Links", {"fields": ["website", "orcid", "profile_url"]}),
    ]

    class Media:
        js = ["js/admin_image_preview.js"]

    @admin.display(description="Preview")
    def photo_preview(self, obj):
        return image_preview(obj.photo, 160)
