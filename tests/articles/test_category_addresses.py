"""Old category addresses answer 301 to the current ones; categories follow their position.

A renamed category keeps answering at /category/<old>/ and its feeds (through the
``category_update`` service, which the admin uses), the sitemap lists only current
addresses, and the page cache never serves a stale answer for either address.
"""

import re

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.test import Client

from articles import services
from articles.models import Category, CategoryRedirect
from tests.factories import CategoryFactory, UserFactory, published_article

pytestmark = pytest.mark.django_db


def rename(category, new_slug, by=None):
    category.slug = new_slug
    return services.category_update(category=category, by=by)


@pytest.fixture
def knees():
    category = CategoryFactory(name="Knees", slug="knees")
    published_article(category=category, title="Runner's knee")
    return category


class TestRenamedCategory:
    @pytest.mark.parametrize(
        "old,new",
        [
            ("/category/knees/", "/category/knee-problems/"),
            ("/category/knees/feed/", "/category/knee-problems/feed/"),
            ("/category/knees/feed/atom/", "/category/knee-problems/feed/atom/"),
        ],
    )
    def test_old_addresses_answer_301_to_the_current_ones(self, client, knees, old, new):
        rename(knees, "knee-problems")
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == new
        assert client.get(new).status_code == 200

    def test_the_query_string_is_kept(self, client, knees):
        rename(knees, "knee-problems")
        response = client.get("/category/knees/?page=1")
        assert response.status_code == 301 and response["Location"] == "/category/knee-problems/?page=1"

    def test_a_chain_of_renames_goes_straight_to_the_current_address(self, client, knees):
        rename(knees, "knee-problems")
        rename(knees, "knee-conditions")
        for old in ("/category/knees/", "/category/knee-problems/"):
            response = client.get(old)
            assert response.status_code == 301 and response["Location"] == "/category/knee-conditions/"

    def test_renaming_back_makes_the_old_address_real_again(self, client, knees):
        rename(knees, "knee-problems")
        rename(knees, "knees")
        assert client.get("/category/knees/").status_code == 200
        assert client.get("/category/knee-problems/").status_code == 301
        assert not CategoryRedirect.objects.filter(old_slug="knees").exists()

    def test_a_new_category_taking_an_old_slug_wins(self, client, knees):
        rename(knees, "knee-problems")
        services.category_update(category=Category(name="Knees (children)", slug="knees"))
        assert client.get("/category/knees/").status_code == 200
        assert b"Knees (children)" in client.get("/category/knees/").content
        assert not CategoryRedirect.objects.filter(old_slug="knees").exists()

    def test_saving_without_a_new_slug_records_nothing(self, knees):
        knees.name = "Knee and leg"
        services.category_update(category=knees)
        assert not CategoryRedirect.objects.exists()

    def test_unknown_addresses_stay_404(self, client, knees):
        rename(knees, "knee-problems")
        for url in ("/category/never/", "/category/never/feed/", "/category/never/feed/atom/"):
            assert client.get(url).status_code == 404

    def test_sitemap_lists_only_the_current_address(self, client, knees):
        rename(knees, "knee-problems")
        xml = client.get("/sitemap.xml").content.decode()
        assert "/category/knee-problems/</loc>" in xml
        assert "/category/knees/</loc>" not in xml

    def test_the_service_checks_permissions(self, knees):
        with pytest.raises(PermissionDenied):
            rename(knees, "knee-problems", by=UserFactory(is_staff=True))
        assert Category.objects.get(pk=knees.pk).slug == "knees"
        assert not CategoryRedirect.objects.exists()


class TestAdmin:
    def test_changing_the_slug_in_the_admin_keeps_the_old_address(self, client, admin_user, knees):
        client.force_login(admin_user)
        response = client.post(
            f"/admin/articles/category/{knees.pk}/change/",
            {"name": "Knees", "slug": "knee-problems", "description": "", "position": 3},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        knees.refresh_from_db()
        assert (knees.slug, knees.position) == ("knee-problems", 3)
        anonymous = Client()
        response = anonymous.get("/category/knees/")
        assert response.status_code == 301 and response["Location"] == "/category/knee-problems/"

    def test_changing_positions_in_the_list_records_no_old_address(self, client, admin_user, knees):
        client.force_login(admin_user)
        response = client.post(
            "/admin/articles/category/",
            {
                "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0",
                "form-MAX_NUM_FORMS": "1000", "form-0-id": str(knees.pk), "form-0-position": "7", "_save": "Save",
            },
        )
        assert response.status_code == 302
        assert Category.objects.get(pk=knees.pk).position == 7
        assert not CategoryRedirect.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_no_stale_page_from_the_cache_after_a_rename(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "category-address-tests"}}
    settings.BONESPINE_PAGE_CACHE = True
    cache.clear()
    client = Client()
    knees = CategoryFactory(name="Knees", slug="knees")
    published_article(category=knees)
    for url, status in (("/category/knees/", 200), ("/category/knee-problems/", 404),
                        ("/category/knees/feed/", 200)):
        assert client.get(url).status_code == status
        again = client.get(url)
        assert again.status_code == status and again["X-Cache"] == "HIT"
    rename(knees, "knee-problems")
    assert client.get("/category/knees/").status_code == 301
    assert client.get("/category/knees/feed/").status_code == 301
    assert client.get("/category/knee-problems/").status_code == 200
    # Removing the old address (a new category takes the slug) is seen at once as well.
    assert client.get("/category/knees/")["X-Cache"] == "HIT"
    services.category_update(category=Category(name="Knees again", slug="knees"))
    assert client.get("/category/knees/").status_code == 200
    cache.clear()


class TestPositionOrdersCategories:
    """Categories follow their position (then name) on the home page and in the sidebar."""

    @pytest.fixture
    def categories(self):
        # Names in the opposite order of positions, created in neither order.
        for name, position in (("Middle", 2), ("Zeta first", 1), ("Alpha last", 3)):
            published_article(category=CategoryFactory(name=name, position=position))
        return ["Zeta first", "Middle", "Alpha last"]

    def test_home_topic_grid(self, client, categories):
        html = client.get("/").content.decode()
        grid = re.search(r'<ul class="category-tiles">.*?</ul>', html, re.S).group(0)
        assert re.findall(r'<span class="category-tiles__name">([^<]+)</span>', grid) == categories

    def test_sidebar_explore_articles(self, client, categories):
        html = client.get("/popular/").content.decode()
        grid = re.search(r'<ul class="category-grid">.*?</ul>', html, re.S).group(0)
        assert re.findall(r"<span>([^<]+)</span>", grid) == categories

    def test_sidebar_on_an_article_page(self, client, categories):
        article = published_article(category=Category.objects.get(name="Middle"))
        html = client.get(article.get_absolute_url()).content.decode()
        grid = re.search(r'<ul class="category-grid">.*?</ul>', html, re.S).group(0)
        assert re.findall(r"<span>([^<]+)</span>", grid) == categories

    def test_same_position_falls_back_to_the_name(self, client):
        for name in ("Beta", "Alpha"):
            CategoryFactory(name=name, position=5)
        CategoryFactory(name="Omega", position=0)
        html = client.get("/").content.decode()
        grid = re.search(r'<ul class="category-tiles">.*?</ul>', html, re.S).group(0)
        assert re.findall(r'<span class="category-tiles__name">([^<]+)</span>', grid) == ["Omega", "Alpha", "Beta"]
