"""JSON log lines for the console (one object per line, ready for a log collector).

Only a fixed set of keys is written: the time, level, logger, message, the ``fields``
dict a caller passes with ``extra={"fields": {...}}``, Django's ``status_code`` and the
traceback, if any. Anything else attached to a record (Django's ``request`` object in
``django.request`` records, for instance) is left out, so client addresses, cookies and
headers never reach the logs by accident.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        status_code = getattr(record, "status_code", None)
        if isinstance(status_code, int):
            entry["status"] = status_code
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
