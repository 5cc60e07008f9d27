from django.conf import settings
from django.contrib import admin
from django.contrib.flatpages import views as flatpage_views
from django.urls import include, path
from django.views.generic import TemplateView

from articles import feeds
from articles.feedback import views as feedback_views
from articles.sitemaps import sitemap
from bonespine.views import healthz

STATIC_PAGES = ["about", "policies", "disclaimer", "editorial-policy"]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("authors/", include("authors.urls")),
    path("contact/", feedback_views.contact, name="contact"),
    path("articles/<slug:slug>/feedback/", feedback_views.article_feedback, name="article_feedback"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots_txt"),
    # Feeds belong to the articles app; named without its namespace until articles/urls.py takes them.
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("category/<slug:slug>/feed/", feeds.CategoryFeed(), name="category_feed"),
    path("category/<slug:slug>/feed/atom/", feeds.CategoryAtomFeed(), name="category_feed_atom"),
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
