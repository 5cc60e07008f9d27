"""Public pages: what they show, who may see them, and how many queries they cost."""

import re
from datetime import timedelta

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    DailyViewsFactory,
    ReferenceFactory,
    ReviewerFactory,
    SectionFactory,
    UserFactory,
    make_live,
    published_article,
    uploaded_image,
)

pytestmark = pytest.mark.django_db

NOT_PUBLISHED = [s for s in Article.Status.values if s != Article.Status.PUBLISHED]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def full_article():
    author = AuthorFactory(
        name="Dr Asha Rao", slug="dr-asha-rao", credentials="MBBS, MS (Orthopaedics)",
        bio="Consultant spine surgeon in Pune.",
    )
    reviewer = ReviewerFactory(name="Dr Rhea Kapoor", slug="dr-rhea-kapoor", credentials="MD, FRCS")
    category = CategoryFactory(name="Muscle Problems", slug="muscle-problems")
    article = ArticleFactory(
        title="Muscle cramps",
        slug="muscle-cramps",
        lead="<p>Cramps are <strong>sudden</strong> and painful.</p>",
        author=author,
        category=category,
        featured_image=uploaded_image("cramp.jpg"),
        image_alt="A runner holding her calf",
        image_caption="Calf cramp after a run",
    )
    SectionFactory(article=article, position=0, heading="Causes", body="<p>Dehydration and <em>fatigue</em>.</p>")
    SectionFactory(article=article, position=1, heading="Treatment", body="<ul><li><p>Stretch</p></li><li><p>Massage</p></li></ul>")
    SectionFactory(article=article, position=2, heading="References", body="Confusingly named section.")
    ReferenceFactory(article=article, position=0)
    ReferenceFactory(article=article, position=1, authors="", title="", journal="", year=None, volume="",
                     pages="", citation_text="NICE guideline NG59", url="https://www.nice.org.uk/ng59")
    article.tags.add("cramp", "sports injury")
    return make_live(article, reviewer=reviewer)


# --- Article page --------------------------------------------------------------------------


