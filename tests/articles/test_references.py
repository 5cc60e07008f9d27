"""References of every kind (issue 11, part 2): the Citing Medicine rules one by one,
the pinned text of journal articles (the sign-off fingerprint depends on it), paste
cleanup, what each type needs, and the DOI/PubMed lookup (recorded answers, never the
network) with its admin view."""

import datetime
import importlib
import io
import json
import re
import urllib.error
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles import citations, reference_lookup, rendering
from articles.models import Article, Reference
from articles.workflow import roles, snapshots
from tests.factories import ArticleFactory, AuthorFactory, CategoryFactory, ReferenceFactory, UserFactory, role_group

from .test_admin_forms import add_form_data, with_references

pytestmark = pytest.mark.django_db  # full_clean checks the named constraints in the database

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
K = Reference.Kind
LOOKUP = "admin:articles_article_reference_lookup"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def ref(**fields) -> Reference:
    return Reference(**fields)


# --- 1. Journal articles: the text of existing references never changes ----------------------

def legacy_vancouver_text(ref) -> str:
    """The first version's formatter, word for word (articles/rendering.py before issue 11)."""
    def _end(text):
        text = text.strip()
        if not text:
            return ""
        return text if text[-1] in ".?!" else text + "."

    if not ref.title and ref.citation_text:
        return _end(ref.citation_text)
    parts = []
    if ref.authors:
        parts.append(_end(ref.authors))
    if ref.title:
        parts.append(_end(ref.title))
    if ref.journal:
        parts.append(_end(ref.journal))
    source = str(ref.year) if ref.year else ""
    volume = f"{ref.volume}({ref.issue})" if ref.volume and ref.issue else ref.volume or (
        f"({ref.issue})" if ref.issue else "")
    if volume:
        source = f"{source};{volume}" if source else volume
    if ref.pages:
        source = f"{source}:{ref.pages}" if source else ref.pages
    if source:
        parts.append(_end(source))
    return " ".join(parts)


PINNED_JOURNAL = [
    (dict(authors="Bentley S", title="Exercise-induced muscle cramp: proposed mechanisms and management",
          journal="Sports Med", year=1996, volume="21", pages="409-420"),
     "Bentley S. Exercise-induced muscle cramp: proposed mechanisms and management. Sports Med. 1996;21:409-420."),
    (dict(authors="Miller KC, McDermott BP, Yeargin SW, Fiol A, Schwellnus MP", title="An evidence-based review",
          journal="J Athl Train", year=2022, volume="57", issue="1", pages="5-15"),
     "Miller KC, McDermott BP, Yeargin SW, Fiol A, Schwellnus MP. An evidence-based review. J Athl Train. "
     "2022;57(1):5-15."),
    (dict(authors="Skou ST, Roos EM, Laursen MB, Rathleff MS, Arendt-Nielsen L, Simonsen O, et al.",
          title="A randomized, controlled trial of total knee replacement", journal="N Engl J Med", year=2015,
          volume="373", issue="17", pages="1597-1606"),
     "Skou ST, Roos EM, Laursen MB, Rathleff MS, Arendt-Nielsen L, Simonsen O, et al. A randomized, controlled "
     "trial of total knee replacement. N Engl J Med. 2015;373(17):1597-1606."),
    (dict(authors="Bye A", title="Is cramp dangerous?", journal="BMJ", year=2001), "Bye A. Is cramp dangerous? BMJ. 2001."),
    (dict(title="Cramp", journal="BMJ", year=2001, pages="1-2"), "Cramp. BMJ. 2001:1-2."),
    (dict(authors="Bye A", title="Cramp", issue="3"), "Bye A. Cramp. (3)."),
    (dict(citation_text="A guideline, written out"), "A guideline, written out."),
]


@pytest.mark.parametrize("fields, text", PINNED_JOURNAL)
def test_journal_article_text_is_pinned(fields, text):
    reference = ref(**fields)
    assert reference.kind == K.JOURNAL  # the default: existing rows stayed journal articles
    assert reference.as_text == text == legacy_vancouver_text(reference)
    assert rendering.vancouver_text(reference) == text  # the name snapshots.py and versions use


