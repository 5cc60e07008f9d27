"""Load or refresh the demo content idempotently (``manage.py load_demo``).

Rows are matched by slug (flat pages by URL) and only written when something differs,
so a second run changes nothing: no new rows, no new files and no moved timestamps.
Articles are created and updated through :func:`articles.services.article_create` and
:func:`articles.services.article_update`, and published through
:func:`articles.services.article_publish_reviewed`, only when they are not published yet.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import partial

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.db import transaction
from django.utils import timezone

from authors.models import Author

from .. import rendering, services
from ..models import Article, ArticleTransition, Category
from . import content, images

SITE_DOMAIN, SITE_NAME = "127.0.0.1:8000", "Bonespine"
VIEW_DAYS = 30
ARTICLE_FIELDS = ("title", "lead", "category_id", "author_id", "image_alt", "image_caption", "is_featured")


@dataclass
class DemoSummary:
    """What a run loaded and changed (``updated``: rows other than articles created or updated)."""

    categories: int = 0
    authors: int = 0
    articles: int = 0
    pages: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    skipped: int = 0
    updated: int = 0
    views: int = 0

    def count(self, state: str) -> None:
        if state != "unchanged":
            self.updated += 1


def load_demo() -> DemoSummary:
    """Load the demo site, categories, authors, articles, flat pages and view counts in one transaction."""
    summary = DemoSummary()
    with transaction.atomic():
        site = load_site(summary)
        categories = {data["slug"]: load_category(data, summary) for data in content.CATEGORIES}
        authors = {data["slug"]: load_author(data, summary) for data in content.AUTHORS}
        articles = [load_article(data, categories, authors, summary) for data in content.ARTICLES]
        for data in content.FLATPAGES:
            load_flatpage(data, site, summary)
        for article in articles:
            load_views(article, summary)
    summary.categories, summary.authors = len(categories), len(authors)
    summary.articles, summary.pages = len(articles), len(content.FLATPAGES)
    return summary


# --- generic helpers -------------------------------------------------------------------------

def upsert(model, lookup: dict, values: dict):
    """Get the row matching ``lookup`` and update only the fields that differ, or create it.

    Returns ``(obj, state)`` with state "created", "updated" or "unchanged"; an unchanged row
    is not saved at all, so ``auto_now`` timestamps stay put.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), "created"
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if not changed:
        return obj, "unchanged"
    for field in changed:
        setattr(obj, field, values[field])
    obj.save(update_fields=changed + services.auto_now_fields(model))
    return obj, "updated"


def attach_image(obj, field: str, make) -> bool:
    """Give ``obj.<field>`` a generated picture if it has none; returns whether it did."""
    if getattr(obj, field):
        return False
    picture = make()
    getattr(obj, field).save(picture.name, picture, save=False)
    return True


# --- site, categories, authors, pages --------------------------------------------------------

def load_site(summary: DemoSummary) -> Site:
    site, state = upsert(Site, {"pk": settings.SITE_ID}, {"domain": SITE_DOMAIN, "name": SITE_NAME})
    summary.count(state)
    Site.objects.clear_cache()
    return site


def load_category(data: dict, summary: DemoSummary) -> Category:
    values = {k: data[k] for k in ("name", "description", "position")}
    category, state = upsert(Category, {"slug": data["slug"]}, values)
    if attach_image(category, "icon", lambda: images.category_icon(category.slug)):
        category.save(update_fields=["icon"])
        state = "updated" if state == "unchanged" else state
    summary.count(state)
    return category


def load_author(data: dict, summary: DemoSummary) -> Author:
    values = {k: v for k, v in data.items() if k != "slug"}
    author, state = upsert(Author, {"slug": data["slug"]}, values)
    if attach_image(author, "photo", lambda: images.author_photo(author.slug, author.name)):
        author.save(update_fields=["photo"])
        state = "updated" if state == "unchanged" else state
    summary.count(state)
    return author


def load_flatpage(data: dict, site: Site, summary: DemoSummary) -> None:
    values = {"title": data["title"], "content": rendering.sanitize_page(data["content"])}
    page, state = upsert(FlatPage, {"url": data["url"]}, values)
    if set(page.sites.values_list("pk", flat=True)) != {site.pk}:
        page.sites.set([site])
        state = "updated" if state == "unchanged" else state
    summary.count(state)


# --- articles --------------------------------------------------------------------------------

