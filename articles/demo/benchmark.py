"""A large, deterministic site for benchmarks (``manage.py bench_dataset``).

Builds 7 categories, 60 tags, 6 authors (3 of them medical reviewers) and N published
articles, each with 8 sections, 10 references, 2–4 tags, one live PublishedVersion and
daily view counts on 10–30 random days of the last 90. Everything comes from
``random.Random(seed)``, so the same seed gives the same content (dates are relative to
today, so that "popular this week" has data).

Fast on purpose (2,000 articles in seconds, 20,000 in about a minute on PostgreSQL):
rows are bulk-inserted in batches, section HTML is written directly (the generator only
produces paragraphs, bold and lists; the first article is checked to be what
``rendering.sanitize`` stores), the published
versions are made by ``snapshots.build_snapshot`` from the unsaved sections and
references, so they equal what publishing through the services would have stored,
search vectors are filled by one ``search.index_versions`` UPDATE, and all articles
share one generated featured image (with its renditions). Skipped compared with real
publishing: workflow steps (ArticleTransition) and django-simple-history rows, which no
public page reads.

It refuses to touch a database that already has articles, authors, categories or tags
unless given ``flush``, which first empties every table of the ``articles``,
``authors`` and ``taggit`` apps (history and feedback included). Benchmark data only:
never run it against a database you care about.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from authors.models import Author

from .. import pagecache, rendering, renditions, search
from ..models import Article, ArticleDailyViews, Category, PublishedVersion, Reference, Section
from ..workflow import snapshots
from . import images as demo_images
from .benchmark_text import (
    ASPECTS,
    AUDIENCES,
    AUTHORS,
    CATEGORIES,
    CONDITIONS,
    HEADINGS,
    INITIALS,
    JOURNALS,
    SURNAMES,
    TAGS,
    Text,
)

BATCH = 500
SECTIONS_PER_ARTICLE = 8
REFERENCES_PER_ARTICLE = 10
VIEW_WINDOW_DAYS = 90
IMAGE_NAME = "articles/bench/featured.jpg"
IMAGE_SIZE = (1200, 675)


class DatasetError(Exception):
    """The dataset was not built; the message says why."""


@dataclass
class DatasetSummary:
    articles: int
    sections: int
    references: int
    tag_links: int
    daily_views: int
    seconds: float
    seed: int
    vendor: str


def build_dataset(*, articles: int, seed: int = 1, flush: bool = False,
                  log: Callable[[str], None] = lambda message: None) -> DatasetSummary:
    """Build ``articles`` published articles (see the module docstring); ``log`` gets progress lines."""
    started = time.perf_counter()
    builder = DatasetBuilder(seed=seed, log=log)
    if flush:
        builder.flush()
    elif any(m.objects.exists() for m in (Article, Author, Category, Tag)):
        raise DatasetError(
            "The database already has articles, authors, categories or tags. bench_dataset only fills an "
            "empty database; pass --flush to delete that content first (benchmark databases only)."
        )
    builder.store_files()
    with transaction.atomic():
        builder.create_people()
        done = 0
        while done < articles:
            count = min(BATCH, articles - done)
            builder.create_batch(done, count)
            done += count
            if done % 5000 == 0 or done == articles:
                log(f"  {done} / {articles} articles ({time.perf_counter() - started:.1f} s)")
        builder.go_live()
        builder.self_check()
    analyze()
    pagecache.bump_generation()  # bulk writes send no signals: drop cached pages ourselves
    return DatasetSummary(
        articles=articles, sections=Section.objects.count(), references=Reference.objects.count(),
        tag_links=TaggedItem.objects.count(), daily_views=ArticleDailyViews.objects.count(),
        seconds=time.perf_counter() - started, seed=seed, vendor=connection.vendor,
    )


def analyze() -> None:
    """Fresh planner statistics (and, on PostgreSQL, a vacuumed visibility map), as autovacuum would."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


