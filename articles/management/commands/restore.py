"""``manage.py restore PATH [--force]``: load a backup made by ``manage.py backup``."""

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from articles import backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an empty, migrated database and the media storage. Checks the "
        "checksums first, loads everything in one transaction and compares the row counts with the manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .tar.gz archive written by `manage.py backup`.")
        parser.add_argument(
            "--force", action="store_true",
            help="Erase everything in the database first (flush, in the same transaction as the load).",
        )

    def handle(self, *args, path, force=False, **options):
        try:
            result = backup.restore_backup(path=path, force=force)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        if result.flushed:
            self.stdout.write("The database was erased first (--force).")
        self.stdout.write(f"{'model':<36} {'rows':>8}")
        for label, count in result.counts.items():
            if count or options["verbosity"] > 1:
                self.stdout.write(f"{label:<36} {count:>8}")
        self.stdout.write(f"{'many-to-many links':<36} {sum(result.m2m_counts.values()):>8}")
        self.stdout.write(
            f"{result.media_files} media file(s) ({filesizeformat(result.media_bytes)}); "
            f"{result.sequences_reset} sequence reset statement(s); {result.reindexed} search vector(s) rebuilt."
        )
        self.stdout.write(self.style.SUCCESS(
            f"Restored {sum(result.counts.values())} rows from {path} in {result.seconds:.1f} s; "
            "every count matches the manifest. Logged-in sessions were not backed up: everyone logs in again."
        ))
