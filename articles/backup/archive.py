"""Reading an archive: safe extraction and checking every file against the manifest."""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import zlib
from pathlib import Path, PurePosixPath

from .format import CHUNK, DATA_NAME, FORMAT, FORMAT_VERSION, MANIFEST_NAME, MEDIA_DIR, BackupError, sha256_file


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
