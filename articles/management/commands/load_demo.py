"""``manage.py load_demo``: load or refresh the demo content, idempotently.

Rows are matched by slug (flat pages by URL) and only written when something differs,
so a second run changes nothing: no new rows, no new files and no moved timestamps.
Articles are published through :func:`articles.services.article_publish_reviewed`,
only when they are not published yet.
"""

from __future__ import annotations

import random
import zlib
from datetime import UTC, datetime, time, timedelta
from functools import partial

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.demo import content, images
from articles.models import (
    Article,
    ArticleDailyViews,
    ArticleTransition,
    Category,
    Reference,
    Section,
)
from articles.services import article_content_saved, article_publish_reviewed
from authors.models import Author

SITE_DOMAIN, SITE_NAME = "127.0.0.1:8000", "Bonespine"
VIEW_DAYS = 30
ARTICLE_FIELDS = ("title", "lead", "category_id", "author_id", "image_alt", "image_caption", "is_featured")
CONTENT_FIELDS = {"title", "lead", "image_alt", "image_caption", "featured_image"}  # what a sign-off covers


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
    obj.save(update_fields=changed + auto_now_fields(model))
    return obj, "updated"


def auto_now_fields(model) -> list[str]:
    """``auto_now`` fields, which a save with ``update_fields`` must name to move them."""
    return [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]


def attach_image(obj, field: str, make) -> bool:
    """Give ``obj.<field>`` a generated picture if it has none; returns whether it did."""
    if getattr(obj, field):
        return False
    picture = make()
    getattr(obj, field).save(picture.name, picture, save=False)
    return True


