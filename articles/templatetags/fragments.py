"""Parts of the article page that are not the signed-off version: its tags and its related
articles, and the cards of every listing. They change when other content changes, so they
are kept in the cache under the generations of what they show (articles/pagecache.py) and
shared by every request until that changes: an uncached article page then reads one row (the
article with its live version, whose body was rendered when it was frozen) and these
fragments."""

import hashlib

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from .. import pagecache, selectors

register = template.Library()


def _article_stamp(request, article, *more: str) -> str:
    """The generations of what an article's fragments show: ``site`` (names), the article
    (its row, hence its live version) and ``more``."""
    return pagecache.stamp(pagecache.generations(request, pagecache.SITE, f"article:{article.pk}", *more))


def extras_key(request, article) -> str:
    return f"bonespine:article-extras:{article.pk}:{_article_stamp(request, article, f'category:{article.category_id}')}"


def main_key(request, article) -> str:
    return f"bonespine:article-main:{article.pk}:{article.live_version_id}:{_article_stamp(request, article)}"


def jsonld_key(request, article) -> str:
    return f"bonespine:jsonld:{article.pk}:{article.live_version_id}:{_article_stamp(request, article)}"


def breadcrumbs_key(request, article) -> str:
    return f"{main_key(request, article)}:breadcrumbs"


def head_key(request, article) -> str:
    path = hashlib.blake2b(request.path.encode(), digest_size=8).hexdigest()  # canonical, og:url
    return f"bonespine:article-head:{article.pk}:{article.live_version_id}:{path}:{_article_stamp(request, article)}"


class PageHeadNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        request = context.get("request")
        key = page_head_key(context, request)
        if key is None:
            return self.nodelist.render(context)
        return pagecache.fragment(request, key, lambda: self.nodelist.render(context))


def shows_live_version(context) -> bool:
    """Whether ``context`` renders the public page of an article's live version (not a
    preview): its article fragments may then come from the cache."""
    article, page = context.get("article"), context.get("page")
    return (
        context.get("request") is not None and article is not None and page is not None
        and not context.get("preview") and getattr(page, "pk", None) == article.live_version_id
    )


def page_head_key(context, request) -> str | None:
    """The cache key of a page's ``<head>`` tags, or None to render them each time: a preview,
    a form's answer (POST), or a view that did not say what its page shows."""
    if request is None or request.method != "GET" or context.get("preview"):
        return None
    if shows_live_version(context):
        return head_key(request, context.get("article"))
    declared = getattr(request, "_page_declared", None)
    if not declared:
        return None
    address = hashlib.blake2b(request.get_full_path().encode(), digest_size=8).hexdigest()
    return f"bonespine:head:{address}:{pagecache.stamp(pagecache.generations(request, *declared))}"


@register.tag
def page_head(parser, token):
    """``{% page_head %}…{% endpage_head %}`` (base.html): the page's ``<head>`` tags (title,
    description, canonical, OpenGraph, JSON-LD) show only what its view said the page shows
    (``pagecache.page_shows``) and its address: rendered once per generation of those."""
    nodelist = parser.parse(("endpage_head",))
    parser.delete_first_token()
    return PageHeadNode(nodelist)


def prefetch_article(request, article) -> None:
    """Read the article page's cached fragments (JSON-LD, the article, its tags and related
    articles, the sidebar) in one round trip instead of one each."""
    from .sidebar import sidebar_key

    pagecache.prefetch(request, [
        head_key(request, article), jsonld_key(request, article), main_key(request, article),
        breadcrumbs_key(request, article), extras_key(request, article), sidebar_key(request, article, None),
    ])


