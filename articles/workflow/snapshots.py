"""Content snapshots: the fingerprint a sign-off is bound to, the published
version the public reads, and readable diffs between versions.

The Article row with its Section and Reference rows is the *working copy* that
authors edit. Publishing freezes it into an :class:`~articles.models.PublishedVersion`
(rendered HTML included); the public pages only ever read that frozen version, so
work in progress never leaks and a publish swaps one foreign key.
"""

from __future__ import annotations

import difflib
import hashlib
import json

from django.utils.html import escape

from .. import rendering


def content_of(article) -> dict:
    """The public content of the working copy, in a canonical, JSON-ready form.

    Exactly what a sign-off covers: title, lead, sections, references, featured image
    and its alt text and caption. Tags, category, slug and flags are not content.
    """
    sections = sorted(article.sections.all(), key=lambda s: (s.position, s.pk or 0))
    references = sorted(article.references.all(), key=lambda r: (r.position, r.pk or 0))
    return {
        "title": article.title.strip(),
        "lead": article.lead.strip(),
        "image": article.featured_image.name or "",
        "image_alt": article.image_alt.strip(),
        "image_caption": article.image_caption.strip(),
        "sections": [
            {"heading": s.heading.strip(), "anchor": s.anchor, "body": s.body.strip()} for s in sections
        ],
        "references": [
            {
                "key": r.key,
                "text": rendering.vancouver_text(r),
                "doi": r.doi,
                "pmid": r.pmid,
                "url": r.url,
            }
            for r in references
        ],
    }


def fingerprint_of(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def article_fingerprint(article) -> str:
    return fingerprint_of(content_of(article))


def build_snapshot(article):
    """An unsaved PublishedVersion of the working copy: what publishing would show.

    Used for publishing and, unsaved, for previews, so a preview renders exactly
    like the public page.
    """
    from ..models import PublishedVersion

    content = content_of(article)
    sections = sorted(article.sections.all(), key=lambda s: (s.position, s.pk or 0))
    references = sorted(article.references.all(), key=lambda r: (r.position, r.pk or 0))
    lead_html = rendering.sanitize(article.lead)
    # Citations are numbered across the whole page (lead, then sections) by first citation;
    # the reference list follows that order, uncited references last.
    cited = rendering.resolve_citations(
        [lead_html] + [rendering.sanitize(s.body) for s in sections], [r.key for r in references]
    )
    by_key = {r.key: r for r in references}
    search_parts = [s.heading for s in sections] + [rendering.plain_text(s.body) for s in sections]
    version = PublishedVersion(
        article=article,
        title=article.title,
        lead_html=cited.texts[0],
        excerpt=rendering.excerpt(lead_html, 28),
        image=article.featured_image.name or "",
        image_width=article.image_width,
        image_height=article.image_height,
        image_alt=article.image_alt,
        image_caption=article.image_caption,
        sections=[
            {"heading": s.heading, "anchor": s.anchor, "html": html} for s, html in zip(sections, cited.texts[1:])
        ],
        references=[
            {"html": str(rendering.vancouver_html(by_key[key])), "backlinks": cited.backlinks.get(key, [])}
            for key in cited.order
        ],
        content=content,
        fingerprint=fingerprint_of(content),
        section_text=" ".join(s.heading for s in sections),
        body_text=" ".join(search_parts[len(sections):]),
    )
    version.body_html = render_body(version)
    return version


def render_body(version) -> str:
    """The body of a version as the article page shows it: rendered once, when it is frozen
    (a published version never changes), so a page view only outputs it."""
    from django.template.loader import render_to_string

    return render_to_string("articles/includes/article_body.html", {"page": version})


def _lines(content: dict) -> list[str]:
    lines = [f"Title: {content.get('title', '')}", "", "Lead:"]
    lines += rendering.readable_text(content.get("lead", "")).splitlines() or [""]
    lines += ["", f"Image: {content.get('image') or '(none)'}", f"Alt text: {content.get('image_alt', '')}",
              f"Caption: {content.get('image_caption', '')}"]
    for number, section in enumerate(content.get("sections", []), 1):
        lines += ["", f"## {number}. {section['heading']}  (#{section['anchor']})"]
        lines += rendering.readable_text(section["body"]).splitlines()
    lines += ["", "References:"]
    for number, ref in enumerate(content.get("references", []), 1):
        lines.append(f"{number}. {ref['text']}" + (f" doi:{ref['doi']}" if ref.get("doi") else "")
                     + (f" PMID:{ref['pmid']}" if ref.get("pmid") else ""))
    return lines


def diff_html(old: dict, new: dict, old_label: str, new_label: str) -> str:
    """A side-by-side HTML table of the differences between two contents (escaped)."""
    return difflib.HtmlDiff(wrapcolumn=70).make_table(
        _lines(old), _lines(new), escape(old_label), escape(new_label), context=True, numlines=2
    )


def diff_summary(old: dict, new: dict) -> list[str]:
    """Which parts changed, in words, e.g. ["title", "section 2 'Treatment'"]."""
    changed = [key for key in ("title", "lead", "image", "image_alt", "image_caption") if old.get(key) != new.get(key)]
    old_sections, new_sections = old.get("sections", []), new.get("sections", [])
    if len(old_sections) != len(new_sections):
        changed.append(f"sections ({len(old_sections)} → {len(new_sections)})")
    else:
        for number, (a, b) in enumerate(zip(old_sections, new_sections), 1):
            if a != b:
                changed.append(f"section {number} “{b['heading']}”")
    if old.get("references") != new.get("references"):
        changed.append("references")
    return changed