def test_journal_article_html_is_pinned():
    reference = ref(authors="Bentley S", title="Cramp", journal="Sports Med", year=1996, doi="10.2165/x",
                    pmid="8784961")
    assert str(rendering.vancouver_html(reference)) == (
        'Bentley S. Cramp. Sports Med. 1996. <a href="https://doi.org/10.2165/x" rel="noopener">doi:10.2165/x</a>'
        ' · <a href="https://pubmed.ncbi.nlm.nih.gov/8784961/" rel="noopener">PubMed 8784961</a>')


@pytest.mark.django_db
def test_every_demo_journal_reference_keeps_its_text():
    from articles.demo import content

    journal = [r for a in content.ARTICLES for r in a["references"] if r["kind"] == "journal"]
    assert len(journal) > 20
    for fields in journal:
        reference = ref(**{k: v for k, v in fields.items()})
        assert reference.as_text == legacy_vancouver_text(reference)


@pytest.mark.django_db
def test_content_fingerprint_of_a_journal_reference_is_unchanged():
    reference = ReferenceFactory()
    entry = snapshots.content_of(reference.article)["references"][0]
    assert entry["text"] == ("Bentley S. Exercise-induced muscle cramp: proposed mechanisms and management. "
                             "Sports Med. 1996;21:409-420.")


# --- 2. Citing Medicine, rule by rule --------------------------------------------------------

SEVEN = "Rose ME, Huerbin MB, Melick J, Marion DW, Palmer AM, Schiding JK, Kochanek PM"


def test_authors_are_surname_and_initials_separated_by_commas():
    assert citations.authors_element(ref(authors="Bye A, Kan A")) == "Bye A, Kan A."


def test_more_than_six_authors_become_six_and_et_al():
    assert citations.authors_element(ref(authors=SEVEN)) == (
        "Rose ME, Huerbin MB, Melick J, Marion DW, Palmer AM, Schiding JK, et al.")
    text = ref(authors=SEVEN, title="Cramp", journal="BMJ", year=2001).as_text
    assert text.startswith("Rose ME, Huerbin MB, Melick J, Marion DW, Palmer AM, Schiding JK, et al. Cramp.")
    assert "Kochanek" not in text


def test_six_authors_are_all_listed_and_a_typed_et_al_is_kept():
    six = "Rose ME, Huerbin MB, Melick J, Marion DW, Palmer AM, Schiding JK"
    assert citations.authors_element(ref(authors=six)) == six + "."
    assert citations.authors_element(ref(authors="Rose ME, et al.")) == "Rose ME, et al."
    assert citations.authors_element(ref(authors=SEVEN.replace(", ", "; "))).endswith("Schiding JK, et al.")


def test_organisation_as_author_alone_or_after_the_people():
    assert citations.authors_element(ref(organisation="World Health Organization")) == "World Health Organization."
    assert citations.authors_element(ref(authors="Bye A", organisation="Cramp Study Group")) == (
        "Bye A; Cramp Study Group.")


def test_editors_singular_and_plural():
    assert citations.editors_element("Standring S") == "Standring S, editor."
    assert citations.editors_element("Kelly M, Ruiz T") == "Kelly M, Ruiz T, editors."
    assert citations.editors_element(SEVEN) == (
        "Rose ME, Huerbin MB, Melick J, Marion DW, Palmer AM, Schiding JK, et al., editors.")


@pytest.mark.parametrize("typed, written", [
    ("2", "2nd ed."), ("3", "3rd ed."), ("21", "21st ed."), ("12", "12th ed."), ("41st", "41st ed."),
    ("2nd ed", "2nd ed."), ("3rd edition", "3rd ed."), ("Rev ed.", "Rev ed."), ("", ""),
])
def test_edition(typed, written):
    assert citations.edition_element(typed) == written


def test_cited_date_is_year_month_day():
    assert citations.cited_date(datetime.date(2024, 3, 5)) == "2024 Mar 5"
    assert citations.cited_date(datetime.date(2026, 11, 30)) == "2026 Nov 30"


