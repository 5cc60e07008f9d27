from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from . import pagecache, routes, selectors, viewcounts
from . import search as search_module
from .templatetags import fragments

PAGE_SIZE = 12


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """A page of ``queryset``; a missing page number is page 1, a bad or out-of-range one is 404."""
    paginator = Paginator(queryset, per_page, allow_empty_first_page=True)
    raw = request.GET.get("page", "1")
    try:
        return paginator.page(raw)
    except (PageNotAnInteger, EmptyPage):
        raise Http404("No such page.")


def listing_page(request, shows: str, queryset, *, per_page: int = PAGE_SIZE):
    """A page of ``queryset()`` (``paginate``'s rules) whose articles are card references, kept
    in the cache under the generation of ``shows`` (the category, tag… the list is of): the
    query is built only when the page is not."""
    number = request.GET.get("page", "1")

    def build():
        page = paginate(request, queryset().values_list(*selectors.CARD_FIELDS), per_page)
        return page.number, page.paginator.count, selectors.card_refs(page.object_list)

    number, count, refs = pagecache.cached(request, (shows,), f"{shows}|page={number}", build)
    page = Paginator(range(count), per_page, allow_empty_first_page=True).page(number)
    page.object_list = refs
    return page


def cached_cards(request, label: str, queryset) -> list:
    """Card references of ``queryset()``, a list of all articles (kept under ``listings``)."""
    return pagecache.cached(request, (pagecache.LISTINGS,), label,
                            lambda: selectors.card_refs(queryset().values_list(*selectors.CARD_FIELDS)))


def popular_cards(request, period: str, limit: int) -> list:
    """The most read articles as card references, kept under ``listings`` and the ranking
    (itself recounted every ``BONESPINE_POPULAR_SECONDS``)."""
    ranking = selectors.popular_ranking(period)[:limit]
    return pagecache.cached(request, (pagecache.LISTINGS,), f"popular|{period}|{limit}|{ranking}",
                            lambda: selectors.popular_refs(period=period, limit=limit))


@require_safe
def home(request):
    pagecache.page_shows(request, pagecache.LISTINGS, pagecache.SIDEBAR)
    return render(
        request,
        "articles/home.html",
        {
            "featured": cached_cards(request, "home:featured", lambda: selectors.featured_articles(limit=3)),
            "latest": cached_cards(request, "home:latest", lambda: selectors.latest_articles(limit=6)),
            "popular": popular_cards(request, "7d", 5),
        },
    )


def moved_permanently(request, location: str) -> HttpResponsePermanentRedirect:
    """A 301 to ``location`` that keeps the query string (e.g. ``?page=2``)."""
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{location}?{query}" if query else location)


@require_safe
def article_detail(request, slug):
    try:
        article = routes.article_for_page(request, slug)
    except Http404:
        withdrawn = selectors.withdrawn_article(slug=slug)
        if withdrawn is not None:
            return article_withdrawn(request, withdrawn)
        moved = selectors.redirect_for_old_slug(slug=slug)
        if moved is None:
            raise
        return HttpResponsePermanentRedirect(moved.get_absolute_url())
    pagecache.page_shows(request, *routes.page_dependencies(article))
    fragments.prefetch_article(request, article)
    return render(
        request,
        "articles/article_detail.html",
        {"article": article, "page": article.live_version},
    )


def article_withdrawn(request, article):
    """410 Gone: a short notice for an article that was public and has been withdrawn
    (cacheable like a 404; publishing it again changes its generation)."""
    pagecache.page_shows(request, f"article:{article.pk}", pagecache.SIDEBAR)
    return render(request, "articles/article_withdrawn.html", {"article": article}, status=410)


@require_safe
def category_detail(request, slug):
    try:
        category = pagecache.site_row(request, f"category|{slug}", lambda: selectors.category_for_page(slug=slug))
    except Http404:
        moved = selectors.redirect_for_old_category_slug(slug=slug)
        if moved is None:
            raise
        return moved_permanently(request, moved.get_absolute_url())
    shows = f"category:{category.pk}"
    pagecache.page_shows(request, shows, pagecache.SIDEBAR)
    page = listing_page(request, shows, lambda: selectors.category_articles(category=category))
    return render(request, "articles/category_detail.html", {"category": category, "page_obj": page})


@require_safe
def tag_detail(request, slug):
    tag = pagecache.site_row(request, f"tag|{slug}", lambda: selectors.tag_for_page(slug=slug))
    shows = f"tag:{tag.pk}"
    pagecache.page_shows(request, shows, pagecache.SIDEBAR)
    page = listing_page(request, shows, lambda: selectors.tag_articles(tag=tag))
    if not page.paginator.count:
        raise Http404("No published article has this tag.")
    return render(request, "articles/tag_detail.html", {"tag": tag, "page_obj": page})


@require_safe
def popular(request):
    period = request.GET.get("period", selectors.DEFAULT_POPULAR_PERIOD)
    if period not in selectors.POPULAR_PERIODS:
        period = selectors.DEFAULT_POPULAR_PERIOD
    pagecache.page_shows(request, pagecache.LISTINGS, pagecache.SIDEBAR)
    articles = popular_cards(request, period, 20)
    return render(
        request,
        "articles/popular.html",
        {"articles": articles, "period": period, "periods": [("7d", "Last 7 days"), ("30d", "Last 30 days"), ("all", "All time")]},
    )


@require_safe
def search(request):
    query = search_module.clean_query(request.GET.get("q"))
    page = suggestion = None
    if query:
        page = paginate(request, selectors.search_ranked(query=query), per_page=10)
        page.object_list = selectors.search_page_articles(rows=list(page.object_list), query=query)
        if page.paginator.count < search_module.SUGGEST_BELOW:
            suggestion = search_module.did_you_mean(query)
    return render(request, "articles/search.html", {
        "query": query, "page_obj": page, "suggestion": suggestion,
        "capped": page is not None and page.paginator.count >= search_module.MAX_RESULTS,
    })


@csrf_exempt  # a beacon cannot carry a CSRF token; it only adds one to a counter
@require_POST
def count_view(request, pk):
    """Beacon endpoint: one view of article ``pk`` (204). Bots and staff are ignored."""
    if viewcounts.counts_as_view(request):
        viewcounts.add_view(pk)
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response
