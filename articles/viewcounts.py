"""Counting article views for the "popular" lists.

A view is counted by a small POST the article page sends after it loads
(``navigator.sendBeacon``), so it is counted even when the HTML came from a cache.
Bots (by user agent, with the ``crawlerdetect`` patterns), staff, previews (they carry no
beacon) and anything but POST are not counted.

Where the increments go:

* With Redis configured (``REDIS_URL``), each view is one ``HINCRBY`` on a pending
  hash in Redis: no database write per view. ``manage.py flush_view_counts`` (cron,
  every minute; safe to run concurrently) atomically renames the pending hash to a
  batch key of its own, adds the batch to the daily rows in one transaction, then
  deletes the batch. A batch whose flush failed stays in Redis and is retried.
* Without Redis (development, SQLite), each view is an atomic ``UPDATE … SET views =
  views + 1`` on the day's row (:func:`articles.services.record_article_view`).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import defaultdict
from datetime import date

from crawlerdetect import CrawlerDetect
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .models import Article
from .services import record_article_view

logger = logging.getLogger(__name__)

PENDING_KEY = "bonespine:views:pending"
BATCH_PREFIX = "bonespine:views:batch:"

# CrawlerDetect's pattern list (crawlers, HTTP libraries, headless browsers, monitors,
# link previews). One shared instance: is_crawler()'s answer depends only on its argument
# (it also records the last match on the instance, which nothing here reads).
_crawler_detect = CrawlerDetect()


def is_bot(user_agent: str | None) -> bool:
    """True for a crawler, script or tool; also for a missing or blank User-Agent, which
    CrawlerDetect lets through but every browser that sends the beacon fills in."""
    user_agent = (user_agent or "").strip()
    return not user_agent or _crawler_detect.is_crawler(user_agent)


def counts_as_view(request) -> bool:
    """Only real readers: POST, not a bot, not a logged-in staff member."""
    if request.method != "POST":
        return False
    if is_bot(request.headers.get("User-Agent")):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated and user.is_staff)


def redis_client():
    """The raw redis-py client behind the Redis cache (django-redis's pooled one in production,
    or Django's own RedisCache), or None for other caches."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.startswith("django_redis."):
        from django_redis import get_redis_connection

        return get_redis_connection("default")
    if backend.endswith("RedisCache"):
        return cache._cache.get_client(write=True)  # noqa: SLF001 - documented way to reach redis-py
    return None


def add_view(article_id: int, *, day: date | None = None) -> bool:
    """Count one view of a published article. Returns False for an unknown/unpublished id."""
    day = day or timezone.now().date()
    client = redis_client()
    if client is not None:
        client.hincrby(PENDING_KEY, f"{article_id}:{day.isoformat()}", 1)
        return True
    article = Article.objects.published().filter(pk=article_id).only("pk").first()
    if article is None:
        return False
    record_article_view(article=article, day=day)
    return True


def pending_count() -> int:
    client = redis_client()
    if client is None:
        return 0
    return sum(int(v) for v in client.hvals(PENDING_KEY))


STALE_BATCH_SECONDS = 600


def flush_view_counts() -> int:
    """Move buffered views from Redis into the daily rows. Returns the number of views stored.

    Safe to run concurrently: RENAME is atomic, so each pending hash is claimed by
    exactly one flush, which then owns its batch. A batch left behind by a flush that
    died (older than ``STALE_BATCH_SECONDS``) is claimed again by a later flush.
    """
    client = redis_client()
    if client is None:
        return 0
    now = int(time.time())
    own = f"{BATCH_PREFIX}{now}:{uuid.uuid4().hex}"
    try:
        client.rename(PENDING_KEY, own)
        batches = [own]
    except Exception as error:  # noqa: BLE001 - redis raises ResponseError when nothing is pending
        if "no such key" not in str(error).lower():
            raise
        batches = []
    for key in client.scan_iter(match=f"{BATCH_PREFIX}*", count=100):
        key = key.decode() if isinstance(key, bytes) else key
        try:
            created = int(key[len(BATCH_PREFIX):].split(":", 1)[0])
        except ValueError:
            created = 0
        if key == own or now - created < STALE_BATCH_SECONDS:
            continue
        claimed = f"{BATCH_PREFIX}{now}:{uuid.uuid4().hex}"
        try:
            client.rename(key, claimed)  # atomic: only one flush gets an abandoned batch
        except Exception:  # noqa: S112 - another flush claimed it first
            continue
        batches.append(claimed)
    return sum(_apply_batch(client, key) for key in batches)


def _apply_batch(client, key: str) -> int:
    totals: dict[tuple[int, date], int] = defaultdict(int)
    for field, value in client.hgetall(key).items():
        field = field.decode() if isinstance(field, bytes) else field
        try:
            article_id, day = field.split(":", 1)
            totals[(int(article_id), date.fromisoformat(day))] += int(value)
        except ValueError:
            logger.warning("Ignoring malformed view counter %r", field)
    known = set(Article.objects.filter(pk__in={a for a, _ in totals}).values_list("pk", flat=True))
    stored = 0
    with transaction.atomic():
        for (article_id, day), count in sorted(totals.items()):
            if article_id in known and count > 0:
                record_article_view(article=Article(pk=article_id), day=day, count=count)
                stored += count
    client.delete(key)
    return stored