def test_journal_article_pattern():
    # Title. Journal. Year;Vol(Issue):Pages.
    assert ref(authors="Bye A", title="Cramp", journal="BMJ", year=2001, volume="322", issue="7289",
               pages="1-2").as_text == "Bye A. Cramp. BMJ. 2001;322(7289):1-2."


def test_book():
    # Author. Title. Edition. Place: Publisher; Year.
    book = ref(kind=K.BOOK, authors="Moore KL, Dalley AF, Agur AMR", title="Clinically oriented anatomy",
               edition="8", place="Philadelphia", publisher="Wolters Kluwer", year=2018)
    assert book.as_text == ("Moore KL, Dalley AF, Agur AMR. Clinically oriented anatomy. 8th ed. Philadelphia: "
                            "Wolters Kluwer; 2018.")


def test_edited_book_leads_with_its_editors():
    book = ref(kind=K.BOOK, editors="Standring S", title="Gray's anatomy: the anatomical basis of clinical practice",
               edition="41", place="London", publisher="Elsevier", year=2016)
    assert book.as_text == ("Standring S, editor. Gray's anatomy: the anatomical basis of clinical practice. "
                            "41st ed. London: Elsevier; 2016.")


def test_first_edition_book_without_place():
    assert ref(kind=K.BOOK, authors="Bye A", title="Cramp", publisher="Elsevier", year=2016).as_text == (
        "Bye A. Cramp. Elsevier; 2016.")


def test_book_chapter():
    # Author. Chapter title. In: Editors, editor(s). Book title. Edition. Place: Publisher; Year. p. pages.
    chapter = ref(kind=K.CHAPTER, authors="Meltzer PS, Kallioniemi A, Trent JM",
                  title="Chromosome alterations in human solid tumors", editors="Vogelstein B, Kinzler KW",
                  journal="The genetic basis of human cancer", edition="2", place="New York",
                  publisher="McGraw-Hill", year=2002, pages="93-113")
    assert chapter.as_text == (
        "Meltzer PS, Kallioniemi A, Trent JM. Chromosome alterations in human solid tumors. In: Vogelstein B, "
        "Kinzler KW, editors. The genetic basis of human cancer. 2nd ed. New York: McGraw-Hill; 2002. p. 93-113.")


def test_web_page():
    # Author/Organisation. Title [Internet]. Place: Publisher; Year [cited YYYY Mon DD]. Available from: URL
    page = ref(kind=K.WEBPAGE, organisation="NHS", title="Cramp", place="London", publisher="NHS England",
               year=2023, url="https://www.nhs.uk/conditions/leg-cramps/", date_accessed=datetime.date(2024, 3, 5))
    assert page.as_text == ("NHS. Cramp [Internet]. London: NHS England; 2023 [cited 2024 Mar 5]. "
                            "Available from: https://www.nhs.uk/conditions/leg-cramps/")


def test_web_page_without_date_or_publisher_uses_the_website_name():
    page = ref(kind=K.WEBPAGE, title="Leg cramps", journal="NHS website", url="https://www.nhs.uk/x",
               date_accessed=datetime.date(2024, 1, 9))
    assert page.as_text == "Leg cramps [Internet]. NHS website; [cited 2024 Jan 9]. Available from: https://www.nhs.uk/x"


def test_guideline_online_and_in_print():
    online = ref(kind=K.REPORT, organisation="National Institute for Health and Care Excellence",
                 title="Low back pain and sciatica in over 16s", place="London", publisher="NICE", year=2016,
                 url="https://www.nice.org.uk/guidance/ng59", date_accessed=datetime.date(2026, 1, 15))
    assert online.as_text == (
        "National Institute for Health and Care Excellence. Low back pain and sciatica in over 16s [Internet]. "
        "London: NICE; 2016 [cited 2026 Jan 15]. Available from: https://www.nice.org.uk/guidance/ng59")
    in_print = ref(kind=K.REPORT, organisation="Department of Health", title="Falls and fractures",
                   place="London", publisher="Stationery Office", year=2009, pages="45")
    assert in_print.as_text == "Department of Health. Falls and fractures. London: Stationery Office; 2009. 45 p."


