"""``manage.py import_wordpress EXPORT.xml``: bring a WordPress site over as drafts (thin:
the work is :mod:`articles.importers.services`)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from articles.importers.services import ImportOptionError, import_wordpress
from articles.importers.wxr import WxrError


def _author_map(values: list[str]) -> dict[str, str]:
    mapping = {}
    for value in values:
        login, sep, slug = value.partition("=")
        if not sep or not login.strip() or not slug.strip():
            raise CommandError(f"--author-map {value!r}: write LOGIN=author-slug, e.g. jdoe=dr-jane-doe.")
        mapping[login.strip()] = slug.strip()
    return mapping


class Command(BaseCommand):
    help = ("Import a WordPress export (WXR 1.0–1.2, Tools → Export) as draft articles with sections, references, "
            "categories, tags, authors, featured images and redirects from the old addresses.")

    def add_arguments(self, parser):
        parser.add_argument("export", help="The WXR file WordPress wrote (.xml).")
        parser.add_argument("--media-dir", help="The copied wp-content/uploads directory, for featured images.")
        parser.add_argument("--author-map", nargs="+", default=[], metavar="LOGIN=AUTHOR-SLUG",
                            help="Link WordPress logins to existing Bonespine authors instead of creating profiles.")
        parser.add_argument("--pages", action="store_true",
                            help="Replace the text of the static pages (about, contact, policies, disclaimer, "
                                 "editorial-policy) with the WordPress pages of the same slug.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Show what would be created, updated and skipped, and the warnings; write nothing.")
        parser.add_argument("--quiet-posts", action="store_true", help="Counts only: no per-post warnings.")

    def handle(self, *args, **options):
        progress, bar = self._progress(options)
        try:
            report = import_wordpress(
                path=options["export"], media_dir=options["media_dir"], author_map=_author_map(options["author_map"]),
                pages_too=options["pages"], dry_run=options["dry_run"], progress=progress,
            )
        except (WxrError, ImportOptionError) as error:
            raise CommandError(str(error))
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(report.as_text(verbose=not options["quiet_posts"]))

    def _progress(self, options):
        """A tqdm bar on a terminal; nothing otherwise (the summary is printed at the end)."""
        stream = sys.stderr
        if options.get("verbosity", 1) < 1 or not stream.isatty():
            return None, None
        from tqdm import tqdm

        bar = tqdm(total=0, unit="post", desc="Importing", file=stream, leave=False)

        def progress(*, done: int, total: int) -> None:
            if bar.total != total:
                bar.total = total
            bar.n = done
            if done == total or done % 25 == 0:
                bar.refresh()

        return progress, bar
