"""The XSS corpus in a real browser (Debian's Chromium through Playwright, against
pytest-django's live server).

The world is ``xss_world.build_world``: one published article per pack of payloads, with
every payload in the title, lead, image alt text and caption, sections, references and
tags, and in its category and author. Chromium then loads the pages that show them:
every article page, home, popular, categories, authors, tags, search results (also
with the payloads typed as the query), the feedback and contact forms sent back with
errors, and, logged in as a superuser, the admin change form, preview and diff, the
changelist, category and author forms and the history. After each load, a 300 ms wait
and a mouse sweep (for ``onmouseover`` payloads), it asserts:

* no dialog opened (``alert(1)`` payloads) and ``window.__xss`` is not set;
* in the DOM as Chromium built it: no ``on*`` attribute, no ``href``/``src``/``action``/
  ``formaction``/``xlink:href``/``data``/``poster`` whose URL, resolved by the browser's
  own parser, is ``javascript:``, ``vbscript:`` or ``data:``, no frame, object, embed,
  base, math, noscript or meta http-equiv element, and no script but the site's own;
* no Content-Security-Policy violation was reported (an injected script that CSP
  blocked still shows up here);
* the page shows the markers it should (otherwise it tested nothing).

Everything runs twice: with the site's CSP (what production sends) and with CSP off,
so that escaping alone is shown to hold. The harness test first proves each detector
fires on a page that really is vulnerable.

The world is built once for the module (in a transaction that is rolled back) and restored
into each test's database (tests/conftest.py ``make_snapshot``/``restore``). The search
pages (results and queries typed with payloads) are a test of their own, run on both
backends: PostgreSQL's full-text search builds its snippets (``ts_headline``) itself. The
other pages, and the harness tests, show the same thing whatever the database, so they are
marked ``backend_independent`` and `make test` runs them in its SQLite pass only.

Chromium runs in a thread of its own: tests/browser/conftest.py's ``browser``/``page``
fixtures are not visible from this folder, and Playwright's sync API cannot start a
second instance in the thread where theirs is running (a whole-suite run has both).
Same executable and arguments (``tests.browser.conftest``); a missing browser fails.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.browser import conftest as chromium_setup
from tests.factories import published_article
from tests.security.html_scan import marker
from tests.security.xss_world import INDEXED, PACKS, build_world, joined, paragraphs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"

# Records CSP violations from the very start of every document (frames report to the top).
RECORD_CSP_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (event) => {
  (window.top.__csp = window.top.__csp || []).push(
    `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} ${(event.sample || '').slice(0, 60)}`);
});
"""

DOM_PROBLEMS = r"""() => {
  const problems = [];
  const urlAttributes = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background'];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    for (const attr of el.attributes) {
      if (attr.name.toLowerCase().startsWith('on')) problems.push(`<${tag} ${attr.name}="${attr.value.slice(0, 60)}">`);
    }
    for (const name of urlAttributes) {
      const value = el.getAttribute(name);
      if (value === null) continue;
      let protocol;
      try { protocol = new URL(value, document.baseURI).protocol; } catch (error) { continue; }
      const imageData = tag === 'img' && name === 'src' && /^\s*data:image\//i.test(value);
      if (protocol === 'javascript:' || protocol === 'vbscript:' || (protocol === 'data:' && !imageData)) {
        problems.push(`<${tag} ${name}="${value.slice(0, 80)}"> resolves to ${protocol}`);
      }
    }
  }
  const forbidden = 'iframe, frame, frameset, object, embed, applet, base, math, noscript, xmp, meta[http-equiv]';
  for (const el of document.querySelectorAll(forbidden)) problems.push(`<${el.tagName.toLowerCase()}> element`);
  for (const script of document.querySelectorAll('script')) {
    const src = script.getAttribute('src');
    const type = (script.getAttribute('type') || '').toLowerCase();
    if (src) {
      const url = new URL(src, location.href);
      const own = url.origin === location.origin
        && (url.pathname.startsWith('/static/') || url.pathname.startsWith('/admin/jsi18n/'));
      if (!own) problems.push(`<script src="${src.slice(0, 80)}">`);
    } else if (type === 'importmap' && script.nonce) {
      // The rich-text editor's import map: JSON, allowed by the response's CSP nonce only;
      // every address in it must be one of ours.
      try {
        for (const target of Object.values(JSON.parse(script.textContent).imports || {})) {
          if (new URL(target, location.href).origin !== location.origin) problems.push(`import map entry ${target}`);
        }
      } catch (error) { problems.push(`unreadable import map ${script.textContent.slice(0, 60)}`); }
    } else if (type !== 'application/ld+json' && type !== 'application/json') {
      problems.push(`inline <script>${script.textContent.slice(0, 60)}`);
    }
  }
  if (document.baseURI !== location.href) problems.push(`base URI changed to ${document.baseURI}`);
  return problems;
}"""


