"""Old WordPress addresses: 404 while the article is a draft, 301 once it is live, still
right after its slug changes; category and tag archives answer 301; nothing real is shadowed."""

import pytest
from django.urls import reverse

from articles import services
from articles.models import Article, Category, LegacyPath
from tests.factories import ReferenceFactory, published_article
from tests.factories import make_live as _make_live

from .conftest import fixture, run_import

pytestmark = pytest.mark.django_db


def make_live(article):
    """Sign off and publish (review needs a reference: give one to a post that came without)."""
    if not article.references.exists():
        ReferenceFactory(article=article)
    return _make_live(article)


@pytest.fixture
def imported():
    run_import(fixture("classic.xml"))
    return Article.objects.get(slug="sciatica-explained")


def test_permalink_is_404_before_live_and_301_after(client, imported):
    assert client.get("/2024/01/sciatica-explained/").status_code == 404
    assert client.get("/?p=101").status_code == 200  # the front page itself, no redirect to a draft
    make_live(imported)
    response = client.get("/2024/01/sciatica-explained/")
    assert response.status_code == 301 and response["Location"] == "/articles/sciatica-explained/"
    assert client.get("/2024/01/sciatica-explained").status_code == 301  # without the trailing slash
    response = client.get("/?p=101")
    assert response.status_code == 301 and response["Location"] == "/articles/sciatica-explained/"


def test_redirect_survives_a_slug_change(client, imported):
    make_live(imported)
    imported.slug = "sciatica-a-guide"
    services.article_update(article=imported, by=None, expected_revision=None, changed_fields=["slug"],
                            old_slug="sciatica-explained")
    response = client.get("/2024/01/sciatica-explained/")
    assert response.status_code == 301 and response["Location"] == "/articles/sciatica-a-guide/"


def test_other_permalink_shapes(client):
    run_import(fixture("classic.xml"))
    run_import(fixture("block-editor.xml"))
    for article in Article.objects.filter(slug__in=["osteoporosis", "looking-after-your-knees", "wrist-fractures"]):
        make_live(article)
    assert client.get("/osteoporosis/")["Location"] == "/articles/osteoporosis/"  # /%postname%/
    assert client.get("/knee/looking-after-your-knees/")["Location"] == "/articles/looking-after-your-knees/"
    # A site in a sub-directory: /blog/%category%/%postname%/
    assert client.get("/blog/fractures/wrist-fractures/")["Location"] == "/articles/wrist-fractures/"


def test_category_and_tag_archives_answer_301(client, imported):
    response = client.get("/category/spine/sciatica/")
    assert response.status_code == 301 and response["Location"] == "/category/sciatica/"
    response = client.get("/tag/back-pain/")
    assert response.status_code == 301 and response["Location"] == reverse("articles:tag", args=["back-pain"])
    # The flat category address is ours already: no row needed.
    assert not LegacyPath.objects.filter(path="/category/spine/").exists()
    # A renamed category: the archive follows the row, not the slug.
    category = Category.objects.get(slug="sciatica")
    category.slug = "sciatic-pain"
    services.category_update(category=category)
    assert client.get("/category/spine/sciatica/")["Location"] == "/category/sciatic-pain/"


def test_real_pages_are_never_shadowed(client, imported):
    live = published_article(slug="about-bones")
    LegacyPath.objects.create(path=f"/articles/{live.slug}/", article=imported)
    assert client.get(f"/articles/{live.slug}/").status_code == 200


def test_withdrawn_article_redirects_to_its_410(client, imported):
    from tests.factories import UserFactory

    make_live(imported)
    editor = UserFactory(is_superuser=True, is_staff=True)
    services.article_unpublish(article=imported, by=editor, comment="Out of date")
    response = client.get("/2024/01/sciatica-explained/", follow=True)
    assert response.redirect_chain == [("/articles/sciatica-explained/", 301)]
    assert response.status_code == 410


def test_unknown_paths_stay_404(client, imported):
    assert client.get("/2024/01/nothing-here/").status_code == 404
    assert client.get("/?p=999").status_code == 200


def test_one_target_per_old_address_is_enforced_by_the_database(imported):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        LegacyPath.objects.create(path="/both/", article=imported, category=imported.category)
    with pytest.raises(IntegrityError), transaction.atomic():
        LegacyPath.objects.create(path="no-slash/", article=imported)
