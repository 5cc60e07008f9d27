from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_prose_editor.fields import ProseEditorField
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from . import citations, rendering
from .images import SafeImageField, articles_upload_to, categories_upload_to
from .querysets import ArticleQuerySet, CategoryQuerySet
from .workflow.table import ReviewKind, Status


class Category(models.Model):
    name = models.CharField(max_length=80, help_text='Shown in navigation and breadcrumbs, e.g. "Spine Disorders".')
    slug = models.SlugField(
        max_length=90,
        # The admin renders help texts as HTML: escaped, so the address shows as written.
        help_text=escape("Used in the address /category/<slug>/. Filled from the name."),
    )
    description = models.TextField(blank=True, help_text="One or two sentences shown at the top of the category page.")
    icon = SafeImageField(
        upload_to=categories_upload_to,
        blank=True,
        help_text="Small square picture for the category (JPEG, PNG or WebP).",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers are listed first.")

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "category"
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                name="category_slug_unique",
                violation_error_message="This slug is already used.",
                violation_error_code="unique",  # shown on the slug field
            ),
            models.CheckConstraint(
                condition=~Q(slug=""),
                name="category_slug_not_blank",
                violation_error_message="Give the category a web address (slug).",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:category", kwargs={"slug": self.slug})


IMAGE_ALT_MESSAGE = "Add alt text that describes the featured image."
SECTION_ANCHOR_MESSAGE = "The anchor is made from the heading: give the section a heading (or type an anchor)."
REFERENCE_TEXT_MESSAGE = "Give the reference a title, or write it as a free-text citation."

slug_validator = RegexValidator(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", "Use lower-case letters, digits and single hyphens.")


class Article(models.Model):
    Status = Status
    ReviewKind = ReviewKind

    title = models.CharField(max_length=200, help_text="The article's headline as readers will see it.")
    slug = models.SlugField(
        max_length=200,
        validators=[slug_validator],
        help_text=escape("Web address: /articles/<slug>/. Filled in from the title; change it with care."),
    )
    lead = ProseEditorField(
        config=rendering.EDITOR_CONFIG, sanitize=rendering.sanitize,
        help_text="Opening summary in one or two short paragraphs. Shown under the title and used as the "
        "excerpt in listings.",
    )
    lead_html = models.TextField(editable=False, blank=True)
    featured_image = SafeImageField(
        upload_to=articles_upload_to,
        blank=True,
        width_field="image_width",
        height_field="image_height",
        help_text="Main picture: JPEG, PNG or WebP, at most 10 MB and 40 megapixels. Metadata (e.g. GPS) is removed.",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(
        "image alt text",
        max_length=250,
        blank=True,
        help_text="Required with an image: describe what the picture shows for readers who cannot see it.",
    )
    image_caption = models.CharField(max_length=300, blank=True, help_text="Optional caption under the picture.")
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", help_text="The section of the site it belongs to."
    )
    tags = TaggableManager(blank=True, help_text="Comma-separated keywords, e.g. cramp, sports injury.")
    author = models.ForeignKey(
        "authors.Author", on_delete=models.PROTECT, related_name="articles", help_text="The clinician who wrote it."
    )
    reviewer = models.ForeignKey(
        "authors.Author",
        on_delete=models.PROTECT,
        related_name="reviewed_articles",
        null=True,
        blank=True,
        help_text="The clinician who medically reviewed and signed off this version (never the author).",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    is_featured = models.BooleanField(
        "featured", default=False, help_text="Show in the featured lists on the home page and sidebar."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    content_updated_at = models.DateTimeField(
        "last updated", null=True, blank=True, editable=False,
        help_text="Moves only when published content really changes.",
    )
    last_reviewed_on = models.DateField(null=True, blank=True, editable=False)
    next_review_due = models.DateField(null=True, blank=True, editable=False)
    live_version = models.ForeignKey(
        "PublishedVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text="The signed-off version the public sees; none while unpublished.",
    )
    publish_at = models.DateTimeField(
        "scheduled publication",
        null=True,
        blank=True,
        help_text="Editors: an approved article goes live at this time (leave empty to publish by hand).",
    )
    requested_reviewer = models.ForeignKey(
        "authors.Author",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_requests",
        editable=False,
        help_text="The medical reviewer asked to review this article (or who claimed it from the queue).",
    )
    approved_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    approved_by = models.ForeignKey(
        "authors.Author", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approval_kind = models.CharField(max_length=10, choices=ReviewKind.choices, blank=True, editable=False)
    edit_revision = models.PositiveIntegerField(
        default=1, editable=False, help_text="Moves on at every save of the working copy (the edit lock)."
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["lead_html", "modified_at", "edit_revision", "requested_reviewer"])

    class Meta:
        ordering = ["-first_published_at", "-pk"]
        get_latest_by = "first_published_at"
        verbose_name = "article"
        verbose_name_plural = "articles"
        permissions = [
            ("review_article", "Can medically review articles (approve or request changes)"),
            ("publish_article", "Can publish, schedule, unpublish and archive articles"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                name="article_slug_unique",
                violation_error_message="Another article already uses this web address (slug).",
                violation_error_code="unique",  # shown on the slug field
            ),
            models.CheckConstraint(
                condition=~Q(slug=""),
                name="article_slug_not_blank",
                violation_error_message="Give the article a web address (slug).",
            ),
            models.CheckConstraint(
                condition=~Q(title=""), name="article_title_not_blank", violation_error_message="Give the article a title."
            ),
            models.CheckConstraint(
                condition=Q(featured_image="") | ~Q(image_alt=""),
                name="article_image_requires_alt",
                violation_error_message=IMAGE_ALT_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(live_version__isnull=True) | Q(first_published_at__isnull=False, reviewer__isnull=False),
                name="article_live_has_date_and_reviewer",
                violation_error_message="A live article needs its publication date and the medical reviewer who "
                "signed it off.",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(live_version__isnull=False),
                name="article_published_is_live",
                violation_error_message="A published article needs a signed-off version that the public sees.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["unpublished", "archived"]) | Q(live_version__isnull=True),
                name="article_unpublished_not_live",
                violation_error_message="An unpublished or archived article cannot have a version on the site.",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | ~Q(approved_fingerprint=""),
                name="article_approved_has_fingerprint",
                violation_error_message="An approved article must record exactly which content was signed off.",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("author")),
                name="article_approver_not_author",
                violation_error_message="An article cannot be signed off by its own author.",
            ),
            models.CheckConstraint(
                condition=Q(requested_reviewer__isnull=True) | ~Q(requested_reviewer=F("author")),
                name="article_requested_reviewer_not_author",
                violation_error_message="An article cannot be reviewed by its own author.",
            ),
            models.CheckConstraint(
                condition=~Q(reviewer=F("author")),
                name="article_reviewer_not_author",
                violation_error_message="The medical reviewer must be a different clinician from the author.",
            ),
            models.CheckConstraint(
                condition=Q(next_review_due__isnull=True)
                | Q(last_reviewed_on__isnull=True)
                | Q(next_review_due__gt=F("last_reviewed_on")),
                name="article_review_due_after_review",
                violation_error_message="The next review must be due after the last review.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-first_published_at"], name="article_status_pub_idx"),
            models.Index(fields=["category", "status", "-first_published_at"], name="article_cat_status_idx"),
            models.Index(fields=["next_review_due"], name="article_review_due_idx"),
            # Public listings newest first (ArticleQuerySet.published: live_version set), partial so
            # only live articles are in them: home, category and author pages, categories' counts,
            # related articles, search candidates (docs/performance.md).
            models.Index(fields=["-first_published_at", "-id"], condition=Q(live_version__isnull=False),
                         name="article_live_newest_idx"),
            models.Index(fields=["category", "-first_published_at", "-id"], condition=Q(live_version__isnull=False),
                         name="article_live_cat_newest_idx"),
            models.Index(fields=["author", "-first_published_at", "-id"], condition=Q(live_version__isnull=False),
                         name="article_live_author_newest_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def clean(self):
        # The rule of ``article_image_requires_alt``, raised on the alt text field (the
        # constraint's check is then skipped: see Model.full_clean).
        if self.featured_image and not self.image_alt.strip():
            raise ValidationError({"image_alt": IMAGE_ALT_MESSAGE})

    def save(self, *args, **kwargs):
        # Stored sanitized whatever the path (admin, importer, shell): the allow-list is the editor's.
        self.lead = rendering.sanitize(self.lead)
        self.lead_html = self.lead
        if kwargs.get("update_fields") is not None and "lead" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "lead_html"}
        super().save(*args, **kwargs)

    @property
    def is_public(self) -> bool:
        return (
            self.live_version_id is not None
            and self.first_published_at is not None
            and self.first_published_at <= timezone.now()
        )

    @property
    def has_unpublished_changes(self) -> bool:
        return self.live_version_id is not None and self.status != self.Status.PUBLISHED

    @property
    def excerpt(self) -> str:
        return rendering.excerpt(self.lead_html or self.lead, 28)

    @property
    def last_updated(self):
        return self.content_updated_at or self.first_published_at


class Section(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(
        default=0,
        help_text="Order in the article, lower numbers first: use Move up / Move down, or type a number "
        "(sections are put in that order, and numbered 10, 20, 30 …, when you save).",
    )
    heading = models.CharField(max_length=200, help_text="Section heading; it appears in the Contents list.")
    body = ProseEditorField(
        config=rendering.EDITOR_CONFIG, sanitize=rendering.sanitize,
        help_text="Section text. Paste from Word or Google Docs keeps headings, lists, bold, italic, links and "
        "tables. Sub-headings are Heading 3 and 4; cite a reference with the “Cite” button.",
    )
    body_html = models.TextField(editable=False, blank=True)
    anchor = models.SlugField(
        max_length=90,
        blank=True,
        help_text="Link target within the page (#anchor). Leave empty to make one from the heading.",
    )

    history = HistoricalRecords(excluded_fields=["body_html"])

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "section"
        verbose_name_plural = "sections"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "anchor"],
                name="section_anchor_unique_in_article",
                violation_error_message="Two sections of this article cannot share the same anchor.",
            ),
            models.CheckConstraint(
                condition=~Q(anchor=""), name="section_anchor_not_blank", violation_error_message=SECTION_ANCHOR_MESSAGE
            ),
            models.CheckConstraint(
                condition=~Q(heading=""),
                name="section_heading_not_blank",
                violation_error_message="Give the section a heading.",
            ),
        ]

    def __str__(self) -> str:
        return self.heading

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#{self.anchor}"

    def suggested_anchor(self, heading: str | None = None, taken: set[str] | None = None) -> str:
        """The anchor made from ``heading`` (default: this section's), unique among ``taken``
        (default: the anchors of the article's other sections) and the page's own ids."""
        if taken is None:
            siblings = Section.objects.filter(article_id=self.article_id).exclude(pk=self.pk)
            taken = set(siblings.values_list("anchor", flat=True)) if self.article_id else set()
        return rendering.make_anchor(self.heading if heading is None else heading, taken)

    def clean(self):
        if self.anchor and rendering.anchor_is_reserved(self.anchor):
            raise ValidationError(
                {"anchor": "This anchor is used by the page itself or starts with a digit; choose another "
                           "or leave it empty."}
            )
        if not self.anchor and self.heading:
            self.anchor = self.suggested_anchor()
        if not self.anchor:
            # The rule of ``section_anchor_not_blank``, on the anchor field (the heading has its own error).
            raise ValidationError({"anchor": SECTION_ANCHOR_MESSAGE})

    def save(self, *args, **kwargs):
        self.body = rendering.sanitize(self.body)
        self.body_html = self.body
        if not self.anchor:
            self.anchor = self.suggested_anchor()
        super().save(*args, **kwargs)


class Reference(models.Model):
    """One entry of an article's reference list: a typed source (journal article, book,
    chapter, web page, guideline or report) with the fields of its type, or free text.
    Formatted by :mod:`articles.citations` (Vancouver, as NLM's *Citing Medicine*)."""

    class Kind(models.TextChoices):
        JOURNAL = "journal", "Journal article"
        BOOK = "book", "Book"
        CHAPTER = "chapter", "Book chapter"
        WEBPAGE = "webpage", "Web page"
        REPORT = "report", "Guideline or report"
        OTHER = "other", "Other (free text)"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    key = models.SlugField(
        max_length=16, default=citations.new_reference_key,
        help_text="Stable name of this reference: citations in the text point to it (numbers are worked out "
        "from the order of first citation).",
    )
    position = models.PositiveSmallIntegerField(
        default=0,
        help_text="Order in the reference list, lower numbers first: use Move up / Move down, or type a number "
        "(references are put in that order, and numbered 10, 20, 30 …, when you save).",
    )
    kind = models.CharField(
        "type of source", max_length=10, choices=Kind.choices, default=Kind.JOURNAL,
        help_text="Decides which fields are used and how the reference is written out.",
    )
    authors = models.CharField(
        max_length=2000, blank=True,
        help_text='Surname and initials, separated by commas, e.g. "Bye A, Kan A" (all of them: '
        "more than six are shortened to six and \"et al.\" for you).",
    )
    organisation = models.CharField(
        "organisation as author", max_length=300, blank=True,
        help_text='When an organisation wrote it, e.g. "National Institute for Health and Care Excellence".',
    )
    editors = models.CharField(
        max_length=1000, blank=True, help_text='Book chapters and edited books: "Surname AB, Surname C".'
    )
    title = models.CharField(max_length=500, blank=True, help_text="Title of the paper, book, chapter, page or report.")
    journal = models.CharField(
        "journal, book or website title", max_length=300, blank=True,
        help_text='Journal articles: abbreviated journal name, e.g. "Sports Med". Book chapters: the book\'s '
        "title. Web pages: the website's name, when it differs from the publisher.",
    )
    edition = models.CharField(max_length=60, blank=True, help_text='Books and chapters, when not the first: "2nd ed".')
    publisher = models.CharField(max_length=300, blank=True, help_text="Books, chapters, web pages, reports.")
    place = models.CharField(
        "place of publication", max_length=200, blank=True, help_text='City of the publisher, e.g. "London".'
    )
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1800), MaxValueValidator(2100)]
    )
    volume = models.CharField(max_length=30, blank=True)
    issue = models.CharField(max_length=30, blank=True)
    pages = models.CharField(max_length=40, blank=True, help_text='e.g. "409-420" or "S50-S55".')
    doi = models.CharField(
        "DOI",
        max_length=200,
        blank=True,
        validators=[RegexValidator(citations.DOI_PATTERN, citations.DOI_MESSAGE)],
        help_text="e.g. 10.1007/bf03262120 (a doi.org link is fine too).",
    )
    pmid = models.CharField(
        "PubMed ID", max_length=12, blank=True,
        validators=[RegexValidator(citations.PMID_PATTERN, citations.PMID_MESSAGE)],
        help_text="e.g. 8776474 (a PubMed link is fine too).",
    )
    url = models.URLField(
        "URL", max_length=500, blank=True,
        help_text="Web address: needed for web pages; for other sources only without DOI/PubMed ID.",
    )
    date_accessed = models.DateField(
        "date cited", null=True, blank=True,
        help_text="Web pages (and online reports): the day you read the page.",
    )
    citation_text = models.TextField(
        "free-text citation",
        blank=True,
        help_text='For "Other": the whole citation as it should appear.',
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "reference"
        verbose_name_plural = "references"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "key"],
                name="reference_key_unique_in_article",
                violation_error_message="Two references of this article cannot share the same key.",
            ),
            models.CheckConstraint(
                condition=~Q(title="") | ~Q(citation_text=""),
                name="reference_has_title_or_citation",
                violation_error_message=REFERENCE_TEXT_MESSAGE,
            ),
        ]

    def clean_fields(self, exclude=None):
        # Pasted links and prefixes ("https://doi.org/10.…", "PMID: 123") become the bare identifier
        # before the validators see them; only a value that cannot be one gets a message.
        self.doi = citations.normalize_doi(self.doi or "")
        self.pmid = citations.normalize_pmid(self.pmid or "")
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            # "This cannot be a DOI" says it all: no "at most 12 characters" beside it.
            for name, message in (("doi", citations.DOI_MESSAGE), ("pmid", citations.PMID_MESSAGE)):
                if message in ValidationError(error.error_dict.get(name, [])).messages:
                    error.error_dict[name] = [ValidationError(message, code="invalid")]
            raise

    def clean(self):
        # A reference written only as free text is an "Other", whatever type was left selected.
        if self.kind != self.Kind.OTHER and not self.title.strip() and self.citation_text.strip():
            self.kind = self.Kind.OTHER
        errors = {}
        # The rule of ``reference_has_title_or_citation``, on the field the type shows.
        if not self.title.strip() and not self.citation_text.strip():
            errors["citation_text" if self.kind == self.Kind.OTHER else "title"] = REFERENCE_TEXT_MESSAGE
        else:
            errors.update(citations.missing_fields(self))  # what each type needs
        if errors:
            raise ValidationError(errors)

    def __str__(self) -> str:
        return self.as_text

    @property
    def as_text(self) -> str:
        return citations.citation_text(self)

    @property
    def as_html(self):
        return citations.citation_html(self)


