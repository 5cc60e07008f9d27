"""Back up the whole site into one file, and restore it into an empty database.

An archive ``bonespine-backup-<UTC time>.tar.gz`` holds:

* ``data.json``: a Django fixture made by ``dumpdata --natural-foreign --all`` of every
  model except the ones a migrated database rebuilds itself (content types,
  permissions), sessions and lockout records (django-axes, if installed). Content
  types and permissions are referenced by natural key, so the fixture loads into a
  database whose ids for them differ. Every other row keeps its primary key
  (``--natural-primary`` is deliberately not used: it would renumber the site row,
  and ``SITE_ID = 1`` would then point at the wrong one).
* ``media/<name>``: every file in the default storage (uploads and renditions).
* ``manifest.json``: rows per model and per many-to-many table, the latest applied
  migration of each app, and the size and SHA-256 of ``data.json`` and of every
  media file.

The fixture is written with :class:`Serializer`, Django's JSON serializer with two
changes: datetimes keep their microseconds (Django's encoder cuts them to
milliseconds), and foreign keys without a database constraint (the history tables',
which may point at rows deleted since) are written as plain ids instead of natural
keys, which could not be looked up. ``data.json`` is ordinary fixture JSON:
``manage.py loaddata`` reads it as it is.

The dump runs in one transaction (REPEATABLE READ on PostgreSQL), so it is a
consistent picture even while the site is being edited. Buffered view counts are
flushed into the database first.

Restoring checks the archive (names, checksums) before touching anything, then loads
the media files and, in one transaction, the fixture (Article and PublishedVersion
point at each other; foreign keys are checked when loaddata ends, deferred on both
backends), re-indexes search vectors that are missing, resets the sequences and
compares the row counts with the manifest. Any error rolls the whole transaction back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import platform
import posixpath
import shutil
import tarfile
import tempfile
import time
import zlib
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers import json as django_json
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

FORMAT = "bonespine-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATA_NAME = "data.json"
MEDIA_DIR = "media"
SERIALIZER_NAME = "bonespine-json"
EXCLUDED_LABELS = ("contenttypes", "auth.permission", "sessions")
EXCLUDED_IF_INSTALLED = ("axes",)
# Rows a freshly migrated database already has (created by migrations or post_migrate);
# restore replaces them with the archive's.
MIGRATION_CREATED = ("auth.group", "sites.site")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup could not be made or restored; the message says why and what to do."""


# --- The fixture format -------------------------------------------------------------

class ExactJSONEncoder(django_json.DjangoJSONEncoder):
    """DjangoJSONEncoder, but datetimes and times keep their microseconds."""

    def default(self, o):
        if isinstance(o, (dt.datetime, dt.time)):
            if isinstance(o, dt.time) and timezone.is_aware(o):
                raise ValueError("JSON can't represent timezone-aware times.")
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class Serializer(django_json.Serializer):
    """Django's JSON serializer with exact datetimes and dangling-safe history foreign keys."""

    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder

    def handle_fk_field(self, obj, field):
        if not field.db_constraint:
            # History rows keep ids of rows that may be gone; a natural key lookup would fail.
            self._current[field.name] = self._value_from_field(obj, field)
            return
        super().handle_fk_field(obj, field)


Deserializer = django_json.Deserializer  # the registry wants both; loading needs nothing special


def _register_serializer() -> None:
    if SERIALIZER_NAME not in serializers.get_public_serializer_formats():
        serializers.register_serializer(SERIALIZER_NAME, __name__)


# --- What is in a backup ------------------------------------------------------------

def excluded_labels() -> list[str]:
    return [*EXCLUDED_LABELS, *(label for label in EXCLUDED_IF_INSTALLED if apps.is_installed(label))]


def included_models() -> list[type[models.Model]]:
    """The models whose rows go into the fixture (the same ones dumpdata picks)."""
    excluded = excluded_labels()
    chosen = []
    for app_config in apps.get_app_configs():
        if app_config.models_module is None or app_config.label in excluded:
            continue
        for model in app_config.get_models():
            meta = model._meta
            if meta.label_lower in excluded or meta.proxy or not meta.managed:
                continue
            chosen.append(model)
    return chosen


def _label(model) -> str:
    return model._meta.label_lower


def _m2m_tables(model_list) -> dict[str, type[models.Model]]:
    """``"auth.user.groups"`` → the auto-created through model, for every included model."""
    tables = {}
    for model in model_list:
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            if through is not None and through._meta.auto_created:
                tables[f"{_label(model)}.{m2m.name}"] = through
    return tables


def _is_history_model(model) -> bool:
    from simple_history.models import HistoricalChanges

    return issubclass(model, HistoricalChanges)


