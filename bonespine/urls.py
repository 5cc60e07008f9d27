from django.conf import settings
from django.contrib import admin
from django.contrib.flatpages import views as flatpage_views
from django.urls import include, path
from django.views.generic import TemplateView

from bonespine.views import healthz

# The static pages (settings.BONESPINE_STATIC_PAGES) are flat pages edited in the admin. A
# page that also has a view of its own (/contact/: the form, with its flat page as the
# intro) is answered by that view, which is routed first.
static_pages = [
    path(f"{name}/", flatpage_views.flatpage, {"url": f"/{name}/"}, name=name.replace("-", "_"))
    for name in settings.BONESPINE_STATIC_PAGES
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots_txt"),
    path("authors/", include("authors.urls")),
    path("", include("articles.feedback.urls")),
    path("", include("articles.urls")),
    path("", include((static_pages, "pages"))),
]

admin.site.site_header = "Bonespine editorial"
admin.site.site_title = "Bonespine admin"
admin.site.index_title = "Write, review and publish"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