class TestArticlePage:
    def test_shows_the_article(self, client, full_article):
        response = client.get("/articles/muscle-cramps/")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        html = response.content.decode()
        assert '<h1 id="article-title" class="entry__title">Muscle cramps</h1>' in html
        assert "<title>Muscle cramps · Bonespine</title>" in html
        assert '<a rel="author" href="/authors/dr-asha-rao/">Dr Asha Rao</a>, MBBS, MS (Orthopaedics)' in html
        updated = timezone.localtime(full_article.content_updated_at)
        assert f'Last updated on <time datetime="{updated:%Y-%m-%d}">{updated.day} {updated:%B %Y}</time>' in html
        assert "<p>Cramps are <strong>sudden</strong> and painful.</p>" in html

    def test_skip_links(self, client, full_article):
        html = client.get(full_article.get_absolute_url()).content.decode()
        for target in ("primary-navigation", "main-content", "primary-sidebar"):
            assert f'href="#{target}"' in html
            assert f'id="{target}"' in html

    def test_breadcrumbs(self, client, full_article):
        html = client.get(full_article.get_absolute_url()).content.decode()
        crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
        assert '<a href="/">Home</a>' in crumbs
        assert '<a href="/category/muscle-problems/">Muscle Problems</a>' in crumbs
        assert '<span aria-current="page">Muscle cramps</span>' in crumbs
        assert crumbs.index("Home") < crumbs.index("Muscle Problems") < crumbs.index("Muscle cramps")

    def test_featured_image_with_alt_and_caption(self, client, full_article):
        html = client.get(full_article.get_absolute_url()).content.decode()
        url = full_article.featured_image.url
        assert re.match(r"^/media/articles/[0-9a-f]{32}\.jpg$", url)
        assert f'<img src="{url}" alt="A runner holding her calf" width="64" height="48"' in html
        assert "<figcaption>Calf cramp after a run</figcaption>" in html

    def test_contents_links_match_section_ids(self, client, full_article):
        html = client.get(full_article.get_absolute_url()).content.decode()
        toc = re.search(r'<ol id="toc-list".*?</ol>', html, re.S).group(0)
        toc_targets = re.findall(r'<a href="#([^"]+)">', toc)
        section_ids = re.findall(r'<h2 id="([^"]+)" tabindex="-1">', html)
        assert toc_targets == section_ids
        assert toc_targets[-1] == "references"
        assert toc_targets[:3] == [s.anchor for s in full_article.sections.all()]
        assert '<li><a href="#references">References</a></li>' in toc
        # ids are unique on the page even with a section called "References"
        all_ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(all_ids) == len(set(all_ids)), sorted(all_ids)

    def test_section_bodies_and_numbered_references(self, client, full_article):
        html = client.get(full_article.get_absolute_url()).content.decode()
        assert "<p>Dehydration and <em>fatigue</em>.</p>" in html
        refs = re.search(r'<ol class="references">(.*?)</ol>', html, re.S).group(1)
        items = re.findall(r"<li id=\"ref-\d+\">(.*?)</li>", refs, re.S)
        assert len(items) == 2
        assert items[0].startswith(
            "Bentley S. Exercise-induced muscle cramp: proposed mechanisms and management. Sports Med. 1996;21:409-420."
        )
        assert items[1].startswith("NICE guideline NG59. ")
        assert '<a href="https://www.nice.org.uk/ng59" rel="noopener">' in items[1]

    def test_tags_link_to_tag_pages(self, client, full_article):
        html = client.get(full_article.get_absolute_url()).content.decode()
        assert '<a href="/tags/cramp/" rel="tag">cramp</a>' in html
        assert '<a href="/tags/sports-injury/" rel="tag">sports injury</a>' in html

    def test_review_box_and_about_author(self, client, full_article):
        html = client.get(full_article.get_absolute_url()).content.decode()
        text = re.sub(r"<[^>]+>", "", html)
        assert "This article has been medically reviewed by Dr Rhea Kapoor, MD, FRCS." in text
        assert '<a href="/authors/dr-rhea-kapoor/">Dr Rhea Kapoor</a>' in html
        assert "Page last reviewed" in html
        assert "Next review due" in html
        due = full_article.next_review_due
        assert f'<time datetime="{due:%Y-%m-%d}">{due.day} {due:%B %Y}</time>' in html
        assert '<h2 id="about-author-title">About Dr Asha Rao</h2>' in html
        assert "Consultant spine surgeon in Pune." in html

    def test_sidebar(self, client, full_article):
        other = published_article(is_featured=True, title="Back pain basics")
        DailyViewsFactory(article=other, views=5)
        html = client.get(full_article.get_absolute_url()).content.decode()
        sidebar = re.search(r'<aside id="primary-sidebar".*?</aside>', html, re.S).group(0)
        for heading in ("Know your author", "Explore articles", "Featured articles", "Popular articles"):
            assert f">{heading}</h3>" in sidebar
        assert "Dr Asha Rao, MBBS, MS (Orthopaedics)" in sidebar  # the article's own author
        assert '<a href="/category/muscle-problems/">' in sidebar
        assert "Back pain basics" in sidebar

    def test_sidebar_hides_empty_featured_and_popular(self, client, full_article):
        html = client.get(full_article.get_absolute_url()).content.decode()
        assert "Know your author" in html
        assert "Explore articles" in html
        assert "Featured articles" not in html
        assert "Popular articles" not in html

    def test_footer_disclaimer(self, client, full_article):
        html = client.get(full_article.get_absolute_url()).content.decode()
        footer = re.search(r'<footer class="site-footer">.*?</footer>', html, re.S).group(0)
        assert "does not replace professional medical advice" in footer
        assert '<a href="/disclaimer/">Read the full disclaimer</a>' in footer

    @pytest.mark.parametrize("status", NOT_PUBLISHED)
    def test_never_published_statuses_are_404(self, client, status):
        extra = {"approved_fingerprint": "0" * 64, "approved_by": ReviewerFactory()} if status == "approved" else {}
        article = ArticleFactory(status=status, reviewer=ReviewerFactory(),
                                 first_published_at=timezone.now() - timedelta(days=1), **extra)
        SectionFactory(article=article)
        assert client.get(article.get_absolute_url()).status_code == 404

    @pytest.mark.parametrize("service", ["article_unpublish", "article_archive"])
    def test_unpublished_and_archived_are_410_gone(self, client, service, django_capture_on_commit_callbacks):
        from articles import services

        article = published_article()
        assert client.get(article.get_absolute_url()).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):  # visitors see committed changes
            getattr(services, service)(article=article, by=UserFactory(is_staff=True, is_superuser=True),
                                       comment="Withdrawn for a test.")
        assert client.get(article.get_absolute_url()).status_code == 410

    def test_unknown_slug_is_404(self, client):
        published_article(slug="real")
        response = client.get("/articles/not-there/")
        assert response.status_code == 404
        assert b"Page not found" in response.content

    def test_scheduled_article_is_404_until_its_time(self, client):
        article = published_article(first_published_at=timezone.now() + timedelta(hours=2))
        assert client.get(article.get_absolute_url()).status_code == 404
        Article.objects.filter(pk=article.pk).update(first_published_at=timezone.now() - timedelta(minutes=1))
        assert client.get(article.get_absolute_url()).status_code == 200

    @pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
    def test_unsafe_methods_not_allowed(self, client, method, full_article):
        response = getattr(client, method)(full_article.get_absolute_url())
        assert response.status_code == 405

    def test_head_allowed(self, client, full_article):
        assert client.head(full_article.get_absolute_url()).status_code == 200

    def test_pages_survive_an_image_file_missing_from_storage(self, client):
        # Dimensions are stored, so rendering never has to open the file to measure it.
        import os

        article = published_article(featured_image=uploaded_image(), image_alt="A knee", is_featured=True)
        os.remove(article.featured_image.path)
        for page in (article.get_absolute_url(), "/", article.category.get_absolute_url(), "/search/?q=article"):
            assert client.get(page).status_code == 200, page

    def test_query_count_does_not_grow_with_content(self, client):
        small = published_article(sections=1, references=1, tags=["one"])
        big = published_article(sections=30, references=30, tags=[f"tag {i}" for i in range(30)])
        for article in (small, big):  # warm per-process caches (content types)
            client.get(article.get_absolute_url())
        n_small = count_queries(client, small.get_absolute_url())
        n_big = count_queries(client, big.get_absolute_url())
        assert n_small == n_big
        assert n_big <= 12

    def test_query_count_with_author_photo_and_sidebar_lists(self, client):
        small = published_article(sections=1, references=1, tags=["one"])
        big = published_article(sections=30, references=30, tags=[f"tag {i}" for i in range(30)])
        for _ in range(5):
            other = published_article(is_featured=True, featured_image=uploaded_image(), image_alt="x")
            DailyViewsFactory(article=other, views=3)
        client.get(small.get_absolute_url())
        client.get(big.get_absolute_url())  # both warm (the sidebar fragment is cached per article)
        assert count_queries(client, small.get_absolute_url()) == count_queries(client, big.get_absolute_url())
        cache.clear()  # and both cold
        cold_small = count_queries(client, small.get_absolute_url())
        cache.clear()
        assert cold_small == count_queries(client, big.get_absolute_url())


