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
    lead = "A short **summary** of the article."
    category = factory.SubFactory(CategoryFactory)
    author = factory.SubFactory(AuthorFactory)
    status = Article.Status.DRAFT

    class Params:
        published = factory.Trait(
            status=Article.Status.PUBLISHED,
            reviewer=factory.SubFactory(ReviewerFactory),
            first_published_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=10)),
            content_updated_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=5)),
            last_reviewed_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10)),
            next_review_due=factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=1085)),
        )

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


def published_article(*, sections: int = 2, references: int = 1, tags=("cramp",), **kwargs) -> Article:
    """A published article with content, as the public pages expect."""
    article = ArticleFactory(published=True, **kwargs)
    for i in range(sections):
        SectionFactory(article=article, position=i, heading=f"Heading {i + 1}")
    for i in range(references):
        ReferenceFactory(article=article, position=i)
    if tags:
        article.tags.add(*tags)
    return article