class Probe:
    """A page that remembers dialogs and reports what each visit found."""

    def __init__(self, page, base_url: str):
        self.page, self.base_url = page, base_url
        self.dialogs: list[str] = []
        self.problems: list[str] = []
        self.visits = 0
        page.add_init_script(RECORD_CSP_VIOLATIONS)
        page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}({dialog.message!r})")
        dialog.dismiss()

    def visit(self, place: str, path: str, *, expect=(), status: int = 200) -> None:
        response = self.page.goto(self.base_url + path, wait_until="load")
        self.visits += 1
        if response is None or response.status != status:
            self.problems.append(f"{place}: HTTP {response.status if response else 'none'}")
            return
        self.inspect(place, expect=expect)

    def inspect(self, place: str, *, expect=()) -> None:
        page = self.page
        page.wait_for_timeout(300)
        page.mouse.move(3, 3)
        page.mouse.move(640, 400, steps=4)
        page.wait_for_timeout(50)
        if self.dialogs:
            self.problems.append(f"{place}: dialog {self.dialogs}")
            self.dialogs.clear()
        state = page.evaluate("() => ({xss: window.__xss, csp: window.__csp || [], html: document.documentElement.outerHTML})")
        if state["xss"] is not None:
            self.problems.append(f"{place}: window.__xss = {state['xss']!r}")
        for violation in state["csp"]:
            self.problems.append(f"{place}: CSP violation {violation}")
        for problem in page.evaluate(DOM_PROBLEMS):
            self.problems.append(f"{place}: {problem}")
        for word in expect:
            if word not in state["html"]:
                self.problems.append(f"{place}: {word} not shown, so not tested")


class Chromium:
    """One Chromium, driven from one dedicated thread: ``run(fn, ...)`` calls ``fn(page, ...)``
    there with a fresh context and page, and returns its result."""

    def __init__(self):
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xss-chromium")
        self.executor.submit(self._start).result()

    def _start(self):
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(
            executable_path=chromium_setup.chromium_path(), headless=True, args=chromium_setup.CHROMIUM_ARGS)

    def run(self, fn, *args):
        def job():
            context = self.browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            page.set_default_timeout(10_000)
            try:
                return fn(page, *args)
            finally:
                context.close()

        return self.executor.submit(job).result()

    def close(self):
        def stop():
            self.browser.close()
            self.playwright.stop()

        self.executor.submit(stop).result()
        self.executor.shutdown()


@pytest.fixture(scope="module")
def chromium():
    browser = Chromium()
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def world_snapshot(make_snapshot):
    return make_snapshot("xss-world", build_world)


@pytest.fixture
def world(world_snapshot, restore):
    """The poisoned world (``build_world``) in this test's database and media folder."""
    restore(world_snapshot)
    return world_snapshot.built


@pytest.fixture(params=["csp-on", "csp-off"])
def csp(request, settings):
    if request.param == "csp-off":
        settings.CONTENT_SECURITY_POLICY = None
    header = Client().get(reverse("articles:search")).headers.get("Content-Security-Policy", "")
    assert ("script-src" in header) == (request.param == "csp-on"), header
    return request.param


