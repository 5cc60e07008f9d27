"""The app server's master warms the app before it forks (bonespine/warmup.py): every project
template compiles, and no database or cache connection is opened (a socket opened before
the fork would be shared by every worker)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("BONESPINE_TEST_REDIS_URL")

CHECK = """
import gc, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bonespine.test_settings")
django.setup()
from django.conf import settings
if os.environ.get("REDIS_URL"):  # the production backend, django-redis
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}
from django.core.cache import caches
from django.db import connections
from django.template import engines
from bonespine import warmup
warmup.warm()
loader = engines["django"].engine.template_loaders[0]
names = warmup.public_templates()
assert "articles/article_detail.html" in names and "base.html" in names, names
assert not any(name.startswith("admin/") for name in names)
compiled = set(loader.get_template_cache)
missing = [name for name in names if name not in compiled]
assert not missing, missing
assert connections["default"].connection is None
backend = caches["default"]
if os.environ.get("REDIS_URL"):
    assert type(backend).__module__.startswith("django_redis")
    assert backend._client is None or all(c is None for c in backend._client._clients)
assert gc.get_freeze_count() > 0
print("ok", len(names))
"""


def test_the_master_compiles_every_template_and_opens_no_connection():
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    if REDIS_URL:
        env["REDIS_URL"] = REDIS_URL
    result = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("ok ")
