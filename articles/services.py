"""Every state change of articles goes through these functions.

They are transactional, keyword-only, check permissions and invariants, and raise
:class:`ArticleError` (or :class:`PermissionDenied`) with a message fit to show to
the person who asked.

Here: creating and updating the working copy (used by the admin and by ``load_demo``),
the optimistic edit lock, old addresses and view counts. The workflow transitions
(submit, review, publish, …) live in :mod:`articles.workflow.services`, driven by the
workflow table, and are re-exported here so every caller has one place to look.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from . import citations
from .models import Article, ArticleDailyViews, Category, CategoryRedirect, Reference, Section, SlugRedirect
from .workflow import permissions
from .workflow import services as workflow_services
from .workflow.services import (  # noqa: F401  (re-exported: the one place callers import services from)
    ArticleError,
    ConcurrentEditError,
    article_approve,
    article_archive,
    article_claim,
    article_comment,
    article_content_saved,
    article_publish,
    article_publish_reviewed,
    article_request_changes,
    article_request_reviewer,
    article_restore,
    article_schedule,
    article_submit,
    article_unpublish,
    article_unschedule,
    publish_scheduled,
    send_review_reminders,
)

# --- The working copy ------------------------------------------------------------------


def _replace_parts(article: Article, sections: Sequence[dict] | None, references: Sequence[dict] | None) -> None:
    """Replace the article's sections and/or references with validated rows, in order."""
    for model, rows, related in ((Section, sections, article.sections), (Reference, references, article.references)):
        if rows is None:
            continue
        related.all().delete()
        for position, values in enumerate(rows, start=1):
            row = model(article=article, position=position, **values)
            row.full_clean(exclude=["article"])
            row.save()


@transaction.atomic
def article_create(
    *,
    article: Article,
    by,
    sections: Sequence[dict] | None = None,
    references: Sequence[dict] | None = None,
    tags: Iterable[str] | None = None,
    save_related: Callable[[], None] | None = None,
) -> Article:
    """Save a new, unsaved working copy (always a draft) with its parts.

    ``sections`` and ``references`` are lists of field dicts (validated here);
    ``save_related`` lets the admin save its inline formsets and tags instead. An
    author who is not an editor always writes under their own name.
    """
    if by is not None:
        if not permissions.can_create(by):
            raise ArticleError("You are not allowed to write articles.")
        article.modified_by = by
        if not permissions.is_editor(by):
            article.author = permissions.author_profile(by)
    article.status = Article.Status.DRAFT
    article.save()
    _replace_parts(article, sections, references)
    if tags is not None:
        article.tags.set(list(tags))
    if save_related is not None:
        save_related()
    return article


@transaction.atomic
def article_update(
    *,
    article: Article,
    by,
    expected_revision: int | None,
    changed_fields: Iterable[str] | None = None,
    old_slug: str = "",
    sections: Sequence[dict] | None = None,
    references: Sequence[dict] | None = None,
    tags: Iterable[str] | None = None,
    save_related: Callable[[], None] | None = None,
) -> Article:
    """Save edits to the working copy and apply their workflow consequences.

    The edit lock: ``expected_revision`` is the edit revision the editor opened; a save
    from an older one is refused (:class:`ConcurrentEditError`). ``None`` (commands) skips
    the check but still moves the revision, so open forms see the change. A renamed
    published article keeps its old address (301). The consequence for the workflow
    (sign-off voided, working revision started) is :func:`article_content_saved`.
    """
    if by is not None and not permissions.can_edit(by, article):
        raise ArticleError("You cannot edit this article in its current state.")
    claim_edit_revision(article=article, expected_revision=expected_revision, by=by)
    if changed_fields is None:
        article.save()
    else:
        article.save(update_fields={*changed_fields, *auto_now_fields(Article)})
    if old_slug:
        article_slug_changed(article=article, old_slug=old_slug)
    _replace_parts(article, sections, references)
    if tags is not None:
        article.tags.set(list(tags))  # tags are not content: "last updated" stays
    if save_related is not None:
        save_related()
    return article_content_saved(article=article, by=by)


# Content fields a restore brings back: exactly what a sign-off covers (never the slug,
# the status, the live version or any other workflow field).
SECTION_FIELDS = ("heading", "anchor", "body")
# A reference's key comes back too, so the citations in the restored text still point to it.
REFERENCE_FIELDS = ("key", *citations.REFERENCE_FIELDS)


def content_from_history(record) -> dict:
    """The content of a django-simple-history record of an article, with its sections and
    references as they were at that moment."""
    when = record.history_date
    sections = Section.history.as_of(when).filter(article_id=record.id).order_by("position", "pk")
    references = Reference.history.as_of(when).filter(article_id=record.id).order_by("position", "pk")
    return {
        "title": record.title, "lead": record.lead, "image": record.featured_image or "",
        "image_alt": record.image_alt, "image_caption": record.image_caption,
        "sections": [{f: getattr(s, f) for f in SECTION_FIELDS} for s in sections],
        "references": [{f: getattr(r, f) for f in REFERENCE_FIELDS} for r in references],
    }


def content_from_version(version) -> dict:
    """The content of a published version (references come back as free-text citations
    with their DOI, PubMed ID and address: the version keeps them in that form)."""
    content = version.content or {}
    return {
        **{key: content.get(key, "") for key in ("title", "lead", "image", "image_alt", "image_caption")},
        "sections": [{f: s.get(f, "") for f in SECTION_FIELDS} for s in content.get("sections", [])],
        "references": [
            {"kind": "other", "citation_text": r.get("text", ""), "doi": r.get("doi", ""),
             "pmid": r.get("pmid", ""), "url": r.get("url", ""), **({"key": r["key"]} if r.get("key") else {})}
            for r in content.get("references", [])
        ],
    }


