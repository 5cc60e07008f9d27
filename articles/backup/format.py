"""The archive format: names and constants, the error type, the fixture serializer, checksums.

The fixture is written with :class:`Serializer`, Django's JSON serializer with two
changes: datetimes keep their microseconds (Django's encoder cuts them to
milliseconds), and foreign keys without a database constraint (the history tables',
which may point at rows deleted since) are written as plain ids instead of natural
keys, which could not be looked up. ``data.json`` is ordinary fixture JSON:
``manage.py loaddata`` reads it as it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from django.core import serializers
from django.core.serializers import json as django_json
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


def register_serializer() -> None:
    if SERIALIZER_NAME not in serializers.get_public_serializer_formats():
        serializers.register_serializer(SERIALIZER_NAME, __name__)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()
