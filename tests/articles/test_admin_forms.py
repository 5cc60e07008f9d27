"""The admin forms as a clinician meets them (issue 10, "Editorial workspace"):

* a bad input is reported on the field it concerns, in words, never by a database
  constraint's name;
* a picture chosen before a failed save is not silently dropped: the page says it must be
  chosen again;
* help texts show addresses such as /articles/<slug>/ as written;
* sections and references are saved in the order of the positions typed in them.
"""

import html as htmllib
import re

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.admin import CHOSEN_IMAGE_LOST, DUPLICATE_ANCHOR, POSITION_LAST
from articles.models import (
    IMAGE_ALT_MESSAGE,
    REFERENCE_TEXT_MESSAGE,
    SECTION_ANCHOR_MESSAGE,
    Article,
    Category,
    Reference,
    Section,
)
from authors.models import Author
from tests.articles.test_admin import add_form_data, media_files
from tests.articles.test_admin_workflow import form_data
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    ReferenceFactory,
    SectionFactory,
    uploaded_image,
)

pytestmark = pytest.mark.django_db

ARTICLE_ADD = "/admin/articles/article/add/"


def constraint_names() -> set[str]:
    return {
        constraint.name
        for app in ("articles", "authors")
        for model in apps.get_app_config(app).get_models()
        for constraint in model._meta.constraints
    }


def assert_no_constraint_names(page: str):
    assert "is violated" not in page
    leaked = [name for name in constraint_names() if name in page]
    assert leaked == []


def field_errors(page: str, field_id: str) -> list[str]:
    """The error messages the admin shows on the field whose input has id ``field_id``."""
    match = re.search(rf'<ul class="errorlist"[^>]*id="{re.escape(field_id)}_error">(.*?)</ul>', page, re.S)
    return [htmllib.unescape(m) for m in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)] if match else []


def post_article(client, data):
    response = client.post(ARTICLE_ADD, data)
    assert response.status_code == 200, "the form should have been sent back with errors"
    page = response.content.decode()
    assert_no_constraint_names(page)
    return page


def with_sections(data, *rows):
    """``rows`` as the sections of the add form (dicts of heading, anchor, body, position)."""
    data = {k: v for k, v in data.items() if not k.startswith("sections-")}
    data.update({"sections-TOTAL_FORMS": str(len(rows)), "sections-INITIAL_FORMS": "0",
                 "sections-MIN_NUM_FORMS": "0", "sections-MAX_NUM_FORMS": "1000"})
    for i, row in enumerate(rows):
        values = {"position": str(i), "heading": "", "anchor": "", "body": "", **row}
        data.update({f"sections-{i}-{key}": value for key, value in values.items()})
    return data


def with_references(data, *rows):
    data = {k: v for k, v in data.items() if not k.startswith("references-")}
    data.update({"references-TOTAL_FORMS": str(len(rows)), "references-INITIAL_FORMS": "0",
                 "references-MIN_NUM_FORMS": "0", "references-MAX_NUM_FORMS": "1000"})
    fields = ["position", "authors", "year", "title", "journal", "volume", "issue", "pages", "doi", "pmid", "url",
              "citation_text"]
    for i, row in enumerate(rows):
        values = {**dict.fromkeys(fields, ""), "position": str(i), **row}
        data.update({f"references-{i}-{key}": value for key, value in values.items()})
    return data


@pytest.fixture
def new_article():
    return add_form_data(CategoryFactory(), AuthorFactory())


# --- 1. Errors in words, on their field -------------------------------------------------------


def test_no_model_constraint_is_left_with_the_default_message():
    for app in ("articles", "authors"):
        for model in apps.get_app_config(app).get_models():
            for constraint in model._meta.constraints:
                message = constraint.get_violation_error_message()
                assert constraint.name not in message, f"{model.__name__}.{constraint.name}"


def test_duplicate_article_slug_is_shown_on_the_slug_field(admin_client, new_article):
    ArticleFactory(slug="shin-splints")
    page = post_article(admin_client, new_article)
    assert field_errors(page, "id_slug") == ["Another article already uses this web address (slug)."]
    assert Article.objects.count() == 1


