"""Image uploads: verified by content with Pillow, re-encoded without any metadata,
stored under generated names.

Every ImageField of the project is a :class:`SafeImageField`, so the admin, the
services and the demo loader all go through the same checks, and every form built for
one (the admin's own image field classes included) shows this module's messages, never
Django's generic ones.

What is stored is a fresh encoding of the decoded pixels: no EXIF, GPS, XMP, IPTC,
JPEG comment, PNG text chunks (tEXt, zTXt, iTXt, tIME), WebP EXIF/XMP chunks, colour
profile (converted to sRGB first; a profile can carry text) or bytes after the image
end survive. Only PNG transparency is kept.
"""

from __future__ import annotations

import functools
import io
import logging
import posixpath
import uuid
import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.signals import post_save
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
ALLOWED_EXTENSIONS = {"jpg", "jpeg", "png", "webp"}

# What an editor reads when a file is refused (docs/reliability.md, "Images and privacy").
MSG_NOT_ALLOWED = "Only JPEG, PNG and WebP pictures can be uploaded (this file is %(kind)s)."
MSG_SVG = "SVG drawings are not accepted; export the picture as PNG."
MSG_ANIMATED = "Animated images are not supported; upload a still JPEG, PNG or WebP."
MSG_TOO_LARGE_PIXELS = "This picture is too large to process safely (%(w)s×%(h)s pixels; the limit is %(mp)s megapixels)."
MSG_BOMB = "This picture is too large to process safely."
MSG_FILE_TOO_LARGE = "This file is %(size).1f MB; images may be at most %(max).0f MB."
MSG_INVALID = "This file is not a valid image (or it is damaged). Upload a JPEG, PNG or WebP picture."


def _too_large_file(size: int) -> ValidationError:
    max_bytes = settings.BONESPINE_MAX_UPLOAD_BYTES
    return ValidationError(MSG_FILE_TOO_LARGE, code="file_too_large",
                           params={"size": size / 1_048_576, "max": max_bytes / 1_048_576})


