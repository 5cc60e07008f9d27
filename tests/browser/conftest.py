"""Real Chromium (Debian's package) driven by Playwright, against pytest-django's live server.

Playwright's own browser download cannot work here, so the browser is launched with
``executable_path``. A missing browser is a failure, never a skip: `make test`
installs it.

Tests whose outcome cannot depend on the database backend are marked
``backend_independent``: `make test` runs them in its SQLite pass only (each says why).
The rest (anything that searches, or walks the editorial workflow through the admin) run
on both backends.
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the Django calls made by the
# tests themselves are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = os.environ.get("BONESPINE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path or not os.path.exists(path):
        pytest.fail("Chromium not found: install Debian's `chromium` package (make test does it as root).")
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def admin_page(live_server, page):
    """``page`` logged in to the admin as a superuser ("boss", the factories' password)."""
    from tests.factories import UserFactory

    UserFactory(username="boss", is_staff=True, is_superuser=True)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")
    return page


@pytest.fixture
def demo_site(live_server, demo_data):
    """The demo content (``load_demo``, built once per session: tests/conftest.py) on the live server."""
    return live_server.url


def rich_text_editor(scope, textarea_selector: str):
    """The rich-text editor (django-prose-editor) that stands for a textarea: the textarea is
    hidden, the author types in the editor beside it."""
    page = getattr(scope, "page", scope)  # a Locator, or the Page itself
    return scope.locator(".prose-editor", has=page.locator(textarea_selector)).locator(".tiptap[contenteditable]")


def fill_rich_text(scope, textarea_selector: str, text: str) -> None:
    """Replace the editor's text with ``text`` (each line a paragraph), as typing would."""
    rich_text_editor(scope, textarea_selector).fill(text)
