"""This process's copy of the generation counters (articles/tracking.py) is never behind
Redis: another process's write, a flush, a lost connection, a fork and an old copy all lead
back to Redis's value on the next read. A second Redis connection stands for another worker.
Needs a real Redis server (RESP3 and CLIENT TRACKING are what is tested)."""

import logging

import pytest
import redis
from django.core.cache import cache, caches

from articles import pagecache, services, tracking
from tests.factories import published_article

KEYS = [pagecache.EPOCH_KEY, pagecache.DEPENDENCY_PREFIX + "site", pagecache.DEPENDENCY_PREFIX + "article:1"]
ARTICLE = KEYS[2]


@pytest.fixture
def on_redis(redis_cache):
    cache.clear()
    pagecache.clear_local()
    yield redis_cache
    cache.clear()
    pagecache.clear_local()


@pytest.fixture
def other_worker(on_redis):
    """Another process's connection to the same Redis: its writes reach this process only
    through Redis (none of this process's own bookkeeping runs)."""
    client = redis.Redis.from_url(on_redis)
    yield client
    client.close()


@pytest.fixture
def round_trips(monkeypatch):
    """The cache calls made from now on (each one a round trip on Redis)."""
    calls = []
    backend = caches["default"]
    for name in ("get", "get_many", "set", "set_many", "add", "incr"):
        real = getattr(backend, name)
        monkeypatch.setattr(backend, name, lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k))
    return calls


def redis_key(key: str) -> str:
    return cache.make_key(key)


def test_counters_read_once_are_then_read_without_a_round_trip(on_redis, round_trips):
    pagecache._read(KEYS)  # creates them: the pushes for those writes empty the copy once
    first = pagecache._read(KEYS)
    round_trips.clear()
    assert pagecache._read(KEYS) == first
    assert round_trips == []


def test_another_workers_write_is_seen_by_the_very_next_read(other_worker):
    """Read straight after the other connection's INCR returns, with no request in between
    (a request to another worker always has one): the push is there already."""
    pagecache._read(KEYS)
    for _ in range(300):
        new = other_worker.incr(redis_key(ARTICLE))
        assert pagecache._read(KEYS)[ARTICLE] == new
    other_worker.incr(redis_key(pagecache.EPOCH_KEY))
    assert pagecache._read(KEYS)[pagecache.EPOCH_KEY] == int(other_worker.get(redis_key(pagecache.EPOCH_KEY)))


def test_only_the_written_counter_is_read_again(other_worker, round_trips):
    pagecache._read(KEYS)
    pagecache._read(KEYS)
    other_worker.incr(redis_key(ARTICLE))
    round_trips.clear()
    pagecache._read(KEYS)
    assert round_trips == ["get_many"]
    round_trips.clear()
    pagecache._read(KEYS[:2])
    assert round_trips == []


def test_a_deleted_or_evicted_counter_is_created_again_with_a_new_value(other_worker):
    old = pagecache._read(KEYS)[ARTICLE]
    other_worker.delete(redis_key(ARTICLE))
    new = pagecache._read(KEYS)[ARTICLE]
    assert new != old and new == int(other_worker.get(redis_key(ARTICLE)))


def test_a_flush_empties_the_copy(other_worker):
    old = pagecache._read(KEYS)
    other_worker.flushdb()
    new = pagecache._read(KEYS)
    assert all(new[key] != old[key] for key in KEYS)
    assert new[ARTICLE] == int(other_worker.get(redis_key(ARTICLE)))


def test_this_processs_own_bump_is_seen_at_once(on_redis):
    old = pagecache._read(KEYS)
    pagecache.bump("article:1")
    new = pagecache._read(KEYS)
    assert new[ARTICLE] == old[ARTICLE] + 1 and new[pagecache.EPOCH_KEY] == old[pagecache.EPOCH_KEY] + 1


def test_a_lost_connection_reads_redis_until_it_is_back(other_worker, monkeypatch, caplog, round_trips):
    pagecache._read(KEYS)
    killed = 0
    for client in other_worker.client_list():
        if "t" in client["flags"]:  # tracking on: this process's watcher
            other_worker.client_kill_filter(_id=client["id"])
            killed += 1
    assert killed == 1
    new = other_worker.incr(redis_key(ARTICLE))  # no push can reach this process now
    with caplog.at_level(logging.WARNING, logger="articles.tracking"):
        assert pagecache._read(KEYS)[ARTICLE] == new
    assert "connection lost" in caplog.text
    round_trips.clear()
    pagecache._read(KEYS)
    assert round_trips == ["get_many"]  # not trusted until a new connection tracks again

    monkeypatch.setattr(tracking.board, "_retry_at", 0.0)
    pagecache._read(KEYS)  # connects again, reads Redis, keeps the values
    round_trips.clear()
    assert pagecache._read(KEYS)[ARTICLE] == new and round_trips == []
    newer = other_worker.incr(redis_key(ARTICLE))
    assert pagecache._read(KEYS)[ARTICLE] == newer


def test_a_forked_worker_opens_its_own_connection(on_redis, monkeypatch, round_trips):
    pagecache._read(KEYS)
    parents = tracking.board._conn
    monkeypatch.setattr(tracking.os, "getpid", lambda: -1)  # as in a worker forked after the read
    round_trips.clear()
    pagecache._read(KEYS)
    assert round_trips == ["get_many"]  # the parent's copy is not used
    assert tracking.board._conn is not None and tracking.board._conn is not parents


def test_a_counter_is_not_trusted_past_its_age(on_redis, settings, round_trips):
    settings.BONESPINE_TRACKED_GENERATION_SECONDS = 0
    pagecache._read(KEYS)
    round_trips.clear()
    pagecache._read(KEYS)
    assert round_trips == ["get_many"]


def test_without_redis_nothing_is_tracked(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "tracking-tests"}}
    pagecache.clear_local()
    assert tracking.board.known(KEYS) == ({}, None)
    assert tracking.board._conn is None


def test_a_redis_that_cannot_track_is_read_every_time(on_redis, monkeypatch, caplog):
    """Nothing listening (or a server without RESP3): no copy, a warning, no retry for a while."""
    monkeypatch.setattr(tracking.board, "_location_now", lambda: "redis://127.0.0.1:1/0")
    with caplog.at_level(logging.WARNING, logger="articles.tracking"):
        assert tracking.board.known(KEYS) == ({}, None)
    assert "Generation tracking unavailable" in caplog.text
    caplog.clear()
    assert tracking.board.known(KEYS) == ({}, None)
    assert caplog.text == ""  # not tried again at once


@pytest.mark.django_db(transaction=True)
def test_a_cached_page_is_served_with_no_round_trip_and_not_after_another_workers_change(
    other_worker, settings, client, admin_user, monkeypatch, round_trips,
):
    """The whole path: a warm page-cache hit reads nothing from Redis; an article withdrawn by
    another worker (its bumps reach this process only as Redis's pushes) is 410 next time."""
    settings.BONESPINE_PAGE_CACHE = True
    article = published_article(title="Withdrawn elsewhere")
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Cache"] == "HIT"
    round_trips.clear()
    response = client.get(url)
    assert response["X-Cache"] == "HIT" and round_trips == []

    monkeypatch.setattr(tracking.board, "forget", lambda keys: None)  # not this process's bump
    services.article_unpublish(article=article, by=admin_user, comment="Withdrawn by another worker.")
    response = client.get(url)
    assert response.status_code == 410 and response["X-Cache"] == "MISS"
