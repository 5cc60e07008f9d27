"""Issue 14 item 4: a replaced image is deleted (with its renditions) once the replacing
transaction has committed and nothing refers to it any more. A published version that still
shows it is a reference; a backup taken before still restores it."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from articles.models import Article, Category, PublishedVersion
from articles.renditions import renditions_for
from authors.models import Author
from tests.factories import ArticleFactory, AuthorFactory, CategoryFactory, published_article, uploaded_image


def replace(obj, field: str, name="new.jpg"):
    old = getattr(obj, field).name
    setattr(obj, field, uploaded_image(name, size=(700, 400)))
    obj.save()
    return old, getattr(obj, field).name


@pytest.mark.django_db
@pytest.mark.parametrize("make,field", [
    (lambda: AuthorFactory(photo=uploaded_image("a.jpg")), "photo"),
    (lambda: CategoryFactory(icon=uploaded_image("c.jpg")), "icon"),
    (lambda: ArticleFactory(featured_image=uploaded_image("f.jpg"), image_alt="x"), "featured_image"),
], ids=["author photo", "category icon", "draft article image"])
def test_a_replaced_image_is_deleted_after_commit(django_capture_on_commit_callbacks, make, field):
    obj = make()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        old, new = replace(obj, field)
        assert default_storage.exists(old)  # not before the commit
    for callback in callbacks:
        callback()
    assert not default_storage.exists(old)
    assert default_storage.exists(new)


@pytest.mark.django_db
def test_a_rolled_back_replacement_keeps_the_old_image(django_capture_on_commit_callbacks):
    author = AuthorFactory(photo=uploaded_image("a.jpg"))
    old = author.photo.name
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        replace(author, "photo")
        raise RuntimeError("the save failed")
    assert default_storage.exists(old)
    assert Author.objects.get().photo.name == old


@pytest.mark.django_db
def test_renditions_of_a_replaced_image_go_with_it(django_capture_on_commit_callbacks):
    article = ArticleFactory(featured_image=uploaded_image("f.jpg", size=(900, 500)), image_alt="x")
    copies = [c["name"] for group in renditions_for(article.featured_image).values() for c in group]
    assert copies and all(default_storage.exists(c) for c in copies)
    with django_capture_on_commit_callbacks(execute=True):
        old, new = replace(article, "featured_image")
    assert not default_storage.exists(old)
    assert not any(default_storage.exists(c) for c in copies)


@pytest.mark.django_db
def test_an_image_a_published_version_shows_is_kept(django_capture_on_commit_callbacks, client):
    article = published_article(title="Back pain", slug="back-pain",
                                featured_image=uploaded_image("f.jpg", size=(900, 500)), image_alt="A back")
    version = PublishedVersion.objects.get(pk=article.live_version_id)
    copies = [c["name"] for group in version.renditions.values() for c in group]
    assert version.image.name == article.featured_image.name and copies
    article = Article.objects.get(pk=article.pk)
    with django_capture_on_commit_callbacks(execute=True):
        old, new = replace(article, "featured_image")
    assert default_storage.exists(old) and all(default_storage.exists(c) for c in copies)
    page = client.get("/articles/back-pain/")
    assert page.status_code == 200 and old.rsplit("/", 1)[-1] in page.content.decode()


@pytest.mark.django_db
def test_a_file_another_row_uses_is_kept(django_capture_on_commit_callbacks):
    author = AuthorFactory(photo=uploaded_image("a.jpg"))
    category = CategoryFactory()
    Category.objects.filter(pk=category.pk).update(icon=author.photo.name)
    with django_capture_on_commit_callbacks(execute=True):
        old, _ = replace(author, "photo")
    assert default_storage.exists(old)


@pytest.mark.django_db
def test_replacing_through_the_admin_change_form_deletes_the_old_file(admin_client, django_capture_on_commit_callbacks):
    author = AuthorFactory(photo=uploaded_image("a.jpg"))
    old = author.photo.name
    data = {"name": author.name, "slug": author.slug, "credentials": "", "professional_title": "", "user": "",
            "short_bio": "", "bio": "", "specialties": "", "website": "", "orcid": "", "profile_url": "",
            "photo": uploaded_image("new.png", fmt="PNG"), "_save": "Save"}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:authors_author_change", args=[author.pk]), data)
    assert response.status_code == 302
    author.refresh_from_db()
    assert author.photo.name != old and default_storage.exists(author.photo.name)
    assert not default_storage.exists(old)


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_before_still_restores_it(tmp_path):
    author = AuthorFactory(photo=uploaded_image("a.jpg"))
    old = author.photo.name
    with default_storage.open(old, "rb") as handle:
        old_bytes = handle.read()
    archive = tmp_path / "before.tar.gz"
    call_command("backup", output=str(archive), verbosity=0)
    replace(author, "photo")  # autocommit: deleted as soon as the row is saved
    assert not default_storage.exists(old)
    call_command("restore", str(archive), force=True, verbosity=0)
    assert Author.objects.get(pk=author.pk).photo.name == old
    with default_storage.open(old, "rb") as handle:
        assert handle.read() == old_bytes
