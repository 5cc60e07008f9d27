"""WordPress HTML → lead, sections and references (no database for most)."""

import pytest

from articles.importers import content
from articles.importers.references import is_reference_heading, parse_reference, vancouver_fields


def test_classic_paragraphs_become_paragraphs():
    result = content.convert("First line\nsecond line.\n\nAnother paragraph.\n\n<h2>Part</h2>\nBody.")
    assert result.lead == "<p>First line<br>\nsecond line.</p>\n<p>Another paragraph.</p>"
    assert result.sections == [{"heading": "Part", "body": "<p>Body.</p>"}]


def test_block_editor_comments_removed_and_sections_split():
    html = ('<!-- wp:paragraph --><p>Lead.</p><!-- /wp:paragraph -->'
            '<!-- wp:heading --><h2 class="wp-block-heading">One</h2><!-- /wp:heading -->'
            '<!-- wp:paragraph --><p>First.</p><!-- /wp:paragraph -->'
            '<!-- wp:heading --><h2>Two</h2><!-- /wp:heading --><!-- wp:paragraph --><p>Second.</p><!-- /wp:paragraph -->')
    result = content.convert(html)
    assert result.lead == "<p>Lead.</p>"
    assert [s["heading"] for s in result.sections] == ["One", "Two"]
    assert "wp:" not in result.sections[0]["body"] and "class=" not in result.sections[0]["body"]


def test_long_opening_keeps_first_paragraph_as_lead_and_the_rest_as_introduction():
    first = "Short first paragraph."
    rest = " ".join(["word"] * 90)
    result = content.convert(f"{first}\n\n{rest}\n\n<h2>Next</h2>\nText.")
    assert result.lead == f"<p>{first}</p>"
    assert [s["heading"] for s in result.sections] == ["Introduction", "Next"]
    assert rest in result.sections[0]["body"]


def test_short_opening_stays_whole():
    result = content.convert("One.\n\nTwo.\n\n<h2>Next</h2>\nText.")
    assert result.lead == "<p>One.</p>\n<p>Two.</p>"


def test_post_without_h2():
    result = content.convert("Just a note.")
    assert result.lead == "<p>Just a note.</p>" and result.sections == []
    assert any("No sections" in w for w in result.warnings)


def test_lead_from_excerpt_when_the_post_starts_with_a_heading():
    result = content.convert("<h2>Only</h2>\nBody.", excerpt="The <b>summary</b> & more")
    assert result.lead == "<p>The summary &amp; more</p>"


@pytest.mark.parametrize("code", ["[caption id=\"a\"]<img src=\"x.jpg\"> Caption[/caption]", "[toc]", "[ez-toc]",
                                  "[embed]https://video.example/1[/embed]", "[my_widget id=\"3\"]", "[gallery ids=\"1,2\"]"])
def test_shortcodes_removed_and_reported(code):
    result = content.convert(f"Text {code} more.\n\n<h2>A</h2>\nB.")
    assert "[" not in result.lead and "Caption" not in result.lead and "video.example" not in result.lead
    assert any(w.startswith("Shortcodes removed") for w in result.warnings)


def test_bracketed_citation_words_are_not_shortcodes():
    text, removed = content.remove_shortcodes("NICE [Internet]. 2016 [cited 2024 Jan 5]. See [1] and [sic].")
    assert text == "NICE [Internet]. 2016 [cited 2024 Jan 5]. See [1] and [sic]." and removed == []


def test_body_sanitized_through_the_editor_allow_list():
    result = content.convert('<h2>A</h2><p style="color:red" onclick="x()">Hi <a href="javascript:alert(1)">x</a>'
                             '<img src=x onerror=alert(1)></p><h1>Big</h1><p>y</p>')
    body = " ".join(s["body"] for s in result.sections)
    for bad in ("style=", "onclick", "javascript:", "onerror", "<img"):
        assert bad not in body
    assert [s["heading"] for s in result.sections] == ["A", "Big"]  # an h1 also starts a section


