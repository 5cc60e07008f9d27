"""Responsive image renditions: made on publish, stripped of metadata, idempotent,
never fatal, and rendered as <picture> with srcset/sizes and fixed dimensions."""

import io
import os
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from PIL import Image, ImageCms

from articles import renditions
from articles.renditions import renditions_for
from articles.services import article_content_saved
from tests.factories import ArticleFactory, SectionFactory, UserFactory, make_live

pytestmark = pytest.mark.django_db

GPS_IFD, MAKE = 0x8825, 0x010F
EXPECTED_WIDTHS = [320, 640, 960, 1280, 1600]  # 2000 px wide: the standard widths + the cap


def picture_bytes(size, fmt="JPEG", **save_kwargs) -> bytes:
    """A gradient (not a flat colour, so encoders have real work) in ``fmt``."""
    w, h = size
    red = Image.linear_gradient("L").resize(size)
    green = Image.linear_gradient("L").rotate(90).resize(size)
    img = Image.merge("RGB", [red, green, Image.new("L", size, 120)])
    buf = io.BytesIO()
    img.save(buf, fmt, **save_kwargs)
    return buf.getvalue()


def jpeg_with_gps(size=(2000, 1200)) -> bytes:
    exif = Image.Exif()
    exif[MAKE] = "SpyCam"
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 0.0)
    data = picture_bytes(size, "JPEG", exif=exif)
    raw = Image.open(io.BytesIO(data)).getexif()  # the fixture really carries what must disappear
    assert raw[MAKE] == "SpyCam" and raw.get_ifd(GPS_IFD)[1] == "N"
    assert b"Exif" in data
    return data


def publish_with_image(data: bytes, name="xray.jpg", content_type="image/jpeg", **kwargs):
    article = ArticleFactory(
        featured_image=SimpleUploadedFile(name, data, content_type=content_type), image_alt="An X-ray", **kwargs
    )
    SectionFactory(article=article)
    return make_live(article)


def stored_bytes(name: str) -> bytes:
    with default_storage.open(name, "rb") as fh:
        return fh.read()


def assert_no_metadata(data: bytes, label: str) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert len(image.getexif()) == 0, label
    assert b"Exif" not in data and b"SpyCam" not in data, label
    assert "exif" not in image.info and "icc_profile" not in image.info and "xmp" not in image.info, label
    return image


@pytest.fixture
def published():
    return publish_with_image(jpeg_with_gps())


class TestMadeOnPublish:
    def test_webp_and_jpeg_at_expected_widths_with_kept_aspect_ratio(self, published):
        version = published.live_version
        assert set(version.renditions) == {"webp", "jpeg"}
        stem = os.path.splitext(os.path.basename(version.image.name))[0]
        for key, fmt, ext in (("webp", "WEBP", "webp"), ("jpeg", "JPEG", "jpg")):
            entries = version.renditions[key]
            assert [e["width"] for e in entries] == EXPECTED_WIDTHS
            for entry in entries:
                assert entry["height"] == round(entry["width"] * 1200 / 2000)  # 320 -> 192 ... 1600 -> 960
                assert entry["name"] == f"articles/renditions/{stem}-{entry['width']}.{ext}"
                assert default_storage.exists(entry["name"])
                image = Image.open(io.BytesIO(stored_bytes(entry["name"])))
                assert image.format == fmt
                assert image.size == (entry["width"], entry["height"])

    def test_original_and_every_rendition_have_no_exif_or_gps(self, published):
        version = published.live_version
        assert_no_metadata(stored_bytes(version.image.name), "original")
        names = [e["name"] for entries in version.renditions.values() for e in entries]
        assert len(names) == 10
        for name in names:
            assert_no_metadata(stored_bytes(name), name)

    def test_png_keeps_its_format_and_loses_its_colour_profile(self):
        srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        article = publish_with_image(picture_bytes((800, 400), "PNG", icc_profile=srgb), "chart.png", "image/png")
        version = article.live_version
        assert set(version.renditions) == {"webp", "png"}
        assert [e["width"] for e in version.renditions["png"]] == [320, 640, 800]
        for entry in version.renditions["png"]:
            image = assert_no_metadata(stored_bytes(entry["name"]), entry["name"])
            assert image.format == "PNG" and image.size == (entry["width"], entry["height"])

    def test_small_image_gets_only_its_own_width(self):
        version = publish_with_image(picture_bytes((300, 200)), "small.jpg").live_version
        assert version.renditions["webp"] == [
            {"width": 300, "height": 200, "name": version.renditions["webp"][0]["name"]}
        ]
        assert [(e["width"], e["height"]) for e in version.renditions["jpeg"]] == [(300, 200)]

    def test_article_without_image_has_no_renditions(self):
        article = ArticleFactory()
        SectionFactory(article=article)
        assert make_live(article).live_version.renditions == {}