def superuser_session() -> str:
    """A real session of a superuser (its cookie value), made with Django's test client."""
    user = get_user_model().objects.create_superuser("security-admin", "admin@example.org", PASSWORD)
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


# --- The plan: what Chromium does, computed with database access in the test's thread -------------


@dataclass(frozen=True)
class Visit:
    place: str
    path: str
    expect: tuple[str, ...] = ()


@dataclass(frozen=True)
class Submit:
    """Open ``path``, fill ``fields`` (selector → text), click ``button``, inspect what comes back."""

    place: str
    path: str
    fields: tuple[tuple[str, str], ...]
    button: str
    expect: tuple[str, ...] = ()


@dataclass(frozen=True)
class LogIn:
    session: str


def execute(page, base_url: str, plan) -> list[str]:
    probe = Probe(page, base_url)
    for step in plan:
        if isinstance(step, LogIn):
            page.context.add_cookies([{"name": "sessionid", "value": step.session, "url": base_url}])
        elif isinstance(step, Visit):
            probe.visit(step.place, step.path, expect=step.expect)
        else:
            page.goto(base_url + step.path, wait_until="load")
            for selector, text in step.fields:
                page.fill(selector, text)
            with page.expect_navigation(wait_until="load"):
                page.click(step.button)
            probe.visits += 1
            probe.inspect(step.place, expect=step.expect)
    return probe.problems + ([] if probe.visits else ["nothing was visited"])


def marks(items) -> tuple[str, ...]:
    return tuple(marker(index) for index, _ in items)


