"""Authoring (issue 11): the one allow-list of the editor and the sanitizer, pasted documents,
in-text citations, the "ready for review" check and the Markdown → HTML migration on the
demo content. The editor itself runs in Chromium in tests/browser/test_authoring.py."""

import re
from html.parser import HTMLParser
from pathlib import Path
from textwrap import dedent

import markdown
import nh3
import pytest
from django.apps import apps as django_apps

from articles import rendering, services
from articles.demo import content as demo
from articles.migrations import _markdown_to_html as migration
from articles.models import Article, Reference, Section
from articles.workflow import readiness, snapshots
from tests.factories import ArticleFactory, ReferenceFactory, ReviewerFactory, SectionFactory, UserFactory

CLIPBOARD = Path(__file__).resolve().parent.parent / "fixtures" / "clipboard"

# --- 1. One allow-list --------------------------------------------------------------------

# Everything the toolbar can produce, as the editor writes it (tests/browser checks the
# editor's real output against the sanitizer too).
TOOLBAR_OUTPUT = (
    "<h3>Sub-heading</h3><h4>Smaller heading</h4>"
    "<p><strong>Bold</strong>, <em>italic</em>, x<sup>2</sup>, H<sub>2</sub>O,"
    ' <a rel="noopener" href="https://www.nhs.uk/">a link</a>, <a rel="noopener" href="http://example.org/">plain'
    ' http</a>, <a rel="noopener" href="mailto:clinic@example.org">e-mail</a>,<br>a line break and a citation'
    '<span class="citation" data-refs="r0a1b2c3d r1a2b3c4d"></span>.</p>'
    "<ul><li><p>Bullet</p></li></ul>"
    '<ol data-type="decimal"><li><p>Numbered</p></li></ol><ol start="3" type="a"><li><p>From c</p></li></ol>'
    "<blockquote><p>A quotation</p></blockquote>"
    '<table><thead><tr><th colspan="1" rowspan="1"><p>Head</p></th></tr></thead>'
    '<tbody><tr><td colspan="2" rowspan="1"><p>Cell</p></td></tr></tbody></table>'
)


