"""Authoring in Chromium (issue 11): the rich-text editor with the page's CSP on, pasting
from Word, Google Docs and a web page, the toolbar's names and keyboard use, and an
author citing references that the public preview numbers by first citation.

The clipboard samples in tests/fixtures/clipboard/ are HTML as those programs put it on
the clipboard (written for these tests). A paste is a real ``paste`` event carrying that
HTML, handled by the editor exactly as a keyboard paste is.
"""

import json
import re
from pathlib import Path
from unittest import mock

import pytest

from articles import reference_lookup, rendering
from articles.models import Article
from tests.factories import ArticleFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EDITOR = ".tiptap[contenteditable]"




def csp_violations(page) -> list[str]:
    found: list[str] = []
    page.on("console", lambda message: found.append(message.text)
            if "Content Security Policy" in message.text and "inline event handler" not in message.text else None)
    return found


def wait_until(condition, timeout: float = 10.0) -> None:
    """Poll ``condition`` (page.wait_for_function would evaluate a string: the CSP forbids eval)."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def paste(editor, html: str) -> None:
    editor.evaluate(
        """(element, html) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "plain text that must not be used");
            element.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        html,
    )


def new_section_editor(page, live_server):
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.click("#sections-group .add-row a")
    editor = page.locator(f"#sections-0 {EDITOR}")
    editor.wait_for()
    return editor


@pytest.mark.backend_independent  # nothing is saved: the editor and its paste handling only
@pytest.mark.parametrize("sample", ["word.html", "google-docs.html", "web-page.html"])
def test_a_pasted_document_keeps_its_structure_and_loses_its_formatting(admin_page, live_server, sample):
    page = admin_page
    violations = csp_violations(page)
    editor = new_section_editor(page, live_server)
    editor.click()
    paste(editor, (FIXTURES / "clipboard" / sample).read_text())
    wait_until(lambda: "<table" in page.input_value("#id_sections-0-body"))
    stored = page.input_value("#id_sections-0-body")

    # Kept: the heading (as a sub-heading below the section's h2), bold, italic, the link, both lists, the table.
    assert "<h3>Warming up before a run</h3>" in stored
    assert "<strong>lowers the risk</strong>" in stored and "<em>calf cramp</em>" in stored
    assert '<a rel="noopener" href="https://www.nhs.uk/live-well/exercise/">NHS exercise pages</a>' in stored
    assert re.search(r"<ul><li><p>Walk briskly for five minutes</p></li><li><p>Stretch the calves gently</p></li></ul>",
                     stored), stored
    assert re.search(r"<ol[^>]*><li><p>Start slowly</p></li><li><p>Build up over ten minutes</p></li></ol>", stored), stored
    assert re.search(r"<table><tbody><tr><t[hd]><p>(<strong>)?Week", stored), stored
    # Dropped: fonts, colours, spans, classes, styles, comments, Word's bullets, scripts, frames, pictures.
    for gone in ("style=", "class=", "<span", "<font", "<!--", "mso-", "·", "<script", "<iframe", "<img", "onclick",
                 "target=", "plain text that must not be used"):
        assert gone not in stored, f"{gone!r} survived the paste: {stored}"
    # What the editor stores is exactly what the server keeps (the one allow-list).
    assert rendering.sanitize(stored) == stored
    assert violations == []


@pytest.mark.backend_independent  # nothing is saved: toolbar names and keyboard focus
def test_the_toolbar_has_names_and_tab_leaves_the_editor(admin_page, live_server):
    page = admin_page
    new_section_editor(page, live_server)
    buttons = page.locator("#sections-0 .prose-menubar button")
    # The accessible name: aria-label, else title, else the text (the block-type picker's options).
    names = [buttons.nth(i).get_attribute("aria-label") or buttons.nth(i).get_attribute("title")
             or buttons.nth(i).text_content() or "" for i in range(buttons.count())]
    assert names and all(name.strip() for name in names), names
    for needed in ("bold", "italic", "unordered list", "ordered list", "blockquote", "Cite a reference"):
        assert any(needed.lower() == name.lower() for name in names), (needed, names)
    editor = page.locator(f"#sections-0 {EDITOR}")
    editor.click()
    page.keyboard.type("Some text")
    page.keyboard.press("Tab")
    assert not page.evaluate("document.activeElement.closest('.tiptap') !== null"), "Tab stayed in the editor"
    assert page.input_value("#id_sections-0-body") == "<p>Some text</p>"


def add_reference_row(page) -> str:
    """Click "Add another Reference"; the new row's id prefix, e.g. "references-1"."""
    before = page.locator("#references-group .inline-related:not(.empty-form)").count()
    page.click("#references-group .add-row a")
    return f"references-{before}"


def cite(page, editor, row_labels: list[str]) -> None:
    """Press the editor's Cite button and pick references by the start of their label."""
    editor.locator("xpath=ancestor::div[contains(@class,'prose-editor')]").locator(
        "button[title='Cite a reference']").click()
    dialog = page.locator("dialog.bs-cite-dialog")
    dialog.wait_for()
    for label in row_labels:
        dialog.locator("label", has_text=label).locator("input").check()
    dialog.locator("button", has_text="Insert citation").click()
    dialog.wait_for(state="detached")


