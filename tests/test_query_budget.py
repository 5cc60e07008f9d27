"""Every public page runs a constant number of SQL queries, whatever it shows.

Each page is measured with little data and with a lot (50 sections, references,
tags, listed articles…); the two counts must be equal and within the budget
written in docs/performance.md (cache cold: the page cache is off in tests).
"""

import pytest
from django.contrib.flatpages.models import FlatPage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    DailyViewsFactory,
    ReferenceFactory,
    ReviewerFactory,
    SectionFactory,
    make_live,
)

pytestmark = pytest.mark.django_db

# page → the most queries it may run (docs/performance.md says the same)
BUDGET = {
    "article": 6,  # issue 13: at most 6, whatever the size (none once its fragments and route are cached)
    "home": 8,
    "category": 8,
    "tag": 8,
    "popular": 8,
    "author": 8,
    "search": 8,
    "static page": 8,
    "sitemap": 8,
    "feed": 8,
    "category feed": 8,
}


def build_site(size: int, p: str):
    """A site where every list holds ``size`` items (names prefixed with ``p``)."""
    category = CategoryFactory(slug=f"{p}knees")
    author = AuthorFactory(slug=f"{p}dr-knee")
    reviewer = ReviewerFactory()
    main = ArticleFactory(slug=f"{p}main", title="Knee fracture guide", category=category, author=author,
                          is_featured=True)
    for i in range(size):
        SectionFactory(article=main, heading=f"Fracture part {i}", body=f"Body {i} about a fracture.")
        ReferenceFactory(article=main, doi=f"10.1000/{i}", pmid=str(1000 + i))
    main.tags.add(*[f"{p}tag{i}" for i in range(size)], f"{p}knee")
    make_live(main, reviewer=reviewer)
    today = timezone.localdate()
    DailyViewsFactory(article=main, day=today, views=3)
    for i in range(size - 1):
        other = ArticleFactory(title=f"Knee fracture {i}", category=category, author=author,
                               is_featured=i % 2 == 0)
        SectionFactory(article=other, body="Another fracture.")
        other.tags.add(f"{p}knee")
        make_live(other, reviewer=reviewer)
        DailyViewsFactory(article=other, day=today, views=i + 1)
    page, _ = FlatPage.objects.get_or_create(url="/about/", defaults={"title": "About", "content": "<p>About</p>"})
    page.sites.add(1)


def urls(p: str):
    found = {
        "article": f"/articles/{p}main/",
        "home": "/",
        "category": f"/category/{p}knees/",
        "tag": f"/tags/{p}knee/",
        "popular": "/popular/?period=all",
        "author": f"/authors/{p}dr-knee/",
        "search": "/search/?q=fracture",
        "static page": "/about/",
        "sitemap": "/sitemap.xml",
    }
    found["feed"] = reverse("articles:feed")
    found["category feed"] = reverse("articles:category_feed", kwargs={"slug": f"{p}knees"})
    return found


def count_queries(client, url) -> int:
    client.get(url)  # warm per-process caches (content types, site) like a running server
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_data(client):
    build_site(1, "s-")
    small = {name: count_queries(client, url) for name, url in urls("s-").items()}
    build_site(50, "l-")
    large = {name: count_queries(client, url) for name, url in urls("l-").items()}
    assert set(small) == set(large)
    print("queries per page:", small)
    for page, count in small.items():
        assert large[page] == count, f"{page}: {count} queries with 1 item, {large[page]} with 50"
        assert count <= BUDGET[page], f"{page}: {count} queries, budget {BUDGET[page]}"