def article_extras(request, article) -> dict:
    """{"tags": html, "related": html} for ``article`` (cached; computed once per request).

    They depend on the article (its tags), its category and each of its tags (the articles
    that share them): the entry records the tags' generations it was built with and is used
    only while they are current."""
    extras = getattr(article, "_page_extras", None)
    if extras is None:
        key = extras_key(request, article)
        extras = pagecache.cache_get(request, key)
        if extras is None or not pagecache.still_valid(request, extras["tag_generations"]):
            tags = list(article.tags.all())
            tag_generations = pagecache.generations(request, *(f"tag:{tag.pk}" for tag in tags))
            related = list(selectors.related_articles(article=article))
            extras = {
                "tag_generations": tag_generations,
                "tags": render_to_string("articles/includes/article_tags.html", {"article": article, "tags": tags}),
                "related": render_to_string("articles/includes/article_related.html", {"related": related}),
            }
            pagecache.store(key, extras)
        article._page_extras = extras
    return extras


# Where the tags and related articles go in a cached article (they are cached on their own).
TAGS_SLOT = "<!--bonespine:article-tags-->"
RELATED_SLOT = "<!--bonespine:related-articles-->"


@register.simple_tag(takes_context=True)
def article_tags(context, article):
    if context.get("extras_slots"):
        return mark_safe(TAGS_SLOT)
    return mark_safe(article_extras(context.get("request"), article)["tags"])  # noqa: S308 - rendered by our template


@register.simple_tag(takes_context=True)
def related_articles(context, article):
    if context.get("extras_slots"):
        return mark_safe(RELATED_SLOT)
    return mark_safe(article_extras(context.get("request"), article)["related"])  # noqa: S308 - rendered by our template


@register.simple_tag(takes_context=True)
def article_main(context):
    """The article (``articles/includes/article_main.html``). On the public page it shows the
    live version, the article's dates and people, nothing per visitor: rendered once per
    version and generation of the article (and ``site``: the people's and category's names),
    kept in the cache, with the tags and related articles put in their slots per request.
    A preview, or the page re-rendered with a feedback answer, is rendered each time."""
    def render():
        return context.template.engine.get_template("articles/includes/article_main.html").render(context)

    def render_with_slots():
        with context.push(extras_slots=True):
            return render()

    article, request = context.get("article"), context.get("request")
    cacheable = (
        shows_live_version(context) and "feedback" not in request.GET
        and context.get("feedback_form") is None and not context.get("feedback_limited")
    )
    if not cacheable:
        return render()
    html = pagecache.fragment(request, main_key(request, article), render_with_slots)
    extras = article_extras(request, article)
    return mark_safe(  # noqa: S308 - rendered by our templates
        html.replace(TAGS_SLOT, extras["tags"], 1).replace(RELATED_SLOT, extras["related"], 1)
    )


@register.simple_tag(takes_context=True)
def article_breadcrumbs(context):
    """The article page's breadcrumbs (its category and title): on the public page they are
    kept with the article (``main_key``); a preview renders them each time."""
    article, page, request = context.get("article"), context.get("page"), context.get("request")

    def render():
        return render_to_string("includes/breadcrumbs.html", {
            "parent_url": article.category.get_absolute_url(), "parent_label": article.category.name,
            "current": page.title,
        })

    if not shows_live_version(context):
        return render()
    return mark_safe(pagecache.fragment(request, breadcrumbs_key(request, article), render))  # noqa: S308 - our template


def card_key(site_generation: int, item, level) -> str:
    """A card shows the article's live version, address and dates (all in the key: a new
    version is a new card) and names of its author and category (``site``)."""
    shown = f"{item.live_version_id}|{item.slug}|{item.last_updated}|{level}|{getattr(item, 'view_total', '') or ''}"
    return f"bonespine:card:{site_generation}:{item.pk}:{hashlib.blake2b(shown.encode(), digest_size=8).hexdigest()}"