class ArticleDailyViews(models.Model):
    """Page views of one article on one day (UTC), for popular lists over 7/30 days and all time."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        get_latest_by = "day"
        verbose_name = "daily view count"
        verbose_name_plural = "daily view counts"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "day"],
                name="daily_views_unique_article_day",
                violation_error_message="This article already has a view count for this day.",
            ),
        ]
        indexes = [models.Index(fields=["day", "article"], name="daily_views_day_idx")]

    def __str__(self) -> str:
        return f"{self.article_id} on {self.day}: {self.views}"


class SlugRedirect(models.Model):
    """An address an article used to have: it answers with a permanent redirect."""

    old_slug = models.SlugField(max_length=200)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_slug"]
        verbose_name = "old address"
        verbose_name_plural = "old addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["old_slug"],
                name="slug_redirect_old_slug_unique",
                violation_error_message="This old address already leads to an article.",
                violation_error_code="unique",
            )
        ]

    def __str__(self) -> str:
        return f"/articles/{self.old_slug}/ → {self.article_id}"


class CategoryRedirect(models.Model):
    """An address a category used to have: the category page and its feeds answer with a
    permanent redirect to the current address."""

    old_slug = models.SlugField(max_length=90)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="old_slugs")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_slug"]
        verbose_name = "old category address"
        verbose_name_plural = "old category addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["old_slug"],
                name="category_redirect_old_slug_unique",
                violation_error_message="This old address already leads to a category.",
                violation_error_code="unique",
            )
        ]

    def __str__(self) -> str:
        return f"/category/{self.old_slug}/ → {self.category_id}"




# Models of the subsystems, defined in their packages with the ``articles`` app label
# (their tables, migrations and permissions stay where they were).
from .feedback.models import ArticleFeedback, ContactMessage  # noqa: E402
from .importers.models import LegacyPath, WordPressPost  # noqa: E402
from .workflow.models import (  # noqa: E402
    ArticleComment,
    ArticleTransition,
    PublishedVersion,
    ReviewReminder,
    ReviewRound,
)

__all__ = [
    "Article", "ArticleComment", "ArticleDailyViews", "ArticleFeedback", "ArticleTransition", "Category", "ContactMessage",
    "PublishedVersion", "Reference", "ReviewReminder", "ReviewRound", "Section", "SlugRedirect",
    "LegacyPath", "WordPressPost",
]