# Runs on both backends: it saves an article with its references and reads the preview.
def test_an_author_cites_references_and_the_preview_numbers_them_by_first_citation(admin_page, live_server):
    page = admin_page
    page.on("dialog", lambda dialog: dialog.accept())
    violations = csp_violations(page)
    article = ArticleFactory(title="Cramp and warm-up", lead="<p>Why warming up helps.</p>")
    SectionFactory(article=article, heading="Warming up", body="<p>Start here.</p>", position=10)
    page.goto(live_server.url + f"/admin/articles/article/{article.pk}/change/")
    editor = page.locator(f"#sections-0 {EDITOR}")
    editor.wait_for()

    # A Word fragment pasted at the end of the section.
    editor.click()
    page.keyboard.press("Control+End")
    paste(editor, (FIXTURES / "clipboard" / "word.html").read_text())

    # A journal article by DOI (recorded Crossref answer), a book and a web page.
    journal = add_reference_row(page)
    page.select_option(f"#id_{journal}-kind", "journal")
    page.fill(f"#id_{journal}-doi", "https://doi.org/10.1136/bjsm.2008.050401")
    crossref = json.loads((FIXTURES / "crossref_journal_article.json").read_text())
    with mock.patch.object(reference_lookup, "fetch_json", return_value=crossref):
        page.locator(f"#{journal} button.reference-lookup", has_text="Fill from DOI").click()
        wait_until(lambda: "Cause of Exercise" in page.input_value(f"#id_{journal}-title"))
    book = add_reference_row(page)
    page.select_option(f"#id_{book}-kind", "book")
    page.fill(f"#id_{book}-editors", "Standring S")
    page.fill(f"#id_{book}-title", "Gray's anatomy: the anatomical basis of clinical practice")
    page.fill(f"#id_{book}-edition", "41")
    page.fill(f"#id_{book}-place", "London")
    page.fill(f"#id_{book}-publisher", "Elsevier")
    page.fill(f"#id_{book}-year", "2016")
    web = add_reference_row(page)
    page.select_option(f"#id_{web}-kind", "webpage")
    page.fill(f"#id_{web}-organisation", "NHS")
    page.fill(f"#id_{web}-title", "Exercise")
    page.fill(f"#id_{web}-url", "https://www.nhs.uk/live-well/exercise/")
    page.fill(f"#id_{web}-date_accessed", "2026-11-02")
    keys = [page.input_value(f"#id_{row}-key") for row in (journal, book, web)]
    assert len(set(keys)) == 3 and all(re.fullmatch(r"r[0-9a-f]{8}", key) for key in keys), keys

    # Cite the book first, then the journal article, in the text.
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("Warm muscles cramp less")
    cite(page, editor, ["Standring S 2016"])
    page.keyboard.type(", and fatigue matters most")
    cite(page, editor, ["Schwellnus MP 2009"])
    page.keyboard.type(".")
    assert editor.locator(".bs-citation-chip").count() == 2

    # Reorder the references (the web page to the top), then save.
    page.fill(f"#id_{web}-position", "1")
    page.press(f"#id_{web}-position", "Tab")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    assert not page.locator(".errornote").count(), page.locator(".errorlist").all_inner_texts()

    article.refresh_from_db()
    stored = article.sections.get().body
    assert "<ul><li><p>Walk briskly for five minutes</p></li>" in stored
    assert f'<span class="citation" data-refs="{keys[1]}"></span>' in stored
    assert list(article.references.values_list("kind", flat=True)) == ["webpage", "journal", "book"]

    # The public preview: [1] is the book, [2] the journal article (order of first citation),
    # each linking to its entry, which links back; the uncited web page comes last.
    page.goto(live_server.url + f"/admin/articles/article/{article.pk}/preview/")
    citations = page.locator("sup.citation")
    assert citations.all_inner_texts() == ["[1]", "[2]"]
    assert citations.nth(0).locator("a").get_attribute("href") == "#ref-1"
    assert citations.nth(1).locator("a").get_attribute("href") == "#ref-2"
    entries = page.locator("ol.references > li")
    assert entries.nth(0).inner_text().startswith(
        "Standring S, editor. Gray's anatomy: the anatomical basis of clinical practice. 41st ed. London: Elsevier; 2016.")
    assert entries.nth(1).inner_text().startswith(
        "Schwellnus MP. Cause of Exercise Associated Muscle Cramps (EAMC)")
    assert "Br J Sports Med. 2009;43(6):401-408." in entries.nth(1).inner_text()
    assert entries.nth(2).inner_text().startswith("NHS. Exercise [Internet].")
    assert "[cited 2026 Nov 2]" in entries.nth(2).inner_text()
    assert "Available from: https://www.nhs.uk/live-well/exercise/" in entries.nth(2).inner_text()
    assert entries.nth(0).locator("a[href='#cite-1']").count() == 1
    entries.nth(0).locator("a[href='#cite-1']").click()
    assert page.evaluate("location.hash") == "#cite-1"
    citations.nth(1).locator("a").click()
    assert page.evaluate("location.hash") == "#ref-2"
    # The live page did not change: this is a draft that was never published.
    assert Article.objects.get(pk=article.pk).live_version_id is None
    assert violations == []
