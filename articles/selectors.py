"""Reads shared by views, feeds, sitemaps and template tags.

Each returns a queryset (or list) with its related rows already joined or
prefetched, so templates never trigger queries of their own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.flatpages import views as flatpage_views
from django.contrib.flatpages.models import FlatPage
from django.core.cache import cache
from django.db.models import Count, Max, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from taggit.models import Tag

from authors.models import Author

from .models import Article, ArticleDailyViews, Category, Reference, Section

FEED_LENGTH = 20
POPULAR_PERIODS = {"7d": 7, "30d": 30, "all": None}
DEFAULT_POPULAR_PERIOD = "30d"


# Listing rows stay narrow: every sort (newest first, related, search) carries whole rows, and
# the search vector (about 4 KB) and the people's bios (2 KB) would make them wide.
LISTING_DEFERRED = [
    "lead", "lead_html",
    "live_version__lead_html", "live_version__sections", "live_version__references", "live_version__content",
    "live_version__section_text", "live_version__body_text", "live_version__search_vector", "live_version__body_html",
]
# Listings show the people's names (and link to their pages), never their bios or links.
PEOPLE_DEFERRED = [
    f"{person}__{field}"
    for person in ("author", "reviewer")
    for field in ("short_bio", "bio", "specialties", "website", "orcid", "profile_url")
]


# What the article page never reads: the working copy (the public sees the live version)
# and the version's search columns and source JSON. JSON-LD reads the references from
# ``content`` only when its cached fragment is rebuilt.
ARTICLE_PAGE_DEFERRED = [
    "title", "lead", "lead_html", "featured_image", "image_width", "image_height", "image_alt", "image_caption",
    "created_at", "modified_at", "publish_at", "requested_reviewer", "approved_fingerprint", "approved_by",
    "approved_at", "approval_kind", "edit_revision", "modified_by",
    "live_version__search_vector", "live_version__body_text", "live_version__section_text",
    "live_version__sections", "live_version__references", "live_version__content",
    # Read only when the cached article (templatetags/fragments.py, article_main) is rebuilt.
    "live_version__lead_html", "live_version__body_html",
]


def public_articles():
    """Published articles with author, reviewer, category and live version joined (for listings).

    Listings read the live version's title, excerpt and image, never the working copy.
    """
    return Article.objects.published().with_people().defer(*LISTING_DEFERRED, *PEOPLE_DEFERRED)


def article_for_page(*, slug: str) -> Article:
    """One published article with what its page reads per request, in one query.

    The page content is ``article.live_version`` (the signed-off version).
    """
    # One query: the article, its category and its live version (whose body was rendered when
    # it was frozen). The article itself, its tags, related articles and JSON-LD and the sidebar
    # are cached fragments (templatetags/fragments.py): the author and reviewer are read only
    # when one of them is rebuilt. The working copy's columns and the version's source JSON
    # (what the body was rendered from) stay in the database: decoding them was a third of the
    # page's time.
    return get_object_or_404(
        Article.objects.published().select_related("category", "live_version").defer(*ARTICLE_PAGE_DEFERRED),
        slug=slug,
    )


def article_tag_ids(*, article: Article) -> tuple[int, ...]:
    return tuple(article.tags.order_by("pk").values_list("pk", flat=True))


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


POPULAR_TOP = 20  # the longest list any page shows


def popular_ranking(period: str, *, recount: bool = False) -> list[tuple[int, int]]:
    """[(article id, views)] best first for ``period``, from the daily counts alone.

    The ranking reads every daily row of the period, so it is kept in the cache and counted
    again when it is older than ``BONESPINE_POPULAR_SECONDS`` (default 120 s): by the job
    that stores the view counts (``flush_view_counts``, ``recount=True``), or else by one
    request, which takes a short lock; the others use the previous ranking meanwhile, so no
    crowd of requests counts at once.
    """
    key = f"bonespine:popular:{period}:{popular_since(period)}"
    fresh_for = getattr(settings, "BONESPINE_POPULAR_SECONDS", 120)
    entry = None if recount else cache.get(key)
    if isinstance(entry, tuple):
        counted_at, ranking = entry
        if time.time() - counted_at < fresh_for or not cache.add(f"{key}:counting", 1, 30):
            return ranking
    counted_at = time.time()
    since = popular_since(period)
    rows = ArticleDailyViews.objects.filter(article__in=Article.objects.published())
    if since:
        rows = rows.filter(day__gte=since)
    ranking = list(
        rows.values("article").annotate(total=Sum("views")).filter(total__gt=0)
        .order_by("-total", "-article").values_list("article", "total")[:POPULAR_TOP]
    )
    cache.set(key, (counted_at, ranking), fresh_for * 10)
    cache.delete(f"{key}:counting")
    return ranking


def popular_articles(*, period: str = DEFAULT_POPULAR_PERIOD, limit: int = 5) -> list[Article]:
    """The most read published articles of ``period``, each with ``view_total``."""
    ranking = popular_ranking(period)[:limit]
    found = public_articles().in_bulk([pk for pk, _ in ranking])
    articles = []
    for pk, total in ranking:
        if pk in found:
            found[pk].view_total = total
            articles.append(found[pk])
    return articles


def categories_ordered():
    """Every category in the editors' order: ``position``, then name.

    Written out because the model's ``Meta.ordering`` is dropped from queries that
    aggregate (``GROUP BY``), such as the counts below.
    """
    return Category.objects.order_by("position", "name", "pk")


def categories_with_counts():
    """Every category in the editors' order, each with ``published_count``."""
    return categories_ordered().with_published_counts()