def test_sub_headings_stay_inside_the_body():
    result = content.convert("<h2>A</h2><h3>Sub</h3><p>x</p><h5>Deep</h5><p>y</p>")
    body = result.sections[0]["body"]
    assert "<h3>Sub</h3>" in body and "<h4>Deep</h4>" in body  # h5 → h4: the editor has h3/h4


def test_medically_reviewed_line_is_reported_and_removed():
    result = content.convert("<p>Lead.</p><p>Medically reviewed by Dr Jane Roe, FRCS</p><h2>A</h2><p>x</p>")
    assert "Jane Roe" not in result.lead
    assert any("medically reviewed by Dr Jane Roe" in w and "not a Bonespine sign-off" in w for w in result.warnings)


@pytest.mark.parametrize("heading", ["References", "REFERENCES:", "Bibliography", "sources", "Further reading"])
def test_reference_headings(heading):
    assert is_reference_heading(heading)


def test_not_reference_headings():
    assert not is_reference_heading("Referred pain")


@pytest.mark.django_db
@pytest.mark.parametrize("body", [
    "<ol><li>Smith AB. A title. BMJ. 2020;1(2):3-4.</li><li>Doe J. Other. 2019. PMID: 123456</li></ol>",
    "<ul><li>Smith AB. A title. BMJ. 2020;1(2):3-4.</li><li>Doe J. Other. 2019. PMID: 123456</li></ul>",
    "<p>1. Smith AB. A title. BMJ. 2020;1(2):3-4.<br>2. Doe J. Other. 2019. PMID: 123456</p>",
    "<p>[1] Smith AB. A title. BMJ. 2020;1(2):3-4.</p><p>[2] Doe J. Other. 2019. PMID: 123456</p>",
])
def test_references_from_lists_and_lines(body):
    result = content.convert(f"Lead.\n\n<h2>A</h2>\nx\n\n<h2>References</h2>\n{body}")
    assert [s["heading"] for s in result.sections] == ["A"]
    refs = result.references
    assert [r["kind"] for r in refs] == ["journal", "other"]
    assert refs[0]["authors"] == "Smith AB" and refs[0]["journal"] == "BMJ" and refs[0]["pages"] == "3-4"
    assert refs[1]["pmid"] == "123456" and refs[1]["citation_text"] == "Doe J. Other. 2019. PMID: 123456"


def test_identifiers_extracted():
    ref = parse_reference('Some report. <a href="https://dx.doi.org/10.1000/XYZ.1">link</a>; '
                          'https://pubmed.ncbi.nlm.nih.gov/998877/ and https://example.org/page.')
    assert ref["doi"] == "10.1000/XYZ.1" and ref["pmid"] == "998877" and ref["url"] == "https://example.org/page"


def test_vancouver_only_when_clearly_vancouver():
    assert vancouver_fields("Bentley S. Exercise-induced muscle cramp. Sports Med. 1996;21(6):409-20.")["year"] == 1996
    assert vancouver_fields("Bentley S, et al. Cramp. Sports Med. 1996 Jun;21(6):409-20.")["issue"] == "6"
    assert vancouver_fields("Read this great article about cramps. It is good. 2020;1:2.") == {}
    assert vancouver_fields("The NHS website. Cramps.") == {}


@pytest.mark.django_db
def test_references_not_parsed_are_reported():
    result = content.convert("Lead.\n\n<h2>A</h2>\nx\n\n<h2>References</h2>\n<ol><li> </li></ol><p>\u00a0</p>")
    assert result.references == []
    result = content.convert("Lead.\n\n<h2>A</h2>\nx\n\n<h2>Sources</h2>\n<ul><li>Ask your GP about it.</li>"
                             "<li>Smith AB. A title. BMJ. 2020;1(2):3-4.</li></ul>")
    assert [r["kind"] for r in result.references] == ["other", "journal"]
    assert any("1 of 2 reference(s) not parsed" in w for w in result.warnings)