def test_other_is_the_free_text():
    assert ref(kind=K.OTHER, citation_text="Personal communication, Dr A Bye, 2024").as_text == (
        "Personal communication, Dr A Bye, 2024.")


def test_fields_of_other_types_are_left_out():
    book = ref(kind=K.BOOK, authors="Bye A", title="Cramp", publisher="Elsevier", year=2016, volume="9",
               journal="BMJ", date_accessed=datetime.date(2024, 1, 1))
    assert book.as_text == "Bye A. Cramp. Elsevier; 2016."


# --- links after the citation ------------------------------------------------------------

def test_web_page_address_is_the_link_and_is_escaped():
    page = ref(kind=K.WEBPAGE, title="A & B", url="https://example.org/?a=1&b=2",
               date_accessed=datetime.date(2024, 1, 9))
    assert str(page.as_html) == (
        'A &amp; B [Internet]. [cited 2024 Jan 9]. Available from: '
        '<a href="https://example.org/?a=1&amp;b=2" rel="noopener">https://example.org/?a=1&amp;b=2</a>')


def test_only_http_addresses_become_links():
    page = ref(kind=K.WEBPAGE, title="Evil", url="javascript:alert(1)", date_accessed=datetime.date(2024, 1, 9))
    assert "href" not in str(page.as_html)
    assert "Available from: javascript:alert(1)" in str(page.as_html)


def test_doi_and_pubmed_links_for_every_type():
    chapter = ref(kind=K.CHAPTER, title="<b>Ch</b>", journal="Book", publisher="P", year=2020,
                  doi="10.1000/xyz", pmid="123", url="https://example.org/")
    html = str(chapter.as_html)
    assert "&lt;b&gt;Ch&lt;/b&gt;" in html
    assert '<a href="https://doi.org/10.1000/xyz" rel="noopener">doi:10.1000/xyz</a>' in html
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/123/" rel="noopener">PubMed 123</a>' in html
    assert "Available online" not in html  # as before: the web link only without DOI/PubMed ID
    assert rendering.reference_url(chapter) == "https://doi.org/10.1000/xyz"


# --- 3. Paste cleanup --------------------------------------------------------------------

@pytest.mark.parametrize("pasted", [
    "10.1136/bjsm.2008.050401",
    "https://doi.org/10.1136/bjsm.2008.050401",
    "http://doi.org/10.1136/bjsm.2008.050401",
    "http://dx.doi.org/10.1136/bjsm.2008.050401",
    "https://dx.doi.org/10.1136/bjsm.2008.050401",
    "doi.org/10.1136/bjsm.2008.050401",
    "doi:10.1136/bjsm.2008.050401",
    "DOI: 10.1136/bjsm.2008.050401",
    "DOI 10.1136/bjsm.2008.050401",
    "  https://doi.org/10.1136/bjsm.2008.050401  ",
])
def test_pasted_doi_becomes_the_bare_doi(pasted):
    assert citations.normalize_doi(pasted) == "10.1136/bjsm.2008.050401"


def test_doi_from_a_link_is_unescaped():
    assert citations.normalize_doi("https://doi.org/10.1016/S0140-6736%2819%2930417-9") == (
        "10.1016/S0140-6736(19)30417-9")


@pytest.mark.parametrize("pasted", [
    "8784961", "PMID: 8784961", "PMID:8784961", "pmid 8784961",
    "https://pubmed.ncbi.nlm.nih.gov/8784961/", "https://pubmed.ncbi.nlm.nih.gov/8784961",
    "http://www.ncbi.nlm.nih.gov/pubmed/8784961", "pubmed.ncbi.nlm.nih.gov/8784961/?from_term=cramp",
])
def test_pasted_pmid_becomes_digits(pasted):
    assert citations.normalize_pmid(pasted) == "8784961"


