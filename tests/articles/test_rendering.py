"""The Markdown conversion, the sanitizer and Vancouver-style references (no database needed)."""

import re

import pytest

from articles import rendering
from articles.migrations._markdown_to_html import markdown_to_html as convert
from articles.models import Reference

# --- Markdown → the editor's HTML (migration 0010 and the demo content) -------------------


def test_paragraphs():
    assert convert("One.\n\nTwo.") == "<p>One.</p>\n<p>Two.</p>"


def test_lists():
    html = convert("- a\n- b\n\n1. x\n2. y")
    assert "<ul>\n<li>a</li>\n<li>b</li>\n</ul>" in html
    assert "<ol>\n<li>x</li>\n<li>y</li>\n</ol>" in html


def test_links_get_rel_and_keep_href():
    html = convert("[NHS](https://www.nhs.uk/) and <a href='mailto:x@example.org'>mail</a>")
    assert '<a href="https://www.nhs.uk/" rel="noopener">NHS</a>' in html
    assert '<a href="mailto:x@example.org" rel="noopener">mail</a>' in html


def test_bold_and_italic():
    assert convert("**bold** and *it*") == "<p><strong>bold</strong> and <em>it</em></p>"


def test_tables():
    html = convert("| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<table><tbody>" in html and "<th><p>a</p></th>" in html and "<td><p>2</p></td>" in html


@pytest.mark.parametrize(
    "source,expected",
    [
        ("# Top", "<h3>Top</h3>"),
        ("## Second", "<h4>Second</h4>"),
        ("### Third", "<h4>Third</h4>"),
        ("#### Fourth", "<h4>Fourth</h4>"),
        ("###### Sixth", "<h4>Sixth</h4>"),
        ("<h1>Raw</h1>", "<h3>Raw</h3>"),
        ("<h2 onclick='x()'>Raw two</h2>", "<h4>Raw two</h4>"),
    ],
)
def test_headings_sit_below_the_section_h2(source, expected):
    html = convert(source)
    assert html == expected
    assert not re.search(r"<h[12][\s>]", html)


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_input_gives_empty_output(text):
    assert convert(text) == ""
    assert rendering.sanitize(text) == ""


def test_code_keeps_its_text_escaped():
    html = convert("`<script>alert(1)</script>`")
    assert html == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_definition_lists_and_code_blocks_keep_their_text():
    html = convert("Term\n: Its meaning\n\n```\nline one\nline two\n```")
    assert html == "<p><strong>Term</strong></p>\n<p>Its meaning</p>\n<p>line one<br>line two</p>"


# --- Sanitizer: XSS payloads --------------------------------------------------------------

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<a href="javascript:alert(1)">x</a>',
    "<a href=javascript:alert(1)>x</a>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x][1]\n\n[1]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>',
    "[x](data:text/html,<script>alert(1)</script>)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<a href="jAvAsCrIpT:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="javascript&#58;alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="java&NewLine;script:alert(1)">x</a>',
    "[x](&#106;avascript:alert(1))",
    '<a href="vbscript:msgbox(1)">x</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">x</math>',
    "<scr<script>ipt>alert(1)</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)<</script>/script>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<![CDATA[<script>alert(1)</script>]]>",
    "<!--<script>alert(1)</script>-->",
    '<a href="https://ok.example" onmouseover="alert(1)">ok</a>',
    "<div onclick=alert(1)>x</div>",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<input autofocus onfocus="alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
]

TAG_WITH_EVENT_HANDLER = re.compile(r"<[^>]*\son\w+\s*=", re.IGNORECASE)
HREF_OR_SRC = re.compile(r"""\s(?:href|src|action|data|xlink:href)\s*=\s*["']?([^"'\s>]*)""", re.IGNORECASE)
FORBIDDEN_TAGS = re.compile(r"<\s*(script|iframe|style|svg|math|object|embed|form|input|img|base|meta|link)\b", re.I)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
@pytest.mark.parametrize("clean", [rendering.sanitize, convert], ids=["as HTML", "as Markdown"])
def test_xss_payloads_are_neutralised(payload, clean):
    html = clean(payload)
    assert "<script" not in html.lower()
    assert not TAG_WITH_EVENT_HANDLER.search(html), html
    # As text, "javascript:" is harmless: it must never be inside a tag.
    assert not re.search(r"<[^>]*(javascript|vbscript):", html, re.IGNORECASE), html
    assert not FORBIDDEN_TAGS.search(html), html
    for url in HREF_OR_SRC.findall(html):
        assert url.startswith(("https://", "http://", "mailto:")), html


def test_there_are_enough_payloads():
    assert len(XSS_PAYLOADS) >= 15


def test_safe_link_survives_next_to_a_payload():
    html = convert("[good](https://example.org/) <img src=x onerror=alert(1)> **kept**")
    assert '<a href="https://example.org/" rel="noopener">good</a>' in html
    assert "<strong>kept</strong>" in html


def test_sanitize_drops_disallowed_tags_but_keeps_text():
    assert rendering.sanitize("<div><span>text</span></div>") == "<p>text</p>"
    assert rendering.sanitize("<h1>x</h1>") == "<h3>x</h3>"  # h1/h2 belong to the page: a sub-heading here


def test_plain_text_and_excerpt():
    assert rendering.plain_text("<p>One  <b>two</b>\n three</p>") == "One two three"
    assert rendering.excerpt("<p>" + " ".join(["word"] * 40) + "</p>", 5) == "word word word word word…"


