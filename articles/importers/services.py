"""``import_wordpress``: a WordPress export (WXR) → draft articles, categories, tags, authors,
featured images and old addresses, with a report.

Two passes over the file, both streaming (:func:`articles.importers.wxr.read_wxr`): the
first checks the whole file (a malformed or unsafe file stops before anything is written)
and collects the small things posts refer to (authors, categories, tags, attachments);
the second imports the posts one by one, each in its own transaction.

Every article is written through :func:`articles.services.article_create` /
:func:`articles.services.article_update` and is a draft: nothing imported reaches the
public page without a medical sign-off in Bonespine (DESIGN rule 2). A post imported
before is matched by its WordPress ID (or GUID); its article is updated only if nobody
has edited, submitted or reviewed it since, and left alone (and reported) otherwise.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from .. import rendering, services
from ..models import Article, Category
from . import content, media, pages
from .models import WordPressPost
from .report import ImportReport, PostNote
from .terms import TermsAndAddresses
from .wxr import Site, WpAuthor, WpItem, WpTerm, WxrError, read_wxr

# Bump when the conversion changes, so a re-run updates untouched articles with the new result.
CONVERTER_VERSION = "1"
SKIPPED_STATUSES = {"trash": "it is in WordPress's trash", "auto-draft": "it is an empty WordPress auto-draft",
                    "inherit": "it is a revision"}
PUBLISHED_STATUSES = {"publish", "private"}


class ImportOptionError(Exception):
    """The command's options cannot be used (e.g. --author-map names an unknown author)."""


class _DryRunRollback(Exception):
    pass


@dataclass
class Scan:
    """What the first pass collects: small things posts refer to."""

    site: Site = field(default_factory=Site)
    authors: dict[str, WpAuthor] = field(default_factory=dict)
    terms: dict[tuple[str, str], WpTerm] = field(default_factory=dict)  # (taxonomy, slug) → term
    attachments: dict[int, media.Attachment] = field(default_factory=dict)
    items: Counter = field(default_factory=Counter)  # post_type → count


def scan(path) -> Scan:
    """Read the whole file once (raises WxrError before anything is written)."""
    result = Scan()
    for entry in read_wxr(path):
        if isinstance(entry, Site):
            result.site = entry
        elif isinstance(entry, WpAuthor):
            result.authors[entry.login] = entry
        elif isinstance(entry, WpTerm):
            result.terms[(entry.taxonomy, entry.slug)] = entry
        elif isinstance(entry, WpItem):
            result.items[entry.post_type] += 1
            if entry.post_type == "attachment":
                result.attachments[entry.post_id] = media.attachment_from_item(entry)
    return result


def _parse_date(item: WpItem):
    """The post's publication time: ``post_date_gmt``, else ``post_date`` in the site's time
    zone, else the RSS ``pubDate``; ``None`` for a post that was never published."""
    gmt, local = (item.post_date_gmt or "").strip(), (item.post_date or "").strip()
    for value, aware in ((gmt, lambda d: d.replace(tzinfo=UTC)), (local, timezone.make_aware)):
        if value and not value.startswith("0000"):
            try:
                return aware(datetime.strptime(value, "%Y-%m-%d %H:%M:%S"))
            except ValueError:
                continue
    try:
        return parsedate_to_datetime(item.pub_date) if item.pub_date.strip() else None
    except (TypeError, ValueError):
        return None


