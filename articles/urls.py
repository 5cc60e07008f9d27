from django.urls import path

from . import feeds, views
from .sitemaps import sitemap

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("category/<slug:slug>/", views.category_detail, name="category"),
    path("category/<slug:slug>/feed/", feeds.CategoryFeed(), name="category_feed"),
    path("category/<slug:slug>/feed/atom/", feeds.CategoryAtomFeed(), name="category_feed_atom"),
    path("tags/<str:slug>/", views.tag_detail, name="tag"),  # taggit slugs may be Unicode
    path("popular/", views.popular, name="popular"),
    path("search/", views.search, name="search"),
    path("views/<int:pk>/", views.count_view, name="count_view"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("sitemap.xml", sitemap, name="sitemap"),
]
