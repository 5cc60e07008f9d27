import os

import pytest


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def expect_db():
    return os.environ.get("BONESPINE_EXPECT_DB", "")
