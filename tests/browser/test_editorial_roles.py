"""What each editorial role sees, in Chromium, through the real admin: one article's life.

The author writes a rich article (lead, featured JPEG with alt text, two sections, a
reference) and submits it with a comment; the medical reviewer reads the comment and asks
for changes; the author fixes one section and resubmits; the reviewer sees only what changed
since the round they reviewed and approves; the editor publishes; the author revises the live
article and restores an older save from its History as a new draft, and the public page only
changes when that draft has been reviewed and published again.

Each role has its own browser context (its own session), logged in through the admin's
login page. Every page a role opens is watched: a console error (a Content-Security-Policy
violation, a failed load) or an uncaught script error fails the test at the step it
happened in.

Uploaded pictures are served to Chromium from this test's MEDIA_ROOT by a Playwright route,
standing in for the web server that serves /media/ in production (Django serves it only
with DEBUG on, and the live server runs with DEBUG off).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from articles import rendering
from articles.models import Article
from articles.workflow import roles
from tests.browser.conftest import fill_rich_text
from tests.factories import AuthorFactory, CategoryFactory, ReviewerFactory, UserFactory, image_bytes, role_group

# Runs on both backends: every save and workflow step goes through the database's locking
# (the edit-revision check, select_for_update) and transactions.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
TITLE = "Knee Osteoarthritis in Midlife"
SLUG = "knee-osteoarthritis-in-midlife"
PUBLIC = f"/articles/{SLUG}/"
ALT = "X-ray of a knee with a narrowed joint space on the inner side"

AUTHOR_COMMENT = "Changed age range to 40-65 per NICE CKS."
REVIEWER_REQUEST = "Please tell readers when to see their GP, and how soon."

WHO_FIRST = "Most common in adults aged 50 to 70, and in women more than men."
WHO_ROUND1 = "Most common in adults aged 40 to 65, and in women more than men."
WHO_LIVE_EDIT = "Most common in adults aged 40 to 65 (NICE CKS), and in women more than men."
TREATMENT_ROUND1 = "Exercise and weight loss come first. See a doctor if the pain lasts."
TREATMENT_ROUND2 = "Exercise and weight loss come first. See your GP if the pain lasts more than six weeks."


# --- The people and their browsers ------------------------------------------------------------------


@pytest.fixture
def team(live_server):
    """An author, a medical reviewer (a different clinician) and an editor, in the real groups."""
    CategoryFactory(name="Knee", slug="knee")
    people = [
        ("author", "Hannah", "Okafor", roles.AUTHOR, AuthorFactory(name="Dr Hannah Okafor", credentials="MBChB")),
        ("reviewer", "Meera", "Iyer", roles.REVIEWER,
         ReviewerFactory(name="Dr Meera Iyer", credentials="MBBS, MS (Orthopaedics)")),
        ("editor", "Eddie", "Stone", roles.EDITOR, None),
    ]
    for username, first, last, group, profile in people:
        user = UserFactory(username=username, first_name=first, last_name=last, is_staff=True)
        user.groups.add(role_group(group))
        if profile is not None:
            profile.user = user
            profile.save()
    return live_server.url


def serve_media(route, request):
    """/media/… from this test's MEDIA_ROOT (what nginx does in production)."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / unquote(urlsplit(request.url).path)[len(settings.MEDIA_URL):]).resolve()
    if root in path.parents and path.is_file():
        route.fulfill(path=str(path))
    else:
        route.fulfill(status=404, body="no such file")


