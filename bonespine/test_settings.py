"""Settings for the test suite: the normal settings, faster and isolated."""

import tempfile

from .settings import *  # noqa: F403
from .settings import ratelimit_silenced_checks

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bonespine-tests"}}
SILENCED_SYSTEM_CHECKS = ratelimit_silenced_checks(CACHES["default"]["BACKEND"])
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="bonespine-test-media-")
STATIC_ROOT = tempfile.mkdtemp(prefix="bonespine-test-static-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Absolute URLs (canonical, JSON-LD, feeds, sitemap) come from SITE_URL, never the request:
# the test client's host, so assertions read as the pages do.
SITE_URL = "http://testserver"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# Off by default so tests can inspect response.context; tests/test_pagecache.py turns it on.
BONESPINE_PAGE_CACHE = False

# Most tests build small articles without references; the "ready for review" tests
# (tests/articles/test_authoring.py) put the production default (1) back and check it.
BONESPINE_REVIEW_MIN_REFERENCES = 0
