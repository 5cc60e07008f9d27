import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = "/articles/exercise-associated-muscle-cramps/"

# The page's own markup and scripts, read from the demo content: the same on every backend.
# (test_keyboard_search_submits_to_results searches, so it runs on both.)
backend_independent = pytest.mark.backend_independent


def in_viewport(page, selector: str) -> bool:
    return page.eval_on_selector(
        selector,
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight; }",
    )


def tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element matching ``selector`` has focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("sel => document.activeElement === document.querySelector(sel)", selector):
            return
    raise AssertionError(f"{selector} never received keyboard focus")


@backend_independent
def test_contents_link_scrolls_section_into_view(demo_site, page):
    page.goto(demo_site + ARTICLE)
    assert page.locator("h1").inner_text() == "Exercise-Associated Muscle Cramps"
    links = page.locator("#toc-list a")
    assert links.count() >= 4
    assert links.last.inner_text() == "References"
    second = links.nth(1)
    target = second.get_attribute("href")
    assert not in_viewport(page, target), "section should start below the fold"
    second.click()
    page.wait_for_function("sel => { const r = document.querySelector(sel).getBoundingClientRect();"
                           " return r.top >= 0 && r.top < window.innerHeight; }", arg=target)
    assert page.evaluate("() => location.hash") == target
    assert in_viewport(page, target)


@backend_independent
def test_search_box_and_contents_toggle_with_keyboard(demo_site, page):
    page.goto(demo_site + ARTICLE)
    toggle = page.locator(".search-toggle")
    search = page.locator("#site-search")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert search.is_hidden()

    tab_to(page, ".search-toggle")
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert search.is_visible()
    assert page.evaluate("() => document.activeElement.id") == "site-search-input"
    page.keyboard.type("cramp")
    page.keyboard.press("Escape")
    assert search.is_hidden()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.evaluate("() => document.activeElement.classList.contains('search-toggle')")

    toc_toggle = page.locator(".toc__toggle")
    toc_list = page.locator("#toc-list")
    assert toc_toggle.get_attribute("aria-expanded") == "true"
    assert toc_list.is_visible()
    tab_to(page, ".toc__toggle")
    page.keyboard.press(" ")
    assert toc_toggle.get_attribute("aria-expanded") == "false"
    assert toc_list.is_hidden()
    assert toc_toggle.inner_text() == "show"
    page.keyboard.press("Enter")
    assert toc_list.is_visible()
    assert toc_toggle.get_attribute("aria-expanded") == "true"


# Backend-dependent: the results come from PostgreSQL's full-text search (stemming "cramps")
# or from SQLite's fallback.
def test_keyboard_search_submits_to_results(demo_site, page):
    page.goto(demo_site + ARTICLE)
    tab_to(page, ".search-toggle")
    page.keyboard.press("Enter")
    page.keyboard.type("cramps")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=cramps")
    assert "Exercise-Associated Muscle Cramps" in page.locator("main").inner_text()


@backend_independent
def test_skip_link_moves_focus_to_main_content(demo_site, page):
    page.goto(demo_site + ARTICLE)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Skip to main content"
    assert page.locator(".skip-link:focus").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main-content"