def referenced_files(model_list) -> set[str]:
    """Storage names the current rows point at (file fields and image renditions)."""
    names = set()
    for model in model_list:
        if _is_history_model(model):
            continue  # history keeps names of files replaced long ago
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                names.update(n for n in model._base_manager.exclude(**{f.attname: ""})
                             .values_list(f.attname, flat=True) if n)
    from ..models import PublishedVersion

    for renditions in PublishedVersion.objects.values_list("renditions", flat=True):
        for copies in (renditions or {}).values():
            names.update(copy["name"] for copy in copies if copy.get("name"))
    return names


def migration_state() -> dict[str, str]:
    """The latest applied migration of each app (names sort in order: 0001_, 0002_, …)."""
    executor = MigrationExecutor(connection)
    latest: dict[str, str] = {}
    for app_label, name in executor.loader.applied_migrations:
        if name > latest.get(app_label, ""):
            latest[app_label] = name
    return dict(sorted(latest.items()))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- Backup -------------------------------------------------------------------------

@dataclass
class BackupResult:
    path: Path
    manifest: dict
    seconds: float


def default_name(now: dt.datetime | None = None) -> str:
    return f"bonespine-backup-{(now or timezone.now()).astimezone(dt.UTC):%Y%m%d-%H%M%S}.tar.gz"


def _target(output: str | os.PathLike | None, now: dt.datetime) -> Path:
    if output is None:
        target = Path("backups") / default_name(now)
    else:
        target = Path(output)
        if target.is_dir() or str(output).endswith(os.sep):
            target = target / default_name(now)
    target = target.resolve()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if target == media_root or media_root in target.parents:
        raise BackupError(
            f"Refusing to write the backup inside MEDIA_ROOT ({media_root}): files there are served to the "
            "public, and the archive holds password hashes and readers' messages. Choose another --output."
        )
    if target.exists():
        raise BackupError(f"{target} already exists; choose another --output.")
    return target


@contextmanager
def consistent_snapshot():
    """One read transaction: every table is read as of the same moment."""
    outer = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outer:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _storage_walk(directory: str = ""):
    try:
        dirs, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(directory, name) if directory else name
    for sub in sorted(dirs):
        yield from _storage_walk(posixpath.join(directory, sub) if directory else sub)


def _add_media_file(tar: tarfile.TarFile, name: str, mtime: float) -> dict:
    digest = hashlib.sha256()
    size = 0
    with tempfile.SpooledTemporaryFile(max_size=8 * CHUNK) as copy:
        with default_storage.open(name, "rb") as source:
            for chunk in iter(lambda: source.read(CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
                copy.write(chunk)
        copy.seek(0)
        _add_member(tar, f"{MEDIA_DIR}/{name}", copy, size, mtime)
    return {"name": name, "size": size, "sha256": digest.hexdigest()}


def _add_member(tar: tarfile.TarFile, name: str, fileobj, size: int, mtime: float) -> None:
    info = tarfile.TarInfo(name)  # owner 0/0, mode 644: nothing about the machine that made it
    info.size, info.mtime, info.mode = size, mtime, 0o644
    tar.addfile(info, fileobj)


def create_backup(*, output: str | os.PathLike | None = None) -> BackupResult:
    """Write the site's data and media files to one archive; returns its path and manifest.

    ``output`` is a file name, or a directory for the default name; the default is
    ``./backups/bonespine-backup-<UTC time>.tar.gz``. The file is readable by its owner
    only (it holds password hashes and contact messages) and appears only when complete.
    """
    from .. import viewcounts

    started = time.monotonic()
    now = timezone.now()
    target = _target(output, now)
    target.parent.mkdir(parents=True, exist_ok=True)
    flushed_views = viewcounts.flush_view_counts()
    model_list = included_models()
    _register_serializer()
    partial = target.with_name(f".{target.name}.partial")
    with tempfile.TemporaryDirectory(prefix="bonespine-backup-") as tmp:
        data_path = Path(tmp) / DATA_NAME
        with consistent_snapshot():
            with open(data_path, "w", encoding="utf-8") as fh:
                call_command(
                    "dumpdata", format=SERIALIZER_NAME, natural_foreign=True, use_base_manager=True,
                    exclude=excluded_labels(), stdout=fh, verbosity=0,
                )
            m2m_counts = {name: through._base_manager.count() for name, through in _m2m_tables(model_list).items()}
            migrations = migration_state()
            referenced = referenced_files(model_list)
        with open(data_path, encoding="utf-8") as fh:
            in_fixture = Counter(row["model"] for row in json.load(fh))
        unknown = set(in_fixture) - {_label(m) for m in model_list}
        if unknown:
            raise BackupError(f"dumpdata wrote rows of unexpected models: {', '.join(sorted(unknown))}.")
        mtime = now.timestamp()
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                with open(data_path, "rb") as fh:
                    _add_member(tar, DATA_NAME, fh, data_path.stat().st_size, mtime)
                media = [_add_media_file(tar, name, mtime) for name in _storage_walk()]
                stored = {entry["name"] for entry in media}
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": now.isoformat(),
                    "site_name": getattr(settings, "SITE_NAME", ""),
                    "django_version": django.get_version(),
                    "python_version": platform.python_version(),
                    "database_vendor": connection.vendor,
                    "data": {"name": DATA_NAME, "size": data_path.stat().st_size, "sha256": sha256_file(data_path)},
                    "counts": {_label(m): in_fixture.get(_label(m), 0) for m in model_list},
                    "m2m_counts": m2m_counts,
                    "migrations": migrations,
                    "excluded": excluded_labels(),
                    "view_counts_flushed": flushed_views,
                    "media": {
                        "count": len(media),
                        "bytes": sum(entry["size"] for entry in media),
                        "files": media,
                    },
                    "missing_media": sorted(referenced - stored),
                }
                encoded = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
                _add_member(tar, MANIFEST_NAME, io.BytesIO(encoded), len(encoded), mtime)
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupResult(path=target, manifest=manifest, seconds=time.monotonic() - started)


# --- Reading an archive -------------------------------------------------------------

def _member_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"The archive holds an unsafe file name ({name!r}); refusing it.")
    if str(path) not in (MANIFEST_NAME, DATA_NAME) and (path.parts[0] != MEDIA_DIR or len(path.parts) < 2):
        raise BackupError(f"The archive holds an unexpected file ({name!r}); it is not a Bonespine backup.")
    return path


