"""Admin smoke tests as a superuser: every changelist, add and change form opens, the
article form saves its inlines, bad uploads are refused, actions never answer 500.

(The role matrix — author / reviewer / editor — is in test_admin_workflow.py.)"""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.flatpages.models import FlatPage
from django.contrib.messages import get_messages
from django.contrib.sites.models import Site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import (
    Article,
    ArticleDailyViews,
    ArticleTransition,
    Category,
    PublishedVersion,
    Reference,
    Section,
)
from articles.workflow import snapshots
from authors.models import Author
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    DailyViewsFactory,
    ReferenceFactory,
    ReviewerFactory,
    SectionFactory,
    UserFactory,
    published_article,
    uploaded_image,
)

pytestmark = pytest.mark.django_db

ADMIN_MODELS = [Article, Category, Author, ArticleDailyViews, ArticleTransition, PublishedVersion, FlatPage, Tag,
                User, Group, Site]


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def media_files(settings):
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def content():
    """One object of every admin model, so changelists and change forms have rows to show."""
    article = ArticleFactory(title="Knee pain", featured_image=uploaded_image(), image_alt="A knee")
    SectionFactory(article=article, heading="Causes of knee pain", body="Many.")
    SectionFactory(article=article, heading="Treatment options", body="Rest.")
    ReferenceFactory(article=article, title="Knee pain in adults")
    live = published_article(title="Back pain", tags=["back"])
    DailyViewsFactory(article=live, views=3)
    page = FlatPage.objects.create(url="/about/", title="About us", content="<p>Hi</p>")
    page.sites.add(Site.objects.get(pk=1))
    Group.objects.get_or_create(name="Testers")
    return {"article": article, "live": live, "flatpage": page}


# --- Registry, changelists, add and change forms ----------------------------------------------


def test_expected_models_are_registered():
    registered = set(admin.site._registry)
    assert set(ADMIN_MODELS) <= registered
    assert Section not in registered and Reference not in registered  # edited as inlines


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m._meta.label)
def test_changelist_opens(admin_client, content, model):
    response = admin_client.get(url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m._meta.label)
def test_add_form_opens_or_is_refused(admin_client, model):
    response = admin_client.get(url(model, "add"))
    model_admin = admin.site._registry[model]
    if model in (ArticleDailyViews, ArticleTransition, PublishedVersion):
        assert response.status_code == 403  # records are written by the system only
    else:
        assert response.status_code == 200
        assert model_admin.has_add_permission(response.wsgi_request)


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m._meta.label)
def test_change_form_opens(admin_client, content, model):
    obj = model._default_manager.order_by("pk").first()
    response = admin_client.get(url(model, "change", obj.pk))
    assert response.status_code == 200


