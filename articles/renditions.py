"""Resized copies ("renditions") of a published image, for responsive ``<picture>`` markup.

Made when an article goes live (``services._go_live``) and listed on the
PublishedVersion as ``{"webp": [...], "jpeg": [...]}``. Files go through the storage
API only (works with S3-compatible backends) under deterministic names next to the
original, ``articles/renditions/<stem>-<width>.<ext>``, so publishing the same image
again finds them and does no work. Every copy is re-encoded without metadata
(EXIF, GPS, XMP, ICC; colours are converted to sRGB first).

A rendition is an optimisation: on any failure this logs and returns ``{}``, and the
page falls back to the original image. Publishing never fails because of it.
"""

from __future__ import annotations

import io
import logging
import posixpath
from typing import NamedTuple

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageCms, ImageOps

logger = logging.getLogger(__name__)

DEFAULT_WIDTHS = (320, 640, 960, 1280)
MAX_WIDTH = 1600  # the widest copy made, however large the original
QUALITY = 82
ORIENTATION = 0x0112
# Pillow format -> (key in the renditions dict, file extension)
FORMATS = {"JPEG": ("jpeg", "jpg"), "PNG": ("png", "png"), "WEBP": ("webp", "webp")}


class Planned(NamedTuple):
    key: str
    width: int
    height: int
    name: str


def renditions_for(image_field_file, widths=DEFAULT_WIDTHS) -> dict:
    """Make (or find) WebP and original-format copies of a stored image; never raises.

    ``image_field_file`` is a FieldFile (or a storage name). Copies are made at each of
    ``widths`` narrower than the original, plus the original width capped at
    :data:`MAX_WIDTH`. Returns ``{"webp": [{"width", "height", "name"}, ...], "jpeg": [...]}``
    (the second key is the original's format: ``jpeg`` or ``png``), widths ascending,
    or ``{}`` without an image or when the image cannot be read.
    """
    name = getattr(image_field_file, "name", image_field_file) or ""
    if not name:
        return {}
    try:
        plan = _make(name, widths)
    except Exception:  # storage and Pillow raise many kinds; a rendition must not stop publishing
        logger.exception("Could not make renditions of %s; pages will use the original image.", name)
        return {}
    result: dict[str, list] = {}
    for item in plan:
        result.setdefault(item.key, []).append({"width": item.width, "height": item.height, "name": item.name})
    return result


def rendition_name(name: str, width: int, ext: str) -> str:
    folder, filename = posixpath.split(name)
    stem = filename.rsplit(".", 1)[0]
    return posixpath.join(folder, "renditions", f"{stem}-{width}.{ext}")


def _plan(name: str, fmt: str, width: int, height: int, widths) -> list[Planned]:
    cap = min(width, MAX_WIDTH)
    targets = sorted({w for w in widths if 0 < w < cap} | {cap})
    keys = ["webp"] if fmt == "WEBP" else ["webp", FORMATS[fmt][0]]
    return [
        Planned(key, w, max(1, round(height * w / width)), rendition_name(name, w, FORMATS[key.upper()][1]))
        for key in keys
        for w in targets
    ]


def _make(name: str, widths) -> list[Planned]:
    with default_storage.open(name, "rb") as fh, Image.open(fh) as source:
        if source.format not in FORMATS:
            raise ValueError(f"unsupported image format {source.format!r}")
        width, height = source.size
        if source.getexif().get(ORIENTATION) in (5, 6, 7, 8):  # shown rotated by 90°
            width, height = height, width
        plan = _plan(name, source.format, width, height, widths)
        missing = [item for item in plan if not default_storage.exists(item.name)]
        if missing:  # decode only when there is something to write
            image = _prepared(source)
            for item in missing:
                _write(image, item)
    return plan


def _prepared(source: Image.Image) -> Image.Image:
    """The decoded picture, upright, in sRGB, in a mode the encoders take, with no metadata."""
    image = ImageOps.exif_transpose(source)  # a loaded copy
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    )
    if image.mode in ("P", "PA", "1"):
        image = image.convert("RGBA" if has_alpha else "RGB")
    icc = image.info.get("icc_profile")
    if icc:
        image = _to_srgb(image, icc, "RGBA" if has_alpha else "RGB")
    wanted = "RGBA" if has_alpha else ("L" if image.mode == "L" else "RGB")
    if image.mode != wanted:
        image = image.convert(wanted)
    image.info = {}  # encoders copy some of it (e.g. the PNG one copies the ICC profile)
    return image


def _to_srgb(image: Image.Image, icc: bytes, mode: str) -> Image.Image:
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "srgb" in ImageCms.getProfileDescription(profile).lower().replace(" ", ""):
            return image
        return ImageCms.profileToProfile(image, profile, ImageCms.createProfile("sRGB"), outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        logger.warning("Unusable colour profile; the image is used without conversion.")
        return image


def _write(image: Image.Image, item: Planned) -> None:
    if item.width != image.width:
        image = image.resize((item.width, item.height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    out = io.BytesIO()
    if item.key == "webp":
        image.save(out, "WEBP", quality=QUALITY)
    elif item.key == "jpeg":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    else:
        image.save(out, "PNG", optimize=True)
    saved = default_storage.save(item.name, ContentFile(out.getvalue()))
    if saved != item.name:  # a concurrent publish wrote the same copy first: keep that one
        default_storage.delete(saved)
