"""Featured images of imported posts: found in the copied ``wp-content/uploads`` tree and
checked by the admin's own upload validation (:func:`articles.images.validate_image_file`)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File

from .. import images, rendering
from .wxr import WpItem

UPLOADS_MARKER = "/wp-content/uploads/"
ALT_MAX, CAPTION_MAX = 250, 300


@dataclass
class Attachment:
    wp_id: int
    url: str
    relative: str  # path under the uploads directory, e.g. 2024/01/knee.jpg
    alt: str
    caption: str
    title: str


def attachment_from_item(item: WpItem) -> Attachment:
    relative = item.meta.get("_wp_attached_file", "").strip().lstrip("/")
    if not relative and UPLOADS_MARKER in item.attachment_url:
        relative = urlsplit(item.attachment_url).path.split(UPLOADS_MARKER, 1)[1]
    return Attachment(
        wp_id=item.post_id,
        url=item.attachment_url,
        relative=unquote(relative),
        alt=rendering.plain_text(html.unescape(item.meta.get("_wp_attachment_image_alt", "")))[:ALT_MAX],
        caption=rendering.plain_text(item.excerpt)[:CAPTION_MAX],
        title=rendering.plain_text(item.title)[:ALT_MAX],
    )


class MediaProblem(Exception):
    """The featured image cannot be imported; the message says why."""


def locate(attachment: Attachment, media_dir: Path | None) -> Path:
    """The file of ``attachment`` under ``media_dir``; never a path outside it."""
    if media_dir is None:
        raise MediaProblem(f"Featured image {attachment.relative or attachment.url} not imported: no --media-dir given.")
    if not attachment.relative:
        raise MediaProblem(f"Missing media: attachment {attachment.wp_id} has no file under wp-content/uploads "
                           f"({attachment.url or 'no address'}).")
    root = media_dir.resolve()
    candidate = (root / attachment.relative).resolve()
    if root not in candidate.parents:
        raise MediaProblem(f"Featured image {attachment.relative} refused: its path leads outside --media-dir.")
    if not candidate.is_file():
        raise MediaProblem(f"Missing media: {attachment.relative} not found under {media_dir}.")
    return candidate


def checked_file(path: Path) -> File:
    """``path`` opened as a Django file after the admin's upload checks (raises MediaProblem)."""
    handle = path.open("rb")
    upload = File(handle, name=path.name)
    try:
        images.validate_image_file(upload)
    except ValidationError as error:
        handle.close()
        raise MediaProblem(f"Featured image {path.name} refused: {' '.join(error.messages)}")
    return upload


def alt_text(attachment: Attachment) -> tuple[str, str]:
    """(alt text, warning): WordPress's alt text, else the image's caption or title with a warning."""
    if attachment.alt:
        return attachment.alt, ""
    fallback = attachment.caption or attachment.title
    if fallback:
        return fallback[:ALT_MAX], f"The featured image has no alt text in WordPress; “{fallback[:60]}” was used: check it."
    return "", "The featured image has no alt text, caption or title in WordPress: not imported (add it in the admin)."
