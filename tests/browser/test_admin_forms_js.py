"""The article form's JavaScript in Chromium (issue 10): no broken-image icon next to empty
upload fields, and sections ordered by the numbers typed in them or by Move up / Move down."""

import pytest

from articles.models import Article
from tests.factories import ArticleFactory, SectionFactory, uploaded_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]




@pytest.mark.backend_independent  # a script on a page that is never saved: the same on every backend
def test_image_preview_appears_only_when_a_picture_is_chosen(admin_page, live_server, tmp_path):
    page = admin_page
    page.goto(live_server.url + "/admin/articles/article/add/")
    preview = page.locator("#id_featured_image + img.bs-image-preview")
    assert preview.count() == 1
    assert preview.is_hidden()  # no broken-image icon next to the empty field
    assert page.evaluate("getComputedStyle(document.querySelector('img.bs-image-preview')).display") == "none"
    picture = tmp_path / "knee.jpg"
    picture.write_bytes(uploaded_image().read())
    page.set_input_files("#id_featured_image", str(picture))
    preview.wait_for(state="visible")
    page.set_input_files("#id_featured_image", [])
    preview.wait_for(state="hidden")


def headings_on_screen(page) -> list[str]:
    return page.eval_on_selector_all(
        "#sections-group .inline-related:not(.empty-form) input[name$='-heading']", "els => els.map(e => e.value)"
    )


def positions_on_screen(page) -> list[str]:
    return page.eval_on_selector_all(
        "#sections-group .inline-related:not(.empty-form) input[name$='-position']", "els => els.map(e => e.value)"
    )


# Runs on both backends: it saves the article through the admin.
def test_typed_positions_and_move_buttons_decide_the_order(admin_page, live_server):
    page = admin_page
    article = ArticleFactory(title="Knee pain")
    for position, heading in [(10, "Alpha"), (20, "Beta"), (30, "Gamma")]:
        SectionFactory(article=article, position=position, heading=heading)
    page.goto(live_server.url + f"/admin/articles/article/{article.pk}/change/")
    assert headings_on_screen(page) == ["Alpha", "Beta", "Gamma"]

    # A number typed in a row moves it there when the field is left, and the rows are renumbered.
    page.fill("#id_sections-2-position", "15")
    page.press("#id_sections-2-position", "Tab")
    assert headings_on_screen(page) == ["Alpha", "Gamma", "Beta"]
    assert positions_on_screen(page) == ["10", "20", "30"]

    # The buttons still work.
    page.locator("#sections-group .inline-related", has=page.locator("input[value='Alpha']")).locator(
        ".bs-move-down").click()
    assert headings_on_screen(page) == ["Gamma", "Alpha", "Beta"]

    # Equal numbers keep their order on screen; saving keeps what is shown.
    page.fill("#id_sections-1-position", "10")  # Beta (third on screen) typed like Gamma's 10
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    assert list(Article.objects.get(pk=article.pk).sections.values_list("heading", flat=True)) == [
        "Gamma", "Beta", "Alpha"
    ]
