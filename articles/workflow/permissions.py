"""Who may do what with an article. Services and the admin both ask these.

A person's roles come from the groups in :mod:`articles.workflow.roles` (through their
permissions) and from their Author profile (who wrote the article, who is a qualified
reviewer). Which role may take which action from which state is the table in
:mod:`articles.workflow.table`; nothing here repeats it.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q

from ..models import Article
from . import table


def author_profile(user):
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.author_profile
    except ObjectDoesNotExist:
        return None


def is_editor(user) -> bool:
    return bool(getattr(user, "is_active", False)) and user.has_perm("articles.publish_article")


def is_reviewer(user) -> bool:
    profile = author_profile(user)
    return bool(profile and profile.is_medical_reviewer and user.is_active and user.has_perm("articles.review_article"))


def is_article_author(user, article: Article) -> bool:
    profile = author_profile(user)
    return bool(profile and profile.pk == article.author_id)


def roles_for(user, article: Article) -> frozenset[str]:
    """The workflow roles ``user`` holds for ``article`` (``None`` is the system: cron, commands)."""
    if user is None:
        return frozenset({table.SYSTEM})
    if not getattr(user, "is_active", False):
        return frozenset()
    roles = set()
    if is_editor(user):
        roles.add(table.EDITOR)
    if is_article_author(user, article):
        if user.has_perm("articles.change_article"):
            roles.add(table.AUTHOR)
    elif is_reviewer(user):  # never for the article's own author
        roles.add(table.REVIEWER)
    return frozenset(roles)


def guards_hold(action: table.Action, article: Article, user=None) -> bool:
    """The table's guards of ``action``: facts about the article (and the person) that decide
    whether the action is offered at all."""
    return all(guard_holds(guard, article, user) for guard in action.requires if guard in table.GUARDS)


def guard_holds(guard: str, article: Article, user=None) -> bool:
    """One guard of the table (e.g. ``table.LIVE``) for ``article`` and ``user``."""
    return _GUARDS[guard](user, article)


def _for_me(user, article: Article) -> bool:
    profile = author_profile(user)
    return article.requested_reviewer_id is None or (profile is not None and profile.pk == article.requested_reviewer_id)


_GUARDS = {
    table.LIVE: lambda user, article: article.live_version_id is not None,
    table.UNASSIGNED: lambda user, article: article.requested_reviewer_id is None,
    table.FOR_ME: _for_me,
    table.SCHEDULED: lambda user, article: article.publish_at is not None,
}


def may(user, action: str | table.Action, article: Article) -> bool:
    """Whether ``user`` may take ``action`` on ``article`` in its current state (the table's cell)."""
    action = table.action(action) if isinstance(action, str) else action
    return article.status in action.sources(roles_for(user, article)) and guards_hold(action, article, user)


def available_actions(user, article: Article) -> list[table.Action]:
    """The workflow buttons ``user`` may press on ``article`` now, in the table's order."""
    return [action for action in table.BUTTONS if may(user, action, article)]


def can_create(user) -> bool:
    return user.is_active and user.has_perm("articles.add_article") and (is_editor(user) or author_profile(user) is not None)


def can_view(user, article: Article) -> bool:
    if not user.is_active or not user.is_staff:
        return False
    if may(user, "view", article):
        return True
    profile = author_profile(user)
    return is_reviewer(user) and profile.pk in (article.approved_by_id, article.reviewer_id)


def can_edit(user, article: Article) -> bool:
    return user.has_perm("articles.change_article") and may(user, "edit", article)


def can_review(user, article: Article) -> bool:
    return table.REVIEWER in roles_for(user, article)


def reviewer_choices(article: Article):
    """The clinicians who may be asked to review ``article``: qualified reviewers with an
    active login, never its author."""
    from authors.models import Author

    return (Author.objects.filter(is_medical_reviewer=True, user__is_active=True)
            .exclude(pk=article.author_id).order_by("name"))


def visible_articles(user, queryset=None):
    """The articles ``user`` may open in the admin (others answer 404 there)."""
    queryset = queryset if queryset is not None else Article.objects.all()
    if is_editor(user):
        return queryset
    profile = author_profile(user)
    if profile is None:
        return queryset.none()
    condition = Q(author=profile)
    if is_reviewer(user):
        reviewer_states = table.action("view").allowed[table.REVIEWER]
        condition |= Q(status__in=reviewer_states) | Q(approved_by=profile) | Q(reviewer=profile)
    return queryset.filter(condition)