class WordPressImporter(TermsAndAddresses):
    def __init__(self, *, path, media_dir=None, author_map=None, pages_too=False, dry_run=False, progress=None):
        self.path = Path(path)
        self.media_dir = Path(media_dir) if media_dir else None
        self.author_map = dict(author_map or {})
        self.pages_too = pages_too
        self.dry_run = dry_run
        self.progress = progress or (lambda **kwargs: None)
        self.report = ImportReport(dry_run=dry_run, source=str(path))
        self.scan: Scan | None = None
        self._authors: dict[str, object] = {}
        self._categories: dict[str, Category] = {}
        self._tags: dict[str, Tag] = {}
        self.counts: Counter = Counter()  # of the post in progress; merged into the report when it commits

    # --- the run ---------------------------------------------------------------------------
    def run(self) -> ImportReport:
        if self.media_dir is not None and not self.media_dir.is_dir():
            raise ImportOptionError(f"--media-dir {self.media_dir} is not a directory.")
        self.scan = scan(self.path)
        site = self.scan.site
        self.report.wxr_version = site.wxr_version
        if site.wxr_version and site.wxr_version not in {"1.0", "1.1", "1.2"}:
            self.report.notes.append(f"WXR version {site.wxr_version} is not one this importer knows (1.0–1.2); "
                                     "read as 1.2.")
        self._check_author_map()
        if not self.dry_run:
            # One transaction per post (see _one): a long import never holds the database's
            # write lock for long, and what was imported stays if it is interrupted.
            self._import_items()
            return self.report
        try:
            with transaction.atomic():  # a dry run does everything, then rolls it all back
                self._import_items()
                raise _DryRunRollback
        except _DryRunRollback:
            pass
        return self.report

    def _check_author_map(self) -> None:
        from authors.models import Author

        for login, slug in self.author_map.items():
            if not Author.objects.filter(slug=slug).exists():
                raise ImportOptionError(f"--author-map {login}={slug}: there is no Bonespine author with the address "
                                        f"/authors/{slug}/.")
            if login not in self.scan.authors:
                self.report.notes.append(f"--author-map names {login}, who is not an author in this export.")

    def _import_items(self) -> None:
        total = self.scan.items.get("post", 0) + self.scan.items.get("page", 0)
        done = 0
        for entry in read_wxr(self.path):
            if not isinstance(entry, WpItem):
                continue
            if entry.post_type == "post":
                self._one(self._import_post, entry)
            elif entry.post_type == "page":
                self._one(self._import_page, entry)
            else:
                if entry.post_type != "attachment":
                    self.report.ignored[entry.post_type or "items without a type"] += 1
                continue
            done += 1
            self.progress(done=done, total=total)

    def _one(self, handler: Callable[[WpItem], PostNote | None], item: WpItem) -> None:
        """Run ``handler`` for one item in its own transaction; a failure costs that item only."""
        self.counts = Counter()
        try:
            with transaction.atomic():
                note = handler(item)
        except (ValidationError, services.ArticleError, PermissionDenied, DatabaseError, ValueError) as error:
            self._forget_cached_rows()
            message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            note = PostNote(item.post_id, item.title or "(no title)", "failed",
                            reason=f"Not imported: {message or error.__class__.__name__}")
            self.report.count("articles" if item.post_type == "post" else "pages", "failed")
        else:
            self.report.merge(self.counts)
        if note is not None:
            self.report.posts.append(note)

    def _forget_cached_rows(self) -> None:
        # Rows created inside a rolled-back transaction are gone: look them up again next time.
        self._authors.clear()
        self._categories.clear()
        self._tags.clear()

    # --- posts --------------------------------------------------------------------------------
    def _source_hash(self, item: WpItem) -> str:
        image = self._attachment(item)
        data = [CONVERTER_VERSION, item.title, item.content, item.excerpt, item.post_name, item.status,
                item.post_date_gmt, item.post_date, item.creator, sorted(item.terms),
                image.relative if image else "", image.alt if image else "", image.caption if image else "",
                self.author_map.get(item.creator, "")]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()

    def _record(self, item: WpItem) -> WordPressPost | None:
        site = self.scan.site.base_site_url
        record = WordPressPost.objects.select_related("article").filter(site_url=site, wp_id=item.post_id).first()
        if record is None and item.guid:
            record = WordPressPost.objects.select_related("article").filter(guid=item.guid).first()
        return record

    @staticmethod
    def touched_since_import(record: WordPressPost) -> str:
        """Why the article must be left alone ("" when nobody changed it since the import)."""
        article = record.article
        if article.live_version_id or article.status != Article.Status.DRAFT:
            return f"Left alone: it is {article.get_status_display().lower()} in Bonespine."
        if article.edit_revision != record.edit_revision:
            return "Left alone: it was edited in Bonespine after the import."
        if article.transitions.exists() or article.review_rounds.exists():
            return "Left alone: it has been through review in Bonespine."
        return ""

    def _import_post(self, item: WpItem) -> PostNote:
        note = PostNote(item.post_id, rendering.plain_text(item.title) or "(no title)", "")
        if item.status in SKIPPED_STATUSES:
            note.outcome, note.reason = "skipped", f"Not imported: {SKIPPED_STATUSES[item.status]}."
            self.counts["articles", "skipped"] += 1
            return note
        source_hash = self._source_hash(item)
        record = self._record(item)
        if record is not None:
            note.article = record.article.slug
            why = self.touched_since_import(record)
            if not why and record.source_hash == source_hash:
                why = "Unchanged since the last import."
            if why:
                note.outcome, note.reason = "skipped", why
                self.counts["articles", "skipped"] += 1
                self._legacy_paths(item, record.article)
                return note

        converted = content.convert(item.content, excerpt=item.excerpt)
        note.warnings.extend(converted.warnings)
        article = record.article if record else Article()
        article.title = note.title[:200]
        article.lead = converted.lead
        article.category = self._category_for(item, note)
        article.author = self._author_for(item, note)
        if item.status in PUBLISHED_STATUSES:
            article.first_published_at = _parse_date(item)
        if record is None:
            article.slug = self._slug_for(item, note)
        image_source = self._featured_image(item, article, note, record)
        tags = self._tags_for(item)
        if record is None:
            article.full_clean(exclude=["lead", "featured_image", "tags"], validate_constraints=False)
            services.article_create(article=article, by=None, sections=converted.sections,
                                    references=converted.references, tags=tags)
            record = WordPressPost(site_url=self.scan.site.base_site_url, wp_id=item.post_id, article=article)
            note.outcome = "created"
        else:
            article.full_clean(exclude=["lead", "featured_image", "tags", "slug"], validate_constraints=False)
            services.article_update(article=article, by=None, expected_revision=None, sections=converted.sections,
                                    references=converted.references, tags=tags)
            note.outcome = "updated"
        article.refresh_from_db(fields=["edit_revision", "status"])
        if article.status != Article.Status.DRAFT:  # rule 2: an import never leaves anything but a draft
            raise services.ArticleError("The imported article would not be a draft.")
        record.guid, record.source_hash = item.guid[:500], source_hash
        record.edit_revision, record.image_source = article.edit_revision, image_source
        record.save()
        note.article = article.slug
        self.counts["articles", note.outcome] += 1
        self.counts["sections", note.outcome] += len(converted.sections)
        self.counts["references", note.outcome] += len(converted.references)
        self._legacy_paths(item, article)
        return note

    def _slug_for(self, item: WpItem, note: PostNote) -> str:
        wanted = unquote(item.post_name)
        slug = slugify(wanted)[:200].strip("-") or slugify(rendering.plain_text(item.title))[:200].strip("-")
        slug = slug or f"post-{item.post_id}"
        if wanted and slug != wanted:
            note.warnings.append(f"Address changed from “{wanted}” to “{slug}” (Bonespine addresses use a–z, 0–9 "
                                 "and hyphens); the old one redirects.")
        base, n = slug, 2
        while Article.objects.filter(slug=slug).exists():
            slug = f"{base[:195]}-{n}"
            n += 1
        if slug != base:
            note.warnings.append(f"Another article already uses /articles/{base}/: this one is at /articles/{slug}/.")
        return slug

    # --- images ------------------------------------------------------------------------
    def _attachment(self, item: WpItem) -> media.Attachment | None:
        thumbnail = item.meta.get("_thumbnail_id", "").strip()
        if not thumbnail.isdigit():
            return None
        return self.scan.attachments.get(int(thumbnail)) or media.Attachment(int(thumbnail), "", "", "", "", "")

    def _featured_image(self, item: WpItem, article: Article, note: PostNote, record: WordPressPost | None) -> str:
        """Set the featured image from the post's thumbnail; returns its source path ("" when none)."""
        attachment = self._attachment(item)
        if attachment is None:
            return ""
        if not attachment.url and not attachment.relative:
            note.warnings.append(f"Missing media: the featured image (attachment {attachment.wp_id}) is not in the export.")
            self.counts["images", "skipped"] += 1
            return ""
        if record is not None and record.image_source == attachment.relative and article.featured_image:
            article.image_alt, warning = media.alt_text(attachment)
            article.image_caption = attachment.caption
            return attachment.relative  # the same file as last time: kept
        try:
            path = media.locate(attachment, self.media_dir)
            upload = media.checked_file(path)
        except media.MediaProblem as problem:
            note.warnings.append(str(problem))
            self.counts["images", "skipped"] += 1
            return ""
        alt, warning = media.alt_text(attachment)
        if warning:
            note.warnings.append(warning)
        if not alt:
            upload.close()
            self.counts["images", "skipped"] += 1
            return ""
        if self.dry_run:
            upload.close()  # checked, not stored: a dry run writes no files
        else:
            article.featured_image = upload
        article.image_alt, article.image_caption = alt, attachment.caption
        self.counts["images", "updated" if record else "created"] += 1
        return attachment.relative

    # --- pages ------------------------------------------------------------------------------
    def _import_page(self, item: WpItem) -> PostNote | None:
        return pages.import_page(self, item)


def import_wordpress(*, path, media_dir=None, author_map=None, pages_too: bool = False, dry_run: bool = False,
                     progress=None) -> ImportReport:
    """Import a WordPress export; returns the report (raises WxrError / ImportOptionError before writing)."""
    return WordPressImporter(path=path, media_dir=media_dir, author_map=author_map, pages_too=pages_too,
                             dry_run=dry_run, progress=progress).run()


__all__ = ["ImportOptionError", "WxrError", "import_wordpress"]
