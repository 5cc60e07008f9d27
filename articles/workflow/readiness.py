"""The "ready for review" check: what blocks submitting an article, and what is advice.

One function, :func:`review_checks`, is shown as the panel of the article's admin page
(re-run on every save) and enforced by the submit service (``table.READY``), so the
admin panel is not the only gate.

Blocking: a title, a lead, at least one section with text, at least
``BONESPINE_REVIEW_MIN_REFERENCES`` references (default 1), alt text for the image, no
citation of a reference that is not in the list, a heading for every section.
Advice: reading ease (Flesch, target ``BONESPINE_READING_EASE_TARGET``, default 60, the
usual aim for patient information), references older than 10 years, references never
cited, sections over 600 words, links to sites without https.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import textstat
from django.conf import settings
from django.utils import timezone

from .. import rendering

LONG_SECTION_WORDS = 600
OLD_REFERENCE_YEARS = 10
_HTTP_LINK = re.compile(r'<a [^>]*href="http://', re.IGNORECASE)


@dataclass(frozen=True)
class Check:
    blocking: bool
    needs: str  # "a lead": what the article needs (blocking) or the advice, as a sentence
    where: str = ""  # the form part to go to (an id on the admin page), "" if none


def min_references() -> int:
    return getattr(settings, "BONESPINE_REVIEW_MIN_REFERENCES", 1)


def reading_ease_target() -> int:
    return getattr(settings, "BONESPINE_READING_EASE_TARGET", 60)


def reading_ease(text: str) -> float | None:
    """Flesch Reading Ease of plain text (None when there is too little text to judge)."""
    if len(text.split()) < 20:
        return None
    return round(textstat.flesch_reading_ease(text), 1)


def _sections(article) -> list:
    return sorted(article.sections.all(), key=lambda s: (s.position, s.pk or 0))


def _references(article) -> list:
    return sorted(article.references.all(), key=lambda r: (r.position, r.pk or 0))


def review_checks(article) -> list[Check]:
    """Every check of the working copy as it is saved, blocking ones first."""
    sections, references = _sections(article), _references(article)
    lead_text = rendering.plain_text(article.lead)
    checks: list[Check] = []
    block = lambda needs, where="": checks.append(Check(True, needs, where))  # noqa: E731
    advise = lambda needs, where="": checks.append(Check(False, needs, where))  # noqa: E731

    if not article.title.strip():
        block("a title", "id_title")
    if not lead_text:
        block("a lead", "id_lead")
    if not any(rendering.plain_text(s.body) for s in sections):
        block("at least one section with text", "sections-group")
    if any(not s.heading.strip() for s in sections):
        block("a heading for every section", "sections-group")
    if len(references) < min_references():
        block(f"at least {min_references()} reference{'s' if min_references() != 1 else ''}", "references-group")
    if article.featured_image and not article.image_alt.strip():
        block("alt text for the featured image", "id_image_alt")

    keys = {r.key for r in references}
    cited: set[str] = set()
    for place, text in [("the lead", article.lead)] + [(f"section “{s.heading}”", s.body) for s in sections]:
        for group in rendering.citation_keys(text):
            cited.update(group)
            if any(key not in keys for key in group) or not group:
                block(f"no citation of a deleted reference ({place} cites a reference that is no longer in "
                      "the list: cite it again or remove the citation)", "sections-group")
                break

    # --- advice --------------------------------------------------------------------------
    target = reading_ease_target()
    body_text = " ".join(rendering.plain_text(s.body) for s in sections)
    for label, text in (("the lead", lead_text), ("the sections", body_text)):
        score = reading_ease(text)
        if score is not None and score < target:
            advise(f"Reading ease of {label} is {score:g} (Flesch; the target for patient information is "
                   f"{target} or more): shorter sentences and everyday words help.", "id_lead" if label == "the lead"
                   else "sections-group")
    this_year = timezone.localdate().year
    old = [r for r in references if r.year and r.year < this_year - OLD_REFERENCE_YEARS]
    if old:
        numbers = ", ".join(f"{references.index(r) + 1} ({r.year})" for r in old)
        advise(f"References more than {OLD_REFERENCE_YEARS} years old: {numbers}. Check whether newer evidence "
               "exists.", "references-group")
    uncited = [str(i) for i, r in enumerate(references, 1) if r.key not in cited]
    if uncited and references:
        advise(f"References not cited in the text: {', '.join(uncited)} (by their place in the list). Cite them "
               "with the Cite button, or remove them.", "references-group")
    for s in sections:
        words = len(rendering.plain_text(s.body).split())
        if words > LONG_SECTION_WORDS:
            advise(f"Section “{s.heading}” has {words} words: over about {LONG_SECTION_WORDS}, consider splitting "
                   "it with a new section or sub-headings.", "sections-group")
    if any(_HTTP_LINK.search(text or "") for text in [article.lead, *(s.body for s in sections)]):
        advise("Some links go to sites without https: link to the https address where there is one.",
               "sections-group")
    return sorted(checks, key=lambda c: not c.blocking)


def blocking_problems(article) -> list[str]:
    return [check.needs for check in review_checks(article) if check.blocking]