def unpack(archive: str | os.PathLike, into: Path) -> dict:
    """Extract ``archive`` into ``into`` after checking every name; verify it; return the manifest.

    Raises :class:`BackupError` for anything that is not an intact Bonespine backup.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"No backup file at {archive}.")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                path = _member_path(member.name)
                if not member.isfile():
                    raise BackupError(f"The archive entry {member.name!r} is not a regular file; refusing it.")
                destination = into.joinpath(*path.parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as source, open(destination, "wb") as copy:
                    shutil.copyfileobj(source, copy, CHUNK)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(f"{archive} is not a readable backup archive (damaged or not a .tar.gz): {error}") from error
    manifest_path = into / MANIFEST_NAME
    if not manifest_path.is_file():
        raise BackupError(f"{archive} has no {MANIFEST_NAME}: it is not a complete Bonespine backup.")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise BackupError(f"The manifest of {archive} is not valid JSON: {error}") from error
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{archive} is not a Bonespine backup of format version {FORMAT_VERSION} "
            f"(it says {manifest.get('format')!r} version {manifest.get('format_version')!r})."
        )
    verify_files(manifest, into)
    return manifest


def verify_files(manifest: dict, root: Path) -> None:
    """The data file and every media file exist with the size and SHA-256 the manifest lists."""
    data_path = root / DATA_NAME
    if not data_path.is_file():
        raise BackupError(f"The archive has no {DATA_NAME}.")
    actual = sha256_file(data_path)
    if actual != manifest["data"]["sha256"]:
        raise BackupError(
            f"{DATA_NAME} does not match the checksum in the manifest (expected {manifest['data']['sha256']}, "
            f"found {actual}): the archive is damaged or was altered. Nothing was restored."
        )
    listed = {entry["name"]: entry for entry in manifest["media"]["files"]}
    media_root = root / MEDIA_DIR
    present = (
        {p.relative_to(media_root).as_posix() for p in media_root.rglob("*") if p.is_file()}
        if media_root.exists() else set()
    )
    if present != set(listed):
        extra, missing = sorted(present - set(listed)), sorted(set(listed) - present)
        raise BackupError(
            f"The media files in the archive differ from its manifest (not listed: {extra[:5]}, missing: "
            f"{missing[:5]}): the archive is damaged or was altered. Nothing was restored."
        )
    for name, entry in listed.items():
        if sha256_file(media_root / name) != entry["sha256"]:
            raise BackupError(
                f"Media file {name} does not match its checksum in the manifest: the archive is damaged or "
                "was altered. Nothing was restored."
            )


# --- Restore ------------------------------------------------------------------------

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
        if _label(model) in MIGRATION_CREATED:
            continue
        count = model._base_manager.count()
        if count:
            found[_label(model)] = count
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
    by_label = {_label(m): m for m in model_list}
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
    tables = _m2m_tables(model_list)
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
