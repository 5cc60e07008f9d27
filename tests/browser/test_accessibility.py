"""axe-core (from the axe-playwright-python package, no CDN) finds no WCAG 2.1 A/AA
violations on the main pages, and the article can be used with the keyboard alone."""

from importlib import resources

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_SOURCE = (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = {
    "home": "/",
    "category": "/category/wellness/",
    "article": "/articles/exercise-associated-muscle-cramps/",
    "search": "/search/?q=fracture",
    "empty search": "/search/",
    "author": "/authors/dr-meera-iyer/",
    "popular": "/popular/",
    "tag": "/tags/cramp/",
    "static page": "/editorial-policy/",
    "404": "/articles/no-such-article/",
}


def axe_violations(page) -> list[str]:
    # Injected through the DevTools protocol, so the site's CSP does not need loosening.
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
        for v in result["violations"]
    ]


# Backend-dependent: the search result pages are built differently on PostgreSQL (full-text
# search, ts_headline snippets) and on SQLite, so this runs on both.
def test_no_axe_violations_and_headings_in_order(demo_site, page, browser):
    """One pass over every page (one test for all of them keeps this fast)."""
    problems = {}
    for name, url in PAGES.items():
        response = page.goto(demo_site + url)
        assert response.status == (404 if name == "404" else 200), name
        violations = axe_violations(page)
        if violations:
            problems[name] = violations
        levels = page.eval_on_selector_all("h1, h2, h3, h4, h5, h6", "els => els.map(e => +e.tagName[1])")
        assert levels.count(1) == 1 and levels[0] == 1, f"{name}: one h1, first"
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, f"{name}: heading level jumps from h{before} to h{after}"
    narrow = browser.new_context(viewport={"width": 375, "height": 740})
    small = narrow.new_page()
    small.goto(demo_site + PAGES["article"])
    if axe_violations(small):
        problems["article (375px)"] = axe_violations(small)
    narrow.close()
    assert problems == {}


@pytest.mark.backend_independent  # the article page's markup and CSS: the same on every backend
def test_keyboard_only_from_skip_link_to_a_section(demo_site, page):
    page.goto(demo_site + PAGES["article"])
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    # From the main content, Tab reaches the contents list; pick its third entry.
    target = page.eval_on_selector("#toc-list li:nth-child(3) a", "a => a.getAttribute('href')")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.getAttribute('href')") == target:
            break
    else:
        raise AssertionError("the contents list was not reachable with Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focused links must show a visible focus indicator"
    page.keyboard.press("Enter")
    page.wait_for_function("id => document.activeElement && document.activeElement.id === id", arg=target[1:])
    page.wait_for_function(
        "sel => { const r = document.querySelector(sel).getBoundingClientRect();"
        " return r.top >= 0 && r.top < window.innerHeight; }", arg=target)
