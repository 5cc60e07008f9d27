"""Stored and reflected XSS, server side: every payload of ``xss_payloads.PAYLOADS``
through every field an author, reviewer or editor writes, then the pages that show
it, checked by :func:`tests.security.html_scan.scan_html`.

**The world** (``xss_world.build_world``, built once for the module and rolled back at
its end): one published article per pack of payloads, each payload (next to its marker
word ``xssmarkNNN``) in every field of the article, its sections, references and tags,
its category and its author. A category name holds 80 characters, about one payload,
so ``test_every_payload_as_a_category_name`` also gives every payload a category.

**The pages**: per pack, the article page (and its JSON-LD block: valid JSON, no
markup, the headline equal to the title), its category and author pages and its first
tag's page, and as superuser the admin change form, preview and version diff of the
article and the change forms of its category and author. Once: home, popular, every
page of the search for "sentence" (a word of every pack) and searches for single
markers, the contact page about an article, sitemap.xml and the feeds (the XML
must parse; what feed readers treat as HTML is scanned as HTML), the admin changelists,
tag change forms, the history list and a history record, the admin index. Every tag
name is on its article's page; the others' tag pages render the same template.

Other tests below: reflected query parameters (the payloads as the search query), the
reader forms (contact, feedback) and their error pages, the workflow comments in the
admin, flat page titles (flat page *content* is trusted HTML
written by editors, as in django.contrib.flatpages, so it is not checked), the URL
fields' validation, and robustness findings (tags, control characters).

A failure names the payload (``PAYLOADS`` id, from the nearest marker before the
finding) and the place. A place where the expected markers do not appear is a failure
too (a page that did not show the payload tested nothing), and so is "xssmarkNNN 49"
(``{{7*7}}`` evaluated as a template).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import markdown
import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils.text import slugify

from articles import services
from articles.migrations._markdown_to_html import EXTENSIONS as MARKDOWN_EXTENSIONS
from articles.models import ArticleFeedback, ContactMessage, Reference
from authors.models import Author
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    ReviewerFactory,
    SectionFactory,
    UserFactory,
    published_article,
    role_group,
)
from tests.security.html_scan import json_ld_blocks, marker, nearest_marker, scan_html
from tests.security.xss_payloads import PAYLOADS, REJECTED_URLS, URL_PAYLOADS, Payload
from tests.security.xss_world import (
    INDEXED,
    NAMES,
    PACK_IDS,
    PACKS,
    PackWorld,
    build_world,
    fit,
    joined,
    labelled,
    pack,
    paragraphs,
)

pytestmark = pytest.mark.django_db

# Raw HTML payloads that no browser runs as they stand: they target naive filters
# (a one-pass <script> stripper), legacy engines (IE's java\0script), or need the
# attribute context they are designed to break out of (ATTRIBUTE_CONTEXT).
INERT_AS_RAW_HTML = {
    "script-split-nested": "a tag named 'scr<script' for browsers; dangerous only after a one-pass strip",
    "href-backslash-zero": "literal backslash-zero: a relative URL for modern browsers (IE-era trick)",
    "href-entity-nul": "&#0; decodes to U+FFFD, which breaks the scheme",
    "href-percent-encoded": "percent-encoding in a scheme makes a relative URL",
    "href-js-unicode-escape": "\\u escapes are not decoded in HTML attributes",
    "href-fullwidth": "full-width letters are not a scheme",
    "img-unterminated-quote": "runs only together with the markup that follows it on a real page",
    "attr-inject-double": "breaks out of a double-quoted attribute only",
}
# Markdown payloads that Python-Markdown escapes by itself (code, titles, alt text, an
# autolink of an unknown scheme); they stay in the corpus for the sanitizer and the browser.
ESCAPED_BY_MARKDOWN = {
    "md-autolink-javascript", "md-link-title-breakout", "md-image-alt-breakout", "md-abbr-title", "md-heading-html",
    "md-code-span", "md-fenced-code",
}
ATTRIBUTE_CONTEXT = {"attr-inject-double": '<input value="{}">', "attr-break-double": '<input value="{}">',
                     "attr-break-single": "<input value='{}'>"}


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # Within a test nothing commits, so the page cache would never be invalidated, and
    # several tests read a page again after changing what it shows.
    settings.BONESPINE_PAGE_CACHE = False


EVALUATED_TEMPLATE = re.compile(r"xssmark\d{3} 49\b")

# --- Reporting ----------------------------------------------------------------------------------


@dataclass
class Report:
    """Problems found, each naming the payload and the place."""

    problems: list[str] = field(default_factory=list)

    @staticmethod
    def who(text: str, offset: int, default: str = "?") -> str:
        index = nearest_marker(text, offset)
        return NAMES.get(index, default) if index is not None else default

    def page(self, place: str, response, *, expect=(), owner: str = "?") -> str:
        """Scan an HTML response; ``expect``: marker words that must appear on it."""
        if response.status_code != 200:
            self.problems.append(f"{owner} @ {place}: HTTP {response.status_code}")
            return ""
        text = response.content.decode()
        self.expect(place, text, expect)
        self.html(place, text, owner)
        return text

    def html(self, place: str, text: str, owner: str = "?") -> None:
        for finding in scan_html(text):
            self.problems.append(f"{self.who(text, finding.offset, owner)} @ {place}: {finding}")
        for match in EVALUATED_TEMPLATE.finditer(text):  # "xssmarkNNN {{7*7}}" shown as "xssmarkNNN 49"
            self.problems.append(f"{self.who(text, match.end(), owner)} @ {place}: template code evaluated")

    def expect(self, place: str, text: str, markers) -> None:
        for word in markers:
            if word not in text:
                self.problems.append(f"{NAMES.get(int(word[-3:]), word)} @ {place}: not shown, so not tested")

    def assert_clean(self) -> None:
        assert not self.problems, f"{len(self.problems)} problem(s):\n" + "\n".join(self.problems[:80])


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once; every test of the module runs inside it (in a savepoint), and it is
    rolled back when the module is done."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("xss-media"))):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def check_json_ld(report: Report, place: str, text: str, world_pack: PackWorld) -> None:
    blocks = json_ld_blocks(text)
    if len(blocks) != 1:
        report.problems.append(f"{world_pack.owner} @ {place}: {len(blocks)} JSON-LD blocks, expected 1")
        return
    try:
        data = json.loads(blocks[0])
    except ValueError:
        return  # the scanner reported it
    headline = data["@graph"][0]["headline"]
    expected = world_pack.article.live_version.title
    if headline != expected:
        report.problems.append(f"{world_pack.owner} @ {place}: JSON-LD headline {headline!r} is not the title "
                               f"{expected!r} (escaped twice, or cut)")
# --- Scanner self-test ----------------------------------------------------------------------


def active_form(payload: Payload) -> str:
    if payload.kind == "markdown":
        return markdown.markdown(payload.text, extensions=MARKDOWN_EXTENSIONS)
    if payload.id in ATTRIBUTE_CONTEXT:
        return ATTRIBUTE_CONTEXT[payload.id].format(payload.text)
    return payload.text


@pytest.mark.django_db(False)
@pytest.mark.parametrize("payload", [p for p in PAYLOADS if p.kind != "text"], ids=str)
def test_scanner_flags_the_payload_when_it_is_not_escaped(payload):
    """The checker must be able to fail: every payload that would run unescaped (as raw
    HTML, in its attribute context, or once rendered as Markdown) is reported, and the
    ones listed as inert are not (so the lists stay true)."""
    findings = scan_html(f"<body><p>{active_form(payload)}</p></body>")
    inert = payload.id in ESCAPED_BY_MARKDOWN or (
        payload.id in INERT_AS_RAW_HTML and payload.id not in ATTRIBUTE_CONTEXT)
    if inert:
        assert not findings, f"{payload.id} is listed as inert but is flagged: {findings}"
    else:
        assert findings, f"{payload.id} is not flagged when unescaped: {active_form(payload)!r}"


@pytest.mark.django_db(False)
def test_scanner_accepts_the_site_s_own_script_tags_only():
    assert scan_html('<script src="/static/js/site.js" defer></script>') == []
    assert scan_html('<script type="application/ld+json">{"a": "\\u003C/script\\u003E"}</script>') == []
    assert scan_html('<script type="application/ld+json">{"a": "<!--"}</script>')
    assert scan_html('<script src="/static/js/site.js">window.__xss=1</script>')
    assert scan_html('<script src="https://evil.example/x.js"></script>')
    assert scan_html('<a href=" JAVA\tSCRIPT:x">x</a>')
    assert scan_html('<img src="data:image/png;base64,AAAA">') == []
    assert scan_html('<a href="data:image/png;base64,AAAA">x</a>')



# --- Every field × the pages that show it --------------------------------------------------


@pytest.mark.parametrize("number", range(len(PACKS)), ids=PACK_IDS)
def test_public_pages_of_each_pack(world, client, number):
    p = world.packs[number]
    report, article, owner = Report(), p.article, p.owner
    place = f"article page {article.get_absolute_url()}"
    text = report.page(place, client.get(article.get_absolute_url()), expect=p.marks, owner=owner)
    if text:
        check_json_ld(report, place, text, p)
        # Title, lead, alt, caption, 2 sections, 2 references, author, reviewer, tags:
        # each marker shows many times, or some field did not reach the page.
        for mark in p.marks:
            if text.count(mark) < MIN_MARKS_ON_ARTICLE_PAGE:
                report.problems.append(f"{NAMES[int(mark[-3:])]} @ {place}: marker shown {text.count(mark)} times")
    report.page(f"category page {article.category.slug}", client.get(article.category.get_absolute_url()),
                expect=p.marks[:1], owner=owner)
    report.page(f"author page {p.author.slug}", client.get(p.author.get_absolute_url()), expect=p.marks, owner=owner)
    # Every tag name is on the article page; each pack's first tag also has its page fetched.
    report.page(f"tag page {p.tag_slugs[0]}", client.get(reverse("articles:tag", args=[p.tag_slugs[0]])),
                owner=owner)
    report.assert_clean()


MIN_MARKS_ON_ARTICLE_PAGE = 12


@pytest.mark.parametrize("number", range(len(PACKS)), ids=PACK_IDS)
def test_admin_pages_of_each_pack(world, admin_client, number):
    p = world.packs[number]
    report, article, owner = Report(), p.article, p.owner
    for view in ("change", "preview", "diff"):
        url = reverse(f"admin:articles_article_{view}", args=[article.pk])
        report.page(f"admin article {view}", admin_client.get(url), expect=p.marks, owner=owner)
    report.page("admin category change", admin_client.get(
        reverse("admin:articles_category_change", args=[article.category_id])), expect=p.marks, owner=owner)
    report.page("admin author change", admin_client.get(
        reverse("admin:authors_author_change", args=[p.author.pk])), expect=p.marks, owner=owner)
    report.assert_clean()


def test_public_listing_pages(world, client):
    report = Report()
    newest = [mark for p in world.packs[-4:] for mark in p.marks]
    report.page("home", client.get(reverse("articles:home")), expect=newest)
    report.page("popular (all time)", client.get(reverse("articles:popular"), {"period": "all"}),
                expect=[mark for p in world.packs[-20:] for mark in p.marks])
    # "sentence" is in a section heading of every pack: every article is a result, with a snippet.
    seen = ""
    for page_number in range(1, (len(PACKS) + 9) // 10 + 1):
        response = client.get(reverse("articles:search"), {"q": "sentence", "page": page_number})
        seen += report.page(f"search ?q=sentence page {page_number}", response)
    for p in world.packs:
        if p.article.get_absolute_url() not in seen:
            report.problems.append(f"{p.owner} @ search ?q=sentence: not among the results, so not tested")
    for p in world.packs[:4]:  # a marker word finds its one article
        text = report.page(f"search ?q={p.marks[-1]}", client.get(reverse("articles:search"), {"q": p.marks[-1]}),
                           owner=p.owner)
        if text and (">1 result<" not in text or p.article.get_absolute_url() not in text):
            report.problems.append(f"{p.owner} @ search ?q={p.marks[-1]}: not the one result, so not tested")
        report.page(f"contact ?article={p.article.slug}", client.get(reverse("feedback:contact"),
                                                                    {"article": p.article.slug}),
                    expect=p.marks, owner=p.owner)
    report.assert_clean()


def test_reflected_query_parameters_are_escaped(client):
    """What a link can make a page repeat: the search box (in the title, the heading, the
    input and the pagination links), and parameters that must be ignored."""
    report = Report()
    published_article(title="Knee pain", tags=())
    for items in PACKS:  # a search query is cut to 200 characters
        query = joined(items)
        report.page("search ?q=<payloads>", client.get(reverse("articles:search"), {"q": query}),
                    expect=[marker(i) for i, _ in items], owner=joined(items))
    query = joined(PACKS[0])
    for place, url, params in [
        ("popular ?period=", reverse("articles:popular"), {"period": query}),
        ("home ?page=", reverse("articles:home"), {"page": query, "feedback": query}),
    ]:
        report.page(place, client.get(url, params))
    report.page("contact ?article=", client.get(reverse("feedback:contact"), {"article": query, "sent": query}))
    report.assert_clean()


def test_admin_listing_and_history_pages(world, admin_client):
    report = Report()
    for name in ("articles_article", "articles_category", "authors_author", "taggit_tag",
                 "articles_publishedversion", "articles_articletransition"):
        text = report.page(f"admin {name} changelist",
                           admin_client.get(reverse(f"admin:{name}_changelist"), {"all": ""}))
        if name == "taggit_tag":
            report.expect(f"admin {name} changelist", text, world.marks)
    report.page("admin article search", admin_client.get(reverse("admin:articles_article_changelist"),
                                                         {"q": "xssmark"}), expect=world.marks)
    version = world.packs[0].article.live_version
    report.page("admin published version", admin_client.get(
        reverse("admin:articles_publishedversion_change", args=[version.pk])), expect=world.packs[0].marks)
    for p in world.packs[:3]:
        report.page("admin tag change", admin_client.get(reverse("admin:taggit_tag_change", args=[p.tag_ids[0]])),
                    owner=p.owner)
    history = world.history_article
    seen = ""
    for page_number in (1, 2):
        seen += report.page(f"admin history page {page_number}", admin_client.get(
            reverse("admin:articles_article_history", args=[history.pk]), {"p": page_number}))
    report.expect("admin history", seen, world.marks)
    record = history.history.order_by("-history_id").first()
    report.page("admin history record", admin_client.get(
        reverse("admin:articles_article_simple_history", args=[history.pk, record.history_id])),
        expect=world.marks[-1:])
    report.page("admin index", admin_client.get(reverse("admin:index")))
    report.assert_clean()


def test_every_payload_as_a_category_name(client, admin_client):
    """A category name holds 80 characters, about one payload, so besides the packs' categories
    every payload names a category of its own: listed in the sidebar of every page and the
    home page's tiles, and (the first few) on their own pages."""
    report = Report()
    categories = [CategoryFactory(name=fit(labelled(index, payload), 80), slug=f"name-{marker(index)}",
                                  description=labelled(index, payload)) for index, payload in INDEXED]
    shown = [marker(index) for index, payload in INDEXED]
    report.page("home (tiles and sidebar)", client.get(reverse("articles:home")), expect=shown)
    report.page("search page sidebar", client.get(reverse("articles:search")), expect=shown)
    for category in categories[::10]:
        report.page(f"category page {category.slug}", client.get(category.get_absolute_url()),
                    expect=[category.slug[5:]])
    report.page("admin category changelist", admin_client.get(reverse("admin:articles_category_changelist"),
                                                              {"all": ""}), expect=shown)
    report.assert_clean()


