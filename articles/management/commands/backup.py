"""``manage.py backup [--output PATH]``: the whole site (data and uploaded files) in one archive."""

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from articles import backup


class Command(BaseCommand):
    help = (
        "Write the site's data (a dumpdata fixture) and every uploaded file to one .tar.gz archive with a "
        "manifest of row counts, migration state and checksums. Restore it with `manage.py restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o",
            help="Archive file to write, or a directory to write it in "
                 "(default: ./backups/bonespine-backup-<UTC time>.tar.gz).",
        )

    def handle(self, *args, output=None, **options):
        try:
            result = backup.create_backup(output=output)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        if options["verbosity"] > 1:
            for label, count in manifest["counts"].items():
                self.stdout.write(f"  {label:<36} {count:>8}")
        rows = sum(manifest["counts"].values())
        media = manifest["media"]
        self.stdout.write(
            f"{rows} rows of {len(manifest['counts'])} models, {media['count']} media file(s) "
            f"({filesizeformat(media['bytes'])}), {manifest['view_counts_flushed']} buffered view(s) flushed first."
        )
        for name in manifest["missing_media"][:10]:
            self.stderr.write(self.style.WARNING(f"Referenced but missing from the storage: {name}"))
        self.stdout.write(self.style.SUCCESS(
            f"Backup written to {result.path} ({filesizeformat(result.path.stat().st_size)}, "
            f"{result.seconds:.1f} s)."
        ))