class Command(BaseCommand):
    help = "Load the Bonespine demo content (categories, authors, articles, pages, view counts). Idempotent."

    def handle(self, *args, **options):
        self.stats = {"articles_new": 0, "articles_updated": 0, "skipped": 0, "updated": 0, "views": 0}
        with transaction.atomic():
            site = self.load_site()
            categories = {data["slug"]: self.load_category(data) for data in content.CATEGORIES}
            authors = {data["slug"]: self.load_author(data) for data in content.AUTHORS}
            articles = [self.load_article(data, categories, authors) for data in content.ARTICLES]
            for data in content.FLATPAGES:
                self.load_flatpage(data, site)
            for article in articles:
                self.load_views(article)
        s = self.stats
        skipped = f", {s['skipped']} left unpublished by an editor" if s["skipped"] else ""
        self.stdout.write(self.style.SUCCESS(
            f"Demo content: {len(categories)} categories, {len(authors)} authors, "
            f"{len(articles)} articles ({s['articles_new']} new, {s['articles_updated']} updated{skipped}), "
            f"{len(content.FLATPAGES)} pages, {s['views']} daily view rows added, "
            f"{s['updated']} other rows created or updated."
        ))

    # --- site, categories, authors, pages ------------------------------------------------------

    def count(self, state: str) -> None:
        if state != "unchanged":
            self.stats["updated"] += 1

    def load_site(self) -> Site:
        site, state = upsert(Site, {"pk": settings.SITE_ID}, {"domain": SITE_DOMAIN, "name": SITE_NAME})
        self.count(state)
        Site.objects.clear_cache()
        return site

    def load_category(self, data: dict) -> Category:
        values = {k: data[k] for k in ("name", "description", "position")}
        category, state = upsert(Category, {"slug": data["slug"]}, values)
        if attach_image(category, "icon", lambda: images.category_icon(category.slug)):
            category.save(update_fields=["icon"])
            state = "updated" if state == "unchanged" else state
        self.count(state)
        return category

    def load_author(self, data: dict) -> Author:
        values = {k: v for k, v in data.items() if k != "slug"}
        author, state = upsert(Author, {"slug": data["slug"]}, values)
        if attach_image(author, "photo", lambda: images.author_photo(author.slug, author.name)):
            author.save(update_fields=["photo"])
            state = "updated" if state == "unchanged" else state
        self.count(state)
        return author

    def load_flatpage(self, data: dict, site: Site) -> None:
        page, state = upsert(FlatPage, {"url": data["url"]}, {"title": data["title"], "content": data["content"]})
        if set(page.sites.values_list("pk", flat=True)) != {site.pk}:
            page.sites.set([site])
            state = "updated" if state == "unchanged" else state
        self.count(state)

    # --- articles ------------------------------------------------------------------------------

    def load_article(self, data: dict, categories: dict, authors: dict) -> Article:
        """Create or refresh one demo article and make sure its demo content is the live version.

        The Article row with its sections and references is the working copy. A new article is
        signed off and published at its fixed demo date. If the demo content of an existing
        article changed, the working copy is updated, which starts a working revision
        (``article_content_saved``), and that revision is signed off and published now, so the
        live page, "last updated" and "last reviewed" move only then. An article an editor has
        unpublished or archived is left alone.
        """
        category = categories[data["category"]]
        values = {
            "title": data["title"],
            "lead": data["lead"],
            "category_id": category.pk,
            "author_id": authors[data["author"]].pk,
            "image_alt": data["image_alt"],
            "image_caption": data["image_caption"],
            "is_featured": data["featured"],
        }
        sections = [(heading, content.md(body)) for heading, body in data["sections"]]
        references = [tuple(ref[f] for f in content.REFERENCE_FIELDS) for ref in data["references"]]
        make_image = partial(images.featured_image, data["slug"], category.slug, data["motif"], category.name)

        article = Article.objects.filter(slug=data["slug"]).first()
        created = article is None
        if not created and article.status in (Article.Status.UNPUBLISHED, Article.Status.ARCHIVED):
            self.stats["skipped"] += 1
            return article
        with transaction.atomic():
            if created:
                article = Article(slug=data["slug"], **values)
                attach_image(article, "featured_image", make_image)
                article.save()
                changed_fields = []
            else:
                changed_fields = [f for f in ARTICLE_FIELDS if getattr(article, f) != values[f]]
                for field in changed_fields:
                    setattr(article, field, values[field])
                if attach_image(article, "featured_image", make_image):
                    changed_fields += ["featured_image", "image_width", "image_height"]
                if changed_fields:
                    article.save(update_fields=changed_fields + auto_now_fields(Article))
            content_changed = bool(CONTENT_FIELDS.intersection(changed_fields))

            if created or self.current_sections(article) != sections:
                article.sections.all().delete()
                for position, (heading, body) in enumerate(sections, start=1):
                    Section.objects.create(article=article, position=position, heading=heading, body=body)
                content_changed = True
            if created or self.current_references(article) != references:
                article.references.all().delete()
                for position, row in enumerate(references, start=1):
                    reference = Reference(article=article, position=position,
                                          **dict(zip(content.REFERENCE_FIELDS, row)))
                    reference.full_clean()
                    reference.save()
                content_changed = True
            touched = content_changed or bool(changed_fields)

            if {t.lower() for t in article.tags.names()} != {t.lower() for t in data["tags"]}:
                article.tags.set(data["tags"])  # tags are not content: "last updated" stays
                touched = True

            if content_changed and not created:
                article = article_content_saved(article=article, by=None)
            if article.status != Article.Status.PUBLISHED:
                self.publish(article, authors[data["reviewer"]], data["published"], first=article.live_version_id is None)
                touched = True

        if created:
            self.stats["articles_new"] += 1
        elif touched:
            self.stats["articles_updated"] += 1
        return article

    @staticmethod
    def current_sections(article: Article) -> list:
        return list(article.sections.order_by("position", "pk").values_list("heading", "body"))

    @staticmethod
    def current_references(article: Article) -> list:
        return [tuple(row) for row in
                article.references.order_by("position", "pk").values_list(*content.REFERENCE_FIELDS)]

    @staticmethod
    def publish(article: Article, reviewer: Author, day, first: bool) -> None:
        """Sign off and publish: a first publication at the fixed demo date (with matching
        created/modified times and workflow steps), a later revision now."""
        if not first:
            article_publish_reviewed(article=article, reviewer=reviewer)
            return
        published_at = datetime.combine(day, time(14, 0), tzinfo=UTC)
        article_publish_reviewed(article=article, reviewer=reviewer, reviewed_on=day, published_at=published_at)
        Article.objects.filter(pk=article.pk).update(
            created_at=published_at - timedelta(days=14), modified_at=published_at
        )
        steps = list(ArticleTransition.objects.filter(article=article).order_by("pk").values_list("pk", flat=True))
        for n, pk in enumerate(reversed(steps)):  # sign-off, then publication, a minute apart
            ArticleTransition.objects.filter(pk=pk).update(at=published_at - timedelta(minutes=n))
        article.refresh_from_db(fields=["created_at", "modified_at"])

    # --- view counts ---------------------------------------------------------------------------

    def load_views(self, article: Article) -> None:
        """Plausible daily views over the last 30 days, only for articles that have none yet."""
        if article.daily_views.exists() or not article.first_published_at:
            return
        rng = random.Random(zlib.crc32(article.slug.encode("utf-8")))
        base = rng.randint(20, 140) * (2 if article.is_featured else 1)
        today = timezone.now().date()
        first_day = max(today - timedelta(days=VIEW_DAYS - 1), article.first_published_at.date())
        rows = []
        day = first_day
        while day <= today:
            weekday_factor = 0.75 if day.weekday() >= 5 else 1.0
            rows.append(ArticleDailyViews(article=article, day=day,
                                          views=max(1, round(base * weekday_factor * rng.uniform(0.6, 1.4)))))
            day += timedelta(days=1)
        ArticleDailyViews.objects.bulk_create(rows)
        self.stats["views"] += len(rows)