# --- Sitemap and feeds --------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def parse_xml(report: Report, place: str, response):
    if response.status_code != 200:
        report.problems.append(f"{place}: HTTP {response.status_code}")
        return None
    try:
        return ET.fromstring(response.content)
    except ET.ParseError as error:
        report.problems.append(f"{place}: not well-formed XML ({error})")
        return None


def test_sitemap_and_feeds_are_well_formed_and_their_html_is_safe(world, client):
    """Feeds must parse whatever the text. Atom's ``type="html"`` elements and RSS item
    descriptions (HTML by the RSS spec) are scanned as HTML after XML decoding."""
    report = Report()
    parse_xml(report, "sitemap.xml", client.get(reverse("articles:sitemap")))
    urls = [("site RSS", reverse("articles:feed")), ("site Atom", reverse("articles:feed_atom"))]
    for p in world.packs:
        slug = p.article.category.slug
        urls += [(f"category RSS {slug}", reverse("articles:category_feed", args=[slug])),
                 (f"category Atom {slug}", reverse("articles:category_feed_atom", args=[slug]))]
    for place, url in urls:
        root = parse_xml(report, place, client.get(url))
        if root is None:
            continue
        if "xssmark" not in " ".join(root.itertext()):
            report.problems.append(f"{place}: no payload in the feed, so nothing was tested")
        html_elements = root.findall(".//item/description") + [
            e for e in root.iter() if e.tag in (f"{ATOM}summary", f"{ATOM}content") and e.get("type") == "html"
        ]
        for element in html_elements:
            report.html(f"{place} <{element.tag.split('}')[-1]}>", element.text or "")
    report.assert_clean()


