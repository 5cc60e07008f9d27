"""Restoring a backup into an empty, migrated database and the default storage."""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from .archive import unpack
from .contents import included_models, m2m_tables, migration_state, model_label
from .format import CHUNK, DATA_NAME, MEDIA_DIR, MIGRATION_CREATED, BackupError


@dataclass
class RestoreResult:
    counts: dict[str, int]
    m2m_counts: dict[str, int]
    media_files: int
    media_bytes: int
    flushed: bool
    reindexed: int
    sequences_reset: int
    seconds: float
    warnings: list[str] = field(default_factory=list)


def check_migrations(manifest: dict) -> list[str]:
    """Refuse an unmigrated database or a backup from newer code; return warnings for older backups."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise BackupError(
            f"The database is not fully migrated ({len(plan)} migration(s) not applied). "
            "Run `manage.py migrate` first, then restore."
        )
    applied = set(executor.loader.applied_migrations)
    newer = [f"{app}.{name}" for app, name in manifest["migrations"].items() if (app, name) not in applied]
    if newer:
        raise BackupError(
            "This backup was made by a newer version of the code: this database does not have the migrations "
            f"{', '.join(newer)}. Restore it with the code version that made it."
        )
    current = migration_state()
    return [
        f"{app}: the database is at {current[app]}, the backup at {name}; fields added since are filled with "
        "their defaults."
        for app, name in manifest["migrations"].items()
        if current.get(app, "") > name
    ]


def existing_rows() -> dict[str, int]:
    """Rows already in the database, other than those every migrated database has."""
    found = {}
    for model in included_models():
        if model_label(model) in MIGRATION_CREATED:
            continue
        count = model._base_manager.count()
        if count:
            found[model_label(model)] = count
    return found


def _describe(rows: dict[str, int]) -> str:
    first = ["articles.article", "authors.author", "auth.user"]
    ordered = [label for label in first if label in rows] + sorted(set(rows) - set(first))
    parts = [f"{rows[label]} {apps.get_model(label)._meta.verbose_name_plural}" for label in ordered[:6]]
    more = len(ordered) - 6
    return ", ".join(parts) + (f" and rows of {more} more model(s)" if more > 0 else "")


def _restore_media(manifest: dict, media_root: Path) -> tuple[int, int]:
    count = size = 0
    for entry in manifest["media"]["files"]:
        name = entry["name"]
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as current:
                digest = hashlib.sha256()
                for chunk in iter(lambda: current.read(CHUNK), b""):
                    digest.update(chunk)
            if digest.hexdigest() == entry["sha256"]:
                count, size = count + 1, size + entry["size"]
                continue
            default_storage.delete(name)
        with open(media_root / name, "rb") as fh:
            saved = default_storage.save(name, File(fh, name=name))
        if saved != name:
            raise BackupError(f"The storage saved {name} as {saved}; cannot restore the file under its own name.")
        count, size = count + 1, size + entry["size"]
    return count, size


def _reindex_search() -> int:
    """PostgreSQL: give published versions without a search vector one (e.g. a backup made on SQLite)."""
    if connection.vendor != "postgresql":
        return 0
    from .. import search
    from ..models import PublishedVersion

    missing = list(PublishedVersion.objects.filter(search_vector__isnull=True))
    for version in missing:
        search.index_version(version)
    return len(missing)


def _reset_sequences(model_list) -> int:
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
    return len(statements)


def _verify_counts(manifest: dict, model_list) -> tuple[dict, dict]:
    by_label = {model_label(m): m for m in model_list}
    counts, problems = {}, []
    for label, expected in manifest["counts"].items():
        model = by_label.get(label)
        if model is None:
            if expected:
                problems.append(f"{label}: {expected} row(s) in the backup, but this code has no such model")
            continue
        counts[label] = model._base_manager.count()
        if counts[label] != expected:
            problems.append(f"{label}: {counts[label]} restored, {expected} in the backup")
    tables = m2m_tables(model_list)
    m2m_counts = {}
    for name, expected in manifest["m2m_counts"].items():
        m2m_counts[name] = tables[name]._base_manager.count() if name in tables else 0
        if m2m_counts[name] != expected:
            problems.append(f"{name}: {m2m_counts[name]} links restored, {expected} in the backup")
    if problems:
        raise BackupError("The restored rows do not match the backup; nothing was kept:\n  " + "\n  ".join(problems))
    return counts, m2m_counts


def restore_backup(*, path: str | os.PathLike, force: bool = False) -> RestoreResult:
    """Restore the archive at ``path`` into this (empty, migrated) database and the default storage.

    Refuses a database that already holds site data unless ``force``, which erases
    the database (``flush``) in the same transaction as the load, so a failed restore
    leaves it as it was. Media files are written before the data (a failed load leaves
    them as harmless extra files).
    """
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bonespine-restore-") as tmp:
        root = Path(tmp)
        manifest = unpack(path, root)
        warnings = check_migrations(manifest)
        present = existing_rows()
        if present and not force:
            raise BackupError(
                f"The database is not empty: it holds {_describe(present)}. Restore needs an empty, migrated "
                "database; run again with --force to erase everything in it first."
            )
        if manifest["missing_media"]:
            warnings.append(
                f"{len(manifest['missing_media'])} file(s) the data refers to were already missing when the backup "
                f"was made, e.g. {manifest['missing_media'][0]}."
            )
        media_files, media_bytes = _restore_media(manifest, root / MEDIA_DIR)
        model_list = included_models()
        from django.contrib.auth.models import Group
        from django.contrib.contenttypes.models import ContentType
        from django.contrib.sites.models import Site

        try:
            with transaction.atomic():
                if present:
                    call_command("flush", interactive=False, verbosity=0)
                    ContentType.objects.clear_cache()
                # The migrations made these; the archive has the real ones (maybe under other ids).
                Group.objects.all().delete()
                Site.objects.all().delete()
                try:
                    call_command("loaddata", str(root / DATA_NAME), verbosity=0)
                except (DatabaseError, DeserializationError) as error:
                    raise BackupError(f"Loading the data failed, so nothing was restored: {error}") from error
                reindexed = _reindex_search()
                sequences = _reset_sequences(model_list)
                counts, m2m_counts = _verify_counts(manifest, model_list)
        finally:
            Site.objects.clear_cache()
            ContentType.objects.clear_cache()
    return RestoreResult(
        counts=counts, m2m_counts=m2m_counts, media_files=media_files, media_bytes=media_bytes,
        flushed=bool(present), reindexed=reindexed, sequences_reset=sequences,
        seconds=time.monotonic() - started, warnings=warnings,
    )
