"""Uploads through SafeImageField: checked by content, re-encoded without metadata,
stored under generated names."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from articles.images import clean_image_bytes, validate_image_file
from articles.models import Article
from authors.models import Author
from tests.factories import ArticleFactory, AuthorFactory, CategoryFactory, image_bytes, uploaded_image

GPS_IFD = 0x8825
MAKE, MODEL, ORIENTATION = 0x010F, 0x0110, 0x0112


def exif_with_gps(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[MAKE] = "SpyCam"
    exif[MODEL] = "Pocket 3000"
    if orientation:
        exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 26.0)
    gps[3] = "W"
    gps[4] = (0.0, 7.0, 39.0)
    return exif


def jpeg_with_exif(name="holiday.jpg", size=(64, 48), orientation=None) -> SimpleUploadedFile:
    data = image_bytes("JPEG", size=size, exif=exif_with_gps(orientation))
    # the fixture really carries the metadata we expect to disappear
    source = Image.open(io.BytesIO(data)).getexif()
    assert source[MAKE] == "SpyCam" and source.get_ifd(GPS_IFD)[1] == "N"
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def stored_image(field_file) -> Image.Image:
    field_file.open("rb")
    try:
        data = field_file.read()
    finally:
        field_file.close()
    assert b"SpyCam" not in data and b"Pocket 3000" not in data
    return Image.open(io.BytesIO(data))


@pytest.mark.django_db
class TestSavedImages:
    def test_author_photo_loses_exif_and_gps(self):
        author = AuthorFactory(photo=jpeg_with_exif("dr-rao-at-home.jpg"))
        author.refresh_from_db()
        assert re.fullmatch(r"authors/[0-9a-f]{32}\.jpg", author.photo.name), author.photo.name
        image = stored_image(author.photo)
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
        assert "exif" not in image.info

    def test_article_image_loses_exif_and_gets_generated_name(self):
        article = ArticleFactory(featured_image=jpeg_with_exif("patient-name-xray.jpg"), image_alt="An X-ray")
        article.refresh_from_db()
        name = article.featured_image.name
        assert re.fullmatch(r"articles/[0-9a-f]{32}\.jpg", name), name
        assert "patient" not in name
        image = stored_image(article.featured_image)
        assert len(image.getexif()) == 0
        assert (article.image_width, article.image_height) == (64, 48)

    def test_two_uploads_with_the_same_name_get_different_names(self):
        a = ArticleFactory(featured_image=uploaded_image("same.jpg"), image_alt="x")
        b = ArticleFactory(featured_image=uploaded_image("same.jpg"), image_alt="x")
        assert a.featured_image.name != b.featured_image.name

    def test_extension_follows_the_content_not_the_name(self):
        png_named_jpg = SimpleUploadedFile("photo.jpg", image_bytes("PNG"), content_type="image/jpeg")
        author = AuthorFactory(photo=png_named_jpg)
        assert re.fullmatch(r"authors/[0-9a-f]{32}\.png", author.photo.name), author.photo.name
        assert stored_image(author.photo).format == "PNG"

    @pytest.mark.parametrize("fmt,ext", [("PNG", "png"), ("WEBP", "webp")])
    def test_png_and_webp_accepted_and_stripped(self, fmt, ext):
        data = image_bytes(fmt, exif=exif_with_gps())
        category = CategoryFactory(icon=SimpleUploadedFile(f"icon.{ext}", data))
        assert re.fullmatch(rf"categories/[0-9a-f]{{32}}\.{ext}", category.icon.name)
        image = stored_image(category.icon)
        assert image.format == fmt
        assert len(image.getexif()) == 0

    def test_orientation_is_applied_before_stripping(self):
        # EXIF orientation 6 = rotate 90°: a 64×48 sensor image is shown 48×64
        article = ArticleFactory(featured_image=jpeg_with_exif(orientation=6), image_alt="x")
        assert stored_image(article.featured_image).size == (48, 64)

    def test_image_dimensions_are_stored_in_the_database(self):
        # Regression: the re-encoded file used to be saved unnamed, which reset the dimensions to NULL.
        article = ArticleFactory(featured_image=jpeg_with_exif(orientation=6), image_alt="x")
        stored = Article.objects.filter(pk=article.pk).values_list("image_width", "image_height").get()
        assert stored == (48, 64)

    def test_bad_file_is_refused_on_save_and_nothing_is_stored(self, settings, tmp_path):
        author = AuthorFactory.build(photo=SimpleUploadedFile("x.jpg", b"not an image at all"))
        with pytest.raises(ValidationError), transaction.atomic():
            author.save()
        assert not Author.objects.exists()
        media = tmp_path / "media"
        assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))

    def test_full_clean_rejects_a_bad_upload(self):
        author = AuthorFactory.build(photo=SimpleUploadedFile("x.jpg", b"not an image at all"))
        with pytest.raises(ValidationError) as excinfo:
            author.full_clean()
        assert "photo" in excinfo.value.message_dict


# --- validate_image_file ---------------------------------------------------------------------


def truncated_jpeg() -> bytes:
    data = image_bytes("JPEG", size=(200, 200), color=(200, 10, 10))
    return data[: len(data) // 2]


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>'


@pytest.mark.parametrize(
    "name,content,code",
    [
        ("notes.jpg", b"just some text, not a picture\n" * 10, "invalid_image"),
        ("logo.svg", SVG, "svg"),
        ("logo.jpg", SVG, "svg"),
        ("broken.jpg", truncated_jpeg(), "invalid_image"),
        ("anim.gif", image_bytes("GIF"), "bad_extension"),
        ("anim.png", image_bytes("GIF"), "bad_format"),
        ("scan.bmp", image_bytes("BMP"), "bad_extension"),
        ("scan.jpg", image_bytes("BMP"), "bad_format"),
        ("scan.tiff", image_bytes("TIFF"), "bad_extension"),
        ("empty.jpg", b"", "invalid_image"),
        ("page.html", b"<html><script>alert(1)</script></html>", "bad_extension"),
        ("page.jpg", b"<html><script>alert(1)</script></html>", "invalid_image"),
    ],
)
def test_rejected_files(name, content, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_image_file(SimpleUploadedFile(name, content))
    assert excinfo.value.code == code
    assert "PNG" in excinfo.value.messages[0]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_accepted_formats(fmt):
    validate_image_file(uploaded_image(f"x.{fmt.lower()}", fmt=fmt))  # must not raise


@pytest.mark.django_db
def test_too_large_file_rejected_by_the_model_field(settings):
    upload = uploaded_image(size=(200, 200))
    settings.BONESPINE_MAX_UPLOAD_BYTES = upload.size - 1
    author = AuthorFactory.build(photo=upload)
    with pytest.raises(ValidationError) as excinfo:
        author.full_clean()
    assert [e.code for e in excinfo.value.error_dict["photo"]] == ["file_too_large"]
    with pytest.raises(ValidationError), transaction.atomic():
        author.save()
    settings.BONESPINE_MAX_UPLOAD_BYTES = upload.size
    author.full_clean()


def test_too_large_file_rejected_by_validate_image_file(settings):
    # Regression: the size used to be read from value.file (a BytesIO without .size) and so was never checked.
    upload = uploaded_image(size=(200, 200))
    settings.BONESPINE_MAX_UPLOAD_BYTES = upload.size - 1
    with pytest.raises(ValidationError) as excinfo:
        validate_image_file(upload)
    assert excinfo.value.code == "file_too_large"


def test_too_many_pixels_rejected(settings):
    settings.BONESPINE_MAX_IMAGE_PIXELS = 100 * 100 - 1
    with pytest.raises(ValidationError) as excinfo:
        validate_image_file(uploaded_image(size=(100, 100)))
    assert excinfo.value.code == "too_many_pixels"
    validate_image_file(uploaded_image(size=(99, 100)))


def test_clean_image_bytes_rejects_what_validation_rejects():
    with pytest.raises(ValidationError):
        clean_image_bytes(io.BytesIO(truncated_jpeg()))


def test_clean_image_bytes_keeps_pixels():
    data, ext = clean_image_bytes(io.BytesIO(image_bytes("PNG", size=(10, 7), color=(0, 255, 0))))
    assert ext == "png"
    image = Image.open(io.BytesIO(data))
    assert image.size == (10, 7)
    assert image.convert("RGB").getpixel((5, 3)) == (0, 255, 0)


# --- Issue 14 item 1: no hidden text of any kind survives in a stored file ---------------------

from tests.articles.metadata_samples import SAMPLES, SECRET_BYTES, metadata_found, sample  # noqa: E402

STORING_FIELDS = {
    "category icon": lambda upload: CategoryFactory(icon=upload).icon,
    "author photo": lambda upload: AuthorFactory(photo=upload).photo,
    "article image": lambda upload: ArticleFactory(featured_image=upload, image_alt="x").featured_image,
}


def stored_bytes(field_file) -> bytes:
    with field_file.open("rb") as handle:
        return handle.read()


@pytest.mark.parametrize("fmt,kind", list(SAMPLES), ids=[f"{f}-{k}" for f, k in SAMPLES])
def test_clean_image_bytes_keeps_no_metadata_of_any_kind(fmt, kind):
    data, ext = clean_image_bytes(io.BytesIO(sample(fmt, kind)))
    assert ext == {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[fmt]
    assert metadata_found(data) == []
    image = Image.open(io.BytesIO(data))
    assert image.format == fmt
    assert not image.info.get("comment") and not getattr(image, "text", {}) and not image.getexif()
    assert not {"exif", "xmp", "icc_profile", "XML:com.adobe.xmp"} & set(image.info)


@pytest.mark.django_db
@pytest.mark.parametrize("field", list(STORING_FIELDS))
@pytest.mark.parametrize("fmt,kind", list(SAMPLES), ids=[f"{f}-{k}" for f, k in SAMPLES])
def test_stored_original_keeps_no_metadata_of_any_kind(fmt, kind, field):
    """What is on disk (and public: og:image, author photos, category icons) is pixels only."""
    upload = SimpleUploadedFile(f"picture.{fmt.lower()}", sample(fmt, kind))
    data = stored_bytes(STORING_FIELDS[field](upload))
    assert metadata_found(data) == []
    assert SECRET_BYTES not in data


def test_pixels_and_transparency_survive_stripping():
    data, _ = clean_image_bytes(io.BytesIO(sample("PNG", "transparent+text")))
    image = Image.open(io.BytesIO(data))
    assert image.mode == "RGBA" and image.getpixel((3, 3)) == (0, 0, 0, 255)
    assert image.getpixel((10, 10))[3] == 128
