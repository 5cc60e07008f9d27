"""Image URLs for templates, through the storage API (no database queries).

``{% load images %}`` then ``{{ page.image|media_url }}`` and
``{{ page.renditions|srcset:"webp" }}``; used by ``includes/picture.html``.
"""

from django import template
from django.core.files.storage import default_storage

register = template.Library()


@register.filter
def media_url(value) -> str:
    """The public URL of a stored file, given a FieldFile or a storage name."""
    name = getattr(value, "name", value)
    return default_storage.url(name) if name else ""


@register.filter
def srcset(renditions, key: str) -> str:
    """``"url 320w, url 640w, ..."`` for the ``key`` format ("webp", "jpeg", "png") of a renditions dict."""
    entries = (renditions or {}).get(key) or []
    return ", ".join(
        f"{default_storage.url(entry['name'])} {entry['width']}w"
        for entry in entries
        if entry.get("name") and entry.get("width")
    )


@register.filter
def fallback_format(renditions) -> str:
    """The format for the ``<img>`` srcset: the original's (jpeg/png), else webp, else ""."""
    present = [key for key, entries in (renditions or {}).items() if entries]
    for key in present:
        if key != "webp":
            return key
    return "webp" if present else ""
