"""Models: named database constraints, their friendly validation messages, queryset
boundaries, URLs and the rendering done on save."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import resolve, reverse
from django.utils import timezone

from articles import selectors, views
from articles.models import Article, Category, PublishedVersion, Reference, Section
from authors.models import Author
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    DailyViewsFactory,
    ReferenceFactory,
    ReviewerFactory,
    SectionFactory,
    UserFactory,
    published_article,
    uploaded_image,
)

pytestmark = pytest.mark.django_db

NOT_PUBLISHED = [s for s in Article.Status.values if s != Article.Status.PUBLISHED]


def assert_integrity_error(fn, constraint_name=None):
    """``fn`` must be refused by the database; check constraints are named in the error
    on both SQLite ("CHECK constraint failed: <name>") and PostgreSQL."""
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        fn()
    if constraint_name:
        assert constraint_name in str(excinfo.value)


def messages_of(excinfo) -> list[str]:
    return excinfo.value.messages


# --- Database constraints ---------------------------------------------------------


class TestArticleConstraints:
    def test_slug_is_unique(self):
        ArticleFactory(slug="knee-pain")
        assert_integrity_error(lambda: ArticleFactory(slug="knee-pain"))
        assert Article.objects.filter(slug="knee-pain").count() == 1

    def test_blank_slug_rejected(self):
        article = ArticleFactory()
        assert_integrity_error(
            lambda: Article.objects.filter(pk=article.pk).update(slug=""), "article_slug_not_blank"
        )

    def test_blank_title_rejected(self):
        article = ArticleFactory()
        assert_integrity_error(
            lambda: Article.objects.filter(pk=article.pk).update(title=""), "article_title_not_blank"
        )

    def test_image_without_alt_text_rejected_by_update(self):
        article = ArticleFactory(image_alt="")
        assert_integrity_error(
            lambda: Article.objects.filter(pk=article.pk).update(featured_image="articles/x.jpg"),
            "article_image_requires_alt",
        )

    def test_image_without_alt_text_rejected_by_save(self):
        article = ArticleFactory(image_alt="")
        article.featured_image.name = "articles/x.jpg"
        assert_integrity_error(article.save, "article_image_requires_alt")

    def test_image_with_alt_text_accepted(self):
        article = ArticleFactory(image_alt="An X-ray of a knee")
        Article.objects.filter(pk=article.pk).update(featured_image="articles/x.jpg")
        assert Article.objects.filter(pk=article.pk).values_list("featured_image", flat=True).get() == "articles/x.jpg"

    def test_published_status_without_live_version_rejected(self):
        reviewer = ReviewerFactory()
        assert_integrity_error(
            lambda: ArticleFactory(status=Article.Status.PUBLISHED, reviewer=reviewer, first_published_at=timezone.now()),
            "article_published_is_live",
        )

    def test_live_without_reviewer_rejected(self):
        article = ArticleFactory(published=True)
        assert_integrity_error(
            lambda: Article.objects.filter(pk=article.pk).update(reviewer=None), "article_live_has_date_and_reviewer"
        )

    def test_live_without_first_published_at_rejected(self):
        article = ArticleFactory(published=True)
        assert_integrity_error(
            lambda: Article.objects.filter(pk=article.pk).update(first_published_at=None),
            "article_live_has_date_and_reviewer",
        )

    @pytest.mark.parametrize("status", [Article.Status.UNPUBLISHED, Article.Status.ARCHIVED])
    def test_unpublished_or_archived_cannot_stay_live(self, status):
        article = ArticleFactory(published=True)
        assert_integrity_error(
            lambda: Article.objects.filter(pk=article.pk).update(status=status), "article_unpublished_not_live"
        )

    def test_approved_needs_a_fingerprint(self):
        assert_integrity_error(
            lambda: ArticleFactory(status=Article.Status.APPROVED, approved_fingerprint=""),
            "article_approved_has_fingerprint",
        )

    def test_approver_cannot_be_the_author(self):
        article = ArticleFactory()
        assert_integrity_error(
            lambda: Article.objects.filter(pk=article.pk).update(approved_by=article.author),
            "article_approver_not_author",
        )

    def test_published_with_reviewer_and_date_accepted(self):
        article = ArticleFactory(published=True)
        assert article.status == Article.Status.PUBLISHED
        assert article.live_version is not None
        assert article.reviewer is not None and article.first_published_at is not None

    @pytest.mark.parametrize(
        "status", [Article.Status.DRAFT, Article.Status.IN_REVIEW, Article.Status.CHANGES_REQUESTED,
                   Article.Status.UNPUBLISHED, Article.Status.ARCHIVED]
    )
    def test_other_statuses_need_no_reviewer_or_date(self, status):
        article = ArticleFactory(status=status)
        assert Article.objects.get(pk=article.pk).status == status

    def test_reviewer_cannot_be_the_author(self):
        article = ArticleFactory()
        article.reviewer = article.author
        assert_integrity_error(article.save, "article_reviewer_not_author")

    @pytest.mark.parametrize("days_after", [0, -1])
    def test_next_review_due_must_be_after_last_review(self, days_after):
        article = ArticleFactory()
        today = timezone.localdate()
        assert_integrity_error(
            lambda: Article.objects.filter(pk=article.pk).update(
                last_reviewed_on=today, next_review_due=today + timedelta(days=days_after)
            ),
            "article_review_due_after_review",
        )

    def test_next_review_due_after_last_review_accepted(self):
        article = ArticleFactory()
        today = timezone.localdate()
        Article.objects.filter(pk=article.pk).update(last_reviewed_on=today, next_review_due=today + timedelta(days=1))
        assert Article.objects.get(pk=article.pk).next_review_due == today + timedelta(days=1)


class TestOtherConstraints:
    def test_section_anchor_unique_per_article(self):
        article = ArticleFactory()
        SectionFactory(article=article, anchor="causes")
        assert_integrity_error(lambda: SectionFactory(article=article, anchor="causes"))
        assert article.sections.count() == 1

    def test_same_anchor_allowed_in_two_articles(self):
        SectionFactory(article=ArticleFactory(), anchor="causes")
        SectionFactory(article=ArticleFactory(), anchor="causes")
        assert Section.objects.filter(anchor="causes").count() == 2

    def test_section_blank_anchor_rejected_by_database(self):
        section = SectionFactory()
        assert_integrity_error(lambda: Section.objects.filter(pk=section.pk).update(anchor=""), "section_anchor_not_blank")

    def test_reference_needs_title_or_citation(self):
        assert_integrity_error(
            lambda: ReferenceFactory(title="", citation_text=""), "reference_has_title_or_citation"
        )

    def test_reference_with_only_citation_text_accepted(self):
        ref = ReferenceFactory(title="", citation_text="NICE guideline NG59.")
        assert Reference.objects.get(pk=ref.pk).citation_text == "NICE guideline NG59."

    def test_category_slug_unique(self):
        CategoryFactory(slug="spine")
        assert_integrity_error(lambda: CategoryFactory(slug="spine"))
        assert Category.objects.filter(slug="spine").count() == 1

    def test_author_slug_unique(self):
        AuthorFactory(slug="dr-rao")
        assert_integrity_error(lambda: AuthorFactory(slug="dr-rao"))
        assert Author.objects.filter(slug="dr-rao").count() == 1

    def test_published_version_number_unique_per_article(self):
        article = ArticleFactory(published=True)
        version = article.live_version
        assert version.number == 1

        def duplicate():
            version.pk = None
            version.save()

        assert_integrity_error(duplicate)
        assert PublishedVersion.objects.filter(article=article).count() == 1

    def test_daily_views_unique_per_article_and_day(self):
        row = DailyViewsFactory()
        assert_integrity_error(lambda: DailyViewsFactory(article=row.article, day=row.day))


# --- full_clean(): the same rules with messages a person understands -------------------


class TestFullClean:
    def test_duplicate_article_slug_message(self):
        existing = ArticleFactory(slug="knee-pain")
        article = ArticleFactory.build(slug="knee-pain", category=existing.category, author=existing.author)
        with pytest.raises(ValidationError) as excinfo:
            article.full_clean()
        assert "Another article already uses this web address (slug)." in messages_of(excinfo)

    def test_image_without_alt_message(self):
        article = ArticleFactory(image_alt="An X-ray", featured_image=uploaded_image())
        article.image_alt = ""
        with pytest.raises(ValidationError) as excinfo:
            article.full_clean()
        assert "Add alt text that describes the featured image." in messages_of(excinfo)

    def test_reviewer_equals_author_message(self):
        article = ArticleFactory()
        article.reviewer = article.author
        with pytest.raises(ValidationError) as excinfo:
            article.full_clean()
        assert "The medical reviewer must be a different clinician from the author." in messages_of(excinfo)

    def test_published_without_live_version_is_invalid(self):
        article = ArticleFactory()
        article.status = Article.Status.PUBLISHED
        with pytest.raises(ValidationError) as excinfo:
            article.full_clean()
        assert messages_of(excinfo) == ["A published article needs a signed-off version that the public sees."]

    def test_live_without_reviewer_is_invalid(self):
        article = ArticleFactory(published=True)
        article.reviewer = None
        with pytest.raises(ValidationError) as excinfo:
            article.full_clean()
        assert "A live article needs its publication date and the medical reviewer who signed it off." in (
            messages_of(excinfo)
        )

    def test_approver_equals_author_message(self):
        article = ArticleFactory()
        article.approved_by = article.author
        with pytest.raises(ValidationError) as excinfo:
            article.full_clean()
        assert "An article cannot be signed off by its own author." in messages_of(excinfo)

    def test_review_due_before_review_is_invalid(self):
        article = ArticleFactory()
        article.last_reviewed_on = timezone.localdate()
        article.next_review_due = article.last_reviewed_on
        with pytest.raises(ValidationError) as excinfo:
            article.full_clean()
        assert messages_of(excinfo) == ["The next review must be due after the last review."]

    def test_valid_published_article_passes(self):
        article = published_article()
        article.full_clean()  # must not raise

    def test_bad_slug_format_message(self):
        article = ArticleFactory()
        article.slug = "Knee--Pain"
        with pytest.raises(ValidationError) as excinfo:
            article.full_clean()
        assert "Use lower-case letters, digits and single hyphens." in excinfo.value.message_dict["slug"]

    def test_duplicate_section_anchor_message(self):
        article = ArticleFactory()
        SectionFactory(article=article, anchor="causes")
        section = Section(article=article, heading="Causes again", body="x", anchor="causes")
        with pytest.raises(ValidationError) as excinfo:
            section.full_clean()
        assert "Two sections of this article cannot share the same anchor." in messages_of(excinfo)

    def test_reference_without_title_or_citation_message(self):
        ref = Reference(article=ArticleFactory(), authors="Bentley S")
        with pytest.raises(ValidationError) as excinfo:
            ref.full_clean()
        assert "Give the reference a title, or write it as a free-text citation." in messages_of(excinfo)

    # Pasted links and "PMID: 123" are cleaned (issue 11): these two cannot be a DOI / PubMed ID at all.
    @pytest.mark.parametrize("field,value", [("doi", "https://doi.org/10.1/x"), ("pmid", "PMC123")])
    def test_reference_identifier_formats(self, field, value):
        ref = Reference(article=ArticleFactory(), title="T", **{field: value})
        with pytest.raises(ValidationError) as excinfo:
            ref.full_clean()
        assert field in excinfo.value.message_dict

    def test_duplicate_category_slug_message(self):
        CategoryFactory(slug="spine")
        with pytest.raises(ValidationError) as excinfo:
            Category(name="Spine 2", slug="spine").full_clean()
        assert "This slug is already used." in messages_of(excinfo)

    def test_duplicate_author_slug_message(self):
        AuthorFactory(slug="dr-rao")
        with pytest.raises(ValidationError) as excinfo:
            Author(name="Dr Rao", slug="dr-rao").full_clean()
        assert "This slug is already used." in messages_of(excinfo)

    @pytest.mark.parametrize("anchor", ["references", "contents", "main-content", "1st-aid"])
    def test_explicit_reserved_or_digit_anchor_rejected(self, anchor):
        # An anchor equal to one of the page's own ids would give two elements with the same id.
        section = Section(article=ArticleFactory(), heading="Further reading", body="x", anchor=anchor)
        with pytest.raises(ValidationError) as excinfo:
            section.full_clean()
        assert "anchor" in excinfo.value.message_dict

    def test_explicit_ordinary_anchor_accepted(self):
        Section(article=ArticleFactory(), heading="Further reading", body="x", anchor="further-reading").full_clean()


# --- Querysets ----------------------------------------------------------------------


class TestArticleQuerySet:
    @pytest.mark.parametrize("status", NOT_PUBLISHED)
    def test_published_excludes_articles_never_made_live(self, status):
        visible = ArticleFactory(published=True)
        extra = {"approved_fingerprint": "0" * 64, "approved_by": ReviewerFactory()} if status == "approved" else {}
        hidden = ArticleFactory(
            status=status, reviewer=ReviewerFactory(), first_published_at=timezone.now() - timedelta(days=1), **extra
        )
        published = set(Article.objects.published())
        assert visible in published
        assert hidden not in published
        assert hidden not in set(Article.objects.live())

    @pytest.mark.parametrize("service", ["article_unpublish", "article_archive"])
    def test_unpublished_and_archived_articles_leave_published(self, service):
        from articles import services

        article = ArticleFactory(published=True)
        assert article in set(Article.objects.published())
        getattr(services, service)(article=article, by=UserFactory(is_staff=True, is_superuser=True),
                                   comment="Withdrawn for a test.")
        assert article not in set(Article.objects.published())
        assert article not in set(Article.objects.live())

    def test_working_revision_of_a_live_article_stays_published(self):
        article = ArticleFactory(published=True)
        Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)  # revision in progress
        assert article in set(Article.objects.published())
        assert Article.objects.get(pk=article.pk).has_unpublished_changes

    def test_future_publication_is_live_but_not_published(self):
        scheduled = ArticleFactory(published=True, first_published_at=timezone.now() + timedelta(hours=1))
        past = ArticleFactory(published=True, first_published_at=timezone.now() - timedelta(seconds=1))
        assert set(Article.objects.live()) == {scheduled, past}
        assert list(Article.objects.published()) == [past]
        assert not scheduled.is_public
        assert past.is_public

    def test_featured(self):
        featured = ArticleFactory(published=True, is_featured=True)
        ArticleFactory(published=True, is_featured=False)
        assert list(Article.objects.featured()) == [featured]

    def test_newest_first(self):
        old = ArticleFactory(published=True, first_published_at=timezone.now() - timedelta(days=30))
        new = ArticleFactory(published=True, first_published_at=timezone.now() - timedelta(days=1))
        assert list(Article.objects.published().newest_first()) == [new, old]

    def test_popular_orders_by_view_total(self):
        today = timezone.localdate()
        low = ArticleFactory(published=True)
        high = ArticleFactory(published=True)
        DailyViewsFactory(article=low, day=today, views=3)
        DailyViewsFactory(article=high, day=today, views=2)
        DailyViewsFactory(article=high, day=today - timedelta(days=1), views=2)
        ArticleFactory(published=True)  # never viewed: not listed
        result = selectors.popular_articles(period="7d")
        assert result == [high, low]
        assert [a.view_total for a in result] == [4, 3]

    def test_popular_counts_views_inside_the_window_only(self):
        today = timezone.localdate()
        since = today - timedelta(days=6)
        recent = ArticleFactory(published=True)
        old = ArticleFactory(published=True)
        DailyViewsFactory(article=recent, day=since, views=2)  # first day of the window: counted
        DailyViewsFactory(article=old, day=since - timedelta(days=1), views=100)  # one day too old
        DailyViewsFactory(article=old, day=today, views=1)
        result = selectors.popular_articles(period="7d")
        assert [(a, a.view_total) for a in result] == [(recent, 2), (old, 1)]  # the 100 old views are not counted

    def test_popular_all_time_counts_everything(self):
        today = timezone.localdate()
        article = ArticleFactory(published=True)
        DailyViewsFactory(article=article, day=today - timedelta(days=400), views=7)
        DailyViewsFactory(article=article, day=today, views=1)
        assert [a.view_total for a in selectors.popular_articles(period="all")] == [8]
        assert [a.view_total for a in selectors.popular_articles(period="7d")] == [1]

    def test_review_overdue_and_due_within(self):
        today = timezone.localdate()
        overdue, soon, later = (ArticleFactory(published=True) for _ in range(3))
        for article, due in ((overdue, -1), (soon, 10), (later, 100)):
            Article.objects.filter(pk=article.pk).update(
                last_reviewed_on=today - timedelta(days=200), next_review_due=today + timedelta(days=due)
            )
        assert list(Article.objects.review_overdue(today)) == [overdue]
        assert set(Article.objects.review_due_within(30, today)) == {soon}
        assert later not in set(Article.objects.review_due_within(30, today))

    def test_category_published_counts(self):
        category = CategoryFactory()
        ArticleFactory(published=True, category=category)
        ArticleFactory(published=True, category=category)
        ArticleFactory(category=category)  # draft: not counted
        assert Category.objects.with_published_counts().get(pk=category.pk).published_count == 2


# --- __str__, URLs -------------------------------------------------------------------


class TestUrls:
    def test_article(self):
        article = ArticleFactory(title="Knee pain", slug="knee-pain")
        assert str(article) == "Knee pain"
        assert article.get_absolute_url() == "/articles/knee-pain/" == reverse("articles:detail", args=["knee-pain"])
        match = resolve(article.get_absolute_url())
        assert match.func == views.article_detail
        assert match.view_name == "articles:detail"
        assert match.kwargs == {"slug": "knee-pain"}

    def test_category(self):
        category = CategoryFactory(name="Spine Disorders", slug="spine-disorders")
        assert str(category) == "Spine Disorders"
        assert category.get_absolute_url() == "/category/spine-disorders/"
        match = resolve(category.get_absolute_url())
        assert match.func == views.category_detail
        assert match.kwargs == {"slug": "spine-disorders"}

    def test_author(self):
        from authors import views as author_views

        author = AuthorFactory(name="Dr Asha Rao", slug="dr-asha-rao", credentials="MBBS")
        assert str(author) == "Dr Asha Rao"
        assert author.get_absolute_url() == "/authors/dr-asha-rao/"
        match = resolve(author.get_absolute_url())
        assert match.func == author_views.author_detail
        assert match.view_name == "authors:detail"
        assert author.name_with_credentials == "Dr Asha Rao, MBBS"

    def test_tag(self):
        url = reverse("articles:tag", kwargs={"slug": "sports-injury"})
        assert url == "/tags/sports-injury/"
        match = resolve(url)
        assert match.func == views.tag_detail
        assert match.kwargs == {"slug": "sports-injury"}

    def test_published_version(self):
        article = ArticleFactory(published=True, title="Knee pain", slug="knee-pain")
        assert str(article.live_version) == "Knee pain — version 1"
        assert article.live_version.get_absolute_url() == "/articles/knee-pain/"

    def test_section_and_reference(self):
        section = SectionFactory(article=ArticleFactory(slug="knee-pain"), heading="Causes")
        assert str(section) == "Causes"
        assert section.get_absolute_url() == "/articles/knee-pain/#causes"
        ref = ReferenceFactory()
        assert str(ref) == ref.as_text
        assert str(ref).startswith("Bentley S. ")


# --- Anchors and rendering on save ------------------------------------------------------


class TestSectionAnchors:
    def test_generated_from_heading_and_unique(self):
        article = ArticleFactory()
        first = SectionFactory(article=article, heading="Causes")
        second = SectionFactory(article=article, heading="Causes")
        third = SectionFactory(article=article, heading="Causes")
        assert [first.anchor, second.anchor, third.anchor] == ["causes", "causes-2", "causes-3"]

    def test_same_heading_in_another_article_keeps_plain_anchor(self):
        SectionFactory(article=ArticleFactory(), heading="Causes")
        assert SectionFactory(article=ArticleFactory(), heading="Causes").anchor == "causes"

    @pytest.mark.parametrize("heading", ["References", "Contents", "Main content", "Tags", "Review", "About author"])
    def test_never_a_reserved_page_id(self, heading):
        anchor = SectionFactory(heading=heading).anchor
        assert anchor not in {"references", "contents", "main-content", "tags", "review", "about-author"}
        assert anchor.startswith(heading.lower().replace(" ", "-"))

    @pytest.mark.parametrize(
        "heading,expected", [("3 types of fracture", "s-3-types-of-fracture"), ("2024 guidance", "s-2024-guidance")]
    )
    def test_does_not_start_with_a_digit(self, heading, expected):
        assert SectionFactory(heading=heading).anchor == expected

    def test_heading_without_letters_gets_a_fallback(self):
        assert SectionFactory(heading="???").anchor == "section"

    def test_explicit_anchor_kept_and_resave_does_not_renumber(self):
        article = ArticleFactory()
        section = SectionFactory(article=article, heading="Causes", anchor="why-it-happens")
        assert section.anchor == "why-it-happens"
        auto = SectionFactory(article=article, heading="Symptoms")
        auto.body = "Changed."
        auto.save()
        auto.refresh_from_db()
        assert auto.anchor == "symptoms"


class TestRenderedOnSave:
    def test_lead_html(self):
        article = ArticleFactory(lead="<p>Cramp is <strong>common</strong>.</p>")
        assert Article.objects.get(pk=article.pk).lead_html == "<p>Cramp is <strong>common</strong>.</p>"

    def test_lead_html_follows_update_fields(self):
        article = ArticleFactory(lead="Old")
        article.lead = "<p>New <em>text</em></p>"
        article.save(update_fields=["lead"])
        assert Article.objects.get(pk=article.pk).lead_html == "<p>New <em>text</em></p>"

    def test_lead_is_sanitized(self):
        article = ArticleFactory(lead='Hello <script>alert(1)</script><img src=x onerror="alert(1)">')
        assert "<script" not in article.lead_html
        assert "onerror" not in article.lead_html

    def test_body_html(self):
        section = SectionFactory(body="<h1>Sub</h1><ul><li><p>one</p></li><li><p>two</p></li></ul>")
        stored = Section.objects.get(pk=section.pk)
        assert "<h3>Sub</h3>" in stored.body_html
        assert "<li><p>one</p></li>" in stored.body_html
        section.body = "Replaced"
        section.save()
        assert Section.objects.get(pk=section.pk).body_html == "<p>Replaced</p>"

    def test_excerpt_and_last_updated(self):
        article = published_article(lead="<p>One <strong>two</strong> three.</p>")
        assert article.excerpt == "One two three."
        assert article.last_updated == article.content_updated_at
        article.content_updated_at = None
        assert article.last_updated == article.first_published_at