def test_rss_titles_and_channel_descriptions_are_escaped_for_html_readers(client):
    payload = next(p for p in PAYLOADS if p.id == "img-onerror")
    index = PAYLOADS.index(payload)
    category = CategoryFactory(name="Spine", slug="spine", description=labelled(index, payload))
    published_article(title=labelled(index, payload), category=category)
    report = Report()
    for place, url in [("site RSS", reverse("articles:feed")), ("category RSS", reverse("articles:category_feed", args=["spine"]))]:
        root = parse_xml(report, place, client.get(url))
        for element in root.findall(".//item/title") + root.findall("./channel/description"):
            if "xssmark" in (element.text or ""):
                report.html(f"{place} <{element.tag}>", element.text)
    report.assert_clean()


@pytest.mark.parametrize("char", ["\x0b", "\x0c", "\x01"], ids=["VT", "FF", "SOH"])
def test_control_characters_in_a_title_do_not_break_the_feeds(client, char):
    published_article(title=f"Knee{char}pain", lead=f"Pain in the knee{char}joint.")
    for name in ("articles:feed", "articles:feed_atom"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        ET.fromstring(response.content)


# --- Tags ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Sjögren's syndrome", "膝", '"', "<>"], ids=["sjogren", "cjk", "quote", "brackets"])
def test_any_tag_name_keeps_article_page_and_sitemap_working(client, name):
    article = published_article(title="Dry eyes and joints", tags=[name])
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get(reverse("articles:sitemap")).status_code == 200


def test_corpus_tags_have_routable_slugs():
    """The corpus' own tags are ASCII-sluggable, so the bug above does not hide XSS results."""
    for index, payload in INDEXED:
        slug = slugify(fit(labelled(index, payload), 100), allow_unicode=True)
        assert re.fullmatch(r"[-a-zA-Z0-9_]+", slug), (payload.id, slug)


# --- URL fields -----------------------------------------------------------------------------------


@pytest.mark.django_db(False)
@pytest.mark.parametrize("value", REJECTED_URLS, ids=range(len(REJECTED_URLS)))
@pytest.mark.parametrize("model,name", [(Reference, "url"), (Author, "website"), (Author, "orcid"),
                                         (Author, "profile_url")], ids=["reference.url", "website", "orcid", "profile"])
def test_url_fields_refuse_script_schemes(model, name, value):
    model_field = model._meta.get_field(name)
    with pytest.raises(ValidationError):
        model_field.clean(value, model())
    with pytest.raises(ValidationError):
        model_field.formfield().clean(value)  # what the admin form does


@pytest.mark.django_db(False)
@pytest.mark.parametrize("payload", URL_PAYLOADS, ids=str)
def test_url_payloads_are_valid_urls(payload):
    """Otherwise the corpus would not test what an author can really save."""
    assert Reference._meta.get_field("url").clean(payload.text, Reference()) == payload.text
    assert Reference._meta.get_field("url").formfield().clean(payload.text) == payload.text


# --- Reader input: contact form and article feedback -----------------------------------------------


def reader_address(n: int) -> dict:
    """A different client address per post: the forms allow a few posts per address and hour."""
    return {"REMOTE_ADDR": f"10.77.{n // 250}.{n % 250 + 1}"}


def test_reader_messages_are_inert_on_the_forms_and_in_the_admin(client, admin_client):
    report = Report()
    article = published_article(title="Knee pain", tags=())
    sent = 0
    # Sent and stored, then read by editors: every payload in the name (120 characters, so
    # one or two per message) and subject, shown in the changelist; whole paragraphs of
    # payloads in the message, shown on the message's change form.
    for items in pack(INDEXED, 120):
        value = joined(items)
        response = client.post(reverse("feedback:contact"), {"name": fit(value, 120), "email": "reader@example.org",
                                                    "subject": value, "message": value, "article": article.slug,
                                                    "website": ""}, **reader_address(sent))
        sent += 1
        assert response.status_code == 303, (value, response.status_code)
    for items in pack(INDEXED, 4800):
        value = paragraphs(items)
        response = client.post(reverse("feedback:contact"), {"name": "Reader", "email": "reader@example.org",
                                                    "subject": "Many", "message": value, "website": ""},
                               **reader_address(sent))
        sent += 1
        assert response.status_code == 303, response.status_code
        message = ContactMessage.objects.get(message=value)
        report.page("admin contact message", admin_client.get(
            reverse("admin:articles_contactmessage_change", args=[message.pk])),
            expect=[marker(i) for i, _ in items])
    for items in pack(INDEXED, 1900):
        value = paragraphs(items)
        response = client.post(reverse("feedback:article", args=[article.slug]),
                               {"helpful": "no", "comment": value, "website": ""}, **reader_address(sent))
        sent += 1
        assert response.status_code == 303, response.status_code
        feedback = ArticleFeedback.objects.get(comment=value)
        report.page("admin feedback", admin_client.get(
            reverse("admin:articles_articlefeedback_change", args=[feedback.pk])),
            expect=[marker(i) for i, _ in items])
        # Refused (no Yes/No): the article page comes back with the comment in the form.
        response = client.post(reverse("feedback:article", args=[article.slug]),
                               {"helpful": value[:200], "comment": value, "website": ""}, **reader_address(sent))
        sent += 1
        report.page("feedback form with errors", response, expect=[marker(i) for i, _ in items])
    # Refused (bad email): the contact form comes back with everything the reader typed.
    for items in pack(INDEXED, 4800):
        value = paragraphs(items)
        response = client.post(reverse("feedback:contact"), {"name": value[:120], "email": value[:250] + "@",
                                                    "subject": value[:200], "message": value, "article": value[:200],
                                                    "website": ""}, **reader_address(sent))
        sent += 1
        report.page("contact form with errors", response, expect=[marker(i) for i, _ in items])
    report.page("admin contact messages", admin_client.get(reverse("admin:articles_contactmessage_changelist")),
                expect=[marker(i) for i, _ in INDEXED])
    report.page("admin feedback list", admin_client.get(reverse("admin:articles_articlefeedback_changelist")))
    report.assert_clean()


# --- Workflow comments ---------------------------------------------------------------------------------


def staff(role: str, **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(role_group(role))
    return user


def test_workflow_comments_are_inert_in_the_admin(client, admin_client):
    """A reviewer's request-changes comment is shown in the article's workflow history (on
    the admin change form) and in the workflow-step changelist."""
    report = Report()
    reviewer = staff("Medical reviewer")
    ReviewerFactory(user=reviewer)
    editor = staff("Editor")
    article = ArticleFactory(title="Frozen shoulder")
    SectionFactory(article=article)
    rounds = pack(INDEXED, 950)
    for items in rounds[:-1]:
        article = services.article_submit(article=article, by=editor)
        article = services.article_request_changes(article=article, by=reviewer, comment=paragraphs(items))
    # The last comment goes through the admin's own workflow form, as a reviewer sends it.
    services.article_submit(article=article, by=editor)
    client.force_login(reviewer)
    response = client.post(reverse("admin:articles_article_workflow", args=[article.pk]),
                           {"_workflow": "request_changes", "_workflow_comment": paragraphs(rounds[-1])})
    assert response.status_code == 302
    assert article.transitions.filter(comment=paragraphs(rounds[-1])).exists()
    report.page("admin article change (workflow history)", admin_client.get(
        reverse("admin:articles_article_change", args=[article.pk])), expect=[marker(i) for i, _ in INDEXED])
    report.page("admin workflow steps", admin_client.get(reverse("admin:articles_articletransition_changelist")),
                expect=[marker(i) for i, _ in INDEXED])
    for step in article.transitions.exclude(comment="").filter(comment__contains="xssmark")[:2]:
        report.page("admin workflow step", admin_client.get(
            reverse("admin:articles_articletransition_change", args=[step.pk])))
    report.assert_clean()


# --- Flat page titles ------------------------------------------------------------------------------------
# Flat page *content* is trusted HTML written by editors (django.contrib.flatpages shows it
# as is, and so does the contact page), so it is not checked: only the title is.

FLATPAGE_URLS = ["/about/", "/policies/", "/disclaimer/", "/editorial-policy/"]


def flatpages(urls) -> list[FlatPage]:
    site = Site.objects.get_current()
    pages = []
    for url in urls:
        page = FlatPage.objects.create(url=url, title="x", content="<p>Editor-written content.</p>")
        page.sites.add(site)
        pages.append(page)
    return pages


def check_flatpage_titles(report: Report, client, admin_client, pages, path_of) -> None:
    for start in range(0, len(PACKS), len(pages)):
        for page, items in zip(pages, PACKS[start:start + len(pages)]):
            page.title = joined(items)
            page.save()
            report.page(f"page {path_of(page)}", client.get(path_of(page)), expect=[marker(i) for i, _ in items])
    report.page("admin flat pages", admin_client.get(reverse("admin:flatpages_flatpage_changelist")))
    last_round = (len(PACKS) - 1) // len(pages) * len(pages)
    report.page("admin flat page", admin_client.get(reverse("admin:flatpages_flatpage_change", args=[pages[0].pk])),
                expect=[marker(i) for i, _ in PACKS[last_round]])


def test_contact_page_title_from_its_flatpage_is_escaped(client, admin_client):
    report = Report()
    check_flatpage_titles(report, client, admin_client, flatpages(["/contact/"]), lambda page: reverse("feedback:contact"))
    report.assert_clean()


def test_flatpage_titles_are_escaped(client, admin_client):
    report = Report()
    check_flatpage_titles(report, client, admin_client, flatpages(FLATPAGE_URLS), lambda page: page.url)
    report.assert_clean()