class TestIdempotent:
    def _names(self, version):
        return [e["name"] for entries in version.renditions.values() for e in entries]

    def _age_files(self, names):
        old = 1_000_000_000  # 2001: any rewrite would move the mtime away from this
        for name in names:
            os.utime(default_storage.path(name), (old, old))
        return old

    def test_second_run_rewrites_nothing(self, published, monkeypatch):
        version = published.live_version
        names = self._names(version)
        old = self._age_files(names)
        real_write, writes = renditions._write, []
        monkeypatch.setattr(renditions, "_write", lambda image, item: writes.append(item) or real_write(image, item))
        assert renditions_for(version.image) == version.renditions
        assert writes == []
        assert all(os.stat(default_storage.path(n)).st_mtime == old for n in names)

    def test_republishing_the_same_image_reuses_the_files(self, published, monkeypatch):
        first = published.live_version
        old = self._age_files(self._names(first))
        writes = []
        monkeypatch.setattr(renditions, "_write", lambda image, item: writes.append(item))
        published.lead = "A corrected summary."
        published.save()
        article = article_content_saved(article=published, by=UserFactory())
        second = make_live(article).live_version
        assert second.number == first.number + 1
        assert second.renditions == first.renditions
        assert writes == []
        assert all(os.stat(default_storage.path(n)).st_mtime == old for n in self._names(second))

    def test_a_deleted_rendition_is_made_again(self, published):
        version = published.live_version
        gone = version.renditions["webp"][0]["name"]
        default_storage.delete(gone)
        assert renditions_for(version.image) == version.renditions
        assert Image.open(io.BytesIO(stored_bytes(gone))).format == "WEBP"


class TestNeverFatal:
    def test_corrupt_file_returns_empty(self, caplog):
        name = default_storage.save("articles/broken.jpg", ContentFile(b"\xff\xd8\xff this is not a JPEG"))
        assert renditions_for(name) == {}
        assert "broken.jpg" in caplog.text
        assert not default_storage.exists("articles/renditions/broken-320.webp")

    def test_missing_file_returns_empty(self):
        assert renditions_for("articles/0123456789abcdef.jpg") == {}
        assert renditions_for("") == {}

    def test_publishing_succeeds_with_a_damaged_image_and_the_page_uses_the_original(self, client):
        article = ArticleFactory(featured_image=SimpleUploadedFile("a.jpg", picture_bytes((640, 480))),
                                 image_alt="An X-ray")
        SectionFactory(article=article)
        with default_storage.open(article.featured_image.name, "wb") as fh:
            fh.write(b"damaged on disk")
        article = make_live(article)
        assert article.live_version is not None and article.live_version.renditions == {}
        html = client.get(article.get_absolute_url()).content.decode()
        assert "<picture>" not in html
        assert f'<img src="{article.featured_image.url}" alt="An X-ray" width="640" height="480"' in html


class TestMarkup:
    def test_article_page_has_picture_with_srcset_sizes_and_dimensions(self, client, published):
        html = client.get(published.get_absolute_url()).content.decode()
        figure = re.search(r'<figure class="entry__figure">.*?</figure>', html, re.S).group(0)
        assert figure.count("<picture>") == 1
        source = re.search(r'<source type="image/webp" srcset="([^"]+)" sizes="([^"]+)">', figure)
        assert source, figure
        webp_widths = [int(w) for w in re.findall(r"\.webp (\d+)w", source.group(1))]
        assert webp_widths == EXPECTED_WIDTHS
        assert "(min-width: 1180px) 724px" in source.group(2)
        img = re.search(r"<img [^>]+>", figure).group(0)
        assert f'src="{published.live_version.image.url}"' in img
        assert 'alt="An X-ray"' in img and 'width="2000" height="1200"' in img
        assert [int(w) for w in re.findall(r"\.jpg (\d+)w", img)] == EXPECTED_WIDTHS
        assert 'sizes="' in img and 'loading="eager"' in img and 'fetchpriority="high"' in img

    def test_listing_cards_and_sidebar_items_are_lazy_pictures(self, client, published):
        published.is_featured = True
        published.save(update_fields=["is_featured"])
        other = publish_with_image(picture_bytes((1000, 500)), "other.jpg", is_featured=True)

        home = client.get("/").content.decode()
        cards = re.findall(r'<a class="card__image".*?</a>', home, re.S)
        assert cards
        for card in cards:
            assert "<picture>" in card and 'loading="lazy"' in card and 'alt=""' in card
            assert re.search(r'srcset="[^"]+ 320w', card) and 'sizes="(min-width: 600px)' in card
            assert re.search(r'width="\d+" height="\d+"', card)

        page = client.get(other.get_absolute_url()).content.decode()  # sidebar lists the other featured one
        mini = re.search(r'<li class="mini-item">.*?</li>', page, re.S).group(0)
        assert "<picture>" in mini and 'sizes="72px"' in mini and 'loading="lazy"' in mini
        assert 'width="72" height="54"' in mini

    def test_without_renditions_a_plain_img_with_dimensions(self):
        """What a preview (an unsaved snapshot) renders."""
        html = render_to_string("includes/picture.html", {
            "image": "articles/x.jpg", "renditions": {}, "alt": "A knee", "width": 640, "height": 480,
            "sizes": "100vw", "loading": "eager",
        })
        assert "<picture>" not in html and "srcset" not in html
        assert '<img src="/media/articles/x.jpg" alt="A knee" width="640" height="480" loading="eager"' in html

    def test_webp_original_has_no_duplicate_source(self):
        data = picture_bytes((700, 350), "WEBP")
        version = publish_with_image(data, "scan.webp", "image/webp").live_version
        assert set(version.renditions) == {"webp"}
        html = render_to_string("includes/picture.html", {
            "image": version.image, "renditions": version.renditions, "alt": "", "width": 700, "height": 350,
            "sizes": "100vw", "loading": "lazy",
        })
        assert "<source" not in html
        assert re.search(r'<img [^>]*srcset="[^"]+\.webp 320w, [^"]+\.webp 640w, [^"]+\.webp 700w"', html)