class DatasetBuilder:
    def __init__(self, *, seed: int, log: Callable[[str], None]):
        self.rng = random.Random(seed)
        self.text = Text(self.rng)
        self.log = log
        self.now = timezone.now() - timedelta(minutes=5)
        self.today = timezone.now().date()

    # --- set-up ----------------------------------------------------------------------------

    def flush(self) -> None:
        tables = sorted({
            model._meta.db_table
            for label in ("articles", "authors", "taggit")
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
        })
        sql = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
        connection.ops.execute_sql_flush(sql)
        self.log(f"Emptied {len(tables)} tables.")

    def store_files(self) -> None:
        """One featured image shared by all articles, with its renditions; icons and portraits."""
        picture = demo_images.featured_image("bench-featured", "fractures", "fracture", "Bonespine")
        name = self.put(IMAGE_NAME, picture.read())
        self.icons = {}
        for _, slug in CATEGORIES:
            self.icons[slug] = self.put(f"categories/bench/{slug}.png", demo_images.category_icon(slug).read())
        self.photos = {}
        for author_name, *_ in AUTHORS:
            slug = slugify(author_name)
            self.photos[slug] = self.put(f"authors/bench/{slug}.png",
                                         demo_images.author_photo(slug, author_name).read())
        self.image = {"name": name, "renditions": renditions.renditions_for(name)}

    @staticmethod
    def put(name: str, data: bytes) -> str:
        if default_storage.exists(name):
            default_storage.delete(name)
        return default_storage.save(name, ContentFile(data))

    def create_people(self) -> None:
        self.categories = Category.objects.bulk_create(
            Category(name=name, slug=slug, position=i, icon=self.icons[slug],
                     description=f"Articles about {name.lower()}: causes, treatment and recovery.")
            for i, (name, slug) in enumerate(CATEGORIES)
        )
        self.authors = Author.objects.bulk_create(
            Author(name=name, slug=slugify(name), credentials=credentials, professional_title=title,
                   is_medical_reviewer=reviewer, photo=self.photos[slugify(name)],
                   short_bio=self.text.paragraph(2), bio=self.text.paragraph(6),
                   specialties="Spine, Trauma, Sports injuries")
            for name, credentials, title, reviewer in AUTHORS
        )
        self.reviewers = [a for a in self.authors if a.is_medical_reviewer]
        self.tags = Tag.objects.bulk_create(Tag(name=name, slug=slugify(name)) for name in TAGS)
        self.content_type = ContentType.objects.get_for_model(Article)

    # --- articles ----------------------------------------------------------------------------

    def create_batch(self, offset: int, count: int) -> None:
        rng, text = self.rng, self.text
        rows = []  # (article, sections, references, tags)
        for n in range(offset + 1, offset + count + 1):
            condition, audience, aspect = rng.choice(CONDITIONS), rng.choice(AUDIENCES), rng.choice(ASPECTS)
            title = f"{condition}{audience}: {aspect}"
            lead = f"This guide explains {condition.lower()}{audience}. {text.paragraph(2)}"
            author = rng.choice(self.authors)
            reviewer = rng.choice([r for r in self.reviewers if r.pk != author.pk])
            published = self.now - timedelta(seconds=rng.randint(3600, 3 * 365 * 86400))
            approved = published - timedelta(hours=rng.randint(2, 72))
            updated = published if rng.random() < 0.7 else published + (self.now - published) * rng.random()
            reviewed_on = timezone.localdate(approved)
            article = Article(
                title=title, slug=f"{slugify(title)[:180]}-{n}", lead=f"<p>{lead}</p>", lead_html=f"<p>{lead}</p>",
                featured_image=self.image["name"], image_width=IMAGE_SIZE[0], image_height=IMAGE_SIZE[1],
                image_alt=f"Schematic drawing for {condition.lower()}",
                image_caption="Illustration: Bonespine benchmark data.",
                category=rng.choice(self.categories), author=author, reviewer=reviewer,
                status=Article.Status.DRAFT, is_featured=rng.random() < 0.05,
                first_published_at=published, content_updated_at=updated,
                last_reviewed_on=reviewed_on, next_review_due=reviewed_on + settings.BONESPINE_REVIEW_CYCLE,
                approved_by=reviewer, approved_at=approved, approval_kind=Article.ReviewKind.FULL,
            )  # a draft until go_live() sets the fingerprint of its version and publishes it
            sections = []
            for position, heading in enumerate(rng.sample(HEADINGS, SECTIONS_PER_ARTICLE), start=1):
                body = body_html = text.body()
                sections.append(Section(position=position, heading=heading, body=body, body_html=body_html,
                                        anchor=rendering.make_anchor(heading, set())))
            references = [self.reference(position) for position in range(1, REFERENCES_PER_ARTICLE + 1)]
            tags = rng.sample(self.tags, rng.randint(2, 4))
            rows.append((article, sections, references, tags))
        Article.objects.bulk_create([row[0] for row in rows], batch_size=BATCH)

        sections, references, frozen, tagged, views = [], [], [], [], []
        for article, article_sections, article_references, tags in rows:
            for item in article_sections:
                item.article = article
            for item in article_references:
                item.article = article
            sections += article_sections
            references += article_references
            frozen.append(self.snapshot(article, article_sections, article_references))
            tagged += [TaggedItem(tag=tag, content_type=self.content_type, object_id=article.pk) for tag in tags]
            views += self.views(article)
        Section.objects.bulk_create(sections, batch_size=BATCH)
        Reference.objects.bulk_create(references, batch_size=BATCH)
        PublishedVersion.objects.bulk_create(frozen, batch_size=BATCH)
        TaggedItem.objects.bulk_create(tagged, batch_size=2000)
        ArticleDailyViews.objects.bulk_create(views, batch_size=2000)

    def reference(self, position: int) -> Reference:
        rng = self.rng
        authors = ", ".join(f"{rng.choice(SURNAMES)} {''.join(rng.sample(INITIALS, rng.randint(1, 2)))}"
                            for _ in range(rng.randint(1, 4)))
        first_page = rng.randint(1, 900)
        has_doi = rng.random() < 0.85
        return Reference(
            position=position, authors=authors, title=self.text.phrase(),
            journal=rng.choice(JOURNALS), year=rng.randint(1995, 2025), volume=str(rng.randint(1, 120)),
            issue=str(rng.randint(1, 12)), pages=f"{first_page}-{first_page + rng.randint(3, 20)}",
            doi=f"10.{rng.randint(1000, 9999)}/bench.{rng.randint(10000, 99999)}" if has_doi else "",
            pmid=str(rng.randint(10_000_000, 39_999_999)),
        )

    def snapshot(self, article: Article, sections: list[Section], references: list[Reference]) -> PublishedVersion:
        """``snapshots.build_snapshot`` of the not yet saved parts, with the fields publishing adds
        to a first publication (as ``_go_live`` in :mod:`articles.workflow.services` does)."""
        # build_snapshot reads article.sections.all() / article.references.all(): hand it these rows.
        article._prefetched_objects_cache = {"sections": sections, "references": references}
        version = snapshots.build_snapshot(article)
        del article._prefetched_objects_cache
        version.number = 1
        version.published_at = article.first_published_at
        version.reviewer = article.approved_by
        version.review_kind = article.approval_kind
        version.reviewed_at = article.approved_at
        version.content_changed = True
        version.renditions = self.image["renditions"]
        return version

    def views(self, article: Article) -> list[ArticleDailyViews]:
        rng = self.rng
        days_live = min(VIEW_WINDOW_DAYS, (self.today - article.first_published_at.date()).days + 1)
        popularity = rng.paretovariate(1.3) * 12
        days = rng.sample(range(days_live), min(days_live, rng.randint(10, 30)))
        return [ArticleDailyViews(article=article, day=self.today - timedelta(days=d),
                                  views=max(1, int(popularity * rng.uniform(0.5, 1.5)))) for d in sorted(days)]

    # --- publication ----------------------------------------------------------------------------

    def go_live(self) -> None:
        """Sign every article off for its version's fingerprint and make that version live (one
        UPDATE), and index the versions for search (one UPDATE)."""
        version = PublishedVersion.objects.filter(article=OuterRef("pk"))
        Article.objects.update(
            live_version_id=Subquery(version.values("pk")[:1]),
            approved_fingerprint=Subquery(version.values("fingerprint")[:1]),
            status=Article.Status.PUBLISHED,
            created_at=F("approved_at") - timedelta(days=14),
            modified_at=F("content_updated_at"),
        )
        if search.is_postgres():
            started = time.perf_counter()
            search.index_versions(PublishedVersion.objects.all())
            self.log(f"Search vectors in {time.perf_counter() - started:.1f} s.")

    def self_check(self) -> None:
        """The first article, read back from the database, must publish to the version stored for it,
        and its HTML must be what Markdown rendering gives."""
        article = Article.objects.prefetch_related("sections", "references").order_by("pk").first()
        ours = PublishedVersion.objects.get(article=article)
        expected = snapshots.build_snapshot(article)
        problems = [
            field for field in ("title", "lead_html", "excerpt", "image", "image_alt", "image_caption", "sections",
                                "references", "content", "fingerprint", "section_text", "body_text")
            if getattr(ours, field) != getattr(expected, field)
        ]
        if rendering.sanitize(article.lead) != article.lead_html:
            problems.append("article.lead_html")
        problems += [f"section {s.position} body_html" for s in article.sections.all()
                     if rendering.sanitize(s.body) != s.body_html]
        if article.approved_fingerprint != snapshots.article_fingerprint(article):
            problems.append("approved_fingerprint")
        if problems:
            raise DatasetError(f"Generated rows differ from what publishing stores: {', '.join(problems)}")
