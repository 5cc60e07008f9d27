from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("contact/", views.contact, name="contact"),
    path("articles/<slug:slug>/feedback/", views.article_feedback, name="article"),
]