class Desk:
    """One person's browser: its own context and session, and everything that went wrong in it."""

    def __init__(self, browser, base: str, username: str | None):
        self.base, self.username = base, username
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.route(re.compile(r"^https?://[^/]+/media/"), serve_media)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error on {self.page.url}: {error}"))
        if username:
            self.goto("/admin/login/")
            self.page.fill("#id_username", username)
            self.page.fill("#id_password", PASSWORD)
            with self.page.expect_navigation():
                self.page.click("input[type=submit]")
            self.page.wait_for_selector("#user-tools")

    def _console(self, message):
        if message.type == "error":
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def clean(self, step: str) -> None:
        """Fail if a console error (a CSP violation, say) or a script error happened so far."""
        problems, self.problems[:] = list(self.problems), []
        assert not problems, f"{step} ({self.username or 'reader'}): " + "\n".join(problems)

    def goto(self, path: str):
        response = self.page.goto(self.base + path)
        assert response is not None
        return response

    # --- the article's admin page ---------------------------------------------------------------
    def open_article(self, title: str = TITLE) -> None:
        self.goto("/admin/articles/article/")
        with self.page.expect_navigation():
            self.page.locator("#result_list a", has_text=title).click()
        self.page.wait_for_selector(".workflow-panel")

    def status(self) -> str:
        return self.page.inner_text(".workflow-panel h2").removeprefix("Workflow:").strip()

    def conversation(self) -> str:
        return self.page.inner_text("#conversation")

    def press(self, label: str, comment: str | None = None) -> str:
        """Type ``comment`` in the workflow panel, press the button named exactly ``label``
        and return the message the next page shows (failing on an error message)."""
        if comment is not None:
            self.page.fill("#workflow-comment", comment)
        button = self.page.get_by_role("button", name=label, exact=True)
        assert button.count() == 1, f"no button {label!r}; the panel has: {self.buttons()}"
        with self.page.expect_navigation():
            button.click()
        return self.messages()

    def buttons(self) -> list[str]:
        return [b.strip() for b in self.page.locator(".workflow-panel button").all_inner_texts()]

    def messages(self) -> str:
        if self.page.locator(".messagelist").count() == 0:  # the page we landed on says nothing: say where we are
            heading = self.page.locator("h1").all_inner_texts()
            pytest.fail(f"{self.username}: no message on {self.page.url} ({heading}); problems: {self.problems}")
        errors = self.page.locator(".messagelist .error, .errornote, .errorlist")
        assert errors.count() == 0, errors.all_inner_texts()
        return self.page.inner_text(".messagelist")

    def section_row(self, heading: str):
        return self.page.locator("#sections-group .inline-related:not(.empty-form)",
                                 has=self.page.locator(f"input[name$='-heading'][value='{heading}']"))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def desks(browser, team):
    opened: dict[str, Desk] = {}

    def desk(username: str | None) -> Desk:
        key = username or "reader"
        if key not in opened:
            opened[key] = Desk(browser, team, username)
        return opened[key]

    yield desk
    for d in opened.values():
        d.close()


@pytest.fixture
def jpeg(tmp_path) -> Path:
    path = tmp_path / "knee-xray.jpg"
    path.write_bytes(image_bytes("JPEG", size=(640, 400), color=(200, 200, 190)))
    return path


def public_text(reader: Desk) -> str:
    """The article as the public reads it (title, byline, image, lead, sections, references)."""
    response = reader.goto(PUBLIC)
    assert response.status == 200, response.status
    return reader.page.inner_text("article.entry")


def article() -> Article:
    return Article.objects.get(slug=SLUG)


def section_bodies() -> dict[str, str]:
    """Each section's text (bodies are stored as the editor's HTML)."""
    return {heading: rendering.plain_text(body) for heading, body in article().sections.values_list("heading", "body")}


# --- The walk ---------------------------------------------------------------------------------------