# --- Listings -----------------------------------------------------------------------------------


class TestHome:
    def test_home(self, client):
        featured = published_article(title="Featured knee article", is_featured=True)
        latest = published_article(title="Plain spine article")
        DailyViewsFactory(article=latest, views=9)
        draft = ArticleFactory(title="Secret draft")
        response = client.get("/")
        assert response.status_code == 200
        html = response.content.decode()
        assert featured.title in html and latest.title in html
        assert draft.title not in html
        assert "Most read this week" in html
        assert "Browse by topic" in html
        assert f'<a href="{latest.category.get_absolute_url()}">' in html
        assert '<a href="/" aria-current="page">Home</a>' in html

    def test_home_when_empty(self, client):
        response = client.get("/")
        assert response.status_code == 200
        assert b"No articles have been published yet." in response.content

    def test_category_tiles_count_published_articles(self, client):
        spine = CategoryFactory(name="Spine", slug="spine")
        published_article(category=spine)
        published_article(category=spine)
        ArticleFactory(category=spine)  # draft
        html = client.get("/").content.decode()
        assert re.search(r'<span class="category-tiles__name">Spine</span><span class="category-tiles__count">2 articles</span>', html)

    def test_category_tiles_do_not_count_scheduled_articles(self, client):
        knee = CategoryFactory(name="Knee", slug="knee")
        published_article(category=knee, first_published_at=timezone.now() + timedelta(days=2))
        assert "No articles in this category yet." in client.get("/category/knee/").content.decode()
        html = client.get("/").content.decode()
        assert re.search(r'<span class="category-tiles__name">Knee</span><span class="category-tiles__count">0 articles</span>', html)

    def test_sidebar_author_is_not_chosen_for_a_scheduled_article(self, client):
        AuthorFactory(name="Dr Visible")
        scheduled_author = AuthorFactory(name="Dr Future")
        published_article(author=scheduled_author, first_published_at=timezone.now() + timedelta(days=2))
        html = client.get("/").content.decode()
        assert "Dr Future" not in html

    def test_query_count_does_not_grow(self, client):
        published_article(is_featured=True)
        client.get("/")
        n_small = count_queries(client, "/")
        for i in range(12):
            article = published_article(is_featured=True, featured_image=uploaded_image(), image_alt="x",
                                        category=CategoryFactory())
            DailyViewsFactory(article=article, views=i + 1)
        n_big = count_queries(client, "/")
        assert n_small == n_big
        assert n_big <= 12