# --- Anchors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading,taken,expected",
    [
        ("Causes", set(), "causes"),
        ("Causes", {"causes"}, "causes-2"),
        ("Causes", {"causes", "causes-2"}, "causes-3"),
        ("References", set(), "references-2"),
        ("Contents", set(), "contents-2"),
        ("Primary sidebar", set(), "primary-sidebar-2"),
        ("1 thing to know", set(), "s-1-thing-to-know"),
        ("!!!", set(), "section"),
        ("Ösophagus & Knee", set(), "osophagus-knee"),
    ],
)
def test_make_anchor(heading, taken, expected):
    assert rendering.make_anchor(heading, taken) == expected


def test_make_anchor_is_bounded_in_length():
    anchor = rendering.make_anchor("word " * 100, set())
    assert len(anchor) <= 70
    assert not anchor.endswith("-")


# --- Vancouver references ------------------------------------------------------------------

BENTLEY = dict(
    authors="Bentley S",
    title="Exercise-induced muscle cramp: proposed mechanisms and management",
    journal="Sports Med",
    year=1996,
    volume="21",
    pages="409-420",
)


def ref(**kwargs) -> Reference:
    return Reference(**kwargs)


def test_full_reference():
    assert ref(**BENTLEY).as_text == (
        "Bentley S. Exercise-induced muscle cramp: proposed mechanisms and management. "
        "Sports Med. 1996;21:409-420."
    )


def test_reference_with_issue():
    text = ref(authors="Miller KC", title="Rethinking cramp", journal="Curr Sports Med Rep", year=2008,
               volume="7", issue="4", pages="S50-S55").as_text
    assert text == "Miller KC. Rethinking cramp. Curr Sports Med Rep. 2008;7(4):S50-S55."
    assert text.endswith("2008;7(4):S50-S55.")


@pytest.mark.parametrize("ending", ["?", "!", "."])
def test_title_ending_in_punctuation_gets_no_extra_full_stop(ending):
    text = ref(authors="Bye A", title=f"Is cramp dangerous{ending}", journal="BMJ", year=2001).as_text
    assert text == f"Bye A. Is cramp dangerous{ending} BMJ. 2001."


def test_without_journal():
    assert ref(authors="Bye A", title="Cramp", year=2001).as_text == "Bye A. Cramp. 2001."


def test_without_year_or_source():
    assert ref(authors="Bye A", title="Cramp", journal="BMJ").as_text == "Bye A. Cramp. BMJ."


def test_without_authors():
    assert ref(title="Cramp", journal="BMJ", year=2001, pages="1-2").as_text == "Cramp. BMJ. 2001:1-2."


@pytest.mark.parametrize(
    "missing,ending",
    [
        ({"year": None}, "Sports Med. 21:409-420."),
        ({"year": None, "volume": ""}, "Sports Med. 409-420."),
        ({"year": None, "pages": ""}, "Sports Med. 21."),
        ({"year": None, "pages": "", "issue": "4"}, "Sports Med. 21(4)."),
        ({"year": None, "volume": "", "pages": "", "issue": "4"}, "Sports Med. (4)."),
    ],
)
def test_without_year_is_well_formed(missing, ending):
    # Regression: the source used to start with a stray ";" when the year was missing.
    text = ref(**{**BENTLEY, **missing}).as_text
    assert not re.search(r"\. [;:]", text), text
    assert text.endswith(ending), text


def test_only_citation_text():
    assert ref(citation_text="NICE guideline NG59. Low back pain").as_text == "NICE guideline NG59. Low back pain."
    assert ref(citation_text="Already ends.").as_text == "Already ends."


def test_title_wins_over_citation_text():
    text = ref(title="A title", citation_text="Free text").as_text
    assert text == "A title."


def test_doi_and_pmid_links():
    html = str(ref(**BENTLEY, doi="10.2165/00007256-199621060-00003", pmid="8776083").as_html)
    assert html.startswith("Bentley S. Exercise-induced muscle cramp")
    assert '<a href="https://doi.org/10.2165/00007256-199621060-00003"' in html
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/8776083/"' in html


def test_url_only_reference_gets_its_link():
    html = str(ref(title="Cramp", url="https://www.nhs.uk/conditions/leg-cramps/").as_html)
    assert html.startswith("Cramp. ")
    assert '<a href="https://www.nhs.uk/conditions/leg-cramps/" rel="noopener">' in html


def test_url_not_repeated_when_doi_exists():
    html = str(ref(title="Cramp", url="https://example.org/x", doi="10.1000/xyz").as_html)
    assert "https://example.org/x" not in html
    assert "https://doi.org/10.1000/xyz" in html


def test_reference_without_links_has_no_anchor():
    assert "<a " not in str(ref(**BENTLEY).as_html)


def test_html_in_reference_fields_is_escaped():
    html = str(
        ref(authors="<b>Evil</b>", title="<script>alert(1)</script>", journal="J&J",
            url='https://e.org/?a=1&b="2"><script>x</script>').as_html
    )
    assert "<script" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "J&amp;J" in html
    assert '"><' not in html


def test_reference_url_link_only_for_http_even_without_form_validation():
    from articles.models import Reference
    from articles.rendering import vancouver_html

    ref = Reference(title="A page", url="javascript:alert(1)")
    assert "href" not in str(vancouver_html(ref))
    ref.url = "https://example.org/page"
    assert 'href="https://example.org/page"' in str(vancouver_html(ref))
