"""Test data in one place (factory-boy)."""

import io
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticleDailyViews, Category, Reference, Section
from authors.models import Author


def image_bytes(fmt: str = "JPEG", size=(64, 48), color=(30, 120, 160), exif=None) -> bytes:
    buf = io.BytesIO()
    img = Image.new("RGB", size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    img.save(buf, fmt, **kwargs)
    return buf.getvalue()


def uploaded_image(name: str = "photo.jpg", fmt: str = "JPEG", **kwargs) -> SimpleUploadedFile:
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[fmt]
    return SimpleUploadedFile(name, image_bytes(fmt, **kwargs), content_type=content_type)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    description = "Articles about this part of orthopaedics."


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Dr Author {n}")
    slug = factory.Sequence(lambda n: f"dr-author-{n}")
    credentials = "MBBS, MS (Orthopaedics)"
    short_bio = "An orthopaedic surgeon."
    bio = "An orthopaedic surgeon with many years of practice."


class ReviewerFactory(AuthorFactory):
    is_medical_reviewer = True


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Article number {n}")
    slug = factory.Sequence(lambda n: f"article-number-{n}")
    lead = "<p>A short <strong>summary</strong> of the article.</p>"
    category = factory.SubFactory(CategoryFactory)
    author = factory.SubFactory(AuthorFactory)
    status = Article.Status.DRAFT

    @factory.post_generation
    def published(self, create, extracted, **kwargs):
        """``ArticleFactory(published=True)``: signed off by a reviewer and live."""
        if create and extracted:
            make_live(self)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    article = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(lambda n: n)
    heading = factory.Sequence(lambda n: f"Section heading {n}")
    body = "Some *text* for this section."


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    article = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(lambda n: n)
    authors = "Bentley S"
    title = "Exercise-induced muscle cramp: proposed mechanisms and management"
    journal = "Sports Med"
    year = 1996
    volume = "21"
    pages = "409-420"


class DailyViewsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleDailyViews

    article = factory.SubFactory(ArticleFactory)
    day = factory.LazyFunction(timezone.localdate)
    views = 1


def make_live(article: Article, *, reviewer=None, days_ago: int = 10) -> Article:
    """Sign off and publish ``article`` through the real service (adds a section if it has none)."""
    from articles.services import article_publish_reviewed

    if not article.sections.exists():
        SectionFactory(article=article, position=0, heading="Overview")
    reviewer = reviewer or article.reviewer or ReviewerFactory()
    when = article.first_published_at or timezone.now() - timedelta(days=days_ago)
    article_publish_reviewed(article=article, reviewer=reviewer, reviewed_on=timezone.localdate(when), published_at=when)
    article.refresh_from_db()
    return article


def published_article(*, sections: int = 2, references: int = 1, tags=("cramp",), reviewer=None, **kwargs) -> Article:
    """A published article with content, as the public pages expect."""
    article = ArticleFactory(**kwargs)
    for i in range(sections):
        SectionFactory(article=article, position=i, heading=f"Heading {i + 1}")
    for i in range(references):
        ReferenceFactory(article=article, position=i)
    if tags:
        article.tags.add(*tags)
    return make_live(article, reviewer=reviewer)


def role_group(name: str):
    """The editorial group ``name`` (recreated if a transactional test flushed the migration's rows)."""
    from django.contrib.auth.models import Group

    from articles.workflow.roles import sync_groups

    if not Group.objects.filter(name=name).exists():
        sync_groups()
    return Group.objects.get(name=name)