class TestCategoryPage:
    def test_lists_published_articles_newest_first(self, client):
        category = CategoryFactory(name="Spine", slug="spine", description="All about backs.")
        old = published_article(category=category, title="Old one", first_published_at=timezone.now() - timedelta(days=9))
        new = published_article(category=category, title="New one", first_published_at=timezone.now() - timedelta(days=1))
        ArticleFactory(category=category, title="Draft one")
        published_article(title="Elsewhere")
        html = client.get("/category/spine/").content.decode()
        assert "All about backs." in html
        assert html.index(new.title) < html.index(old.title)
        assert "Draft one" not in html
        assert "Elsewhere" not in html
        assert '<span aria-current="page">Spine</span>' in html

    def test_unknown_category_is_404(self, client):
        assert client.get("/category/nope/").status_code == 404

    def test_empty_category_page_one_ok(self, client):
        CategoryFactory(slug="empty")
        response = client.get("/category/empty/")
        assert response.status_code == 200
        assert b"No articles in this category yet." in response.content

    @pytest.mark.parametrize("page,status", [("1", 200), ("2", 404), ("abc", 404), ("0", 404), ("-1", 404)])
    def test_pagination_bounds_with_one_article(self, client, page, status):
        category = CategoryFactory(slug="spine")
        published_article(category=category)
        assert client.get(f"/category/spine/?page={page}").status_code == status

    def test_second_page(self, client):
        category = CategoryFactory(slug="spine")
        now = timezone.now()
        articles = [
            published_article(category=category, title=f"Spine article {i:02d}", first_published_at=now - timedelta(days=i + 1))
            for i in range(13)
        ]
        first = client.get("/category/spine/").content.decode()
        assert "Page 1 of 2" in first
        assert 'href="?page=2"' in first
        assert articles[12].title not in first
        second = client.get("/category/spine/?page=2")
        assert second.status_code == 200
        html = second.content.decode()
        assert articles[12].title in html
        assert articles[0].title not in html
        assert "(page 2)" in html
        assert client.get("/category/spine/?page=3").status_code == 404

    def test_query_count_does_not_grow(self, client):
        category = CategoryFactory(slug="spine")
        published_article(category=category)
        client.get("/category/spine/")
        n_small = count_queries(client, "/category/spine/")
        for _ in range(19):
            published_article(category=category, featured_image=uploaded_image(), image_alt="x", author=AuthorFactory())
        n_big = count_queries(client, "/category/spine/")
        assert n_small == n_big
        assert n_big <= 10


