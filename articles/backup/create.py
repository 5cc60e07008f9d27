"""Making a backup: one consistent dump of the data, the media files and the manifest in one archive."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import platform
import posixpath
import tarfile
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import django
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from .contents import excluded_labels, included_models, m2m_tables, migration_state, model_label, referenced_files
from .format import (
    CHUNK,
    DATA_NAME,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_NAME,
    MEDIA_DIR,
    SERIALIZER_NAME,
    BackupError,
    register_serializer,
    sha256_file,
)


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
    register_serializer()
    partial = target.with_name(f".{target.name}.partial")
    with tempfile.TemporaryDirectory(prefix="bonespine-backup-") as tmp:
        data_path = Path(tmp) / DATA_NAME
        with consistent_snapshot():
            with open(data_path, "w", encoding="utf-8") as fh:
                call_command(
                    "dumpdata", format=SERIALIZER_NAME, natural_foreign=True, use_base_manager=True,
                    exclude=excluded_labels(), stdout=fh, verbosity=0,
                )
            m2m_counts = {name: through._base_manager.count() for name, through in m2m_tables(model_list).items()}
            migrations = migration_state()
            referenced = referenced_files(model_list)
        with open(data_path, encoding="utf-8") as fh:
            in_fixture = Counter(row["model"] for row in json.load(fh))
        unknown = set(in_fixture) - {model_label(m) for m in model_list}
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
                    "counts": {model_label(m): in_fixture.get(model_label(m), 0) for m in model_list},
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