@transaction.atomic
def article_restore_content(*, article: Article, by, content: dict, source: str) -> Article:
    """Bring back older content (a history record or a past published version) as an EDIT of the
    working copy. The live page does not change: the sign-off is voided, the article goes back
    to draft, the step is recorded, and it needs review and publishing like any other edit.
    The slug, the category, the tags and every workflow field stay as they are now.
    """
    if by is not None and not permissions.can_edit(by, article):
        raise ArticleError("You cannot edit this article in its current state, so you cannot restore older content.")
    from django.core.files.storage import default_storage

    article.title, article.lead = content["title"], content["lead"]
    article.image_alt, article.image_caption = content["image_alt"], content["image_caption"]
    changed = ["title", "lead", "image_alt", "image_caption"]
    note = ""
    if (content["image"] or "") != (article.featured_image.name or ""):
        if not content["image"] or default_storage.exists(content["image"]):
            article.featured_image.name = content["image"] or ""
            Article._meta.get_field("featured_image").update_dimension_fields(article, force=True)
            changed += ["featured_image", "image_width", "image_height"]
        else:
            note = " The picture of that version no longer exists; the current one was kept."
    article = article_update(article=article, by=by, expected_revision=None, changed_fields=changed,
                             sections=content["sections"], references=content["references"])
    return workflow_services.article_back_to_draft(
        article=article, by=by, comment=f"Restored the content of {source} as a new draft.{note} The live page "
        "keeps the signed-off version until this is reviewed and published.")


def auto_now_fields(model) -> list[str]:
    """``auto_now`` fields, which a save with ``update_fields`` must name to move them."""
    return [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]


def article_slug_changed(*, article: Article, old_slug: str) -> None:
    """Keep a published article's old address answering with a 301 to the new one."""
    if not old_slug or old_slug == article.slug or article.first_published_at is None:
        return
    with transaction.atomic():
        SlugRedirect.objects.filter(old_slug=article.slug).delete()  # the new address is real again
        SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"article": article})


def claim_edit_revision(*, article: Article, expected_revision: int | None, by) -> None:
    """Optimistic lock: move the article's edit revision on, only if nobody saved since
    ``expected_revision`` (``None``: unconditionally, for commands).

    Raises :class:`ConcurrentEditError` naming who saved it and when.
    """
    rows = Article.objects.filter(pk=article.pk)
    if expected_revision is not None:
        rows = rows.filter(edit_revision=expected_revision)
    if not rows.update(edit_revision=F("edit_revision") + 1, modified_by=by, modified_at=timezone.now()):
        raise ConcurrentEditError(conflict_message(article))
    article.refresh_from_db(fields=["edit_revision"])
    article.modified_by = by


def conflict_message(article: Article) -> str:
    current = Article.objects.filter(pk=article.pk).select_related("modified_by").first()
    if current is None:
        return "This article was deleted by someone else."
    who = current.modified_by.get_full_name() or current.modified_by.username if current.modified_by else "someone else"
    when = timezone.localtime(current.modified_at).strftime("%d %b %Y at %H:%M:%S")
    return (
        f"{who} saved this article on {when}, after you opened it. Your changes were NOT saved and are still in "
        "the form below: copy what you need, reload the page to see their version, and apply your changes again."
    )


# --- Views -------------------------------------------------------------------------

def record_article_view(*, article: Article, day: date | None = None, count: int = 1) -> None:
    """Add ``count`` views of ``article`` on ``day`` without losing concurrent increments.

    An UPDATE with an F() expression is atomic in the database; when the row for the
    day does not exist yet, the INSERT races are settled by the unique constraint.
    """
    day = day or timezone.now().date()
    updated = ArticleDailyViews.objects.filter(article=article, day=day).update(views=F("views") + count)
    if updated:
        return
    try:
        with transaction.atomic():
            ArticleDailyViews.objects.create(article=article, day=day, views=count)
    except IntegrityError:
        ArticleDailyViews.objects.filter(article=article, day=day).update(views=F("views") + count)


# --- Categories ----------------------------------------------------------------------

@transaction.atomic
def category_update(*, category: Category, by=None) -> Category:
    """Save a new or changed category; a renamed one keeps its old address.

    The old slug is read from the database, so every caller (the admin's change form, its
    list, a command) gets the same rule: ``/category/<old>/`` and its feeds answer 301 to
    the new address (:func:`category_slug_changed`). ``by`` (a user) needs the admin's
    add or change permission for categories; ``None`` is a command.
    """
    from django.core.exceptions import PermissionDenied

    if by is not None:
        needed = "articles.change_category" if category.pk else "articles.add_category"
        if not by.has_perm(needed):
            raise PermissionDenied("You are not allowed to change categories.")
    old_slug = Category.objects.filter(pk=category.pk).values_list("slug", flat=True).first() if category.pk else ""
    category.save()
    category_slug_changed(category=category, old_slug=old_slug or "")
    return category


def category_slug_changed(*, category: Category, old_slug: str) -> None:
    """Keep ``old_slug`` answering with a 301 to ``category``'s current address; the current
    slug is never an old address (a category that takes back a slug makes it real again)."""
    with transaction.atomic():
        CategoryRedirect.objects.filter(old_slug=category.slug).delete()
        if old_slug and old_slug != category.slug:
            CategoryRedirect.objects.update_or_create(old_slug=old_slug, defaults={"category": category})