@pytest.mark.parametrize("field, value, message", [
    ("doi", "https://example.org/10.1136/x", citations.DOI_MESSAGE),
    ("doi", "bjsm.2008.050401", citations.DOI_MESSAGE),
    ("pmid", "PMC8775277", citations.PMID_MESSAGE),
    ("pmid", "https://pubmed.ncbi.nlm.nih.gov/?term=cramp", citations.PMID_MESSAGE),
])
def test_a_value_that_cannot_be_an_identifier_gets_a_message(field, value, message):
    reference = ReferenceFactory.build(article=ArticleFactory.build(), **{field: value})
    with pytest.raises(ValidationError) as error:
        reference.full_clean(exclude=["article"])
    assert error.value.message_dict[field] == [message]


@pytest.mark.django_db
def test_model_clean_stores_the_bare_identifiers():
    reference = ReferenceFactory.build(article=ArticleFactory(), doi="doi:10.1136/x", pmid="PMID: 123")
    reference.full_clean()
    assert (reference.doi, reference.pmid) == ("10.1136/x", "123")


@pytest.mark.django_db
def test_admin_form_accepts_pasted_links(admin_client):
    data = with_references(add_form_data(CategoryFactory(), AuthorFactory()), {
        "title": "Cause of EAMC", "journal": "Br J Sports Med",
        "doi": "https://doi.org/10.1136/bjsm.2008.050401", "pmid": "https://pubmed.ncbi.nlm.nih.gov/19286587/",
    })
    response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    reference = Reference.objects.get()
    assert (reference.doi, reference.pmid) == ("10.1136/bjsm.2008.050401", "19286587")


# --- 4. What each type needs -------------------------------------------------------------

def errors_of(**fields) -> dict:
    reference = Reference(article=Article(), **fields)
    try:
        reference.full_clean(exclude=["article"])
    except ValidationError as error:
        return error.message_dict
    return {}


WEB = dict(kind=K.WEBPAGE, title="Leg cramps", url="https://www.nhs.uk/", date_accessed=datetime.date(2024, 1, 9))


@pytest.mark.parametrize("fields, field, words", [
    (dict(kind=K.WEBPAGE, title="Leg cramps"), "url", "web page needs its address"),
    ({**WEB, "date_accessed": None}, "date_accessed", "[cited"),
    (dict(kind=K.CHAPTER, title="Ch", publisher="P", year=2020), "journal", "title of the book"),
    (dict(kind=K.BOOK, title="B", year=2020), "publisher", "publisher"),
    (dict(kind=K.BOOK, title="B", publisher="P"), "year", "year"),
    (dict(kind=K.REPORT, title="R"), "organisation", "who wrote or issued it"),
    (dict(kind=K.REPORT, title="R", organisation="NICE", url="https://nice.org.uk/"), "date_accessed", "[cited"),
    (dict(kind=K.OTHER, title="Only a title"), "citation_text", "whole citation"),
    (dict(kind=K.JOURNAL), "title", "Give the reference a title"),
    (dict(kind=K.OTHER), "citation_text", "Give the reference a title"),
])
def test_each_type_says_what_it_lacks_on_the_field(fields, field, words):
    errors = errors_of(**fields)
    assert list(errors) == [field]
    assert words in errors[field][0]


@pytest.mark.parametrize("fields", [
    WEB,
    dict(kind=K.BOOK, title="B", publisher="P", year=2020),
    dict(kind=K.CHAPTER, title="Ch", journal="Book", publisher="P", year=2020),
    dict(kind=K.REPORT, title="R", organisation="NICE"),
    dict(kind=K.JOURNAL, title="Cramp"),  # held to no more than before
    dict(kind=K.OTHER, citation_text="Anything"),
])
def test_complete_references_of_each_type_are_valid(fields):
    assert errors_of(**fields) == {}


def test_a_reference_written_only_as_free_text_becomes_other():
    reference = Reference(article=Article(), citation_text="NICE. Guideline. 2022.")
    reference.full_clean(exclude=["article"])
    assert reference.kind == K.OTHER


@pytest.mark.django_db
def test_admin_shows_the_type_message_on_its_field(admin_client):
    data = with_references(add_form_data(CategoryFactory(), AuthorFactory()),
                           {"kind": "webpage", "title": "Leg cramps"})
    response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    formset = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == "references")
    assert formset.forms[0].errors == {"url": ["A web page needs its address (URL)."]}


