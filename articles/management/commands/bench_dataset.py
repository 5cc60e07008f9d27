"""``manage.py bench_dataset --articles N [--seed 1] [--flush]``: a large, deterministic site for benchmarks.

Builds 7 categories, 60 tags, 6 authors (3 of them medical reviewers) and N published
articles, each with 8 sections, 10 references, 2–4 tags, one live PublishedVersion and
daily view counts on 10–30 random days of the last 90. Everything comes from
``random.Random(seed)``, so the same seed gives the same content (dates are relative to
today, so that "popular this week" has data).

Fast on purpose (2,000 articles in seconds, 20,000 in about a minute on PostgreSQL):
rows are bulk-inserted in batches, section HTML is written directly instead of going
through Markdown (the generator only produces paragraphs, ``**bold**`` and ``-`` lists,
and the first article is checked against ``rendering.render_markdown`` and
``snapshots.build_snapshot``, so the rows equal what publishing through the services
would have stored), search vectors are filled by one UPDATE like
``search.index_version`` does for one row, and all articles share one generated
featured image (with its renditions). Skipped compared with real publishing: workflow
steps (ArticleTransition) and django-simple-history rows, which no public page reads.

It refuses to touch a database that already has articles, authors, categories or tags
unless given ``--flush``, which first empties every table of the ``articles``,
``authors`` and ``taggit`` apps (history and feedback included). Benchmark data only:
never run it against a database you care about.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles import pagecache, rendering, renditions, search
from articles.demo import images as demo_images
from articles.models import (
    Article,
    ArticleDailyViews,
    Category,
    PublishedVersion,
    Reference,
    Section,
)
from articles.workflow import snapshots
from authors.models import Author

BATCH = 500
SECTIONS_PER_ARTICLE = 8
REFERENCES_PER_ARTICLE = 10
VIEW_WINDOW_DAYS = 90
IMAGE_NAME = "articles/bench/featured.jpg"
IMAGE_SIZE = (1200, 675)

CATEGORIES = [
    ("Anatomy", "anatomy"), ("Fractures", "fractures"), ("Diseases", "diseases"),
    ("Spine Disorders", "spine-disorders"), ("Patient Guides", "patient-guides"),
    ("Procedures", "procedures"), ("Wellness", "wellness"),
]
# (name, credentials, title, medical reviewer?)
AUTHORS = [
    ("Dr Lena Fischer", "MBBS, FRCS (Orth)", "Consultant orthopaedic surgeon", False),
    ("Dr Tomasz Nowak", "MD, PhD", "Spine surgeon", False),
    ("Dr Priya Raman", "MBBS, MS (Orthopaedics)", "Consultant in trauma and orthopaedics", True),
    ("Dr Samuel Adeyemi", "MBChB, FRCS", "Sports medicine physician", True),
    ("Dr Clara Jensen", "MSc, MCSP", "Clinical lead physiotherapist", False),
    ("Dr Mateo Ruiz", "MD, FACS", "Hand and wrist surgeon", True),
]
ORTHO = [
    "fracture", "osteoporosis", "arthritis", "osteoarthritis", "sciatica", "scoliosis", "stenosis", "bursitis",
    "tendinitis", "sprain", "strain", "dislocation", "cartilage", "ligament", "tendon", "meniscus", "vertebra",
    "spine", "knee", "hip", "shoulder", "elbow", "wrist", "ankle", "pelvis", "femur", "tibia", "fibula",
    "radius", "ulna", "humerus", "scaphoid", "disc", "nerve", "muscle", "bone", "joint", "cast", "splint",
    "brace", "physiotherapy", "rehabilitation", "surgery", "arthroscopy", "implant", "replacement",
    "swelling", "stiffness", "mobility", "posture", "x-ray", "MRI", "fusion", "plaster", "crutches",
    "osteotomy", "rotator cuff", "carpal tunnel", "whiplash", "back pain", "neck pain", "gout", "bunion",
    "plantar fasciitis", "hamstring", "achilles", "kyphosis", "lordosis", "herniation", "bone density",
]
TAGS = ORTHO[:60]
GENERAL = [
    "the", "a", "an", "patients", "often", "may", "can", "should", "usually", "after", "before", "during",
    "with", "without", "and", "or", "but", "when", "while", "most", "many", "some", "people", "doctor",
    "treatment", "recovery", "weeks", "months", "daily", "activity", "exercise", "rest", "gentle", "gradual",
    "careful", "early", "common", "rare", "symptoms", "signs", "test", "scan", "advice", "support", "help",
    "improve", "reduce", "increase", "protect", "heal", "return", "work", "sport", "walking", "sleep", "weight",
    "load", "movement", "range", "strength", "balance", "risk", "age", "injury", "fall", "impact", "pressure",
    "time", "plan", "team", "check", "follow", "ask", "notice", "feel", "describe", "measure", "explain",
    "record", "review", "guide", "for", "of", "to", "in", "on", "at", "from", "this", "that", "these", "their",
    "your", "its", "is", "are", "was", "be", "been", "will", "not", "also", "more", "less", "very", "quite",
    "slowly", "quickly", "safely", "regularly", "carefully", "new", "long", "short", "mild", "severe",
    "chronic", "acute", "local", "general", "normal", "healthy", "simple", "clear", "important", "useful",
    "night", "morning", "evening", "stairs", "chair", "desk", "shoes", "ice", "heat", "medicine", "tablets",
    "injection", "appointment", "clinic", "nurse", "surgeon", "physiotherapist", "family", "partner",
    "children", "adults",
]
CONDITIONS = [
    "Stress fracture of the tibia", "Scaphoid fracture", "Hip osteoarthritis", "Knee osteoarthritis",
    "Lumbar disc herniation", "Rotator cuff tear", "Frozen shoulder", "Tennis elbow", "Carpal tunnel syndrome",
    "Ankle sprain", "Achilles tendon rupture", "Plantar fasciitis", "Osteoporosis", "Scoliosis",
    "Spinal stenosis", "Sciatica", "Whiplash", "Wrist fracture", "Hip fracture", "Meniscus tear",
    "ACL injury", "Shoulder dislocation", "Gout", "Bunions", "Kyphosis", "Neck pain", "Low back pain",
    "Hamstring strain", "Bursitis of the hip", "Total knee replacement", "Total hip replacement",
    "Spinal fusion", "Knee arthroscopy", "Clavicle fracture", "Osteomyelitis", "Bone density scans",
    "Cervical radiculopathy", "Trigger finger", "Shin splints", "Patellar tendinitis",
]
AUDIENCES = ["", " in children", " in older adults", " in athletes", " in runners", " after sixty",
             " for office workers", " in pregnancy"]
ASPECTS = [
    "causes and treatment", "what to expect after surgery", "a recovery timeline", "exercises that help",
    "a guide for patients", "diagnosis and imaging", "when to see a doctor", "living with it day to day",
    "myths and facts", "prevention tips", "questions to ask your surgeon", "pain relief options",
]
HEADINGS = [
    "Overview", "Causes", "Symptoms", "Diagnosis", "Treatment", "Recovery", "Prevention", "Risk factors",
    "Complications", "Outlook", "Exercises", "Non-surgical treatment", "Surgery", "Living with the condition",
    "When to see a doctor", "Frequently asked questions",
]
SURNAMES = ["Smith", "Patel", "Garcia", "Kim", "Okafor", "Muller", "Rossi", "Tanaka", "Nielsen", "Dubois",
            "Kowalski", "Silva", "Chen", "Ivanova", "Hughes", "Andersson", "Costa", "Haddad", "Singh", "Murphy"]
JOURNALS = ["J Bone Joint Surg Am", "Bone Joint J", "Spine (Phila Pa 1976)", "Clin Orthop Relat Res",
            "Am J Sports Med", "Osteoporos Int", "BMJ", "Lancet", "Arthritis Care Res", "J Orthop Trauma",
            "Br J Sports Med", "Injury"]
INITIALS = "ABCDEFGHJKLMNPRSTW"


class Text:
    """Deterministic pseudo-English with orthopaedic words: Markdown and its HTML side by side.

    Sentences are drawn once into pools and then combined, which keeps 20,000 articles fast
    while every section is still a different mix.
    """

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.sentences = [self.make_sentence(8, 18) for _ in range(5000)]
        self.phrases = [self.make_sentence(6, 12)[:-1] for _ in range(2000)]
        self.items = [self.make_sentence(3, 6)[:-1] for _ in range(500)]

    def make_sentence(self, low: int, high: int) -> str:
        rng = self.rng
        words = [rng.choice(ORTHO) if rng.random() < 0.18 else rng.choice(GENERAL)
                 for _ in range(rng.randint(low, high))]
        for i in range(1, len(words) - 1):
            if rng.random() < 0.07:
                words[i] += ","
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.rng.choices(self.sentences, k=sentences))

    def phrase(self) -> str:
        return self.rng.choice(self.phrases)

    def body(self) -> tuple[str, str, str]:
        """About 150 words: two or three paragraphs, sometimes a bold phrase or a short list.

        Returns the Markdown, its HTML and its plain text (what ``rendering.plain_text`` gives).
        """
        rng = self.rng
        md, html, plain = [], [], []
        with_list = rng.random() < 0.3
        paragraphs = 2 if with_list else rng.choice((2, 3))
        for _ in range(paragraphs):
            text = self.paragraph(5 if with_list else 12 // paragraphs)
            if rng.random() < 0.25:
                word = rng.choice(ORTHO)
                md.append(f"{text} Remember the **{word}**.")
                html.append(f"<p>{text} Remember the <strong>{word}</strong>.</p>")
                plain.append(f"{text} Remember the {word}.")
            else:
                md.append(text)
                html.append(f"<p>{text}</p>")
                plain.append(text)
        if with_list:
            items = rng.sample(self.items, 3)
            md.append("\n".join(f"- {item}" for item in items))
            html.append("<ul>\n" + "\n".join(f"<li>{item}</li>" for item in items) + "\n</ul>")
            plain += items
        return "\n\n".join(md), "\n".join(html), " ".join(plain)


class Command(BaseCommand):
    help = "Build a large deterministic benchmark dataset (refuses a non-empty database unless --flush)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True, help="How many published articles to create.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--flush", action="store_true",
                            help="Empty every articles/authors/taggit table first (destroys their data).")

    def handle(self, *args, articles: int, seed: int, flush: bool, **options):
        if articles < 1:
            raise CommandError("--articles must be at least 1.")
        started = time.perf_counter()
        if flush:
            self.flush()
        elif any(m.objects.exists() for m in (Article, Author, Category, Tag)):
            raise CommandError(
                "The database already has articles, authors, categories or tags. bench_dataset only fills an "
                "empty database; pass --flush to delete that content first (benchmark databases only)."
            )
        rng = random.Random(seed)
        self.text = Text(rng)
        self.rng = rng
        self.now = timezone.now() - timedelta(minutes=5)
        self.today = timezone.now().date()
        self.image = self.store_files()
        with transaction.atomic():
            self.create_people()
            done = 0
            while done < articles:
                count = min(BATCH, articles - done)
                self.create_batch(done, count)
                if done == 0:
                    self.self_check()
                done += count
                if done % 5000 == 0 or done == articles:
                    self.stdout.write(f"  {done} / {articles} articles ({time.perf_counter() - started:.1f} s)")
            self.go_live()
        self.analyze()
        pagecache.bump_generation()  # bulk writes send no signals: drop cached pages ourselves
        self.stdout.write(self.style.SUCCESS(
            f"Benchmark dataset: {articles} articles, {Section.objects.count()} sections, "
            f"{Reference.objects.count()} references, {TaggedItem.objects.count()} tag links, "
            f"{ArticleDailyViews.objects.count()} daily view rows in {time.perf_counter() - started:.1f} s "
            f"(seed {seed}, {connection.vendor})."
        ))

    # --- set-up ----------------------------------------------------------------------------

    def flush(self) -> None:
        tables = sorted({
            model._meta.db_table
            for label in ("articles", "authors", "taggit")
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
        })
        sql = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
        connection.ops.execute_sql_flush(sql)
        self.stdout.write(f"Emptied {len(tables)} tables.")

    def store_files(self) -> dict:
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
        return {"name": name, "renditions": renditions.renditions_for(name)}

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
                title=title, slug=f"{slugify(title)[:180]}-{n}", lead=lead, lead_html=f"<p>{lead}</p>",
                featured_image=self.image["name"], image_width=IMAGE_SIZE[0], image_height=IMAGE_SIZE[1],
                image_alt=f"Schematic drawing for {condition.lower()}",
                image_caption="Illustration: Bonespine benchmark data.",
                category=rng.choice(self.categories), author=author, reviewer=reviewer,
                status=Article.Status.APPROVED, is_featured=rng.random() < 0.05,
                first_published_at=published, content_updated_at=updated,
                last_reviewed_on=reviewed_on, next_review_due=reviewed_on + settings.BONESPINE_REVIEW_CYCLE,
                approved_by=reviewer, approved_at=approved, approval_kind=Article.ReviewKind.FULL,
            )
            sections = []
            for position, heading in enumerate(rng.sample(HEADINGS, SECTIONS_PER_ARTICLE), start=1):
                body, body_html, body_text = text.body()
                section = Section(position=position, heading=heading, body=body, body_html=body_html,
                                  anchor=rendering.make_anchor(heading, set()))
                section.plain = body_text  # = rendering.plain_text(body_html), without parsing HTML again
                sections.append(section)
            references = [self.reference(position) for position in range(1, REFERENCES_PER_ARTICLE + 1)]
            tags = rng.sample(self.tags, rng.randint(2, 4))
            content = self.content(article, sections, references)
            article.approved_fingerprint = snapshots.fingerprint_of(content)
            rows.append((article, sections, references, tags, content))
        Article.objects.bulk_create([row[0] for row in rows], batch_size=BATCH)

        sections, references, frozen, tagged, views = [], [], [], [], []
        for article, article_sections, article_references, tags, content in rows:
            for item in article_sections:
                item.article = article
            for item in article_references:
                item.article = article
            sections += article_sections
            references += article_references
            frozen.append(self.snapshot(article, article_sections, article_references, content))
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

    @staticmethod
    def content(article: Article, sections: list[Section], references: list[Reference]) -> dict:
        """What ``snapshots.content_of`` returns for the saved article (checked in :meth:`self_check`)."""
        return {
            "title": article.title.strip(),
            "lead": article.lead.strip(),
            "image": article.featured_image.name or "",
            "image_alt": article.image_alt.strip(),
            "image_caption": article.image_caption.strip(),
            "sections": [{"heading": s.heading.strip(), "anchor": s.anchor, "body": s.body.strip()} for s in sections],
            "references": [
                {"text": rendering.vancouver_text(r), "doi": r.doi, "pmid": r.pmid, "url": r.url} for r in references
            ],
        }

    def snapshot(self, article: Article, sections: list[Section], references: list[Reference],
                 content: dict) -> PublishedVersion:
        """What ``snapshots.build_snapshot`` plus ``services._go_live`` store for a first publication."""
        return PublishedVersion(
            article=article, number=1, title=article.title, lead_html=article.lead_html,
            excerpt=rendering.excerpt(article.lead_html, 28), image=article.featured_image.name,
            image_width=article.image_width, image_height=article.image_height,
            image_alt=article.image_alt, image_caption=article.image_caption,
            sections=[{"heading": s.heading, "anchor": s.anchor, "html": s.body_html} for s in sections],
            references=[{"html": str(rendering.vancouver_html(r))} for r in references],
            content=content, fingerprint=article.approved_fingerprint,
            section_text=" ".join(s.heading for s in sections),
            body_text=" ".join(s.plain for s in sections),
            published_at=article.first_published_at, reviewer=article.reviewer,
            review_kind=Article.ReviewKind.FULL, reviewed_at=article.approved_at, content_changed=True,
            renditions=self.image["renditions"],
        )

    def views(self, article: Article) -> list[ArticleDailyViews]:
        rng = self.rng
        days_live = min(VIEW_WINDOW_DAYS, (self.today - article.first_published_at.date()).days + 1)
        popularity = rng.paretovariate(1.3) * 12
        days = rng.sample(range(days_live), min(days_live, rng.randint(10, 30)))
        return [ArticleDailyViews(article=article, day=self.today - timedelta(days=d),
                                  views=max(1, int(popularity * rng.uniform(0.5, 1.5)))) for d in sorted(days)]

    def self_check(self) -> None:
        """The first article's rows must equal what Markdown rendering and build_snapshot give."""
        article = Article.objects.prefetch_related("sections", "references").order_by("pk").first()
        ours = PublishedVersion.objects.get(article=article)
        expected = snapshots.build_snapshot(article)
        problems = [
            field for field in ("title", "lead_html", "excerpt", "image", "image_alt", "image_caption", "sections",
                                "references", "content", "fingerprint", "section_text", "body_text")
            if getattr(ours, field) != getattr(expected, field)
        ]
        if rendering.render_markdown(article.lead) != article.lead_html:
            problems.append("article.lead_html")
        problems += [f"section {s.position} body_html" for s in article.sections.all()
                     if rendering.render_markdown(s.body) != s.body_html]
        if article.approved_fingerprint != snapshots.article_fingerprint(article):
            problems.append("approved_fingerprint")
        if problems:
            raise CommandError(f"Generated rows differ from what publishing stores: {', '.join(problems)}")

    # --- publication ----------------------------------------------------------------------------

    def go_live(self) -> None:
        """Point every article at its version (one UPDATE) and index the versions for search."""
        Article.objects.update(
            live_version_id=Subquery(PublishedVersion.objects.filter(article=OuterRef("pk")).values("pk")[:1]),
            status=Article.Status.PUBLISHED,
            created_at=F("approved_at") - timedelta(days=14),
            modified_at=F("content_updated_at"),
        )
        if search.is_postgres():
            from django.contrib.postgres.search import SearchVector

            started = time.perf_counter()
            PublishedVersion.objects.update(search_vector=(
                SearchVector("title", weight="A", config=search.CONFIG)
                + SearchVector("lead_html", weight="B", config=search.CONFIG)
                + SearchVector("section_text", weight="C", config=search.CONFIG)
                + SearchVector("body_text", weight="D", config=search.CONFIG)
            ))
            self.stdout.write(f"Search vectors in {time.perf_counter() - started:.1f} s.")

    def analyze(self) -> None:
        """Fresh planner statistics (and, on PostgreSQL, a vacuumed visibility map), as autovacuum would."""
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
