"""Prepare the app server's master process before it forks its workers (gunicorn.conf.py).

A fresh worker's first request used to take about 140 ms instead of 1–2: it imported the
cache backend, compiled the templates, built the URL resolver and read the static files'
manifest. gunicorn restarts workers now and then (``max_requests``), so under load those
first requests were the slow tail (p99) of every page. Doing that work once in the master, which loads the app before it
forks (``preload_app``), gives every worker it forks, at start and at each restart, a warm
copy. Nothing here opens a database or cache connection: a socket opened before the fork
would be shared by every worker.

Then ``gc.freeze()`` moves everything loaded so far out of the garbage collector's reach:
the workers' collections no longer walk the whole of Django, and pages of memory shared with
the master stay shared (a collection writes to every object it visits).
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

logger = logging.getLogger(__name__)


def public_templates() -> list[str]:
    """The project's templates (templates/), by name, but the admin's."""
    from django.conf import settings

    names = []
    for directory in settings.TEMPLATES[0]["DIRS"]:
        root = Path(directory)
        names += [
            path.relative_to(root).as_posix() for path in sorted(root.rglob("*"))
            if path.is_file() and path.suffix in {".html", ".txt", ".xml"} and path.parts[len(root.parts)] != "admin"
        ]
    return names


def warm() -> None:
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.cache import caches
    from django.db import connections
    from django.template import TemplateSyntaxError, loader
    from django.urls import reverse

    # The cache and database backends' modules (django-redis, redis, psycopg2): their objects
    # connect on first use, in the worker.
    caches["default"]
    connections["default"]
    reverse("articles:home")  # builds the URL resolver
    for name in public_templates():
        try:
            loader.get_template(name)  # compiled and kept by the cached template loader
        except TemplateSyntaxError:  # a template of a partial kind (e.g. one that only extends): skip
            logger.warning("Template %s was not compiled ahead", name)
    try:
        staticfiles_storage.url("css/site.css")  # reads the manifest of hashed names
    except ValueError:  # collectstatic has not run (development)
        pass
    gc.freeze()
