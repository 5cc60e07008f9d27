"""Image uploads: verified by content with Pillow, re-encoded without metadata,
stored under generated names.

Every ImageField of the project is a :class:`SafeImageField`, so the admin, the
services and the demo loader all go through the same checks.
"""

from __future__ import annotations

import io
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def _open_verified(fileobj) -> Image.Image:
    """Open ``fileobj`` as an image, or raise ValidationError with a reason a person understands."""
    max_bytes = settings.BONESPINE_MAX_UPLOAD_BYTES
    max_pixels = settings.BONESPINE_MAX_IMAGE_PIXELS
    size = getattr(fileobj, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            "This file is %(size).1f MB; images may be at most %(max).0f MB.",
            code="file_too_large",
            params={"size": size / 1_048_576, "max": max_bytes / 1_048_576},
        )
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(fileobj)
            image.verify()  # structure check; the image must be reopened after verify()
            if hasattr(fileobj, "seek"):
                fileobj.seek(0)
            image = Image.open(fileobj)
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError(
                    "Unsupported image type (%(fmt)s). Upload a JPEG, PNG or WebP picture.",
                    code="bad_format",
                    params={"fmt": image.format or "unknown"},
                )
            width, height = image.size
            if width * height > max_pixels:
                raise ValidationError(
                    "This picture is %(w)s×%(h)s pixels; the limit is %(mp)s megapixels.",
                    code="too_many_pixels",
                    params={"w": width, "h": height, "mp": max_pixels // 1_000_000},
                )
            image.load()  # decode fully: truncated files fail here
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError("This picture is too large to process safely.", code="bomb")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            "This file is not a valid image (or it is damaged). Upload a JPEG, PNG or WebP picture.",
            code="invalid_image",
        )
    finally:
        if hasattr(fileobj, "seek"):
            try:
                fileobj.seek(0)
            except (OSError, ValueError):
                pass
    return image


def validate_image_file(value) -> None:
    """Model/form validator: the upload must really be a JPEG, PNG or WebP within the limits."""
    if getattr(value, "_committed", False):
        return  # already stored (validated when it was uploaded)
    size = getattr(value, "size", None)
    if size is not None and size > settings.BONESPINE_MAX_UPLOAD_BYTES:
        raise ValidationError(
            "This file is %(size).1f MB; images may be at most %(max).0f MB.",
            code="file_too_large",
            params={"size": size / 1_048_576, "max": settings.BONESPINE_MAX_UPLOAD_BYTES / 1_048_576},
        )
    fileobj = getattr(value, "file", None) or value
    _open_verified(fileobj)


def clean_image_bytes(fileobj) -> tuple[bytes, str]:
    """Re-encode an uploaded image without EXIF/GPS/XMP metadata; returns (bytes, extension)."""
    image = _open_verified(fileobj)
    fmt = image.format
    image = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=88, optimize=True, progressive=True)
    elif fmt == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85)
    return out.getvalue(), ALLOWED_FORMATS[fmt]


def generated_upload_to(prefix: str):
    def upload_to(instance, filename: str) -> str:
        ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "img"
        if ext not in ALLOWED_FORMATS.values():
            ext = "img"
        return f"{prefix}/{uuid.uuid4().hex}.{ext}"

    upload_to.__qualname__ = upload_to.__name__ = f"upload_to_{prefix}"
    return upload_to


def articles_upload_to(instance, filename):
    return generated_upload_to("articles")(instance, filename)


def authors_upload_to(instance, filename):
    return generated_upload_to("authors")(instance, filename)


def categories_upload_to(instance, filename):
    return generated_upload_to("categories")(instance, filename)


class SafeImageField(models.ImageField):
    """An ImageField that checks the content and strips metadata before the file is stored."""

    def __init__(self, *args, **kwargs):
        validators = list(kwargs.pop("validators", []))
        if validate_image_file not in validators:
            validators.append(validate_image_file)
        kwargs["validators"] = validators
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        # The uploaded name is thrown away (a generated one is stored), so its length is no limit.
        kwargs["max_length"] = None
        return super().formfield(**kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            data, ext = clean_image_bytes(file.file)
            file.save(f"upload.{ext}", ContentFile(data, name=f"upload.{ext}"), save=False)
            self.update_dimension_fields(model_instance, force=True)
            return file
        return super().pre_save(model_instance, add)