@register.simple_tag(takes_context=True)
def article_cards(context, items, level=3):
    """The cards of a listing (``includes/article_card.html``), each rendered once and kept in
    the cache: one ``get_many`` per listing, only missing cards are rendered. A card's key
    includes its view count where the listing shows one (popular)."""
    items = list(items)
    if not items:
        return ""
    site_generation = pagecache.generations(context.get("request"), pagecache.SITE)[pagecache.SITE]
    keys = [card_key(site_generation, item, level) for item in items]
    found = pagecache.get_many(keys)
    absent = [(key, item) for key, item in zip(keys, items) if key not in found]
    # A listing of card references (selectors.CardRef) loads the articles of missing cards only.
    refs = [item.pk for _, item in absent if isinstance(item, selectors.CardRef)]
    loaded = {article.pk: article for article in selectors.articles_in_order(refs)} if refs else {}
    missing = {}
    for key, item in absent:
        article = loaded.get(item.pk) if isinstance(item, selectors.CardRef) else item
        if article is not None:  # (withdrawn since the listing was cached: no card)
            found[key] = missing[key] = render_to_string("includes/article_card.html", {"item": article, "level": level})
    if missing:
        pagecache.store_many(missing)
    return mark_safe("".join(found.get(key, "") for key in keys))  # noqa: S308 - rendered by our template


@register.simple_tag(takes_context=True)
def category_tiles(context):
    """The home page's "Browse by topic" tiles with each category's count of published
    articles: counting them reads every published article's index entry, so the tiles are
    kept in the cache until a category or the counts change (``site``, ``sidebar``)."""
    request = context.get("request")
    stamp = pagecache.stamp(pagecache.generations(request, pagecache.SITE, pagecache.SIDEBAR))
    html = pagecache.fragment(request, f"bonespine:category-tiles:{stamp}", lambda: render_to_string(
        "articles/includes/category_tiles.html", {"categories": selectors.categories_with_counts()}))
    return mark_safe(html)  # noqa: S308 - rendered by our template


AUTHOR_LIST_LENGTH = 50


@register.simple_tag(takes_context=True)
def author_articles(context, author):
    """An author page's lists of the articles they wrote and medically reviewed (the newest
    50 of each), kept in the cache until one of them changes (``author:<pk>``) or a name
    they show does (``site``)."""
    request = context.get("request")
    stamp = pagecache.stamp(pagecache.generations(request, pagecache.SITE, f"author:{author.pk}"))
    html = pagecache.fragment(request, f"bonespine:author-articles:{author.pk}:{stamp}", lambda: render_to_string(
        "authors/includes/author_articles.html", {
            "author": author,
            "written": list(selectors.author_articles(author=author)[:AUTHOR_LIST_LENGTH]),
            "reviewed": list(selectors.author_reviewed_articles(author=author)[:AUTHOR_LIST_LENGTH]),
        }))
    return mark_safe(html)  # noqa: S308 - rendered by our template


# The header marks the current page of its navigation; every other page shows it unmarked.
NAVIGATION_PATHS = frozenset({"/", "/about/", "/contact/", "/policies/"})
_shell: dict[tuple, str] = {}  # this process's copies: a handful of entries


@register.simple_tag(takes_context=True)
def page_shell(context, template_name):
    """The site header or footer, or the head's style sheet and script links (their hashed
    addresses): the same on every page but for the current navigation item and the year, so
    each variant is rendered once per process and ``site`` generation (no cache round trip).
    The search page's header shows the query and is rendered each time."""
    request = context.get("request")
    path = getattr(request, "path", "")
    nav_current = path if path in NAVIGATION_PATHS else ""
    if request is None or context.get("query"):
        return render_to_string(template_name, {**context.flatten(), "nav_current": nav_current})
    site_generation = pagecache.generations(request, pagecache.SITE)[pagecache.SITE]
    key = (template_name, site_generation, nav_current, timezone.localdate().year,
           settings.SITE_NAME, settings.SITE_TAGLINE, settings.STATIC_URL)
    html = _shell.get(key)
    if html is None:
        if len(_shell) >= 64:
            _shell.clear()
        html = _shell[key] = render_to_string(template_name, {**context.flatten(), "nav_current": nav_current})
    return mark_safe(html)  # noqa: S308 - rendered by our template