def test_blank_title_and_slug_are_shown_on_their_fields(admin_client, new_article):
    page = post_article(admin_client, {**new_article, "title": "  ", "slug": ""})
    assert field_errors(page, "id_title") == ["This field is required."]
    assert field_errors(page, "id_slug") == ["This field is required."]
    assert not Article.objects.exists()


def test_image_without_alt_text_is_shown_on_the_alt_text_field(admin_client, new_article):
    page = post_article(admin_client, {**new_article, "image_alt": " ", "featured_image": uploaded_image()})
    assert field_errors(page, "id_image_alt") == [IMAGE_ALT_MESSAGE]
    assert not Article.objects.exists()


def test_section_without_heading_says_so_on_heading_and_anchor(admin_client, new_article):
    data = with_sections(new_article, {"heading": "", "anchor": "", "body": "Text without a heading."})
    page = post_article(admin_client, data)
    assert field_errors(page, "id_sections-0-heading") == ["This field is required."]
    assert field_errors(page, "id_sections-0-anchor") == [SECTION_ANCHOR_MESSAGE]
    assert not Article.objects.exists()


def test_reserved_anchor_is_shown_on_the_anchor_field(admin_client, new_article):
    data = with_sections(new_article, {"heading": "Sources", "anchor": "references", "body": "x"})
    page = post_article(admin_client, data)
    assert field_errors(page, "id_sections-0-anchor") == [
        "This anchor is used by the page itself or starts with a digit; choose another or leave it empty."
    ]


def test_anchor_typed_twice_is_shown_on_the_second_section(admin_client, new_article):
    data = with_sections(
        new_article,
        {"heading": "Causes", "anchor": "causes", "body": "x"},
        {"heading": "More causes", "anchor": "causes", "body": "y"},
    )
    page = post_article(admin_client, data)
    assert field_errors(page, "id_sections-0-anchor") == []
    assert field_errors(page, "id_sections-1-anchor") == [DUPLICATE_ANCHOR]
    assert "Please correct the duplicate" not in page
    assert not Article.objects.exists()


def test_typed_anchor_wins_over_one_made_from_a_heading(admin_client, new_article):
    data = with_sections(
        new_article,
        {"heading": "Causes", "anchor": "", "body": "x"},
        {"heading": "Why it happens", "anchor": "causes", "body": "y"},
    )
    response = admin_client.post(ARTICLE_ADD, data)
    assert response.status_code == 302
    anchors = list(Article.objects.get().sections.values_list("heading", "anchor"))
    assert anchors == [("Causes", "causes-2"), ("Why it happens", "causes")]


def test_reference_without_title_or_citation_is_shown_on_the_title_field(admin_client, new_article):
    data = with_references(new_article, {"authors": "Bentley S", "journal": "Sports Med"})
    page = post_article(admin_client, data)
    assert field_errors(page, "id_references-0-title") == [REFERENCE_TEXT_MESSAGE]
    assert not Article.objects.exists()