def search_plan(world) -> list:
    """The search pages: results come from the database's own search (PostgreSQL full-text
    with ``ts_headline`` snippets, or SQLite's fallback), so this part runs on both backends."""
    plan: list = [Visit(f"search results page {n}", f"{reverse('articles:search')}?q=sentence&page={n}")
                  for n in range(1, (len(PACKS) + 9) // 10 + 1)]  # "sentence": a section heading of every pack
    plan += [Submit("search typed with payloads", reverse("articles:search"),
                    (("#search-page-input", joined(items)),), ".search-page-form button[type=submit]",
                    marks(items)[:1]) for items in PACKS[:6]]
    return plan


def corpus_plan(world) -> list:
    """Every other page that shows the payloads: the same on every backend."""
    plan: list = [Visit(f"article {p.article.slug}", p.article.get_absolute_url(), marks(p.items))
                  for p in world.packs]
    first, middle, last = world.packs[0], world.packs[len(world.packs) // 2], world.packs[-1]
    plan += [Visit("home", reverse("articles:home"), marks(last.items)),
             Visit("popular", reverse("articles:popular") + "?period=all")]
    for p in (first, last):
        plan += [Visit(f"category {p.article.category.slug}", p.article.category.get_absolute_url(),
                       marks(p.items)[:1]),
                 Visit(f"author {p.author.slug}", p.author.get_absolute_url(), marks(p.items))]
        plan += [Visit(f"tag {slug}", reverse("articles:tag", args=[slug])) for slug in p.tag_slugs]
    # too long a comment: refused, shown again
    plan.append(Submit("feedback form with errors", first.article.get_absolute_url(),
                       (("#feedback-comment", paragraphs(INDEXED)),), ".feedback__buttons button[value=no]",
                       (marker(0),)))
    # not an email address: refused, everything shown again
    plan.append(Submit("contact form with errors", reverse("feedback:contact"), (
        ("input[name=name]", joined(PACKS[1])[:120]), ("input[name=email]", "not an email"),
        ("input[name=subject]", joined(PACKS[3])), ("textarea[name=message]", paragraphs(INDEXED)[:5000]),
    ), ".contact-form button[type=submit]", marks(PACKS[3])[:1]))
    plan.append(LogIn(superuser_session()))
    for p in (first, middle, last):
        plan += [Visit(f"admin article {view} {p.article.slug}",
                       reverse(f"admin:articles_article_{view}", args=[p.article.pk]), marks(p.items))
                 for view in ("change", "preview", "diff")]
    plan += [
        Visit("admin article changelist", reverse("admin:articles_article_changelist") + "?q=xssmark"),
        Visit("admin category", reverse("admin:articles_category_change", args=[first.article.category_id]),
              marks(first.items)),
        Visit("admin author", reverse("admin:authors_author_change", args=[first.author.pk]), marks(first.items)),
        Visit("admin history", reverse("admin:articles_article_history", args=[world.history_article.pk])),
    ]
    return plan


# --- The detectors work ---------------------------------------------------------------------


def inspect_html(page, html: str) -> list[str]:
    probe = Probe(page, "")
    page.set_content(f"<!doctype html><title>t</title><body>{html}</body>")
    probe.inspect("vulnerable page")
    return probe.problems


@pytest.mark.backend_independent  # no database at all
@pytest.mark.django_db(False)
@pytest.mark.parametrize("html,expected", [
    ("<img src=x onerror=\"window.__xss=1\">", "window.__xss = 1"),
    ("<img src=x onerror=alert(1)>", "dialog"),
    ('<a href="jav&#x09;ascript:window.__xss=1">x</a>', "resolves to javascript:"),
    ('<svg><a xlink:href="javascript:window.__xss=1"><text>x</text></a></svg>', "resolves to javascript:"),
    ("<div onmouseover=\"window.__xss=1\" style=\"position:fixed;inset:0\">x</div>", "window.__xss = 1"),
    ("<iframe srcdoc=\"&lt;p&gt;x\"></iframe>", "<iframe> element"),
    ("<script>window.ok=1</script>", "inline <script>"),
], ids=["onerror", "alert", "entity-tab-scheme", "svg-xlink", "mouse-sweep", "iframe", "inline-script"])
def test_the_harness_sees_a_vulnerable_page(chromium, html, expected):
    problems = chromium.run(inspect_html, html)
    assert any(expected in problem for problem in problems), problems


@pytest.mark.backend_independent  # the search form page with no query and the CSP header: no database rows
def test_the_harness_sees_a_csp_violation(chromium, live_server, settings):
    """With the site's CSP, an injected inline script does not run, but is reported."""
    def blocked_script(page):
        probe = Probe(page, live_server.url)
        page.goto(live_server.url + reverse("articles:search"), wait_until="load")
        page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.__xss=1';"
                      " document.body.append(s); }")
        probe.inspect("search page with a script added")
        return probe.problems

    problems = chromium.run(blocked_script)
    assert any("CSP violation script-src" in problem for problem in problems), problems
    assert not any(": window.__xss = " in problem for problem in problems), problems  # blocked, not run


# --- The corpus -------------------------------------------------------------------------------


@pytest.mark.backend_independent  # the pages show stored rows as they are; search is the test below
def test_corpus_never_runs_in_chromium(live_server, chromium, csp, world):
    plan = corpus_plan(world)
    problems = chromium.run(execute, live_server.url, plan)
    assert not problems, f"{len(problems)} problem(s) ({csp}):\n" + "\n".join(problems[:60])


def test_corpus_never_runs_in_chromium_on_search_pages(live_server, chromium, csp, world):
    """On both backends: PostgreSQL builds the highlighted snippets itself."""
    plan = search_plan(world)
    problems = chromium.run(execute, live_server.url, plan)
    assert not problems, f"{len(problems)} problem(s) ({csp}):\n" + "\n".join(problems[:60])


def test_the_site_s_own_pages_raise_no_csp_violations(live_server, chromium):
    """Without payloads: a CSP report above would otherwise not mean what it says. (On both
    backends: it includes a search results page.)"""
    article = published_article(title="Knee pain")
    plan = [Visit("home", reverse("articles:home")), Visit("article", article.get_absolute_url()),
            Visit("search", reverse("articles:search") + "?q=knee"), LogIn(superuser_session()),
            Visit("admin article change", reverse("admin:articles_article_change", args=[article.pk])),
            Visit("admin preview", reverse("admin:articles_article_preview", args=[article.pk]))]
    problems = chromium.run(execute, live_server.url, plan)
    assert not problems, "\n".join(problems)
