"""The import report: counts of what was (or, in a dry run, would be) created, updated and
skipped, and per post what the editor should look at."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

KINDS = ("articles", "sections", "references", "categories", "tags", "authors", "images", "redirects", "pages")


@dataclass
class PostNote:
    wp_id: int
    title: str
    outcome: str  # created / updated / skipped / failed
    article: str = ""  # the Bonespine slug
    reason: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    dry_run: bool = False
    source: str = ""
    wxr_version: str = ""
    counts: Counter = field(default_factory=Counter)  # ("articles", "created") → n
    posts: list[PostNote] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # about the file as a whole
    ignored: Counter = field(default_factory=Counter)  # item types not imported

    def count(self, kind: str, outcome: str, n: int = 1) -> None:
        if n:
            self.counts[(kind, outcome)] += n

    def merge(self, counts: Counter) -> None:
        self.counts.update(counts)

    def get(self, kind: str, outcome: str) -> int:
        return self.counts.get((kind, outcome), 0)

    @property
    def warning_count(self) -> int:
        return sum(len(post.warnings) for post in self.posts) + len(self.notes)

    def as_text(self, *, verbose: bool = True) -> str:
        verb = "Would import" if self.dry_run else "Imported"
        lines = [f"{verb} from {self.source}" + (f" (WXR {self.wxr_version})" if self.wxr_version else "")
                 + (" — DRY RUN: nothing was written." if self.dry_run else "")]
        lines.append("")
        width = max(len(kind) for kind in KINDS)
        outcomes = ("created", "updated", "reused", "skipped", "failed")
        for kind in KINDS:
            parts = [f"{self.get(kind, outcome)} {outcome}" for outcome in outcomes if self.get(kind, outcome)]
            lines.append(f"  {kind.ljust(width)}  " + (", ".join(parts) if parts else "none"))
        if self.ignored:
            lines.append("  not imported: " + ", ".join(f"{n} {kind}" for kind, n in sorted(self.ignored.items())))
        for note in self.notes:
            lines.append(f"  ! {note}")
        if verbose:
            for post in self.posts:
                if post.outcome == "created" and not post.warnings and not self.dry_run:
                    continue  # a dry run lists every post; a real run what needs a look
                head = f"[{post.outcome}] post {post.wp_id} “{post.title}”"
                if post.article:
                    head += f" → /articles/{post.article}/"
                lines.append("")
                lines.append(head)
                if post.reason:
                    lines.append(f"    {post.reason}")
                for warning in post.warnings:
                    lines.append(f"    - {warning}")
        lines.append("")
        lines.append(f"{self.warning_count} warning(s). Imported articles are drafts: they appear in the admin under "
                     "Articles (status Draft) and go live only after medical review and publication.")
        return "\n".join(lines)