def load_article(data: dict, categories: dict, authors: dict, summary: DemoSummary) -> Article:
    """Create or refresh one demo article and make sure its demo content is the live version.

    The Article row with its sections and references is the working copy. A new article is
    created (``article_create``), signed off and published at its fixed demo date. If the
    demo data of an existing article differs, only what differs is passed to
    ``article_update``, which starts a working revision when the content changed; that
    revision is signed off and published now, so the live page, "last updated" and "last
    reviewed" move only then. An article an editor has unpublished or archived is left alone.
    """
    category = categories[data["category"]]
    values = {
        "title": data["title"],
        "lead": content.to_html(data["lead"]),
        "category_id": category.pk,
        "author_id": authors[data["author"]].pk,
        "image_alt": data["image_alt"],
        "image_caption": data["image_caption"],
        "is_featured": data["featured"],
    }
    sections = [{"heading": heading, "body": content.to_html(body)} for heading, body in data["sections"]]
    references = [{"key": f"r{n}", **{f: ref[f] for f in content.REFERENCE_FIELDS}}
                  for n, ref in enumerate(data["references"], 1)]
    make_image = partial(images.featured_image, data["slug"], category.slug, data["motif"], category.name)

    article = Article.objects.filter(slug=data["slug"]).first()
    created = article is None
    if not created and article.status in (Article.Status.UNPUBLISHED, Article.Status.ARCHIVED):
        summary.skipped += 1
        return article
    with transaction.atomic():
        if created:
            article = Article(slug=data["slug"], **values)
            attach_image(article, "featured_image", make_image)
            article = services.article_create(
                article=article, by=None, sections=sections, references=references, tags=data["tags"]
            )
            touched = True
        else:
            article, touched = update_article(article, values, sections, references, data["tags"], make_image)
        if article.status != Article.Status.PUBLISHED:
            publish(article, authors[data["reviewer"]], data["published"], first=article.live_version_id is None)
            touched = True

    if created:
        summary.articles_new += 1
    elif touched:
        summary.articles_updated += 1
    return article


def update_article(article: Article, values: dict, sections: list[dict], references: list[dict],
                   tags: list[str], make_image) -> tuple[Article, bool]:
    """Pass what differs from the demo data to ``article_update``.

    Returns the article as the service left it and whether anything differed.
    """
    changed_fields = [f for f in ARTICLE_FIELDS if getattr(article, f) != values[f]]
    for field in changed_fields:
        setattr(article, field, values[field])
    if attach_image(article, "featured_image", make_image):
        changed_fields += ["featured_image", "image_width", "image_height"]
    changes = {
        "sections": sections if current_sections(article) != sections else None,
        "references": references if current_references(article) != references else None,
        "tags": tags if {t.lower() for t in article.tags.names()} != {t.lower() for t in tags} else None,
    }
    if not changed_fields and all(value is None for value in changes.values()):
        return article, False
    article = services.article_update(
        article=article, by=None, expected_revision=None, changed_fields=changed_fields, **changes
    )
    return article, True


def current_sections(article: Article) -> list[dict]:
    return list(article.sections.order_by("position", "pk").values("heading", "body"))


def current_references(article: Article) -> list[dict]:
    return list(article.references.order_by("position", "pk").values("key", *content.REFERENCE_FIELDS))


def publish(article: Article, reviewer: Author, day, first: bool) -> None:
    """Sign off and publish: a first publication at the fixed demo date (with matching
    created/modified times and workflow steps), a later revision now."""
    if not first:
        services.article_publish_reviewed(article=article, reviewer=reviewer)
        return
    published_at = datetime.combine(day, time(14, 0), tzinfo=UTC)
    services.article_publish_reviewed(article=article, reviewer=reviewer, reviewed_on=day, published_at=published_at)
    # Backdate what the demo dates imply (demo data only; no workflow meaning).
    Article.objects.filter(pk=article.pk).update(
        created_at=published_at - timedelta(days=14), modified_at=published_at
    )
    steps = list(ArticleTransition.objects.filter(article=article).order_by("pk").values_list("pk", flat=True))
    for n, pk in enumerate(reversed(steps)):  # sign-off, then publication, a minute apart
        ArticleTransition.objects.filter(pk=pk).update(at=published_at - timedelta(minutes=n))
    article.refresh_from_db(fields=["created_at", "modified_at"])


# --- view counts -----------------------------------------------------------------------------

def load_views(article: Article, summary: DemoSummary) -> None:
    """Plausible daily views over the last 30 days, only for articles that have none yet."""
    if article.daily_views.exists() or not article.first_published_at:
        return
    rng = random.Random(zlib.crc32(article.slug.encode("utf-8")))
    base = rng.randint(20, 140) * (2 if article.is_featured else 1)
    today = timezone.now().date()
    day = max(today - timedelta(days=VIEW_DAYS - 1), article.first_published_at.date())
    while day <= today:
        weekday_factor = 0.75 if day.weekday() >= 5 else 1.0
        views = max(1, round(base * weekday_factor * rng.uniform(0.6, 1.4)))
        services.record_article_view(article=article, day=day, count=views)
        summary.views += 1
        day += timedelta(days=1)