@pytest.mark.django_db
def test_admin_saves_a_typed_book(admin_client):
    data = with_references(add_form_data(CategoryFactory(), AuthorFactory()), {
        "kind": "book", "editors": "Standring S", "title": "Gray's anatomy", "edition": "41", "place": "London",
        "publisher": "Elsevier", "year": "2016",
    })
    assert admin_client.post(reverse("admin:articles_article_add"), data).status_code == 302
    assert Reference.objects.get().as_text == "Standring S, editor. Gray's anatomy. 41st ed. London: Elsevier; 2016."


@pytest.mark.django_db
def test_admin_form_shows_every_field_with_the_types_that_use_it(admin_client):
    article = ArticleFactory()
    ReferenceFactory(article=article)
    response = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    page = response.content.decode()
    assert 'src="/static/js/admin_reference_kind.js"' in page
    assert "data-fields-of=" in page
    assert f'data-lookup-url="{reverse(LOOKUP)}"' in page
    assert "Used for books and book chapters." in page  # editors' help text without JavaScript
    assert "Used for web pages and guidelines or reports." in page  # date cited
    for name in ("kind", "organisation", "editors", "edition", "place", "publisher", "date_accessed"):
        assert f'name="references-0-{name}"' in page
    for tag in re.findall(r"<script\b[^>]*>", page):  # CSP script-src 'self': no inline code
        assert "src=" in tag or 'type="application/json"' in tag or "nonce=" in tag, tag


def test_used_by_text():
    assert citations.used_by_text("journal") == (
        "Used for journal articles, book chapters and web pages.")
    assert citations.used_by_text("title") == (
        "Used for journal articles, books, book chapters, web pages and guidelines or reports.")
    assert citations.used_by_text("position") == ""


# --- 5. Data migration ---------------------------------------------------------------------

@pytest.mark.django_db
def test_migration_makes_free_text_rows_other_and_keeps_the_rest_journal_articles():
    migration = importlib.import_module("articles.migrations.0009_reference_kinds")
    article = ArticleFactory()
    free = ReferenceFactory(article=article, title="", journal="", citation_text="NICE guideline.")
    paper = ReferenceFactory(article=article)
    both = ReferenceFactory(article=article, citation_text="Also typed")
    Reference.objects.update(kind=K.JOURNAL)  # as the rows were before the migration
    migration.free_text_is_other(django_apps, None)
    kinds = dict(Reference.objects.values_list("pk", "kind"))
    assert kinds == {free.pk: K.OTHER, paper.pk: K.JOURNAL, both.pk: K.JOURNAL}
    assert set(Reference.history.filter(id=free.pk).values_list("kind", flat=True)) == {K.OTHER}


# --- 6. Lookup: parsing recorded answers -----------------------------------------------------

def test_crossref_journal_article():
    fields = reference_lookup.parse_crossref(fixture("crossref_journal_article.json"))
    assert fields == {
        "kind": "journal", "authors": "Schwellnus MP",
        "title": "Cause of Exercise Associated Muscle Cramps (EAMC) \u2014 altered neuromuscular control, "
                 "dehydration or electrolyte depletion?",
        "journal": "Br J Sports Med", "year": 2009, "volume": "43", "issue": "6", "pages": "401-408",
        "doi": "10.1136/bjsm.2008.050401",
    }


def test_crossref_book():
    fields = reference_lookup.parse_crossref(fixture("crossref_book.json"))
    assert fields == {
        "kind": "book", "editors": "Standring S", "title": "Gray's Anatomy: The Anatomical Basis of Clinical Practice",
        "edition": "41", "place": "London", "publisher": "Elsevier", "year": 2016, "doi": "10.5555/grays-anatomy-41",
    }
    assert ref(**fields).as_text == ("Standring S, editor. Gray's Anatomy: The Anatomical Basis of Clinical "
                                     "Practice. 41st ed. London: Elsevier; 2016.")