def test_article_change_form_shows_inlines_and_image_preview(admin_client, content):
    article = content["article"]
    response = admin_client.get(url(Article, "change", article.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"<h2[^>]*>\s*Sections\s*</h2>", html)
    assert re.search(r"<h2[^>]*>\s*References\s*</h2>", html)
    assert 'value="Causes of knee pain"' in html
    assert 'value="Treatment options"' in html
    assert "Knee pain in adults" in html
    assert f'<img src="{article.featured_image.url}" alt="Current image"' in html
    assert 'name="sections-TOTAL_FORMS" value="2"' in html
    assert 'name="references-TOTAL_FORMS" value="1"' in html


def test_action_choices_are_all_present(admin_client, content):
    html = admin_client.get(url(Article, "changelist")).content.decode()
    for action in ("submit_selected", "publish_selected", "unpublish_selected", "archive_selected"):
        assert f'<option value="{action}">' in html


# --- Saving through the admin --------------------------------------------------------------------


def add_form_data(category, author, **overrides):
    data = {
        "title": "Shin splints",
        "slug": "shin-splints",
        "category": category.pk,
        "author": author.pk,
        "tags": "running, shin",
        "lead": "<p>Pain along the <strong>shin bone</strong>.</p>",
        "image_alt": "",
        "image_caption": "",
        "expected_revision": "",
        "publish_at_0": "",
        "publish_at_1": "",
        "sections-TOTAL_FORMS": "1",
        "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
        "sections-0-position": "0",
        "sections-0-heading": "What causes shin splints?",
        "sections-0-anchor": "",
        "sections-0-body": "<p>Overuse, <em>mostly</em>.</p>",
        "references-TOTAL_FORMS": "1",
        "references-INITIAL_FORMS": "0",
        "references-MIN_NUM_FORMS": "0",
        "references-MAX_NUM_FORMS": "1000",
        "references-0-position": "0",
        "references-0-authors": "Bentley S",
        "references-0-year": "1996",
        "references-0-title": "Exercise-induced muscle cramp",
        "references-0-journal": "Sports Med",
        "references-0-volume": "21",
        "references-0-issue": "",
        "references-0-pages": "409-420",
        "references-0-doi": "",
        "references-0-pmid": "8776083",
        "references-0-url": "",
        "references-0-citation_text": "",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def test_add_article_with_section_and_reference(admin_client):
    category, author = CategoryFactory(), AuthorFactory()
    response = admin_client.post(url(Article, "add"), add_form_data(category, author))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    article = Article.objects.get(slug="shin-splints")
    assert article.status == Article.Status.DRAFT
    assert article.lead_html == "<p>Pain along the <strong>shin bone</strong>.</p>"
    assert sorted(article.tags.names()) == ["running", "shin"]
    section = article.sections.get()
    assert section.heading == "What causes shin splints?"
    assert section.anchor == "what-causes-shin-splints"
    assert section.body_html == "<p>Overuse, <em>mostly</em>.</p>"
    reference = article.references.get()
    assert reference.as_text == "Bentley S. Exercise-induced muscle cramp. Sports Med. 1996;21:409-420."
    assert reference.pmid == "8776083"
    assert Article.objects.filter(pk=article.pk, live_version__isnull=True).exists()  # not public


def test_add_article_with_a_real_image(admin_client, settings):
    data = add_form_data(CategoryFactory(), AuthorFactory(), image_alt="A runner's shin")
    data["featured_image"] = uploaded_image("runner-gps.jpg")
    response = admin_client.post(url(Article, "add"), data)
    assert response.status_code == 302
    article = Article.objects.get(slug="shin-splints")
    assert re.fullmatch(r"articles/[0-9a-f]{32}\.jpg", article.featured_image.name)
    assert (article.image_width, article.image_height) == (64, 48)


@pytest.mark.parametrize(
    "name,content",
    [("x.jpg", b"this is just text, not a picture"), ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>')],
)
def test_non_image_upload_is_a_form_error_and_saves_nothing(admin_client, settings, name, content):
    data = add_form_data(CategoryFactory(), AuthorFactory(), image_alt="Alt")
    data["featured_image"] = SimpleUploadedFile(name, content, content_type="image/jpeg")
    response = admin_client.post(url(Article, "add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "featured_image" in errors
    assert not Article.objects.exists()
    assert not Section.objects.exists() and not Reference.objects.exists()
    assert media_files(settings) == []


def test_image_without_alt_text_is_a_form_error(admin_client, settings):
    data = add_form_data(CategoryFactory(), AuthorFactory(), image_alt="")
    data["featured_image"] = uploaded_image()
    response = admin_client.post(url(Article, "add"), data)
    assert response.status_code == 200
    assert "Add alt text that describes the featured image." in response.content.decode()
    assert not Article.objects.exists()


def test_duplicate_slug_is_a_form_error(admin_client):
    ArticleFactory(slug="shin-splints")
    response = admin_client.post(url(Article, "add"), add_form_data(CategoryFactory(), AuthorFactory()))
    assert response.status_code == 200
    assert "Another article already uses this web address (slug)." in response.content.decode()
    assert Article.objects.filter(slug="shin-splints").count() == 1


def test_duplicate_explicit_anchors_are_a_form_error(admin_client):
    data = add_form_data(CategoryFactory(), AuthorFactory())
    data.update({
        "sections-TOTAL_FORMS": "2",
        "sections-0-anchor": "causes",
        "sections-1-position": "1",
        "sections-1-heading": "More causes",
        "sections-1-anchor": "causes",
        "sections-1-body": "Also these.",
    })
    response = admin_client.post(url(Article, "add"), data)
    assert response.status_code == 200
    assert not Article.objects.exists()


# --- Actions ---------------------------------------------------------------------------------------


def approved(article, reviewer):
    """Put ``article`` in the approved state as a reviewer's sign-off would (fingerprint of its content)."""
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.APPROVED,
        approved_fingerprint=snapshots.article_fingerprint(article),
        approved_by=reviewer,
        approved_at=timezone.now(),
        approval_kind=Article.ReviewKind.FULL,
    )
    article.refresh_from_db()
    return article


def run_action(client, action, *articles):
    return client.post(
        url(Article, "changelist"),
        {"action": action, "_selected_action": [a.pk for a in articles], "index": "0"},
        follow=True,
    )


def test_publish_action_publishes_approved_and_reports_the_rest(admin_client):
    reviewer = ReviewerFactory(name="Dr Rhea Kapoor")
    ready = ArticleFactory(title="Ready")
    SectionFactory(article=ready)
    ready = approved(ready, reviewer)
    draft = ArticleFactory(title="Still a draft")
    SectionFactory(article=draft)

    response = run_action(admin_client, "publish_selected", ready, draft)
    assert response.status_code == 200
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Published: 1 article(s)." in texts
    assert any(t.startswith("“Still a draft”: Cannot publish an article that is draft") for t in texts), texts

    ready.refresh_from_db()
    draft.refresh_from_db()
    assert ready.status == Article.Status.PUBLISHED
    assert ready.live_version is not None
    assert ready.reviewer == reviewer
    assert ready.next_review_due > ready.last_reviewed_on
    assert draft.status == Article.Status.DRAFT and draft.live_version is None


def test_publish_action_refuses_content_changed_after_sign_off(admin_client):
    article = ArticleFactory(title="Changed later")
    SectionFactory(article=article)
    approved(article, ReviewerFactory())
    SectionFactory(article=article, heading="Added after approval")
    response = run_action(admin_client, "publish_selected", article)
    assert response.status_code == 200
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("needs medical review again" in t for t in texts), texts
    article.refresh_from_db()
    assert article.live_version is None


def confirm_action(client, action, *articles, reason="Superseded by the 2026 NICE guideline."):
    return client.post(
        url(Article, "changelist"),
        {"action": action, "_selected_action": [a.pk for a in articles], "confirmed": "1", "reason": reason},
        follow=True,
    )


def test_unpublish_and_archive_actions_ask_for_confirmation_and_a_reason(admin_client):
    first, second = published_article(title="First"), published_article(title="Second")
    for action, article in (("unpublish_selected", first), ("archive_selected", second)):
        page = run_action(admin_client, action, article).content.decode()
        assert "Reason (required" in page and "Yes," in page  # asked, nothing done yet
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED
        page = confirm_action(admin_client, action, article, reason="").content.decode()
        assert "Give the reason" in page  # no reason: refused, still live
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED
        confirm_action(admin_client, action, article)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.live_version) == (Article.Status.UNPUBLISHED, None)
    assert (second.status, second.live_version) == (Article.Status.ARCHIVED, None)
    assert first.transitions.first().comment == "Superseded by the 2026 NICE guideline."


def test_unpublish_action_on_a_draft_shows_an_error(admin_client):
    draft = ArticleFactory(title="Never live")
    response = confirm_action(admin_client, "unpublish_selected", draft)
    assert response.status_code == 200
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["“Never live”: This article is not live."]


# --- Changelist search and filters -------------------------------------------------------------------


def result_titles(response):
    return sorted(str(obj) for obj in response.context["cl"].result_list)


def test_changelist_search(admin_client):
    ArticleFactory(title="Knee pain")
    ArticleFactory(title="Back pain", lead="Not about knees at all… well, a knee once.")
    ArticleFactory(title="Shoulder")
    response = admin_client.get(url(Article, "changelist"), {"q": "knee"})
    assert response.status_code == 200
    assert result_titles(response) == ["Back pain", "Knee pain"]


def test_changelist_filters(admin_client):
    spine, knee = CategoryFactory(name="Spine"), CategoryFactory(name="Knee")
    writer = AuthorFactory()
    live = published_article(title="Live spine", category=spine, author=writer)
    ArticleFactory(title="Draft knee", category=knee)
    cases = [
        ({"status__exact": "published"}, ["Live spine"]),
        ({"status__exact": "draft"}, ["Draft knee"]),
        ({"category__id__exact": str(knee.pk)}, ["Draft knee"]),
        ({"author__id__exact": str(writer.pk)}, ["Live spine"]),
        ({"is_featured__exact": "1"}, []),
        ({"attention": "unassigned"}, []),
        ({"attention": "overdue"}, []),
        ({"attention": "review_due"}, []),
        ({"attention": "revision"}, []),
        ({"attention": "ready"}, []),
        ({"attention": "scheduled"}, []),
        ({"attention": "recent"}, ["Live spine"]),
    ]
    for params, expected in cases:
        response = admin_client.get(url(Article, "changelist"), params)
        assert response.status_code == 200, params
        assert result_titles(response) == expected, params
    Article.objects.filter(pk=live.pk).update(next_review_due=timezone.localdate(), last_reviewed_on=None)
    response = admin_client.get(url(Article, "changelist"), {"attention": "review_due"})
    assert result_titles(response) == ["Live spine"]


@pytest.mark.parametrize(
    "model,params",
    [
        (Author, {"q": "rao"}),
        (Author, {"is_medical_reviewer__exact": "1"}),
        (Category, {"q": "spine"}),
        (ArticleDailyViews, {"q": "back"}),
        (PublishedVersion, {"q": "back"}),
        (ArticleTransition, {"q": "back"}),
        (FlatPage, {"q": "about"}),
        (User, {"q": "admin"}),
    ],
    ids=lambda v: getattr(v, "__name__", None) or str(v),
)
def test_other_changelists_search_and_filter(admin_client, content, model, params):
    assert admin_client.get(url(model, "changelist"), params).status_code == 200


def test_daily_views_are_read_only(admin_client, content):
    row = ArticleDailyViews.objects.first()
    response = admin_client.post(url(ArticleDailyViews, "change", row.pk), {"views": 999, "day": row.day})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.views == 3


def test_non_staff_user_is_sent_to_login(client):
    client.force_login(UserFactory(is_staff=False))
    response = client.get(url(Article, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
