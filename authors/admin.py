from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404

from articles.admin import CHOSEN_IMAGE_OVERRIDES, image_preview
from articles.workflow import permissions

from .models import Author

# What an author may change on their own profile; everything else (who they are, what
# they may do) stays with the editors.
EDITORS_ONLY = ["name", "slug", "credentials", "professional_title", "user", "is_medical_reviewer"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    """Editors manage every profile. Anyone else (an author) sees and edits only their own
    profile, and only its biography, photo, specialties and links."""

    list_display = ["name", "credentials", "professional_title", "is_medical_reviewer", "user"]
    list_filter = ["is_medical_reviewer"]
    search_fields = ["name", "credentials", "specialties", "user__username"]
    list_select_related = ["user"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["photo_preview"]
    formfield_overrides = CHOSEN_IMAGE_OVERRIDES
    fieldsets = [
        (None, {"fields": ["name", "slug", "credentials", "professional_title", "user", "is_medical_reviewer"]}),
        ("Biography", {"fields": ["short_bio", "bio", "specialties"]}),
        ("Photo", {"fields": ["photo", "photo_preview"]}),
        ("Links", {"fields": ["website", "orcid", "profile_url"]}),
    ]

    class Media:
        js = ["js/admin_image_preview.js"]

    # --- who sees and changes what -------------------------------------------------
    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if permissions.is_editor(request.user):
            return queryset
        return queryset.filter(user=request.user)

    def _own(self, request, obj) -> bool:
        return permissions.is_editor(request.user) or (obj is not None and obj.user_id == request.user.pk)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or self._own(request, obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or self._own(request, obj))

    def has_add_permission(self, request):
        return super().has_add_permission(request) and permissions.is_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and permissions.is_editor(request.user)

    def get_readonly_fields(self, request, obj=None):
        if permissions.is_editor(request.user):
            return self.readonly_fields
        return [*EDITORS_ONLY, *self.readonly_fields]

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if permissions.is_editor(request.user) else {}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Another author's profile is not there for you (as for articles: 404, not a redirect).
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404("No author profile with this id that you may open.")
        return super().change_view(request, object_id, form_url, extra_context)

    # --- display ------------------------------------------------------------------
    @admin.display(description="Preview")
    def photo_preview(self, obj):
        return image_preview(obj.photo, 160)
