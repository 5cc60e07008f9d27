"""Reads shared by views, feeds, sitemaps and template tags.

Each returns a queryset (or list) with its related rows already joined or
prefetched, so templates never trigger queries of their own.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from taggit.models import Tag

from authors.models import Author

from .models import Article, Category, Reference, Section

POPULAR_PERIODS = {"7d": 7, "30d": 30, "all": None}
DEFAULT_POPULAR_PERIOD = "30d"


LISTING_DEFERRED = [
    "lead", "lead_html",
    "live_version__lead_html", "live_version__sections", "live_version__references", "live_version__content",
    "live_version__section_text", "live_version__body_text",
]


def public_articles():
    """Published articles with author, reviewer, category and live version joined (for listings).

    Listings read the live version's title, excerpt and image, never the working copy.
    """
    return Article.objects.published().with_people().defer(*LISTING_DEFERRED)


def article_for_page(*, slug: str) -> Article:
    """One published article with everything its page shows, in a fixed number of queries.

    The page content is ``article.live_version`` (the signed-off version).
    """
    return get_object_or_404(Article.objects.published().with_people().prefetch_related("tags"), slug=slug)


def article_for_preview(*, pk: int) -> Article:
    """The working copy with its sections and references, for a staff preview."""
    return get_object_or_404(
        Article.objects.with_people().prefetch_related(
            Prefetch("sections", queryset=Section.objects.order_by("position", "pk")),
            Prefetch("references", queryset=Reference.objects.order_by("position", "pk")),
            "tags",
        ),
        pk=pk,
    )


def latest_articles(*, limit: int = 6):
    return public_articles().newest_first()[:limit]


def featured_articles(*, limit: int = 5, exclude_pk: int | None = None):
    qs = public_articles().featured().newest_first()
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs[:limit]


def popular_since(period: str):
    days = POPULAR_PERIODS[period]
    return None if days is None else timezone.now().date() - timedelta(days=days - 1)


def popular_articles(*, period: str = DEFAULT_POPULAR_PERIOD, limit: int | None = 5):
    qs = public_articles().popular(popular_since(period))
    return qs[:limit] if limit else qs


def categories_with_counts():
    return Category.objects.with_published_counts()


def category_articles(*, category: Category):
    return public_articles().in_category(category).newest_first()


def tag_articles(*, tag: Tag):
    return public_articles().tagged(tag).newest_first()


def public_tag(*, slug: str) -> Tag:
    return get_object_or_404(
        Tag.objects.filter(article__live_version__isnull=False, article__first_published_at__lte=timezone.now())
        .distinct(),
        slug=slug,
    )


def featured_author(*, article: Article | None = None) -> Author | None:
    """The author for the "Know your author" box: the article's, else the most prolific."""
    if article is not None:
        return article.author
    return (
        Author.objects.annotate(
            n=Count("articles", filter=Q(articles__live_version__isnull=False,
                                         articles__first_published_at__lte=timezone.now()))
        )
        .filter(n__gt=0)
        .order_by("-n", "name")
        .first()
    )


def author_articles(*, author: Author):
    return public_articles().by_author(author).newest_first()


def author_reviewed_articles(*, author: Author):
    return public_articles().reviewed_by(author).newest_first()


def search_articles(*, query: str):
    """Published articles matching ``query``, best first (see articles/search.py)."""
    from . import search

    # The snippet is cut from the body text, so that one column stays loaded.
    deferred = [f for f in LISTING_DEFERRED if f != "live_version__body_text"]
    return search.search(Article.objects.published().with_people().defer(*deferred), query)


def related_articles(*, article: Article, limit: int = 4):
    """Other published articles sharing the most tags, then the same category, newest first."""
    tag_ids = [tag.pk for tag in article.tags.all()]  # prefetched on the article page
    from django.db.models import Case, IntegerField, Value, When

    return (
        public_articles()
        .exclude(pk=article.pk)
        .annotate(
            shared_tags=Count("tags", filter=Q(tags__in=tag_ids), distinct=True),
            same_category=Case(When(category_id=article.category_id, then=Value(1)), default=Value(0),
                               output_field=IntegerField()),
        )
        .filter(Q(shared_tags__gt=0) | Q(same_category=1))
        .order_by("-shared_tags", "-same_category", "-first_published_at")[:limit]
    )


def redirect_for_old_slug(*, slug: str) -> Article | None:
    """The published article that used to live at ``slug``, if any."""
    from .models import SlugRedirect

    found = SlugRedirect.objects.filter(old_slug=slug, article__in=Article.objects.published()).select_related(
        "article").first()
    return found.article if found else None