class TestTagPage:
    def test_lists_tagged_published_articles(self, client):
        tagged = published_article(title="Tagged article", tags=["cramp"])
        published_article(title="Untagged article", tags=["other"])
        ArticleFactory(title="Tagged draft").tags.add("cramp")
        response = client.get("/tags/cramp/")
        assert response.status_code == 200
        html = response.content.decode()
        assert tagged.title in html
        assert "Untagged article" not in html
        assert "Tagged draft" not in html
        assert "Articles tagged “cramp”" in html

    def test_tag_used_only_by_drafts_is_404(self, client):
        ArticleFactory().tags.add("secret")
        assert client.get("/tags/secret/").status_code == 404

    def test_unknown_tag_is_404(self, client):
        assert client.get("/tags/none/").status_code == 404

    def test_bad_page_is_404(self, client):
        published_article(tags=["cramp"])
        assert client.get("/tags/cramp/?page=2").status_code == 404
        assert client.get("/tags/cramp/?page=abc").status_code == 404


class TestPopularPage:
    @pytest.fixture
    def views(self):
        today = timezone.localdate()
        week = published_article(title="Hot this week")
        month = published_article(title="Hot this month")
        ancient = published_article(title="Hot long ago")
        DailyViewsFactory(article=week, day=today, views=5)
        DailyViewsFactory(article=month, day=today - timedelta(days=20), views=50)
        DailyViewsFactory(article=ancient, day=today - timedelta(days=200), views=500)
        hidden = ArticleFactory(title="Viewed draft")
        DailyViewsFactory(article=hidden, day=today, views=1000)

    @pytest.mark.parametrize(
        "period,shown,hidden",
        [
            ("7d", ["Hot this week"], ["Hot this month", "Hot long ago"]),
            ("30d", ["Hot this month", "Hot this week"], ["Hot long ago"]),
            ("all", ["Hot long ago", "Hot this month", "Hot this week"], []),
            ("zzz", ["Hot this month", "Hot this week"], ["Hot long ago"]),  # bad value → default 30 days
            ("", ["Hot this month", "Hot this week"], ["Hot long ago"]),
        ],
    )
    def test_periods(self, client, views, period, shown, hidden):
        response = client.get("/popular/", {"period": period})
        assert response.status_code == 200
        html = response.content.decode()
        cards = re.findall(r'<h2 class="card__title"><a href="[^"]+">([^<]+)</a>', html)
        assert cards == shown
        for title in hidden:
            assert title not in cards
        assert "Viewed draft" not in html
        current = "30d" if period not in ("7d", "all") else period
        assert f'<a href="?period={current}" aria-current="true">' in html
        assert html.count('aria-current="true"') == 1

    def test_no_views(self, client):
        response = client.get("/popular/")
        assert response.status_code == 200
        assert b"No views recorded in this period yet." in response.content