def test_change_form_reports_a_taken_slug_on_the_slug_field(admin_client):
    ArticleFactory(slug="taken")
    article = ArticleFactory(slug="mine")
    SectionFactory(article=article)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = {**form_data(admin_client, change_url), "slug": "taken", "_save": "Save"}
    response = admin_client.post(change_url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert_no_constraint_names(page)
    assert field_errors(page, "id_slug") == ["Another article already uses this web address (slug)."]
    article.refresh_from_db()
    assert article.slug == "mine"


def test_change_form_reports_an_emptied_reference_on_its_title(admin_client):
    article = ArticleFactory()
    ReferenceFactory(article=article, title="A paper")
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = {**form_data(admin_client, change_url), "references-0-title": "", "_save": "Save"}
    response = admin_client.post(change_url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert_no_constraint_names(page)
    assert field_errors(page, "id_references-0-title") == [REFERENCE_TEXT_MESSAGE]
    assert article.references.get().title == "A paper"


@pytest.mark.parametrize("model", [Category, Author], ids=["category", "author"])
def test_taken_slug_of_a_category_or_author_is_shown_on_the_slug_field(admin_client, model):
    factory = CategoryFactory if model is Category else AuthorFactory
    factory(slug="spine")
    add_url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    response = admin_client.post(add_url, {"name": "Spine", "slug": "spine", "position": "0"})
    assert response.status_code == 200
    page = response.content.decode()
    assert_no_constraint_names(page)
    assert field_errors(page, "id_slug") == ["This slug is already used."]
    assert model.objects.filter(slug="spine").count() == 1


# --- 2. A chosen picture is never dropped silently ---------------------------------------------


def image_notice(page: str, field_id: str) -> bool:
    return bool(re.search(
        rf'<ul class="errorlist" id="{re.escape(field_id)}_not_saved"><li>{re.escape(htmllib.escape(CHOSEN_IMAGE_LOST))}'
        r"</li></ul>",
        page,
    ))


def test_picture_chosen_before_an_error_elsewhere_must_be_chosen_again(admin_client, new_article, settings):
    ArticleFactory(slug="shin-splints")
    page = post_article(admin_client, {**new_article, "image_alt": "A shin", "featured_image": uploaded_image()})
    assert image_notice(page, "id_featured_image")
    assert re.search(r'<input type="file" name="featured_image"[^>]*aria-describedby="[^"]*id_featured_image_not_saved',
                     page)
    assert Article.objects.count() == 1 and media_files(settings) == []


def test_picture_chosen_before_an_error_in_a_section_must_be_chosen_again(admin_client, new_article):
    data = with_references(new_article, {"authors": "Bentley S"})  # the article form itself is valid
    page = post_article(admin_client, {**data, "image_alt": "A shin", "featured_image": uploaded_image()})
    assert image_notice(page, "id_featured_image")


def test_a_refused_picture_has_its_own_error_instead(admin_client, new_article):
    bad = SimpleUploadedFile("x.jpg", b"not a picture", content_type="image/jpeg")
    page = post_article(admin_client, {**new_article, "image_alt": "A shin", "featured_image": bad})
    assert field_errors(page, "id_featured_image")  # what is wrong with the file
    assert CHOSEN_IMAGE_LOST not in htmllib.unescape(page)


def test_no_notice_when_no_picture_was_chosen(admin_client, new_article):
    ArticleFactory(slug="shin-splints")
    page = post_article(admin_client, new_article)
    assert CHOSEN_IMAGE_LOST not in htmllib.unescape(page)


def test_category_icon_chosen_before_an_error_must_be_chosen_again(admin_client):
    CategoryFactory(slug="spine")
    response = admin_client.post(reverse("admin:articles_category_add"),
                                 {"name": "Spine", "slug": "spine", "position": "0", "icon": uploaded_image()})
    assert response.status_code == 200
    assert image_notice(response.content.decode(), "id_icon")


def test_author_photo_chosen_before_an_error_must_be_chosen_again(admin_client):
    AuthorFactory(slug="dr-rao")
    response = admin_client.post(reverse("admin:authors_author_add"),
                                 {"name": "Dr Rao", "slug": "dr-rao", "photo": uploaded_image()})
    assert response.status_code == 200
    assert image_notice(response.content.decode(), "id_photo")


# --- 3. Help texts show addresses as written ---------------------------------------------------


@pytest.mark.parametrize(
    "admin_url,address",
    [("admin:articles_article_add", "/articles/&lt;slug&gt;/"),
     ("admin:articles_category_add", "/category/&lt;slug&gt;/"),
     ("admin:authors_author_add", "/authors/&lt;slug&gt;/")],
)
def test_slug_help_text_shows_the_address_as_written(admin_client, admin_url, address):
    page = admin_client.get(reverse(admin_url)).content.decode()
    assert address in page  # the browser shows /…/<slug>/
    assert address.replace("&lt;", "<").replace("&gt;", ">") not in page


# --- 4. Typed positions decide the order ----------------------------------------------------------


def preview_order(client, article, texts) -> list[str]:
    """``texts`` in the order the admin preview (rendered like the public page) shows them."""
    page = htmllib.unescape(client.get(reverse("admin:articles_article_preview", args=[article.pk])).content.decode())
    return sorted(texts, key=page.index)  # first mention: the table of contents, then the headings


def test_typed_positions_order_new_sections_and_references(admin_client, new_article):
    data = with_sections(
        new_article,
        {"position": "30", "heading": "Gamma", "body": "c"},
        {"position": "10", "heading": "Alpha", "body": "a"},
        {"position": "20", "heading": "Beta", "body": "b"},
    )
    data = with_references(
        data,
        {"position": "2", "title": "Paper B"},
        {"position": "1", "title": "Paper A"},
    )
    response = admin_client.post(ARTICLE_ADD, data)
    assert response.status_code == 302
    article = Article.objects.get()
    assert list(article.sections.values_list("heading", "position")) == [("Alpha", 10), ("Beta", 20), ("Gamma", 30)]
    assert list(article.references.values_list("title", "position")) == [("Paper A", 10), ("Paper B", 20)]
    assert preview_order(admin_client, article, ["Gamma", "Beta", "Alpha"]) == ["Alpha", "Beta", "Gamma"]
    assert preview_order(admin_client, article, ["Paper B", "Paper A"]) == ["Paper A", "Paper B"]


def test_renumbering_existing_sections_moves_them_and_shows_in_preview(admin_client):
    article = ArticleFactory()
    for position, heading in enumerate(["Alpha", "Beta", "Gamma"]):
        SectionFactory(article=article, position=position, heading=heading)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(admin_client, change_url)
    assert [data[f"sections-{i}-heading"] for i in range(3)] == ["Alpha", "Beta", "Gamma"]
    data.update({"sections-0-position": "30", "sections-1-position": "5", "_save": "Save"})  # Gamma keeps 2
    response = admin_client.post(change_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(article.sections.values_list("heading", "position")) == [("Gamma", 10), ("Beta", 20), ("Alpha", 30)]
    assert preview_order(admin_client, article, ["Alpha", "Beta", "Gamma"]) == ["Gamma", "Beta", "Alpha"]


def test_equal_positions_keep_the_order_of_the_page(admin_client):
    article = ArticleFactory()
    later = SectionFactory(article=article, position=20, heading="Shown second")  # created first: lower id
    SectionFactory(article=article, position=10, heading="Shown first")
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(admin_client, change_url)
    assert data["sections-0-heading"] == "Shown first"
    data.update({"sections-0-position": "7", "sections-1-position": "7", "_save": "Save"})
    assert admin_client.post(change_url, data).status_code == 302
    assert list(article.sections.values_list("heading", flat=True)) == ["Shown first", "Shown second"]
    later.refresh_from_db()
    assert later.position == 20


def test_an_empty_position_goes_last(admin_client, new_article):
    data = with_sections(
        new_article,
        {"position": "", "heading": "Afterword", "body": "z"},
        {"position": "40", "heading": "Main part", "body": "a"},
    )
    assert admin_client.post(ARTICLE_ADD, data).status_code == 302
    assert list(Article.objects.get().sections.values_list("heading", "position")) == [
        ("Main part", 10), ("Afterword", 20)
    ]
    assert POSITION_LAST > 10 * 1000  # more than any renumbered row of a full formset


def test_positions_are_not_changed_when_the_save_fails(admin_client):
    article = ArticleFactory()
    SectionFactory(article=article, position=0, heading="Alpha")
    SectionFactory(article=article, position=1, heading="Beta")
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = {**form_data(admin_client, change_url), "sections-0-position": "9", "title": "", "_save": "Save"}
    response = admin_client.post(change_url, data)
    assert response.status_code == 200
    assert 'name="sections-0-position" value="9"' in response.content.decode()  # as typed, for the next try
    assert list(Section.objects.filter(article=article).values_list("position", flat=True)) == [0, 1]
    assert not Reference.objects.exists()


def test_position_help_text_says_what_works(admin_client):
    page = admin_client.get(ARTICLE_ADD).content.decode()
    assert "drag" not in page.lower()
    assert "Move up / Move down, or type a number" in page
