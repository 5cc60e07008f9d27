from django.conf import settings
from django.contrib import admin
from django.contrib.flatpages import views as flatpage_views
from django.urls import include, path

STATIC_PAGES = ["about", "contact", "policies", "disclaimer", "editorial-policy"]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("authors/", include("authors.urls")),
    path("", include("articles.urls")),
] + [
    path(f"{name}/", flatpage_views.flatpage, {"url": f"/{name}/"}, name=name.replace("-", "_"))
    for name in STATIC_PAGES
]

admin.site.site_header = "Bonespine editorial"
admin.site.site_title = "Bonespine admin"
admin.site.index_title = "Write, review and publish"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
