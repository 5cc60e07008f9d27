"""Hostile uploads through the admin, as a superuser: every file of ``bad_files.BAD_FILES``
into the article's featured image, the author's photo and the category's icon.

Each is refused with its own message shown on the form (200), no row is added or
changed, and nothing is written under MEDIA_ROOT (tests/conftest.py gives every test
its own). A good picture under a hostile name is stored under a generated name inside
MEDIA_ROOT/<folder>/, and a JPEG with an HTML page glued to its end is stored as the
re-encoded picture only.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import Article, Category
from authors.models import Author
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    image_bytes,
    uploaded_image,
)
from tests.security.bad_files import (
    BAD_FILES,
    JPEG,
    JPEG_HTML_POLYGLOT,
    BadFile,
    noise_png,
)

pytestmark = pytest.mark.django_db

GENERATED_NAME = r"{folder}/[0-9a-f]{{32}}\.(jpg|png|webp)"


def media_files(settings) -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def article_form(category, author, **overrides) -> dict:
    """What the admin's article add form posts: fields, tags, and empty section/reference inlines."""
    data = {
        "title": "Shin splints", "slug": "shin-splints", "category": category.pk, "author": author.pk,
        "tags": "running", "lead": "Pain along the shin bone.", "image_alt": "A runner's shin",
        "image_caption": "", "expected_revision": "", "publish_at_0": "", "publish_at_1": "", "_save": "Save",
    }
    for prefix in ("sections", "references"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0",
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    data.update(overrides)
    return data


def author_form(**overrides) -> dict:
    data = {"name": "Dr Asha Rao", "slug": "dr-asha-rao", "credentials": "", "professional_title": "",
            "user": "", "short_bio": "", "bio": "", "specialties": "", "website": "", "orcid": "",
            "profile_url": "", "_save": "Save"}
    data.update(overrides)
    return data


def category_form(**overrides) -> dict:
    data = {"name": "Spine", "slug": "spine", "description": "", "position": "0", "_save": "Save"}
    data.update(overrides)
    return data


class Target:
    """One upload field, reached through its admin add and change forms."""

    def __init__(self, label, model, admin_name, field, folder, form, existing, change_form):
        self.label, self.model, self.admin_name, self.field, self.folder = label, model, admin_name, field, folder
        self.form, self.existing, self.change_form = form, existing, change_form

    def __str__(self) -> str:
        return self.label

    def post(self, client, upload):
        data = self.form()
        data[self.field] = upload
        return client.post(reverse(f"admin:{self.admin_name}_add"), data)

    def post_change(self, client, obj, upload):
        data = self.change_form(obj)
        data[self.field] = upload
        return client.post(reverse(f"admin:{self.admin_name}_change", args=[obj.pk]), data)


TARGETS = [
    Target("article featured_image", Article, "articles_article", "featured_image", "articles",
           lambda: article_form(CategoryFactory(), AuthorFactory()),
           lambda: ArticleFactory(featured_image=uploaded_image("old.jpg"), image_alt="An old picture"),
           lambda a: article_form(a.category, a.author, title=a.title, slug=a.slug, lead=a.lead,
                                  image_alt=a.image_alt, expected_revision=a.edit_revision)),
    Target("author photo", Author, "authors_author", "photo", "authors", author_form,
           lambda: AuthorFactory(photo=uploaded_image("old.jpg")),
           lambda a: author_form(name=a.name, slug=a.slug)),
    Target("category icon", Category, "articles_category", "icon", "categories", category_form,
           lambda: CategoryFactory(icon=uploaded_image("old.jpg")),
           lambda c: category_form(name=c.name, slug=c.slug)),
]


def upload(bad: BadFile) -> SimpleUploadedFile:
    return SimpleUploadedFile(bad.name, bad.content, content_type=bad.content_type)


def field_errors(response, field) -> list[str]:
    assert response.context is not None, f"no form was shown again (HTTP {response.status_code})"
    return [str(e) for e in response.context["adminform"].form.errors.get(field, [])]


def test_at_least_ten_different_bad_files():
    assert len(BAD_FILES) >= 10
    assert len({bad.content for bad in BAD_FILES}) >= 10


@pytest.mark.parametrize("target", TARGETS, ids=str)
@pytest.mark.parametrize("bad", BAD_FILES, ids=str)
def test_bad_file_is_refused_with_its_message_and_nothing_is_stored(admin_client, settings, target, bad):
    before_rows = target.model.objects.count()
    before_files = media_files(settings)
    response = target.post(admin_client, upload(bad))
    assert response.status_code == 200, f"{bad.id} was not refused (HTTP {response.status_code})"
    errors = field_errors(response, target.field)
    assert errors, f"{bad.id}: no error on {target.field}"
    if bad.message is not None:
        assert errors == [bad.message]
        assert bad.message in response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert target.model.objects.count() == before_rows
    assert media_files(settings) == before_files


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_file_above_the_size_limit_is_refused(admin_client, settings, target):
    data = noise_png(700)  # about 1.4 MB, a valid PNG
    settings.BONESPINE_MAX_UPLOAD_BYTES = 1024 * 1024
    before_rows, before_files = target.model.objects.count(), media_files(settings)
    response = target.post(admin_client, SimpleUploadedFile("big.png", data, content_type="image/png"))
    assert response.status_code == 200
    assert field_errors(response, target.field) == [
        f"This file is {len(data) / 1_048_576:.1f} MB; images may be at most 1 MB."]
    assert target.model.objects.count() == before_rows
    assert media_files(settings) == before_files


@pytest.mark.parametrize("target", TARGETS, ids=str)
@pytest.mark.parametrize("bad_id,message", [
    ("decompression-bomb", "This picture is too large to process safely (30000×30000 pixels; the limit is 40 megapixels)."),
    ("svg-with-script", "SVG drawings are not accepted; export the picture as PNG."),
    ("php-extension", "Only JPEG, PNG and WebP pictures can be uploaded (this file is a .php file)."),
    ("animated-webp", "Animated images are not supported; upload a still JPEG, PNG or WebP."),
    ("apng", "Animated images are not supported; upload a still JPEG, PNG or WebP."),
])
def test_the_sites_own_message_is_the_only_one_shown(admin_client, target, bad_id, message):
    """Issue 14 item 3: a bomb, an SVG and a .php name get our message, exactly and alone (not
    Django's "not an image or a corrupted image" nor its list of every extension Pillow reads)."""
    bad = next(bad for bad in BAD_FILES if bad.id == bad_id)
    response = target.post(admin_client, upload(bad))
    assert field_errors(response, target.field) == [message]
    page = response.content.decode()
    assert "corrupted image" not in page and "Allowed extensions" not in page


@pytest.mark.parametrize("target", TARGETS, ids=str)
@pytest.mark.parametrize("bad", [b for b in BAD_FILES if b.id in ("html-renamed-jpg", "svg-with-script", "gif")],
                         ids=str)
def test_bad_file_on_a_change_form_keeps_the_old_picture(admin_client, settings, target, bad):
    """Replacing a stored picture with a bad file: refused, the row and the old file unchanged."""
    obj = target.existing()
    old_name = getattr(obj, target.field).name
    before_files = media_files(settings)
    response = target.post_change(admin_client, obj, upload(bad))
    assert response.status_code == 200, f"{bad.id} was not refused (HTTP {response.status_code})"
    assert any(error.startswith(bad.message) for error in field_errors(response, target.field))
    obj.refresh_from_db()
    assert getattr(obj, target.field).name == old_name
    assert media_files(settings) == before_files


# --- Good pictures under hostile names --------------------------------------------------------


@pytest.mark.parametrize("target", TARGETS, ids=str)
@pytest.mark.parametrize("name", ["../../etc/passwd.jpg", "evil.php.jpg", "..\\..\\windows\\win.jpg",
                                  ".htaccess.jpg", "photo.jpg;.php.jpg", "%2e%2e%2fsecret.jpg"],
                         ids=["dot-dot-slash", "php-jpg", "backslashes", "htaccess", "semicolon", "percent-dot-dot"])
def test_good_picture_with_a_hostile_name_is_stored_under_a_generated_name(admin_client, settings, target, name):
    response = target.post(admin_client, SimpleUploadedFile(name, image_bytes("JPEG"), content_type="image/jpeg"))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    obj = target.model.objects.get()
    stored = getattr(obj, target.field)
    assert re.fullmatch(GENERATED_NAME.format(folder=target.folder), stored.name), stored.name
    root = Path(settings.MEDIA_ROOT).resolve()
    path = Path(stored.path).resolve()
    assert path.is_relative_to(root / target.folder) and path.is_file()
    assert {p.resolve() for p in media_files(settings)} == {path}  # nothing written anywhere else


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_jpeg_with_html_appended_is_stored_as_the_picture_only(admin_client, settings, target):
    """Pillow accepts the polyglot (trailing bytes are ignored), so the upload is accepted;
    what is stored is the re-encoded picture, without the HTML."""
    response = target.post(admin_client, SimpleUploadedFile("poly.jpg", JPEG_HTML_POLYGLOT, content_type="image/jpeg"))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    stored = getattr(target.model.objects.get(), target.field)
    with stored.open("rb") as handle:
        data = handle.read()
    assert b"<script" not in data and b"<html" not in data.lower()
    assert not data.startswith(JPEG)  # re-encoded, not the upload with its tail cut
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    image.load()


LONG_NAME = ("depositphotos_123456789-stock-photo-orthopaedic-surgeon-examining-x-ray-of-knee-joint-"
             "with-patient-in-modern-clinic.jpg")


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_a_long_original_file_name_does_not_matter(admin_client, target):
    assert len(LONG_NAME) > 100
    response = target.post(admin_client, SimpleUploadedFile(LONG_NAME, image_bytes("JPEG"), content_type="image/jpeg"))
    assert response.status_code == 302, field_errors(response, target.field)


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_a_jpeg_comment_does_not_survive_an_admin_upload(admin_client, target):
    """Issue 14 item 1, as the review found it: a JPEG whose COM segment names a patient."""
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 60, 30)).save(buf, "JPEG", comment="Taken at the clinic, patient 4711")
    assert b"patient 4711" in buf.getvalue()
    response = target.post(admin_client, SimpleUploadedFile("clinic.jpg", buf.getvalue(), content_type="image/jpeg"))
    assert response.status_code == 302, field_errors(response, target.field)
    with getattr(target.model.objects.get(), target.field).open("rb") as handle:
        stored = handle.read()
    assert b"patient 4711" not in stored and b"\xff\xfe" not in stored.split(b"\xff\xda", 1)[0]