def test_crossref_chapter_markup_initials_and_organisation():
    fields = reference_lookup.parse_crossref(fixture("crossref_book_chapter.json"))
    assert fields["kind"] == "chapter"
    assert fields["title"] == "Stress fractures of the tibia & fibula"
    assert fields["authors"] == "Dupont JP, van der Berg AK"
    assert fields["organisation"] == "Sports Injury Study Group"
    assert fields["editors"] == "Kelly M, Ruiz T"
    assert (fields["journal"], fields["edition"], fields["place"], fields["year"], fields["pages"]) == (
        "Sports Injuries of the Lower Limb", "2", "Cham", 2021, "97-112")
    assert ref(**fields).as_text == (
        "Dupont JP, van der Berg AK; Sports Injury Study Group. Stress fractures of the tibia & fibula. In: Kelly M, "
        "Ruiz T, editors. Sports Injuries of the Lower Limb. 2nd ed. Cham: Springer International Publishing; 2021. "
        "p. 97-112.")


def test_pubmed_esummary():
    fields = reference_lookup.parse_esummary(fixture("pubmed_esummary.json"), "34185846")
    assert fields == {
        "kind": "journal", "authors": "Miller KC, McDermott BP, Yeargin SW, Fiol A, Schwellnus MP",
        "title": "An Evidence-Based Review of the Pathophysiology, Treatment, and Prevention of "
                 "Exercise-Associated Muscle Cramps.",
        "journal": "J Athl Train", "year": 2022, "volume": "57", "issue": "1", "pages": "5-15",
        "doi": "10.4085/1062-6050-0696.20", "pmid": "34185846",
    }


@pytest.mark.parametrize("answer", [fixture("pubmed_esummary_error.json"), {"esummaryresult": ["Invalid uid"]}])
def test_pubmed_unknown_id(answer):
    with mock.patch.object(reference_lookup, "fetch_json", return_value=answer), \
            pytest.raises(reference_lookup.LookupFailed) as error:
        reference_lookup.lookup_pmid("99999999")
    assert error.value.status == 404
    assert "PubMed has no article with the ID 99999999" in error.value.message


def test_lookup_asks_the_right_addresses():
    with mock.patch.object(reference_lookup, "fetch_json",
                           return_value=fixture("crossref_journal_article.json")) as fetch:
        reference_lookup.lookup_doi("https://doi.org/10.1136/bjsm.2008.050401")
    fetch.assert_called_once_with("https://api.crossref.org/works/10.1136/bjsm.2008.050401")
    with mock.patch.object(reference_lookup, "fetch_json", return_value=fixture("pubmed_esummary.json")) as fetch:
        reference_lookup.lookup_pmid("PMID: 34185846")
    fetch.assert_called_once_with(
        "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esummary.fcgi?db=pubmed&retmode=json&id=34185846")


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_fetch_json_has_a_timeout_and_reads_json():
    body = json.dumps(fixture("crossref_book.json")).encode()
    with mock.patch("urllib.request.urlopen", return_value=FakeResponse(body)) as urlopen:
        assert reference_lookup.fetch_json("https://api.crossref.org/works/10.5555/x")["message"]["type"] == "book"
    request = urlopen.call_args.args[0]
    assert urlopen.call_args.kwargs["timeout"] == reference_lookup.TIMEOUT <= 5
    assert request.get_header("Accept") == "application/json"


def test_fetch_json_404_is_not_found_and_only_https_is_asked():
    error = urllib.error.HTTPError("https://api.crossref.org/works/x", 404, "Not Found", {}, io.BytesIO(b""))
    with mock.patch("urllib.request.urlopen", side_effect=error), pytest.raises(reference_lookup.NotFound):
        reference_lookup.fetch_json("https://api.crossref.org/works/10.5555/x")
    with pytest.raises(ValueError):
        reference_lookup.fetch_json("file:///etc/passwd")


# --- 7. The lookup view ---------------------------------------------------------------------

@pytest.fixture
def author_client(client, db):
    user = UserFactory(username="writer", is_staff=True)
    user.groups.add(role_group(roles.AUTHOR))
    client.force_login(user)
    return client


def get(client, **params):
    return client.get(reverse(LOOKUP), params)