def category_for_page(*, slug: str) -> Category:
    return get_object_or_404(Category, slug=slug)


def redirect_for_old_category_slug(*, slug: str) -> Category | None:
    """The category that used to live at ``slug``, if any."""
    from .models import CategoryRedirect

    found = CategoryRedirect.objects.filter(old_slug=slug).select_related("category").first()
    return found.category if found else None


def category_articles(*, category: Category):
    return public_articles().in_category(category).newest_first()


def tag_articles(*, tag: Tag):
    return public_articles().tagged(tag).newest_first()


@dataclass(frozen=True)
class CardRef:
    """What a listing card's cache key needs of an article (templatetags/fragments.py): a
    listing keeps these per page and loads whole rows only for cards not in the cache."""

    pk: int
    live_version_id: int
    slug: str
    last_updated: object
    live_title: str
    view_total: int = 0

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})


CARD_FIELDS = ("pk", "live_version_id", "slug", "content_updated_at", "first_published_at", "live_version__title")


def card_refs(rows, view_totals: dict[int, int] | None = None) -> list[CardRef]:
    """``rows`` of ``queryset.values_list(*CARD_FIELDS)`` as card references."""
    totals = view_totals or {}
    return [CardRef(pk, version, slug, updated or first, title, totals.get(pk, 0))
            for pk, version, slug, updated, first, title in rows]


def popular_refs(*, period: str = DEFAULT_POPULAR_PERIOD, limit: int = 5) -> list[CardRef]:
    """:func:`popular_articles` as card references (one narrow query), best first."""
    ranking = dict(popular_ranking(period)[:limit])
    found = {ref.pk: ref for ref in card_refs(
        Article.objects.published().filter(pk__in=list(ranking)).values_list(*CARD_FIELDS), ranking)}
    return [found[pk] for pk in ranking if pk in found]


def articles_in_order(ids) -> list[Article]:
    """The published articles with ``ids``, in that order (listing rows, one query)."""
    found = public_articles().in_bulk(list(ids))
    return [found[pk] for pk in ids if pk in found]


def tag_for_page(*, slug: str) -> Tag:
    return get_object_or_404(Tag, slug=slug)


def author_for_page(*, slug: str) -> Author:
    return get_object_or_404(Author, slug=slug)


def featured_author(*, article: Article | None = None, author: Author | None = None) -> Author | None:
    """The author for the "Know your author" box: the one of the page being read (the
    article's author on an article page, the author on an author page), else the most
    prolific."""
    if article is not None:
        return article.author
    if author is not None:
        return author
    return (
        Author.objects.annotate(n=Count("articles", filter=Q(articles__in=Article.objects.published())))
        .filter(n__gt=0)
        .order_by("-n", "name")
        .first()
    )


def author_articles(*, author: Author):
    return public_articles().by_author(author).newest_first()


def author_reviewed_articles(*, author: Author):
    return public_articles().reviewed_by(author).newest_first()


def search_ranked(*, query: str) -> list[dict]:
    """Published articles matching ``query``, best first, as narrow ``{"pk", "rank", …}`` rows, at
    most ``search.MAX_RESULTS`` of them, in one query (the page counts them; see articles/search.py)."""
    from . import search

    return search.search(Article.objects.published(), query)


def search_page_articles(*, rows, query: str) -> list[Article]:
    """The articles of one page of :func:`search_ranked` rows, in order, with people, live
    version and snippet (one query)."""
    from . import search

    # The snippet is cut from the body text, so that one column stays loaded.
    deferred = [f for f in LISTING_DEFERRED if f != "live_version__body_text"]
    return search.page_articles(public_articles().defer(None).defer(*deferred, *PEOPLE_DEFERRED), rows, query)


