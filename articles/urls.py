from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("category/<slug:slug>/", views.category_detail, name="category"),
    path("tags/<str:slug>/", views.tag_detail, name="tag"),  # taggit slugs may be Unicode
    path("popular/", views.popular, name="popular"),
    path("search/", views.search, name="search"),
    path("views/<int:pk>/", views.count_view, name="count_view"),
]
