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

The dump runs in one transaction (REPEATABLE READ on PostgreSQL), so it is a
consistent picture even while the site is being edited. Buffered view counts are
flushed into the database first.

Restoring checks the archive (names, checksums) before touching anything, then loads
the media files and, in one transaction, the fixture (Article and PublishedVersion
point at each other; foreign keys are checked when loaddata ends, deferred on both
backends), re-indexes search vectors that are missing, resets the sequences and
compares the row counts with the manifest. Any error rolls the whole transaction back.

Modules: :mod:`.format` (names, the fixture serializer, checksums), :mod:`.contents`
(which models, tables and files a backup covers), :mod:`.create` (making a backup),
:mod:`.archive` (reading and verifying an archive), :mod:`.restore` (restoring it).
This package re-exports their public API.
"""

from .archive import unpack, verify_files
from .contents import (
    excluded_labels,
    included_models,
    m2m_tables,
    migration_state,
    model_label,
    referenced_files,
)
from .create import BackupResult, consistent_snapshot, create_backup, default_name
from .format import (
    CHUNK,
    DATA_NAME,
    EXCLUDED_IF_INSTALLED,
    EXCLUDED_LABELS,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_NAME,
    MEDIA_DIR,
    MIGRATION_CREATED,
    SERIALIZER_NAME,
    BackupError,
    Deserializer,
    ExactJSONEncoder,
    Serializer,
    register_serializer,
    sha256_file,
)
from .restore import RestoreResult, check_migrations, existing_rows, restore_backup

__all__ = [
    "CHUNK",
    "DATA_NAME",
    "EXCLUDED_IF_INSTALLED",
    "EXCLUDED_LABELS",
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST_NAME",
    "MEDIA_DIR",
    "MIGRATION_CREATED",
    "SERIALIZER_NAME",
    "BackupError",
    "BackupResult",
    "Deserializer",
    "ExactJSONEncoder",
    "RestoreResult",
    "Serializer",
    "check_migrations",
    "consistent_snapshot",
    "create_backup",
    "default_name",
    "excluded_labels",
    "existing_rows",
    "included_models",
    "m2m_tables",
    "migration_state",
    "model_label",
    "referenced_files",
    "register_serializer",
    "restore_backup",
    "sha256_file",
    "unpack",
    "verify_files",
]
