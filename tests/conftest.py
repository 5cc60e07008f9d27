import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest


def pytest_configure(config):
    # Under pytest-xdist every worker gets its own Redis server, on a unix socket: the tests
    # empty the cache (FLUSHDB), and Redis's invalidation pushes (articles/tracking.py) name
    # keys and flushes without regard to the database, so a database each is not enough.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if os.environ.get("BONESPINE_TEST_REDIS_URL") and worker.startswith("gw") and shutil.which("redis-server"):
        config._bonespine_redis = _start_redis_server(worker)
        os.environ["BONESPINE_TEST_REDIS_URL"] = f"unix://{config._bonespine_redis[1]}?db=0"


def pytest_unconfigure(config):
    server = getattr(config, "_bonespine_redis", None)
    if server is not None:
        process, socket_path = server
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(Path(socket_path).parent, ignore_errors=True)


def _start_redis_server(worker: str):
    import subprocess
    import tempfile
    import time

    import redis

    directory = Path(tempfile.mkdtemp(prefix=f"bonespine-redis-{worker}-"))
    socket_path = directory / "redis.sock"
    process = subprocess.Popen(
        ["redis-server", "--port", "0", "--unixsocket", str(socket_path), "--save", "", "--appendonly", "no",
         "--dir", str(directory), "--logfile", str(directory / "redis.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(unix_socket_path=str(socket_path))
    for _ in range(100):
        try:
            client.ping()
            break
        except (redis.ConnectionError, FileNotFoundError):
            time.sleep(0.05)
    else:
        process.terminate()
        raise RuntimeError(f"redis-server for {worker} did not start (see {directory}/redis.log)")
    client.close()
    return process, str(socket_path)


@pytest.fixture
def redis_cache(settings) -> str:
    """The default cache on the real Redis server scripts/test.sh started (its URL); skipped
    without one, a failure in CI."""
    url = os.environ.get("BONESPINE_TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("BONESPINE_TEST_REDIS_URL is not set: scripts/test.sh starts redis-server for CI.")
        pytest.skip("no Redis server (run through scripts/test.sh)")
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url}}
    return url


@pytest.fixture
def use_cache(request, settings):
    """``use_cache("locmem")`` or ``use_cache("redis")`` (the real server, see ``redis_cache``):
    the default cache the test runs on."""
    def use(backend: str) -> None:
        if backend == "redis":
            request.getfixturevalue("redis_cache")
        else:
            settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                           "LOCATION": "tests"}}
    return use


DESELECTED = pytest.StashKey[int]()


@pytest.hookimpl(trylast=True)  # after -k/-m: count only what they kept
def pytest_collection_modifyitems(config, items):
    """scripts/test.sh sets BONESPINE_DESELECT_BACKEND_INDEPENDENT=1 for its PostgreSQL pass
    after the SQLite pass: the browser tests marked ``backend_independent`` ran there."""
    if os.environ.get("BONESPINE_DESELECT_BACKEND_INDEPENDENT") != "1":
        return
    once = [item for item in items if item.get_closest_marker("backend_independent")]
    if once:
        config.hook.pytest_deselected(items=once)
        items[:] = [item for item in items if not item.get_closest_marker("backend_independent")]
    config.stash[DESELECTED] = len(once)
    if hasattr(config, "workeroutput"):  # an xdist worker: tell the controller, which prints it
        config.workeroutput["backend_independent_deselected"] = len(once)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    count = getattr(node, "workeroutput", {}).get("backend_independent_deselected")
    if count is not None:
        node.config.stash[DESELECTED] = count


def pytest_terminal_summary(terminalreporter, config):
    # pytest-xdist's closing line does not count deselected tests; say it here.
    count = config.stash.get(DESELECTED, None)
    if count is not None:
        terminalreporter.write_line(
            f"{count} browser tests marked backend_independent deselected (they ran in the SQLite pass)")


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


# --- Data built once, restored per test ---------------------------------------------------------


@dataclass
class Snapshot:
    """Rows (Django's serialized test-database format) and media files of a built dataset, plus
    whatever the builder returned (model instances whose primary keys stay valid after a restore)."""

    rows: str
    media: Path
    built: object


def build_snapshot(django_db_blocker, media: Path, build) -> Snapshot:
    """Run ``build()`` once, in a transaction that is rolled back, and keep what it made.

    The database is left as it was (what ``on_commit`` would have done is dropped: page-cache
    generation bumps and workflow mail). The files it writes go to ``media``.
    """
    from django.contrib.sites.models import Site
    from django.db import connection, transaction
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        with transaction.atomic():
            built = build()
            rows = connection.creation.serialize_db_to_string()
            transaction.set_rollback(True)
        Site.objects.clear_cache()
    return Snapshot(rows=rows, media=media, built=built)


def restore_snapshot(snapshot: Snapshot, media_root: str) -> None:
    """Make the test database hold exactly the snapshot's rows, and copy its files to ``media_root``.

    Needs the test's database access (``django_db``, transactional or not: pytest-django empties
    the tables after a transactional test, and rolls a plain one back).
    """
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sites.models import Site
    from django.core.management.color import no_style
    from django.db import connection

    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))
    connection.creation.deserialize_db_from_string(snapshot.rows)
    # Rows came with their primary keys: move PostgreSQL's sequences past them (SQLite does that itself).
    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
    ContentType.objects.clear_cache()
    Site.objects.clear_cache()
    shutil.copytree(snapshot.media, media_root, dirs_exist_ok=True)


@pytest.fixture(scope="session")
def make_snapshot(django_db_setup, django_db_blocker, tmp_path_factory):
    """``make_snapshot(name, build)``: a :class:`Snapshot` of what ``build()`` makes (see build_snapshot)."""
    return lambda name, build: build_snapshot(django_db_blocker, tmp_path_factory.mktemp(name), build)


@pytest.fixture
def restore(settings):
    """``restore(snapshot)``: this test's database holds the snapshot's rows, its media folder the files."""
    return lambda snapshot: restore_snapshot(snapshot, settings.MEDIA_ROOT)


@pytest.fixture(scope="session")
def demo_snapshot(make_snapshot):
    """``manage.py load_demo`` run once per session (per xdist worker), not in every test."""
    from django.core.management import call_command

    return make_snapshot("demo", lambda: call_command("load_demo", verbosity=0))


@pytest.fixture
def demo_data(demo_snapshot, restore):
    """The demo content (what ``manage.py load_demo`` makes: rows and pictures) for this test."""
    restore(demo_snapshot)