def test_each_role_sees_its_part_of_an_articles_life(desks, jpeg):
    author, reviewer, editor, reader = desks("author"), desks("reviewer"), desks("editor"), desks(None)

    # 1. The author writes a rich article ------------------------------------------------------------
    page = author.page
    author.goto("/admin/articles/article/add/")
    page.locator("#id_title").press_sequentially(TITLE)  # typed: the slug fills itself in
    assert page.input_value("#id_slug") == SLUG
    page.select_option("#id_category", label="Knee")
    fill_rich_text(page, "#id_lead", "Wear of the cartilage in the knee joint: pain, stiffness, and what helps.")
    page.set_input_files("#id_featured_image", str(jpeg))
    page.wait_for_function(  # the chosen picture shows before saving (loaded, not a broken image)
        "() => { const img = document.querySelector('img.bs-image-preview');"
        " return img && !img.hidden && img.complete && img.naturalWidth > 0; }")
    page.fill("#id_image_alt", ALT)
    page.get_by_role("button", name="Add another Section").click()
    page.fill("#id_sections-0-heading", "Who gets it")
    fill_rich_text(page, "#id_sections-0-body", WHO_FIRST)
    page.get_by_role("button", name="Add another Reference").click()
    page.fill("#id_references-0-authors", "National Institute for Health and Care Excellence")
    page.fill("#id_references-0-title", "Osteoarthritis: Clinical Knowledge Summaries")
    page.fill("#id_references-0-year", "2022")
    page.fill("#id_references-0-url", "https://cks.nice.org.uk/topics/osteoarthritis/")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    author.messages()
    assert author.status() == "Draft"
    assert article().featured_image and article().image_alt == ALT and article().references.count() == 1
    author.clean("1. writing the article")

    # A second section and an edit of the first, typed and NOT saved, then straight to the
    # workflow button with a comment: the button saves the form first, nothing typed is lost.
    page.get_by_role("button", name="Add another Section").click()
    page.fill("#id_sections-1-heading", "Treatment")
    fill_rich_text(page, "#id_sections-1-body", TREATMENT_ROUND1)
    fill_rich_text(page, "#id_sections-0-body", WHO_ROUND1)
    message = author.press("Save and submit for medical review", comment=AUTHOR_COMMENT)
    assert "now in review" in message, message
    assert author.status() == "In review"
    assert section_bodies() == {"Who gets it": WHO_ROUND1, "Treatment": TREATMENT_ROUND1}
    assert AUTHOR_COMMENT in author.conversation()
    submitted_round_1 = timezone.now()
    author.clean("1. submitting for review")

    # 2. The reviewer reads the author's comment and asks for changes --------------------------------
    reviewer.open_article()
    assert reviewer.status() == "In review"
    assert "first review round" in reviewer.page.inner_text(".workflow-panel")
    assert AUTHOR_COMMENT in reviewer.conversation()
    assert reviewer.page.locator("textarea[name$='-body']").count() == 0  # the reviewer reads, never edits
    assert not [b for b in reviewer.buttons() if b.startswith("Save and")]  # so no button saves a form
    message = reviewer.press("Request changes", comment=REVIEWER_REQUEST)
    assert "now changes requested" in message, message
    assert reviewer.status() == "Changes requested"
    reviewer.clean("2. requesting changes")

    # 3. The author sees the request, fixes one section and resubmits -------------------------------
    author.open_article()
    assert author.status() == "Changes requested"
    assert REVIEWER_REQUEST in author.conversation()
    fill_rich_text(author.section_row("Treatment"), "textarea[name$='-body']", TREATMENT_ROUND2)
    message = author.press("Save and submit for medical review")
    assert "now in review" in message, message
    assert section_bodies() == {"Who gets it": WHO_ROUND1, "Treatment": TREATMENT_ROUND2}
    author.clean("3. fixing and resubmitting")

    # 4. The reviewer sees only what changed since round 1, then approves ----------------------------
    reviewer.open_article()
    panel = reviewer.page.locator("details", has=reviewer.page.locator(
        "summary", has_text="What changed since round 1"))
    assert "the round you reviewed (1 part)" in panel.locator("summary").inner_text()
    parts = panel.locator(".bs-changes > li")
    assert parts.count() == 1, parts.all_inner_texts()
    changed = parts.first
    assert "Treatment" in changed.locator("h3").inner_text()
    assert "Who gets it" not in panel.inner_text() and TITLE not in panel.inner_text()
    removed = " ".join(changed.locator("del").all_inner_texts())
    added = " ".join(changed.locator("ins").all_inner_texts())
    assert "doctor" in removed and "GP" in added and "six weeks" in added, (removed, added)
    assert "Exercise" not in removed + added  # the unchanged words are context, not highlighted
    assert "Exercise and weight loss come first." in changed.inner_text()
    message = reviewer.press("Approve — full review")
    assert "now approved" in message, message
    assert reviewer.status() == "Approved"
    reviewer.clean("4. approving round 2")

    # 5. The editor publishes; the public reads it ---------------------------------------------------
    assert reader.goto(PUBLIC).status == 404  # not live before it is published
    assert all("status of 404" in problem for problem in reader.problems), reader.problems
    reader.problems.clear()  # the 404 is logged as a failed load: expected here, and nothing else
    editor.open_article()
    assert "Signed off by Dr Meera Iyer" in editor.page.inner_text(".workflow-panel")
    message = editor.press("Save and publish now")
    assert "now published" in message, message
    assert editor.status() == "Published"
    editor.clean("5. publishing")
    live_v1 = public_text(reader)
    assert TITLE in live_v1 and TREATMENT_ROUND2 in live_v1 and WHO_ROUND1 in live_v1
    assert "Medically reviewed by Dr Meera Iyer" in live_v1
    picture = reader.page.locator("article.entry figure img")
    assert picture.get_attribute("alt") == ALT
    assert reader.page.evaluate("img => img.complete && img.naturalWidth > 0", picture.element_handle())
    reader.clean("5. reading the published article")

    # 6. The author revises the live article: the public page does not change ------------------------
    author.open_article()
    fill_rich_text(author.section_row("Who gets it"), "textarea[name$='-body']", WHO_LIVE_EDIT)
    with author.page.expect_navigation():
        author.page.click("input[name=_continue]")
    assert "Saved as a working revision" in author.messages()
    assert author.status() == "Draft"
    assert "This working revision is not public" in author.page.inner_text(".workflow-panel")
    assert section_bodies()["Who gets it"] == WHO_LIVE_EDIT
    assert public_text(reader) == live_v1
    author.clean("6. revising the live article")

    # … and restores the save submitted in round 1 from the History, as a new draft.
    record = (Article.history.filter(id=article().pk, history_date__lte=submitted_round_1)
              .order_by("-history_date", "-history_id").first())
    with author.page.expect_navigation():
        author.page.locator("#content-main .object-tools a.historylink").click()
    with author.page.expect_navigation():
        author.page.locator(f"#change-history a[href$='/history/{record.history_id}/']").click()
    restore = author.page.inner_text("#content")
    assert "What restoring would change" in restore and "Restore as a new draft" in restore
    assert "doctor" in " ".join(author.page.locator(".bs-changes ins").all_inner_texts())  # round 1's words back
    with author.page.expect_navigation():
        author.page.get_by_role("button", name="Restore as a new draft").click()
    assert "The live page has not changed" in author.messages()
    assert author.status() == "Draft"
    log = author.page.locator(".workflow-panel details", has_text="History of this article")
    assert "Restored the content of the save of" in log.locator("tbody tr").first.inner_text()  # newest first
    assert article().status == Article.Status.DRAFT
    assert article().transitions.filter(comment__startswith="Restored the content of the save of").count() == 1
    assert section_bodies() == {"Who gets it": WHO_ROUND1, "Treatment": TREATMENT_ROUND1}
    assert public_text(reader) == live_v1  # still the signed-off version 1
    author.clean("6. restoring from the history")

    # Only review and publishing put the restored content on the public page.
    assert "now in review" in author.press("Save and submit for medical review")
    assert public_text(reader) == live_v1
    reviewer.open_article()
    assert "now approved" in reviewer.press("Approve — full review")
    assert public_text(reader) == live_v1
    editor.open_article()
    assert "now published" in editor.press("Save and publish now")
    live_v2 = public_text(reader)
    assert live_v2 != live_v1
    assert TREATMENT_ROUND1 in live_v2 and TREATMENT_ROUND2 not in live_v2
    for desk, step in [(author, "6. resubmitting"), (reviewer, "6. approving"), (editor, "6. publishing"),
                       (reader, "6. reading version 2")]:
        desk.clean(step)
