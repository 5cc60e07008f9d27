"""Readable, word-level differences between two contents of an article.

A content is what :func:`articles.workflow.snapshots.content_of` returns (title, lead,
image, sections, references): the working copy, a review round or a published version.
The result is a list of parts (title, lead, each section, the references …), each with
HTML in which insertions are ``<ins>`` and deletions ``<del>``, and long runs of
unchanged text collapsed to "…". Everything is escaped: author text cannot inject markup.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..rendering import readable_text

CONTEXT_WORDS = 12  # unchanged words kept on each side of a change
_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass
class Part:
    label: str
    html: SafeString
    status: str  # "changed", "added", "removed"


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def _collapse(words: list[str], first: bool, last: bool) -> str:
    """Unchanged words: kept in full when short, else only the ends next to a change."""
    text = "".join(words)
    if len(words) <= 4 * CONTEXT_WORDS:
        return escape(text)
    head = "" if first else "".join(words[: 2 * CONTEXT_WORDS])
    tail = "" if last else "".join(words[-2 * CONTEXT_WORDS:])
    return f'{escape(head)}<span class="diff-skip">…</span>{escape(tail)}'


def word_diff_html(old: str, new: str) -> SafeString:
    """``old`` → ``new`` word by word: ``<del>`` removed words, ``<ins>`` added ones."""
    a, b = _tokens(old), _tokens(new)
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    out = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            out.append(_collapse(a[i1:i2], first=index == 0, last=index == len(opcodes) - 1))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out))


def _reference_text(reference: dict) -> str:
    extra = [f"doi:{reference['doi']}" if reference.get("doi") else "",
             f"PMID:{reference['pmid']}" if reference.get("pmid") else "", reference.get("url") or ""]
    return " ".join([reference.get("text", ""), *[e for e in extra if e]]).strip()


def _section_text(section: dict) -> str:
    return f"{section.get('heading', '')}\n\n{readable_text(section.get('body', ''))}"


def changes(old: dict | None, new: dict) -> list[Part]:
    """The parts that differ between ``old`` and ``new`` (everything is new when ``old`` is None)."""
    old = old or {}
    parts = []
    for key, label in (("title", "Title"), ("lead", "Lead"), ("image", "Featured image"),
                       ("image_alt", "Image alt text"), ("image_caption", "Image caption")):
        before, after = old.get(key) or "", new.get(key) or ""
        if key == "lead":  # compared as text: the reader sees words, not tags
            before, after = readable_text(before), readable_text(after)
        if before != after:
            status = "added" if not before else "removed" if not after else "changed"
            parts.append(Part(label, word_diff_html(before, after), status))
    parts += _matched(
        [s for s in old.get("sections", [])], [s for s in new.get("sections", [])],
        key=lambda s: s.get("anchor") or s.get("heading"), text=_section_text,
        label=lambda number, s: f"Section {number}: {s.get('heading', '')}",
    )
    old_refs = "\n".join(f"{n}. {_reference_text(r)}" for n, r in enumerate(old.get("references", []), 1))
    new_refs = "\n".join(f"{n}. {_reference_text(r)}" for n, r in enumerate(new.get("references", []), 1))
    if old_refs != new_refs:
        status = "added" if not old_refs else "removed" if not new_refs else "changed"
        parts.append(Part("References", word_diff_html(old_refs, new_refs), status))
    return parts


def _matched(old: list[dict], new: list[dict], *, key, text, label) -> list[Part]:
    """Sections matched by anchor (a renamed heading keeps its anchor), in the new order;
    removed ones last."""
    before = {key(item): item for item in old}
    parts, seen = [], set()
    for number, item in enumerate(new, 1):
        previous = before.get(key(item))
        seen.add(key(item))
        if previous is None:
            parts.append(Part(label(number, item) + " (new)", word_diff_html("", text(item)), "added"))
        elif text(previous) != text(item):
            parts.append(Part(label(number, item), word_diff_html(text(previous), text(item)), "changed"))
    for item in old:
        if key(item) not in seen:
            parts.append(Part(label("–", item) + " (removed)", word_diff_html(text(item), ""), "removed"))
    return parts
