"""Work queues: what each role should look at first, with counts (the admin's home page)
and the same definitions as the article list's "needs attention" filter.

Each queue is a named condition on articles, relative to the person looking; the counts of
all the queues a person sees come from one query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from ..models import Article
from . import permissions, table

S = table.Status


@dataclass(frozen=True)
class Queue:
    key: str
    role: str
    label: str
    condition: Callable  # (profile, today) -> Q


def _live(q: Q) -> Q:
    return Q(live_version__isnull=False) & q


QUEUES: tuple[Queue, ...] = (
    Queue("mine_drafts", table.AUTHOR, "My drafts", lambda me, today: Q(author=me, status=S.DRAFT)),
    Queue("mine_changes", table.AUTHOR, "Changes requested of me",
          lambda me, today: Q(author=me, status=S.CHANGES_REQUESTED)),
    Queue("mine_in_review", table.AUTHOR, "Mine in review", lambda me, today: Q(author=me, status=S.IN_REVIEW)),
    Queue("for_me", table.REVIEWER, "Waiting for my review",
          lambda me, today: Q(status=S.IN_REVIEW, requested_reviewer=me)),
    Queue("unassigned", table.REVIEWER, "Waiting for a reviewer (unassigned)",
          lambda me, today: Q(status=S.IN_REVIEW, requested_reviewer__isnull=True) & ~Q(author=me)),
    Queue("review_due", table.REVIEWER, "Live articles whose review is overdue or due within 30 days",
          lambda me, today: _live(Q(next_review_due__lte=today + timedelta(days=30))) & ~Q(author=me)),
    Queue("ready", table.EDITOR, "Approved, ready to publish",
          lambda me, today: Q(status=S.APPROVED, publish_at__isnull=True)),
    Queue("scheduled", table.EDITOR, "Scheduled", lambda me, today: Q(status=S.APPROVED, publish_at__isnull=False)),
    Queue("recent", table.EDITOR, "Published in the last 14 days",
          lambda me, today: _live(Q(first_published_at__date__gte=today - timedelta(days=14))
                                  | Q(content_updated_at__date__gte=today - timedelta(days=14)))),
    Queue("overdue", table.EDITOR, "Live articles overdue for review",
          lambda me, today: _live(Q(next_review_due__lt=today))),
)
BY_KEY = {queue.key: queue for queue in QUEUES}


def roles_of(user) -> set[str]:
    """The roles whose queues ``user`` sees (not relative to one article)."""
    roles = set()
    if permissions.author_profile(user) is not None and user.has_perm("articles.add_article"):
        roles.add(table.AUTHOR)
    if permissions.is_reviewer(user):
        roles.add(table.REVIEWER)
    if permissions.is_editor(user):
        roles.add(table.EDITOR)
    return roles


def condition(key: str, user) -> Q | None:
    queue = BY_KEY.get(key)
    if queue is None:
        return None
    return queue.condition(permissions.author_profile(user), timezone.localdate())


def for_user(user) -> list[dict]:
    """The queues ``user`` sees, grouped by role, each with its count and the list's address."""
    queues = [q for q in QUEUES if q.role in roles_of(user)]
    if not queues:
        return []
    me, today = permissions.author_profile(user), timezone.localdate()
    visible = permissions.visible_articles(user, Article.objects.all())
    counts = visible.aggregate(**{q.key: Count("pk", filter=q.condition(me, today)) for q in queues})
    changelist = reverse("admin:articles_article_changelist")
    titles = {table.AUTHOR: "My writing", table.REVIEWER: "My reviews", table.EDITOR: "Publishing"}
    groups = []
    for role in (table.AUTHOR, table.REVIEWER, table.EDITOR):
        items = [{"label": q.label, "count": counts[q.key], "url": f"{changelist}?attention={q.key}"}
                 for q in queues if q.role == role]
        if items:
            groups.append({"title": titles[role], "items": items})
    return groups
