"""An article's whole life in the admin, in Chromium: written, sent back, fixed,
approved with a full review, published, and read by the public."""

import re

import pytest
from django.utils import timezone

from articles.models import Article
from articles.workflow import roles
from tests.browser.conftest import fill_rich_text
from tests.factories import AuthorFactory, CategoryFactory, ReviewerFactory, UserFactory, role_group

# Runs on both backends (not backend_independent): every admin save and workflow step goes
# through the database's locking (the edit-revision check, select_for_update) and transactions.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


@pytest.fixture
def team(live_server):
    CategoryFactory(name="Wellness", slug="wellness")
    accounts = {}
    for username, group, profile in [
        ("author", roles.AUTHOR, AuthorFactory(name="Dr Writer", credentials="MBChB")),
        ("reviewer", roles.REVIEWER, ReviewerFactory(name="Dr Checker", credentials="MBBS, MS (Orthopaedics)")),
        ("editor", roles.EDITOR, None),
    ]:
        user = UserFactory(username=username, is_staff=True)
        user.groups.add(role_group(group))
        if profile is not None:
            profile.user = user
            profile.save()
        accounts[username] = user
    return live_server.url


def login(page, base, username):
    page.context.clear_cookies()
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


def open_article(page, base, title):
    page.goto(base + "/admin/articles/article/")
    page.click(f"text={title}")
    page.wait_for_selector(".workflow-panel")


def press(page, label, comment=None):
    if comment is not None:
        page.fill("#workflow-comment", comment)
    page.click(f".workflow-form button:has-text('{label}')")
    page.wait_for_selector(".messagelist")


def test_write_review_fix_approve_publish(team, page):
    base = team
    title = "Shin Splints in Runners"

    # The author writes an article with two sections and a reference, then submits it.
    login(page, base, "author")
    page.goto(base + "/admin/articles/article/add/")
    page.locator("#id_title").press_sequentially(title)  # typed, so the slug fills in as it would
    assert page.input_value("#id_slug") == "shin-splints-in-runners"  # prefilled from the title
    page.select_option("#id_category", label="Wellness")
    fill_rich_text(page, "#id_lead", "Pain along the inner edge of the shin bone after running.")
    page.click("#sections-group .add-row a")
    page.click("#sections-group .add-row a")
    page.fill("#id_sections-0-heading", "Causes")
    fill_rich_text(page, "#id_sections-0-body", "Repeated load on the tibia.")
    page.fill("#id_sections-1-heading", "Treatment")
    fill_rich_text(page, "#id_sections-1-body", "Rest from running.")
    page.click("#references-group .add-row a")
    page.fill("#id_references-0-authors", "Galbraith RM, Lavallee ME")
    page.fill("#id_references-0-title", "Medial tibial stress syndrome: conservative treatment options")
    page.fill("#id_references-0-journal", "Curr Rev Musculoskelet Med")
    page.fill("#id_references-0-year", "2009")
    page.click("input[name=_continue]")
    page.wait_for_load_state()
    errors = page.locator(".errornote, .errorlist")
    assert errors.count() == 0, [errors.nth(i).inner_text() for i in range(errors.count())]
    page.wait_for_selector(".workflow-panel")
    article = Article.objects.get(title=title)
    assert [s.heading for s in article.sections.all()] == ["Causes", "Treatment"]
    assert article.references.count() == 1 and article.author.name == "Dr Writer"
    press(page, "Submit for medical review")
    assert "In review" in page.inner_text(".workflow-panel h2")

    # The reviewer asks for changes, with a comment.
    login(page, base, "reviewer")
    open_article(page, base, title)
    press(page, "Request changes", comment="Please add when to see a doctor.")
    assert "Changes requested" in page.inner_text(".workflow-panel h2")

    # The author fixes the article and resubmits.
    login(page, base, "author")
    open_article(page, base, title)
    assert "Please add when to see a doctor." in page.inner_text(".workflow-panel")
    fill_rich_text(page, "#id_sections-1-body", "Rest from running. See a doctor if pain persists at rest.")
    page.click("input[name=_continue]")
    page.wait_for_selector(".workflow-panel")
    press(page, "Submit for medical review")

    # The reviewer approves with a full review.
    login(page, base, "reviewer")
    open_article(page, base, title)
    press(page, "Approve — full review")
    assert "Approved" in page.inner_text(".workflow-panel h2")

    # The editor publishes.
    login(page, base, "editor")
    open_article(page, base, title)
    press(page, "Publish now")
    assert "Published" in page.inner_text(".workflow-panel h2")

    # The public page shows the reviewer line and both review dates.
    page.context.clear_cookies()
    page.goto(base + "/articles/shin-splints-in-runners/")
    text = page.inner_text("main")
    assert "This article has been medically reviewed by Dr Checker, MBBS, MS (Orthopaedics)." in text
    today = timezone.localdate()
    assert re.search(r"Page last reviewed\s*" + today.strftime("%-d %B %Y"), text)
    due = Article.objects.get(title=title).next_review_due
    assert re.search(r"Next review due\s*" + due.strftime("%-d %B %Y"), text)
    assert "See a doctor if pain persists at rest." in text