def related_articles(*, article: Article, limit: int = 4):
    """Other published articles sharing the most tags, then the same category, newest first.

    Small whatever the site's size: the tag overlap is counted on the tag links alone (the 50
    best), the same-category fallback is only that category's newest ``limit`` + 1 ids (the
    partial "live, newest first" index), and the final query reads and sorts those few
    candidates by primary key (an ``IN (subquery) OR IN (list)`` made PostgreSQL hash-join
    every article and version: 18 ms at 3,000 articles and growing).
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Case, IntegerField, Value, When
    from taggit.models import TaggedItem

    tag_ids = [tag.pk for tag in article.tags.all()]  # prefetched on the article page
    overlap = []
    if tag_ids:
        overlap = list(
            TaggedItem.objects.filter(tag_id__in=tag_ids, content_type=ContentType.objects.get_for_model(Article))
            .exclude(object_id=article.pk)
            .values("object_id").annotate(n=Count("id")).order_by("-n", "-object_id")
            .values_list("object_id", "n")[:50]
        )
    newest_in_category = list(
        Article.objects.published().filter(category_id=article.category_id).newest_first()
        .values_list("pk", flat=True)[:limit + 1]
    )
    shared = Case(*[When(pk=pk, then=Value(n)) for pk, n in overlap], default=Value(0), output_field=IntegerField())
    return (
        public_articles()
        .filter(pk__in={pk for pk, _ in overlap} | set(newest_in_category))
        .exclude(pk=article.pk)
        .annotate(
            shared_tags=shared,
            same_category=Case(When(category_id=article.category_id, then=Value(1)), default=Value(0),
                               output_field=IntegerField()),
        )
        .order_by("-shared_tags", "-same_category", "-first_published_at", "-pk")[:limit]
    )


def redirect_for_old_slug(*, slug: str) -> Article | None:
    """The published or withdrawn article that used to live at ``slug``, if any (its
    current address then answers 200 or 410)."""
    from .models import SlugRedirect

    found = (
        SlugRedirect.objects.filter(old_slug=slug)
        .filter(Q(article__in=Article.objects.published()) | Q(article__in=withdrawn_articles()))
        .select_related("article").first()
    )
    return found.article if found else None


WITHDRAWN_STATUSES = (Article.Status.UNPUBLISHED, Article.Status.ARCHIVED)


def withdrawn_articles():
    """Articles that were public and were taken offline (unpublished or archived, and not
    published again since; a withdrawn article reopened as a draft stays withdrawn), each
    with ``withdrawn_at`` (the last withdrawal in the transition log) and ``last_title``
    (the title of its last published version).

    Never-published drafts are not among them: they have no withdrawal step.
    """
    from .models import ArticleTransition, PublishedVersion

    withdrawals = ArticleTransition.objects.filter(article=OuterRef("pk"), to_status__in=WITHDRAWN_STATUSES)
    return (
        Article.objects.filter(live_version__isnull=True, first_published_at__isnull=False)
        .annotate(
            withdrawn_at=Subquery(withdrawals.order_by("-at", "-pk").values("at")[:1]),
            last_title=Subquery(
                PublishedVersion.objects.filter(article=OuterRef("pk")).order_by("-number").values("title")[:1]
            ),
        )
        .filter(withdrawn_at__isnull=False)
    )


def withdrawn_article(*, slug: str) -> Article | None:
    """The withdrawn article at ``slug`` with its category (one query), or ``None``."""
    return withdrawn_articles().select_related("category").only(
        "slug", "title", "first_published_at", "category__name", "category__slug"
    ).filter(slug=slug).first()


# --- The sitemap and the feeds ------------------------------------------------------------

def sitemap_articles():
    """Published articles with only what a sitemap entry needs (address and dates)."""
    return (
        public_articles()
        .select_related(None)
        .only("slug", "first_published_at", "content_updated_at")
        .order_by("-first_published_at", "-pk")
    )


def sitemap_categories():
    """Every category, with the latest change of its published articles (None when it has none)."""
    published = Q(articles__in=Article.objects.published())
    return Category.objects.annotate(
        last_change=Max(Coalesce("articles__content_updated_at", "articles__first_published_at"), filter=published)
    ).order_by("position", "name")


def sitemap_authors():
    """Authors who wrote or medically reviewed at least one published article."""
    published = public_articles()
    return Author.objects.filter(
        Q(pk__in=published.values("author")) | Q(pk__in=published.values("reviewer"))
    ).order_by("name", "pk")


def sitemap_tags():
    """Tags used by at least one published article."""
    return Tag.objects.filter(
        pk__in=public_articles().filter(tags__isnull=False).values("tags")
    ).exclude(slug="").order_by("name", "pk")


def sitemap_static_pages() -> list[str]:
    """Paths of the home page and the static pages that answer: a page served from a flat
    page is listed only when that flat page exists on this site (one query)."""
    flatpage_paths, other_paths = [], []
    for name in settings.BONESPINE_STATIC_PAGES:
        path = f"/{name}/"
        try:
            match = resolve(path)
        except Resolver404:
            continue
        (flatpage_paths if match.func is flatpage_views.flatpage else other_paths).append(path)
    existing = set(
        FlatPage.objects.filter(
            sites=settings.SITE_ID, url__in=flatpage_paths, registration_required=False
        ).values_list("url", flat=True)
    ) if flatpage_paths else set()
    return [reverse("articles:home")] + [
        path for path in (f"/{name}/" for name in settings.BONESPINE_STATIC_PAGES) if path in other_paths or path in existing
    ]


def feed_articles(*, category: Category | None = None, limit: int = FEED_LENGTH):
    """The newest published articles (of ``category`` when given), people and live version joined."""
    qs = public_articles()
    if category is not None:
        qs = qs.in_category(category)
    return qs.newest_first()[:limit]
