"""Who may do what with an article. Services and the admin both ask these.

Roles come from the groups in :mod:`articles.roles` (through their permissions) and
from the user's Author profile (who wrote it, who is a qualified reviewer).
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

from .models import Article

AUTHOR_EDITABLE = {
    Article.Status.DRAFT,
    Article.Status.CHANGES_REQUESTED,
    Article.Status.PUBLISHED,  # editing starts a working revision; the live page stays
    Article.Status.UNPUBLISHED,
}
EDITOR_EDITABLE = AUTHOR_EDITABLE | {Article.Status.IN_REVIEW, Article.Status.APPROVED}
REVIEWER_VISIBLE = {Article.Status.IN_REVIEW, Article.Status.CHANGES_REQUESTED, Article.Status.APPROVED}


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


def can_create(user) -> bool:
    return user.is_active and user.has_perm("articles.add_article") and (is_editor(user) or author_profile(user) is not None)


def can_view(user, article: Article) -> bool:
    if not user.is_active or not user.is_staff:
        return False
    if is_editor(user) or is_article_author(user, article):
        return True
    if is_reviewer(user):
        profile = author_profile(user)
        return article.status in REVIEWER_VISIBLE or profile.pk in (article.approved_by_id, article.reviewer_id)
    return False


def can_edit(user, article: Article) -> bool:
    if not user.is_active or not user.has_perm("articles.change_article"):
        return False
    if is_editor(user):
        return article.status in EDITOR_EDITABLE
    return is_article_author(user, article) and article.status in AUTHOR_EDITABLE


def can_submit(user, article: Article) -> bool:
    return is_editor(user) or (is_article_author(user, article) and user.has_perm("articles.change_article"))


def can_review(user, article: Article) -> bool:
    return is_reviewer(user) and not is_article_author(user, article)


def visible_articles(user, queryset=None):
    """The articles ``user`` may open in the admin (others answer 404 there)."""
    queryset = queryset if queryset is not None else Article.objects.all()
    if is_editor(user):
        return queryset
    from django.db.models import Q

    profile = author_profile(user)
    if profile is None:
        return queryset.none()
    condition = Q(author=profile)
    if is_reviewer(user):
        condition |= Q(status__in=REVIEWER_VISIBLE) | Q(approved_by=profile) | Q(reviewer=profile)
    return queryset.filter(condition)