def tags_in(html: str) -> set[str]:
    return {tag.lower() for tag in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", html)}


def test_everything_the_toolbar_makes_survives_sanitizing_unchanged():
    assert rendering.sanitize(TOOLBAR_OUTPUT) == TOOLBAR_OUTPUT


def test_the_sample_covers_exactly_what_the_allow_list_allows():
    # The allow-list is derived from the editor's extensions: nothing more is allowed than
    # the toolbar makes, so the sample above exercises every allowed element.
    assert rendering.allow_list()["tags"] == tags_in(TOOLBAR_OUTPUT)
    assert rendering.allow_list()["url_schemes"] == {"http", "https", "mailto"}


@pytest.mark.parametrize(
    "dirty,clean",
    [
        ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
        ('<p onclick="alert(1)" onmouseover="x()">text</p>', "<p>text</p>"),
        ('<p style="color:red;font-family:Comic Sans">text</p>', "<p>text</p>"),
        ('<p class="MsoNormal">text</p>', "<p>text</p>"),
        ('<p><span class="citation evil" data-refs="r1"></span></p>', '<p><span class="citation" data-refs="r1"></span></p>'),
        ('<p><span class="highlight">text</span></p>', "<p>text</p>"),
        ('<p><a href="javascript:alert(1)">x</a></p>', '<p><a rel="noopener">x</a></p>'),
        ('<p><a href="JaVaScRiPt:alert(1)">x</a></p>', '<p><a rel="noopener">x</a></p>'),
        ('<p><a href="data:text/html;base64,PHNjcmlwdD4=">x</a></p>', '<p><a rel="noopener">x</a></p>'),
        ('<p><a href="https://x.org/" target="_blank" rel="opener">x</a></p>',
         '<p><a href="https://x.org/" rel="noopener">x</a></p>'),
        ('<p>a</p><iframe src="https://evil.example/"></iframe>', "<p>a</p>"),
        ('<p><img src="x" onerror="alert(1)">a</p>', "<p>a</p>"),
        ("<p>a<!-- a comment --></p>", "<p>a</p>"),
        ('<h1 id="x">Top</h1><h2>Next</h2><h5>Deep</h5>', "<h3>Top</h3><h3>Next</h3><h4>Deep</h4>"),
        ('<table style="width:100%"><colgroup><col style="width:5px"></colgroup><tbody><tr><td><p>c</p></td></tr>'
         "</tbody></table>", "<table><tbody><tr><td><p>c</p></td></tr></tbody></table>"),
        ("<div><font face=Arial color=red>text</font></div>", "<p>text</p>"),
    ],
)
def test_everything_else_is_removed(dirty, clean):
    assert rendering.sanitize(dirty) == clean


def test_plain_text_becomes_paragraphs_and_an_empty_editor_is_empty():
    assert rendering.sanitize("One line.\n\nAnother <b>bold</b> one.") == "<p>One line.</p><p>Another <b>bold</b> one.</p>" \
        or rendering.sanitize("One line.\n\nAnother <b>bold</b> one.") == "<p>One line.</p><p>Another bold one.</p>"
    assert rendering.sanitize("<p></p>") == ""
    assert rendering.sanitize("<p><br></p>") == ""


@pytest.mark.parametrize("sample", ["word.html", "google-docs.html", "web-page.html"])
def test_pasted_documents_lose_fonts_colours_spans_and_comments_even_without_the_editor(sample):
    """The server is the gate: a paste that skips the editor's clean-up (a script, an old
    browser) is still stored without fonts, colours, spans, comments or scripts."""
    stored = rendering.sanitize((CLIPBOARD / sample).read_text())
    for gone in ("style=", "class=", "<span", "<font", "<!--", "<script", "<iframe", "<img", "onclick", "<o:p"):
        assert gone not in stored, gone
    assert "lowers the risk" in stored and "<table>" in stored
    assert '<a href="https://www.nhs.uk/live-well/exercise/" rel="noopener">NHS exercise pages</a>' in stored


# --- 3. In-text citations ------------------------------------------------------------------

def cite(*keys: str) -> str:
    return f'<span class="citation" data-refs="{" ".join(keys)}"></span>'


def test_numbers_follow_the_first_citation_and_ranges_are_shortened():
    texts = [f"<p>Lead {cite('c')}</p>", f"<p>One {cite('a', 'b', 'd')} two {cite('c', 'a')}</p>"]
    resolved = rendering.resolve_citations(texts, ["a", "b", "c", "d", "e"])
    assert resolved.order == ["c", "a", "b", "d", "e"]  # cited first, then the uncited in list order
    lead = re.sub(r"<[^>]+>", "", resolved.texts[0])
    body = re.sub(r"<[^>]+>", "", resolved.texts[1])
    assert lead == "Lead [1]"
    assert body == "One [2–4] two [1, 2]"
    assert '<a href="#ref-2" aria-label="reference 2">2</a>–<a href="#ref-4" aria-label="reference 4">4</a>' in \
        resolved.texts[1]
    assert resolved.backlinks == {"c": ["cite-1", "cite-3"], "a": ["cite-2", "cite-3"], "b": ["cite-2"],
                                  "d": ["cite-2"]}


def test_a_citation_of_a_missing_reference_never_makes_a_broken_link():
    resolved = rendering.resolve_citations([f"<p>Gone {cite('zz')} and kept {cite('zz', 'a')}.</p>"], ["a"])
    assert resolved.missing == ["zz"]
    assert re.sub(r"<[^>]+>", "", resolved.texts[0]) == "Gone  and kept [1]."
    assert "#ref-2" not in resolved.texts[0]


@pytest.mark.django_db
def test_the_published_page_renumbers_when_sections_are_reordered():
    article = ArticleFactory(lead="<p>Lead.</p>")
    first = ReferenceFactory(article=article, key="rfirst", position=10, title="First source")
    second = ReferenceFactory(article=article, key="rsecond", position=20, title="Second source")
    one = SectionFactory(article=article, position=10, heading="One", body=f"<p>A {cite('rsecond')}</p>")
    two = SectionFactory(article=article, position=20, heading="Two", body=f"<p>B {cite('rfirst')}</p>")
    version = snapshots.build_snapshot(article)
    assert "Second source" in version.references[0]["html"] and "First source" in version.references[1]["html"]
    assert version.references[0]["backlinks"] == ["cite-1"]
    Section.objects.filter(pk=one.pk).update(position=30)
    article = Article.objects.get(pk=article.pk)
    version = snapshots.build_snapshot(article)
    assert [s["heading"] for s in version.sections] == ["Two", "One"]
    assert "First source" in version.references[0]["html"]  # now cited first
    assert 'href="#ref-1"' in version.sections[0]["html"]
    assert two.pk and first.pk and second.pk


@pytest.mark.django_db
def test_a_reference_key_is_unique_in_its_article_and_new_references_get_one():
    article = ArticleFactory()
    a = ReferenceFactory(article=article)
    b = ReferenceFactory(article=article)
    assert re.fullmatch(r"r[0-9a-f]{8}", a.key) and a.key != b.key
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Reference.objects.filter(pk=b.pk).update(key=a.key)


@pytest.mark.django_db
def test_every_demo_article_cites_at_least_three_references_and_none_is_missing(demo_data):
    for article in Article.objects.all():
        version = article.live_version
        html = version.lead_html + "".join(s["html"] for s in version.sections)
        assert html.count('<sup class="citation"') >= 3, article.slug
        assert not readiness.blocking_problems(article), article.slug
        for n in range(1, len(version.references) + 1):
            if f'href="#ref-{n}"' in html:
                assert version.references[n - 1]["backlinks"], (article.slug, n)


# --- 4. Ready for review -------------------------------------------------------------------

@pytest.fixture
def default_minimum(settings):
    settings.BONESPINE_REVIEW_MIN_REFERENCES = 1  # the production default (test settings use 0)


@pytest.mark.django_db
def test_what_blocks_review_and_the_submit_service_refuses(default_minimum):
    author = UserFactory(is_superuser=True, is_staff=True)
    article = ArticleFactory(lead="<p></p>")
    SectionFactory(article=article, heading="Causes", body=f"<p>Text {cite('gone')}</p>")
    needs = readiness.blocking_problems(article)
    assert needs[0] == "a lead"
    assert "at least 1 reference" in needs
    assert any("deleted reference" in need for need in needs)
    with pytest.raises(services.ArticleError) as refused:
        services.article_submit(article=article, by=author)
    assert "Before review the article needs a lead" in str(refused.value)
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT


@pytest.mark.django_db
def test_advice_does_not_block(default_minimum):
    author = UserFactory(is_superuser=True, is_staff=True)
    hard = ("Osteoarthritic degeneration characteristically necessitates multidisciplinary "
            "conservative management incorporating physiotherapeutic interventions, pharmacological "
            "analgesia and occasionally arthroplasty considerations. ") * 3
    article = ArticleFactory(lead=f"<p>{hard}</p>")
    old = ReferenceFactory(article=article, year=1990, key="rold")
    ReferenceFactory(article=article, year=2024, key="rnew")
    long_text = " ".join(["word"] * 700)
    SectionFactory(article=article, heading="Long", body=f'<p>{long_text} {cite("rold")} '
                                                          '<a href="http://example.org/">site</a></p>')
    checks = readiness.review_checks(article)
    assert not any(c.blocking for c in checks)
    advice = " ".join(c.needs for c in checks)
    assert "Reading ease of the lead is" in advice and "target for patient information is 60" in advice
    assert "References more than 10 years old: 1 (1990)" in advice
    assert "References not cited in the text: 2" in advice
    assert "Section “Long” has 701 words" in advice or "Section “Long” has 702 words" in advice
    assert "without https" in advice
    services.article_submit(article=article, by=author)
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW
    assert old.pk


@pytest.mark.django_db
def test_the_panel_is_on_the_article_page(client, default_minimum):
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    article = ArticleFactory()
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "Ready for review?" in page
    assert "the article needs at least 1 reference." in page
    assert '<a href="#references-group">Go there</a>' in page


# --- Migration 0010: Markdown → HTML on the demo content ------------------------------------

_OLD_TAGS = {"p", "br", "hr", "strong", "b", "em", "i", "u", "sub", "sup", "small", "mark", "abbr", "a", "ul", "ol",
             "li", "dl", "dt", "dd", "blockquote", "code", "pre", "h3", "h4", "h5", "h6", "table", "thead", "tbody",
             "tr", "th", "td", "caption"}


def old_render(text: str) -> str:
    """What the Markdown era showed (rendering.render_markdown before migration 0010)."""
    html = markdown.markdown(text, extensions=migration.EXTENSIONS, output_format="html")
    html = re.sub(r"<(/?)h([1-6])(\s[^>]*)?>",
                  lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 2, 6)}{m.group(3) or ''}>", html)
    return nh3.clean(html, tags=_OLD_TAGS, attributes={"a": {"href", "title"}, "ol": {"start"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


class Structure(HTMLParser):
    """The visible structure: headings, lists and items, tables and cells, quotes, emphasis, links."""

    KEPT = {"h3": "h", "h4": "h", "h5": "h", "h6": "h", "ul": "ul", "ol": "ol", "li": "li", "table": "table",
            "tr": "tr", "th": "cell", "td": "cell", "blockquote": "blockquote", "strong": "strong", "b": "strong",
            "em": "em", "i": "em", "a": "a", "dt": "strong"}

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.KEPT:
            self.tags.append(self.KEPT[tag])


def structure(html: str) -> list[str]:
    parser = Structure()
    parser.feed(html)
    return parser.tags


def visible_text(html: str) -> str:
    return " ".join(rendering.plain_text(html).split())


def demo_texts():
    for data in demo.ARTICLES:
        yield data["slug"], "lead", data["lead"]
        for heading, body in data["sections"]:
            yield data["slug"], heading, dedent(body).strip()


@pytest.mark.parametrize("slug,part,source", list(demo_texts()), ids=lambda v: v if isinstance(v, str) and
                         len(v) < 40 and "\n" not in v else "")
def test_the_conversion_keeps_every_demo_text_and_its_structure(slug, part, source):
    source = re.sub(r" ?\[@[\d, ]+\]", "", source)  # citation markers are new: not in the old text
    before, after = old_render(source), migration.markdown_to_html(source)
    assert visible_text(after) == visible_text(before)
    assert structure(after) == structure(before)


@pytest.mark.django_db
def test_the_migration_converts_real_rows_and_keeps_the_public_page_and_its_sign_off():
    """Rows written in Markdown (as before 0010), one published: after the conversion the
    working copy is HTML, the live page is byte for byte the same, and the sign-off still
    matches (the next publication is not a content change)."""
    from articles.workflow import services as workflow_services

    article = ArticleFactory(title="Shin splints")
    section = SectionFactory(article=article, heading="Causes")
    ReferenceFactory(article=article, title="A source")
    workflow_services.article_publish_reviewed(article=article, reviewer=ReviewerFactory())
    # Put the rows back as the Markdown era had them: Markdown source, the version's source
    # content in Markdown (references without keys) and its fingerprint over that.
    markdown_lead, markdown_body = "Pain along the **shin bone**.", "# Running\n\n- too much\n- too soon"
    Article.objects.filter(pk=article.pk).update(lead=markdown_lead, lead_html=old_render(markdown_lead))
    Section.objects.filter(pk=section.pk).update(body=markdown_body, body_html=old_render(markdown_body))
    article = Article.objects.get(pk=article.pk)
    version = article.live_version
    old_content = {**version.content, "lead": markdown_lead,
                   "sections": [{**version.content["sections"][0], "body": markdown_body}],
                   "references": [{k: v for k, v in r.items() if k != "key"} for r in version.content["references"]]}
    type(version).objects.filter(pk=version.pk).update(content=old_content,
                                                        fingerprint=snapshots.fingerprint_of(old_content))
    version.refresh_from_db()
    public_before = (version.lead_html, version.sections, version.references)

    migration.convert_all(django_apps)

    article = Article.objects.get(pk=article.pk)
    assert article.lead == "<p>Pain along the <strong>shin bone</strong>.</p>"
    assert article.sections.get().body == "<h3>Running</h3>\n<ul>\n<li>too much</li>\n<li>too soon</li>\n</ul>"
    version.refresh_from_db()
    assert (version.lead_html, version.sections, version.references) == public_before
    assert version.content["lead"] == article.lead
    assert version.fingerprint == snapshots.article_fingerprint(article)  # not "changed" at the next publication
