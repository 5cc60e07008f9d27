"""What crawlers and link previews read about a page: canonical URLs and JSON-LD.

Every absolute URL is built from the configured site address (``BONESPINE_SITE_URL``,
``settings.SITE_URL``), never from the request's ``Host`` header or scheme: a site reachable
under several names (``bonespine.example`` and ``www.bonespine.example``, 127.0.0.1 and
localhost) gives crawlers one canonical address, and a forged ``Host`` cannot put another
domain into a cached page. The JSON-LD builder only touches rows the article page has already
joined, so it costs no queries. (The reads behind the sitemap and the feeds are
selectors: :mod:`articles.selectors`.)
"""

from __future__ import annotations

import json
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from . import rendering
from .templatetags.safeurls import safe_url

LANGUAGE = "en-GB"
SPECIALTY = "https://schema.org/Musculoskeletal"

# --- URLs ----------------------------------------------------------------------------------


def site_origin() -> str:
    """``scheme://host[:port]`` of ``settings.SITE_URL``."""
    parts = urlsplit(settings.SITE_URL)
    return f"{parts.scheme}://{parts.netloc}"


def absolute_url(request, location: str) -> str:
    """``location`` (a path or an already absolute URL) as an absolute URL on the configured site.

    ``request`` is accepted for the callers' convenience and deliberately not read.
    """
    if urlsplit(location).scheme:
        return safe_url(location)  # already absolute (e.g. uploads on object storage / a CDN)
    if location.startswith("//"):
        return location
    if location.startswith("/"):
        return site_origin() + location
    return urljoin(settings.SITE_URL + "/", location)


def canonical_url(request, page_number: int | None = None) -> str:
    """The page's own address without a query string, except ``?page=N`` beyond page 1."""
    url = absolute_url(request, request.path)
    if page_number and page_number > 1:
        url = f"{url}?page={page_number}"
    return url


# --- JSON-LD ------------------------------------------------------------------------------

_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld_dumps(data) -> SafeString:
    """JSON safe to place inside ``<script type="application/ld+json">``.

    ``<``, ``>`` and ``&`` become JSON unicode escapes (as Django's ``json_script`` does), so
    author text such as ``</script><script>…`` cannot end the script element.
    """
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(_JSON_SCRIPT_ESCAPES))


def _person(request, author) -> dict:
    person = {"@type": "Person", "name": author.name, "url": absolute_url(request, author.get_absolute_url())}
    if author.credentials:
        person["honorificSuffix"] = author.credentials
    if author.professional_title:
        person["jobTitle"] = author.professional_title
    if same_as := [url for url in map(safe_url, (author.website, author.orcid, author.profile_url)) if url]:
        person["sameAs"] = same_as
    return person


def _citations(page) -> list[dict]:
    citations = []
    for reference in (page.content or {}).get("references", []):
        if not reference.get("text"):
            continue
        work = {"@type": "CreativeWork", "name": reference["text"]}
        if url := safe_url(rendering.reference_url(reference)):
            work["url"] = url
        citations.append(work)
    return citations


def publisher(request) -> dict:
    return {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": absolute_url(request, reverse("articles:home")),
        "logo": {"@type": "ImageObject", "url": absolute_url(request, static("img/logo.svg"))},
    }


def article_breadcrumbs(request, article, page) -> dict:
    url = absolute_url(request, article.get_absolute_url())
    trail = [
        ("Home", absolute_url(request, reverse("articles:home"))),
        (article.category.name, absolute_url(request, article.category.get_absolute_url())),
        (page.title, url),
    ]
    return {
        "@type": "BreadcrumbList",
        "@id": f"{url}#breadcrumb",
        "itemListElement": [
            {"@type": "ListItem", "position": number, "name": name, "item": item}
            for number, (name, item) in enumerate(trail, 1)
        ],
    }


def article_jsonld(request, article, page=None) -> dict:
    """schema.org ``MedicalWebPage`` + ``BreadcrumbList`` for a published article.

    ``page`` is the version shown (default: ``article.live_version``). Reads only the
    article, its author, reviewer, category and live version, which the article page
    has already joined (``selectors.article_for_page``).
    """
    page = page or article.live_version
    url = absolute_url(request, article.get_absolute_url())
    webpage = {
        "@type": "MedicalWebPage",
        "@id": f"{url}#webpage",
        "url": url,
        "mainEntityOfPage": url,
        "headline": page.title,
        "name": page.title,
        "description": page.excerpt,
        "inLanguage": LANGUAGE,
        "isPartOf": {"@type": "WebSite", "name": settings.SITE_NAME,
                     "url": absolute_url(request, reverse("articles:home"))},
        "author": _person(request, article.author),
        "about": {"@type": "Thing", "name": article.category.name},
        "specialty": SPECIALTY,
        "audience": {"@type": "MedicalAudience", "audienceType": "Patient"},
        "publisher": publisher(request),
        "breadcrumb": {"@id": f"{url}#breadcrumb"},
    }
    if article.reviewer_id:
        webpage["reviewedBy"] = _person(request, article.reviewer)
    if article.last_reviewed_on:
        webpage["lastReviewed"] = article.last_reviewed_on.isoformat()
    if article.first_published_at:
        webpage["datePublished"] = article.first_published_at.isoformat()
    if article.last_updated:
        webpage["dateModified"] = article.last_updated.isoformat()
    if citations := _citations(page):
        webpage["citation"] = citations
    if page.image:
        image = {"@type": "ImageObject", "url": absolute_url(request, page.image.url)}
        if page.image_width and page.image_height:
            image.update(width=page.image_width, height=page.image_height)
        if page.image_alt:
            image["caption"] = page.image_alt
        webpage["image"] = image
    return {"@context": "https://schema.org", "@graph": [webpage, article_breadcrumbs(request, article, page)]}