def test_lookup_view_fills_from_a_doi(author_client):
    with mock.patch.object(reference_lookup, "fetch_json", return_value=fixture("crossref_journal_article.json")):
        response = get(author_client, doi="doi: 10.1136/bjsm.2008.050401")
    assert response.status_code == 200
    answer = response.json()
    assert answer["ok"] is True
    assert answer["fields"]["journal"] == "Br J Sports Med"
    assert "check every field" in answer["message"]


def test_lookup_view_fills_from_a_pmid(author_client):
    with mock.patch.object(reference_lookup, "fetch_json", return_value=fixture("pubmed_esummary.json")):
        response = get(author_client, pmid="https://pubmed.ncbi.nlm.nih.gov/34185846/")
    assert response.status_code == 200
    assert response.json()["fields"]["pmid"] == "34185846"


@pytest.mark.parametrize("params, side_effect, status, words", [
    ({"doi": "not a doi"}, None, 400, "This cannot be a DOI"),
    ({"pmid": "PMC123"}, None, 400, "This cannot be a PubMed ID"),
    ({}, None, 400, "Type a DOI or a PubMed ID first"),
    ({"doi": "10.1136/missing"}, reference_lookup.NotFound("x"), 404, "Crossref does not know the DOI 10.1136/missing"),
    ({"doi": "10.1136/x"}, urllib.error.URLError("Name or service not known"), 502, "could not be reached (offline"),
    ({"pmid": "123"}, TimeoutError("timed out"), 502, "PubMed could not be reached"),
    ({"doi": "10.1136/x"}, ValueError("Expecting value"), 502, "could not be read"),
])
def test_lookup_view_says_why_nothing_was_filled(author_client, params, side_effect, status, words):
    with mock.patch.object(reference_lookup, "fetch_json", side_effect=side_effect) as fetch:
        response = get(author_client, **params)
    assert response.status_code == status
    assert response.json()["ok"] is False
    assert words in response.json()["message"]
    if status == 400:
        fetch.assert_not_called()  # nothing is asked for a value that cannot be an identifier


def test_lookup_view_needs_staff_login(client, db):
    with mock.patch.object(reference_lookup, "fetch_json") as fetch:
        response = get(client, doi="10.1136/x")
    assert response.status_code == 302 and "/login/" in response["Location"]
    fetch.assert_not_called()


def test_lookup_view_needs_the_change_article_permission(client, db):
    client.force_login(UserFactory(username="clerk", is_staff=True))  # staff, in no editorial group
    with mock.patch.object(reference_lookup, "fetch_json") as fetch:
        response = get(client, doi="10.1136/x")
    assert response.status_code == 403
    assert response.json() == {"ok": False, "message": "You may not edit articles."}
    fetch.assert_not_called()


def test_lookup_view_is_get_only(author_client):
    assert author_client.post(reverse(LOOKUP), {"doi": "10.1136/x"}).status_code == 405


@pytest.mark.parametrize("group, status", [(roles.AUTHOR, 200), (roles.EDITOR, 200), (roles.REVIEWER, 403)])
def test_lookup_view_by_editorial_role(client, db, group, status):
    # Medical reviewers only read references (no articles.change_article): no lookup either.
    user = UserFactory(username="someone", is_staff=True)
    user.groups.add(role_group(group))
    client.force_login(user)
    with mock.patch.object(reference_lookup, "fetch_json", return_value=fixture("crossref_book.json")):
        assert get(client, doi="10.5555/grays-anatomy-41").status_code == status


# --- 8. Restoring older content keeps the type ------------------------------------------------

def test_restore_from_history_keeps_the_type_and_its_fields():
    from articles import services

    article = ArticleFactory()
    ReferenceFactory(article=article, kind=K.BOOK, authors="", title="Gray's anatomy", journal="", editors="Standring S",
                     edition="41", place="London", publisher="Elsevier", year=2016, volume="", pages="")
    article.save()  # a History record that holds the reference
    record = article.history.latest()
    restored = services.content_from_history(record)["references"][0]
    assert Reference(**restored).as_text == "Standring S, editor. Gray's anatomy. 41st ed. London: Elsevier; 2016."