class TestSearch:
    def test_empty_query_is_a_helpful_page(self, client):
        response = client.get("/search/")
        assert response.status_code == 200
        assert b"Type a word or two" in response.content
        assert client.get("/search/", {"q": "   "}).status_code == 200

    def test_match_in_title_and_section(self, client):
        by_title = published_article(title="Knee replacement")
        by_section = ArticleFactory(title="Joint surgery")
        SectionFactory(article=by_section, heading="Recovery", body="After a knee operation…")
        make_live(by_section)
        by_heading = ArticleFactory(title="Hip surgery")
        SectionFactory(article=by_heading, heading="Knee problems after hip surgery", body="Rare.")
        make_live(by_heading)
        ArticleFactory(title="Knee draft")
        published_article(title="Shoulder")
        response = client.get("/search/", {"q": "knee"})
        assert response.status_code == 200
        html = response.content.decode()
        assert by_title.title in html and by_section.title in html and by_heading.title in html
        assert "Knee draft" not in html and "Shoulder" not in html
        assert "3 results" in html

    def test_all_words_must_match(self, client):
        published_article(title="Knee pain")
        published_article(title="Back pain")
        html = client.get("/search/", {"q": "knee pain"}).content.decode()
        assert "Knee pain" in html and "Back pain" not in html

    def test_no_match(self, client):
        published_article(title="Knee pain")
        response = client.get("/search/", {"q": "zebra"})
        assert response.status_code == 200
        assert b"Nothing matched" in response.content

    def test_long_query(self, client):
        published_article(title="Knee pain")
        response = client.get("/search/", {"q": "knee " * 100})
        assert response.status_code == 200
        assert len(response.context["query"]) <= 200

    def test_query_is_escaped(self, client):
        response = client.get("/search/", {"q": '<script>alert(1)</script>"'})
        assert response.status_code == 200
        assert b"<script>alert(1)" not in response.content
        assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content

    def test_bad_page(self, client):
        published_article(title="Knee pain")
        assert client.get("/search/", {"q": "knee", "page": "2"}).status_code == 404
        assert client.get("/search/", {"q": "knee", "page": "abc"}).status_code == 404


# --- Static pages (flatpages) ------------------------------------------------------------------

STATIC_PAGES = ["/about/", "/contact/", "/policies/", "/disclaimer/", "/editorial-policy/"]


@pytest.mark.parametrize("url", STATIC_PAGES)
def test_static_page(client, url):
    page = FlatPage.objects.create(url=url, title=f"Title of {url.strip('/')}", content="<p>Body text here.</p>")
    page.sites.add(Site.objects.get(pk=1))
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 id="page-title" class="page-title">{page.title}</h1>' in html
    assert "<p>Body text here.</p>" in html


@pytest.mark.parametrize("url", [u for u in STATIC_PAGES if u != "/contact/"])
def test_static_page_missing_is_404(client, url):
    assert client.get(url).status_code == 404


def test_contact_page_without_flatpage_has_a_default_title(client):
    # /contact/ is the contact form; the flatpage only supplies its title and intro text.
    response = client.get("/contact/")
    assert response.status_code == 200
    assert "Contact us" in response.content.decode()


def test_static_page_on_another_site_is_404(client):
    other = Site.objects.create(domain="other.example", name="Other")
    page = FlatPage.objects.create(url="/about/", title="About", content="x")
    page.sites.add(other)
    assert client.get("/about/").status_code == 404


# --- Query counts of the other listings ------------------------------------------------------------


@pytest.mark.parametrize("page", ["/tags/cramp/", "/popular/?period=all", "/popular/?period=7d", "/search/?q=article"])
def test_listing_query_count_does_not_grow(client, page):
    def add(n):
        for _ in range(n):
            article = published_article(tags=["cramp", "extra"], featured_image=uploaded_image(), image_alt="x",
                                        author=AuthorFactory(), category=CategoryFactory())
            DailyViewsFactory(article=article, views=2)

    add(1)
    client.get(page)
    n_small = count_queries(client, page)
    add(14)
    n_big = count_queries(client, page)
    assert n_small == n_big
    assert n_big <= 12