def _too_many_pixels(width: int, height: int) -> ValidationError:
    return ValidationError(MSG_TOO_LARGE_PIXELS, code="too_many_pixels",
                           params={"w": width, "h": height, "mp": settings.BONESPINE_MAX_IMAGE_PIXELS // 1_000_000})


def _head(fileobj, length: int = 1024) -> bytes:
    try:
        fileobj.seek(0)
        data = fileobj.read(length)
        fileobj.seek(0)
    except (AttributeError, OSError, ValueError):
        return b""
    return data if isinstance(data, bytes) else b""


def _looks_like_svg(fileobj, name: str = "", content_type: str = "") -> bool:
    if name.lower().endswith((".svg", ".svgz")) or "svg" in (content_type or "").lower():
        return True
    head = _head(fileobj).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and b"<svg" in head


def _extension(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _declared_size(fileobj) -> tuple[int, int] | None:
    """The size an allowed format's header declares, read without Pillow's bomb check (no decoding)."""
    for fmt in ALLOWED_FORMATS:
        factory, accept = Image.OPEN.get(fmt, (None, None))
        if factory is None:
            continue
        try:
            fileobj.seek(0)
            prefix = fileobj.read(16)
            if accept and not accept(prefix):
                continue
            fileobj.seek(0)
            return factory(fileobj).size
        except Exception:  # noqa: BLE001, S112 - only a nicer message is at stake
            continue
    return None


def _open_verified(fileobj, *, name: str = "", content_type: str = "") -> Image.Image:
    """Open ``fileobj`` as an image, or raise ValidationError with a reason a person understands.

    The order decides which message wins: size in bytes, SVG, the file name's extension,
    then what Pillow finds (format, pixel count, animation, a complete decode).
    """
    size = getattr(fileobj, "size", None)
    if size is not None and size > settings.BONESPINE_MAX_UPLOAD_BYTES:
        raise _too_large_file(size)
    if _looks_like_svg(fileobj, name, content_type):
        raise ValidationError(MSG_SVG, code="svg")
    ext = _extension(name)
    if name and ext not in ALLOWED_EXTENSIONS:
        kind = f"a .{ext} file" if ext else "a file without a .jpg, .png or .webp ending"
        raise ValidationError(MSG_NOT_ALLOWED, code="bad_extension", params={"kind": kind})
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
                raise ValidationError(MSG_NOT_ALLOWED, code="bad_format",
                                      params={"kind": f"a {image.format or 'file of an unknown kind'}"})
            width, height = image.size
            if width * height > settings.BONESPINE_MAX_IMAGE_PIXELS:
                raise _too_many_pixels(width, height)
            if getattr(image, "is_animated", False) or getattr(image, "n_frames", 1) > 1:
                raise ValidationError(MSG_ANIMATED, code="animated")
            image.load()  # decode fully: truncated files fail here
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        declared = _declared_size(fileobj)
        if declared:
            raise _too_many_pixels(*declared) from None
        raise ValidationError(MSG_BOMB, code="bomb") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(MSG_INVALID, code="invalid_image") from None
    finally:
        if hasattr(fileobj, "seek"):
            try:
                fileobj.seek(0)
            except (OSError, ValueError):
                pass
    return image


def validate_image_file(value) -> None:
    """Model/form validator: the upload must really be a still JPEG, PNG or WebP within the limits."""
    if getattr(value, "_committed", False):
        return  # already stored (validated when it was uploaded)
    size = getattr(value, "size", None)
    if size is not None and size > settings.BONESPINE_MAX_UPLOAD_BYTES:
        raise _too_large_file(size)
    fileobj = getattr(value, "file", None) or value
    _open_verified(fileobj, name=getattr(value, "name", "") or "",
                   content_type=getattr(value, "content_type", "") or "")


def _stripped(image: Image.Image) -> Image.Image:
    """The decoded pixels, upright, in sRGB, with an empty ``info`` (transparency alone kept)."""
    from .renditions import _to_srgb  # one colour conversion for originals and renditions

    image = ImageOps.exif_transpose(image)  # a loaded copy
    transparency = image.info.get("transparency")
    icc = image.info.get("icc_profile")
    if icc:
        if image.mode in ("P", "PA", "1", "I;16", "I", "F"):
            image = image.convert("RGBA" if transparency is not None or image.mode == "PA" else "RGB")
            transparency = None
        mode = image.mode if image.mode in ("RGB", "RGBA", "L", "LA") else "RGB"
        image = _to_srgb(image, icc, mode)
    clean = image.copy()
    clean.info = {}
    if transparency is not None and clean.mode in ("P", "L", "RGB"):
        clean.info["transparency"] = transparency
    return clean


def clean_image_bytes(fileobj) -> tuple[bytes, str]:
    """Re-encode an uploaded image without any metadata; returns (bytes, extension).

    Only the pixels are written: encoders get no ``exif``, ``xmp``, ``icc_profile``,
    ``comment`` or ``pnginfo``, and ``info`` (which some encoders read, e.g. the JPEG
    comment) is emptied first.
    """
    image = _open_verified(fileobj)
    fmt = image.format
    image = _stripped(image)
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
            image.info = {}
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


# --- Replaced images ----------------------------------------------------------------------------


def image_is_referenced(name: str) -> bool:
    """Whether any row still points at the stored file ``name``: any file field of any model
    (an article, author or category, and every published version, current or past, since past
    versions can still be viewed and compared). History records do not count (they keep names
    of files replaced long ago; a restore from history skips a file that is gone)."""
    from django.apps import apps
    from simple_history.models import HistoricalChanges

    for model in apps.get_models():
        if issubclass(model, HistoricalChanges):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and model._base_manager.filter(**{field.attname: name}).exists():
                return True
    return False


def rendition_files(name: str) -> list[str]:
    """The stored renditions of ``name`` (``<folder>/renditions/<stem>-<width>.<ext>``)."""
    folder, filename = posixpath.split(name)
    stem = filename.rsplit(".", 1)[0]
    directory = posixpath.join(folder, "renditions")
    try:
        _, files = default_storage.listdir(directory)
    except (FileNotFoundError, NotADirectoryError, OSError):
        return []
    return sorted(posixpath.join(directory, f) for f in files
                  if f.startswith(f"{stem}-") and f[len(stem) + 1:].split(".", 1)[0].isdigit())


def delete_if_unreferenced(name: str) -> bool:
    """Delete the stored original ``name`` and its renditions if no row refers to it any more.

    Called after the transaction that replaced it has committed (a rollback keeps it). Never
    raises: a file left behind is logged, the editor's save has already succeeded. Backups hold
    every stored file, so one taken before still restores it.
    """
    if not name:
        return False
    try:
        if image_is_referenced(name):
            return False
        for copy in rendition_files(name):
            default_storage.delete(copy)
        default_storage.delete(name)
    except Exception:  # noqa: BLE001 - storage and database errors alike: log, never fail the request
        logger.exception("Could not delete the replaced image %s", name)
        return False
    logger.info("Deleted the replaced image %s and its renditions", name)
    return True


class SafeImageFormMixin:
    """Form-field behaviour for a :class:`SafeImageField`: this module's checks and messages
    instead of Django's ("not an image or a corrupted image", the list of every extension
    Pillow can read), which would otherwise be shown first."""

    default_validators: list = []

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)  # empty file, no file, name length
        if upload is None:
            return None
        validate_image_file(upload)
        return upload

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = "image/jpeg,image/png,image/webp"
        return attrs


class SafeImageFormField(SafeImageFormMixin, forms.ImageField):
    pass


@functools.cache
def safe_form_class(form_class: type) -> type:
    """``form_class`` (e.g. the admin's own ImageField subclass) with :class:`SafeImageFormMixin` in front."""
    if issubclass(form_class, SafeImageFormMixin):
        return form_class
    return type(form_class.__name__, (SafeImageFormMixin, form_class), {"__module__": form_class.__module__})


class SafeImageField(models.ImageField):
    """An ImageField that checks the content and strips metadata before the file is stored."""

    default_validators: list = []  # not Django's extension list: validate_image_file has ours

    def __init__(self, *args, **kwargs):
        validators = list(kwargs.pop("validators", []))
        if validate_image_file not in validators:
            validators.append(validate_image_file)
        kwargs["validators"] = validators
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        # The uploaded name is thrown away (a generated one is stored), so its length is no limit.
        kwargs["max_length"] = None
        kwargs["form_class"] = safe_form_class(kwargs.get("form_class") or SafeImageFormField)
        return super().formfield(**kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        return name, path, args, kwargs

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        if not cls._meta.abstract:
            post_save.connect(self._replaced_file_cleanup, sender=cls, weak=False,
                              dispatch_uid=f"safe-image-cleanup-{cls._meta.label}-{name}")

    def _replaced_file_cleanup(self, sender, instance, raw=False, **kwargs):
        """After the row is saved: once the transaction commits, delete the file a new upload
        replaced, if nothing refers to it any more (:func:`delete_if_unreferenced`)."""
        old = getattr(instance, "_replaced_image_names", {}).pop(self.attname, "")
        if old and not raw:
            transaction.on_commit(functools.partial(delete_if_unreferenced, old))

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            if model_instance.pk is not None:  # remember what this upload replaces
                old = (type(model_instance)._base_manager.filter(pk=model_instance.pk)
                       .values_list(self.attname, flat=True).first())
                if old:
                    model_instance.__dict__.setdefault("_replaced_image_names", {})[self.attname] = old
            data, ext = clean_image_bytes(file.file)
            file.save(f"upload.{ext}", ContentFile(data, name=f"upload.{ext}"), save=False)
            self.update_dimension_fields(model_instance, force=True)
            return file
        return super().pre_save(model_instance, add)
