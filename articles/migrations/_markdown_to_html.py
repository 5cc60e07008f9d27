"""Markdown → the HTML the rich-text editor writes (migration 0010, and the demo content).

Kept beside the migration, frozen: the migration must convert the same way whatever the
app's rendering becomes later. What the old Markdown renderer showed is kept: paragraphs,
headings (``#`` → h3, ``##`` → h4; deeper ones, which the editor does not offer, → h4),
bold, italic, lists, links, block quotes and tables. Constructs the editor has no button
for keep their text in a form it has: a definition list becomes a bold term paragraph and
its definition, code becomes plain text (lines kept), an abbreviation its text.
"""

from __future__ import annotations

import hashlib
import json
import re

import markdown

EXTENSIONS = ["tables", "sane_lists", "abbr", "def_list", "fenced_code"]

_HEADING = re.compile(r"<(/?)h([1-6])(\s[^>]*)?>")


def _headings(html: str) -> str:
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 2, 4)}>", html)


def _definition_lists(html: str) -> str:
    html = re.sub(r"</?dl>\s*", "", html)
    html = re.sub(r"<dt>(.*?)</dt>", r"<p><strong>\1</strong></p>", html, flags=re.DOTALL)
    return re.sub(r"<dd>(.*?)</dd>", r"<p>\1</p>", html, flags=re.DOTALL)


def _code(html: str) -> str:
    def block(match: re.Match) -> str:
        lines = match.group(1).strip("\n").split("\n")
        return "<p>" + "<br>".join(lines) + "</p>"

    html = re.sub(r"<pre><code[^>]*>(.*?)</code></pre>", block, html, flags=re.DOTALL)
    return re.sub(r"</?code>", "", html)


def _tables(html: str) -> str:
    html = re.sub(r"</?(thead|tbody)>\s*", "", html)
    html = re.sub(r"<table>\s*", "<table><tbody>", html).replace("</table>", "</tbody></table>")
    html = re.sub(r'<(th|td)(?:\s[^>]*)?>(.*?)</\1>', r"<\1><p>\2</p></\1>", html, flags=re.DOTALL)
    return html


def markdown_to_html(text: str) -> str:
    """One Markdown text → sanitized editor HTML ("" for an empty text)."""
    from articles import rendering

    if not (text or "").strip():
        return ""
    html = markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
    html = _tables(_code(_definition_lists(_headings(html))))
    html = re.sub(r"<abbr[^>]*>(.*?)</abbr>", r"\1", html, flags=re.DOTALL)
    html = re.sub(r"<hr\s*/?>", "", html)
    return rendering.sanitize(html)


def _fingerprint(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _content_html(content: dict, keys: list[str] | None) -> dict:
    """A version's source content with its Markdown converted (and reference keys added)."""
    converted = dict(content)
    converted["lead"] = markdown_to_html(content.get("lead", ""))
    converted["sections"] = [{**s, "body": markdown_to_html(s.get("body", ""))} for s in content.get("sections", [])]
    refs = content.get("references", [])
    converted["references"] = [
        {**r, "key": keys[i] if keys and len(keys) == len(refs) else f"v{i + 1}"} for i, r in enumerate(refs)
    ]
    return converted


def convert_all(apps) -> None:
    """Convert every working copy, every history record and every published version's source.

    The public pages do not change: a version's rendered HTML is kept as it was frozen.
    Fingerprints are recomputed over the converted content, so a sign-off of the Markdown
    stays a sign-off of the same text in HTML, and the next publication is not counted as
    a content change because of the conversion.
    """
    from articles.citations import citation_text

    Article = apps.get_model("articles", "Article")
    Section = apps.get_model("articles", "Section")
    Reference = apps.get_model("articles", "Reference")
    Version = apps.get_model("articles", "PublishedVersion")
    HistoricalArticle = apps.get_model("articles", "HistoricalArticle")
    HistoricalSection = apps.get_model("articles", "HistoricalSection")

    def old_content(article, sections, references) -> dict:
        return {
            "title": article.title.strip(),
            "lead": article.lead.strip(),
            "image": article.featured_image.name or "",
            "image_alt": article.image_alt.strip(),
            "image_caption": article.image_caption.strip(),
            "sections": [{"heading": s.heading.strip(), "anchor": s.anchor, "body": s.body.strip()} for s in sections],
            "references": [{"text": citation_text(r), "doi": r.doi, "pmid": r.pmid, "url": r.url} for r in references],
        }

    for article in Article.objects.all():
        sections = list(Section.objects.filter(article=article).order_by("position", "pk"))
        references = list(Reference.objects.filter(article=article).order_by("position", "pk"))
        approved_was_current = bool(article.approved_fingerprint) and (
            _fingerprint(old_content(article, sections, references)) == article.approved_fingerprint
        )
        keys = [r.key for r in references]
        old = old_content(article, sections, references)
        article.lead = markdown_to_html(article.lead)
        article.lead_html = article.lead
        fields = ["lead", "lead_html"]
        for section in sections:
            section.body = markdown_to_html(section.body)
            Section.objects.filter(pk=section.pk).update(body=section.body, body_html=section.body)
        if approved_was_current:
            new = _content_html(old, keys)
            new["lead"], new["sections"] = article.lead.strip(), [
                {"heading": s.heading.strip(), "anchor": s.anchor, "body": s.body.strip()} for s in sections
            ]
            article.approved_fingerprint = _fingerprint(new)
            fields.append("approved_fingerprint")
        Article.objects.filter(pk=article.pk).update(**{f: getattr(article, f) for f in fields})

        for version in Version.objects.filter(article=article):
            same_references = [r.get("text") for r in version.content.get("references", [])] == [
                r["text"] for r in old["references"]
            ]
            version.content = _content_html(version.content, keys if same_references else None)
            version.fingerprint = _fingerprint(version.content)
            Version.objects.filter(pk=version.pk).update(content=version.content, fingerprint=version.fingerprint)

    for record in HistoricalArticle.objects.all().only("pk", "lead"):
        HistoricalArticle.objects.filter(pk=record.pk).update(lead=markdown_to_html(record.lead))
    for record in HistoricalSection.objects.all().only("pk", "body"):
        HistoricalSection.objects.filter(pk=record.pk).update(body=markdown_to_html(record.body))
