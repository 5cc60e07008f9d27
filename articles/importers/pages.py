"""WordPress pages → Bonespine's static pages (About, Contact, Policies, Disclaimer,
Editorial policy), which are django flat pages edited in the admin.

Only with ``--pages``, and only for a page whose slug is one of
``settings.BONESPINE_STATIC_PAGES``: its text replaces the flat page's content (sanitized
with the editor's allow-list). Every other page is reported, not imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site

from .. import rendering
from . import content
from .report import PostNote
from .wxr import WpItem

if TYPE_CHECKING:
    from .services import WordPressImporter


def page_html(text: str) -> tuple[str, list[str]]:
    """A page's WordPress text → sanitized HTML (headings kept as sub-headings), and warnings."""
    result = content.Converted()
    text = content._COMMENT.sub("", text or "")
    block_editor = "wp-block" in text or "<p" in text
    text, shortcodes = content.remove_shortcodes(text)
    if shortcodes:
        result.warnings.append("Shortcodes removed: " + ", ".join(f"[{name}]" for name in shortcodes))
    text = content._remove_media(text, result)
    if not block_editor:
        text = content.autop(text)
    return rendering.sanitize(text), result.warnings


def import_page(importer: WordPressImporter, item: WpItem) -> PostNote | None:
    slug = item.post_name.strip().strip("/")
    title = rendering.plain_text(item.title) or slug or "(no title)"
    note = PostNote(item.post_id, title, "skipped")
    if item.status in ("trash", "auto-draft", "inherit"):
        return None
    if slug not in settings.BONESPINE_STATIC_PAGES:
        note.reason = (f"Page not imported: Bonespine has no static page at /{slug}/ (only "
                       + ", ".join(f"/{name}/" for name in settings.BONESPINE_STATIC_PAGES) + ").")
        importer.counts["pages", "skipped"] += 1
        return note
    if not importer.pages_too:
        note.reason = f"Matches the static page /{slug}/: run again with --pages to replace its text."
        importer.counts["pages", "skipped"] += 1
        return note
    html, warnings = page_html(item.content)
    note.warnings.extend(warnings)
    if not rendering.plain_text(html):
        note.reason = f"Page has no text: /{slug}/ left as it is."
        importer.counts["pages", "skipped"] += 1
        return note
    page = FlatPage.objects.filter(url=f"/{slug}/").first()
    if page is None:
        page = FlatPage(url=f"/{slug}/", title=title[:200])
        note.outcome = "created"
    else:
        note.outcome = "updated"
    page.content = html
    page.full_clean()
    page.save()
    page.sites.add(Site.objects.get_current())
    note.reason = f"Text of the static page /{slug}/ replaced (it is live at once: static pages have no review)."
    importer.counts["pages", note.outcome] += 1
    return note
