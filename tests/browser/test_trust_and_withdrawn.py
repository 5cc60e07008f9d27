"""In Chromium: the article's trust line takes the reader to the review box, and the
withdrawn-article notice (410) has no accessibility violations."""

import pytest

from articles import services
from articles.models import Article
from tests.browser.test_accessibility import axe_violations
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = "/articles/exercise-associated-muscle-cramps/"


@pytest.mark.backend_independent
def test_trust_line_leads_to_the_review_box(demo_site, page):
    page.goto(demo_site + ARTICLE)
    line = page.locator(".entry__trust a")
    assert line.inner_text().startswith("Medically reviewed by ")
    assert "Last reviewed " in line.inner_text()
    assert not page.locator("#review").evaluate("el => el.getBoundingClientRect().top < window.innerHeight")
    line.click()
    page.wait_for_function("() => location.hash === '#review'")
    # The page scrolls smoothly (unless the reader prefers reduced motion): wait until it arrives.
    page.wait_for_function(
        "() => { const top = document.getElementById('review').getBoundingClientRect().top;"
        " return top >= 0 && top < window.innerHeight / 2; }"
    )


@pytest.mark.backend_independent
def test_withdrawn_notice_is_accessible(demo_site, page):
    article = Article.objects.get(slug="exercise-associated-muscle-cramps")
    services.article_unpublish(article=article, by=UserFactory(is_staff=True, is_superuser=True),
                               comment="Withdrawn for a browser test.")
    response = page.goto(demo_site + ARTICLE)
    assert response.status == 410
    assert page.locator("h1").count() == 1
    assert "withdrawn on" in page.locator("main").inner_text()
    assert axe_violations(page) == []
