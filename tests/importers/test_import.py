"""manage.py import_wordpress end to end: drafts with sections and references, categories,
tags, authors, featured images, the report, --dry-run, --author-map, --pages, re-runs."""

from datetime import UTC, datetime

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.management.base import CommandError
from PIL import Image
from taggit.models import Tag

from articles.models import Article, ArticleTransition, Category, LegacyPath, Reference, Section, WordPressPost
from authors.models import Author
from tests.factories import AuthorFactory, CategoryFactory

from .conftest import fixture, run_import

pytestmark = pytest.mark.django_db

CLASSIC = fixture("classic.xml")


def test_posts_become_drafts_with_sections_references_and_original_dates(uploads):
    out = run_import(CLASSIC, "--media-dir", uploads)
    assert Article.objects.count() == 4  # 101–104; the trashed 105 is skipped
    assert set(Article.objects.values_list("status", flat=True)) == {Article.Status.DRAFT}
    assert not Article.objects.filter(live_version__isnull=False).exists()

    sciatica = Article.objects.get(slug="sciatica-explained")
    assert sciatica.title == "Sciatica explained"
    assert sciatica.first_published_at == datetime(2024, 1, 15, 9, 30, tzinfo=UTC)
    assert sciatica.lead == "<p>Sciatica is pain that runs along the sciatic nerve, from the lower back into the leg.</p>"
    assert [s.heading for s in sciatica.sections.all()] == ["What causes it", "When to see a doctor"]
    body = " ".join(s.body for s in sciatica.sections.all())
    assert "<h3>Risk factors</h3>" in body
    assert "Most people recover within six weeks." in body  # an unknown shortcode's text is kept
    for gone in ("[caption", "[toc]", "su_note", "<script", "javascript:", "onclick", "<img", "Medically reviewed"):
        assert gone not in body
    assert [r.kind for r in sciatica.references.all()] == ["journal", "other", "journal"]
    first = sciatica.references.first()
    assert (first.authors, first.journal, first.year, first.volume, first.issue, first.pages) == (
        "Konstantinou K, Dunn KM", "Spine", 2008, "33", "22", "2464-72")
    assert (first.doi, first.pmid) == ("10.1097/BRS.0b013e318183a4a2", "18923325")
    assert "[Internet]" in sciatica.references.all()[1].citation_text  # citation words are not shortcodes
    assert sciatica.references.all()[1].url == "https://www.nice.org.uk/guidance/ng59"

    # The draft (WordPress "draft") has no publication date; the knees post kept its lead + Introduction.
    neck = Article.objects.get(wordpress_source__wp_id=104)
    assert neck.first_published_at is None
    knees = Article.objects.get(slug="looking-after-your-knees")
    assert knees.lead.count("<p>") == 1
    assert [s.heading for s in knees.sections.all()] == ["Introduction"]

    assert "Imported from" in out and "4 created" in out


def test_categories_tags_and_authors_created_or_reused():
    existing = CategoryFactory(slug="knee", name="Knee problems")
    Tag.objects.create(name="Exercise", slug="exercise")
    run_import(CLASSIC)
    assert Category.objects.get(slug="knee") == existing  # reused, not duplicated
    assert Category.objects.filter(slug="knee").count() == 1
    assert Category.objects.get(slug="spine").name == "Spine & Back"
    assert Category.objects.get(slug="sciatica").name == "Sciatica"
    assert Article.objects.get(slug="looking-after-your-knees").category == existing
    assert Tag.objects.filter(slug="exercise").count() == 1
    assert set(Article.objects.get(slug="sciatica-explained").tags.values_list("slug", flat=True)) == {
        "back-pain", "nerve-pain"}
    nair = Author.objects.get(slug="rnair")
    assert nair.name == "Dr Ravi Nair"
    assert not nair.is_medical_reviewer  # an import never makes anyone a reviewer
    assert Article.objects.get(slug="sciatica-explained").author == nair
    assert Article.objects.get(slug="sciatica-explained").category.slug == "sciatica"  # first category


def test_author_map_links_existing_profiles_and_rejects_unknown_ones():
    mine = AuthorFactory(slug="dr-ravi-nair")
    run_import(CLASSIC, "--author-map", "rnair=dr-ravi-nair")
    assert Article.objects.get(slug="sciatica-explained").author == mine
    assert not Author.objects.filter(slug="rnair").exists()
    with pytest.raises(CommandError, match="no Bonespine author"):
        run_import(CLASSIC, "--author-map", "rnair=nobody-here")
    with pytest.raises(CommandError, match="LOGIN=author-slug"):
        run_import(CLASSIC, "--author-map", "rnair")


def test_featured_images_validated_stripped_and_reported(uploads, settings):
    out = run_import(CLASSIC, "--media-dir", uploads)
    sciatica = Article.objects.get(slug="sciatica-explained")
    assert sciatica.featured_image
    assert sciatica.image_alt == "Drawing of the lower spine and the sciatic nerve"
    assert sciatica.image_caption == "The lumbar spine from the side"
    with Image.open(sciatica.featured_image.path) as stored:
        assert stored.getexif().get(0x010E) is None  # metadata gone (the admin's cleaning)
    assert not Article.objects.get(slug="osteoporosis").featured_image  # the fake PNG is refused
    assert "bones.png refused: This file is not a valid image" in out
    assert "Missing media: 2024/04/neck.webp not found" in out
    assert "1 created, 2 skipped" in [line for line in out.splitlines() if line.strip().startswith("images")][0]


def test_media_outside_the_media_dir_is_refused(tmp_path, uploads):
    from articles.importers import media

    attachment = media.Attachment(1, "", "../outside.jpg", "alt", "", "")
    with pytest.raises(media.MediaProblem, match="outside --media-dir"):
        media.locate(attachment, uploads)


def test_report_lists_warnings_per_post(uploads):
    out = run_import(CLASSIC, "--media-dir", uploads)
    assert "Shortcodes removed: [caption], [toc], [su_note]" in out
    assert "inline image(s) not imported" in out
    assert "medically reviewed by Dr Asha Verma" in out and "not a Bonespine sign-off" in out
    assert "Heading “Nothing here” skipped" in out
    assert "in WordPress's trash" in out
    assert "Page not imported: Bonespine has no static page at /our-team/" in out
    assert "run again with --pages" in out
    for kind in ("articles", "sections", "references", "categories", "tags", "authors", "images", "redirects"):
        assert any(line.strip().startswith(kind) for line in out.splitlines())
    assert "1 nav_menu_item" in out
    # The sign-off claim became a warning, never a reviewer.
    assert not Article.objects.filter(reviewer__isnull=False).exists()
    assert not Article.objects.filter(approved_by__isnull=False).exists()


def test_dry_run_writes_nothing_and_says_what_would_happen(uploads, settings):
    from pathlib import Path

    out = run_import(CLASSIC, "--media-dir", uploads, "--dry-run", "--pages")
    assert "DRY RUN" in out and "Would import" in out
    assert "4 created" in out
    for wp_id in (101, 102, 103, 104):  # every post that would be created is listed
        assert f"[created] post {wp_id} " in out
    assert "[skipped] post 105 " in out
    assert "Missing media" in out
    for model in (Article, Section, Reference, Category, Author, Tag, LegacyPath, WordPressPost, FlatPage):
        assert not model.objects.exists(), model
    media_root = Path(settings.MEDIA_ROOT)
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


def test_malformed_file_imports_nothing_and_names_line_and_column():
    with pytest.raises(CommandError, match=r"line 9, column \d+"):
        run_import(fixture("malformed.xml"))
    assert not Article.objects.exists() and not Category.objects.exists() and not Author.objects.exists()


@pytest.mark.parametrize("name", ["xxe.xml", "entity-bomb.xml"])
def test_unsafe_xml_is_refused(name):
    with pytest.raises(CommandError, match="refused"):
        run_import(fixture(name))
    assert not Article.objects.exists()


def test_pages_flag_updates_the_static_page():
    FlatPage.objects.create(url="/about/", title="About", content="<p>Old text</p>").sites.add(Site.objects.get_current())
    run_import(CLASSIC)
    assert FlatPage.objects.get(url="/about/").content == "<p>Old text</p>"  # not without --pages
    out = run_import(CLASSIC, "--pages")
    page = FlatPage.objects.get(url="/about/")
    assert "We are a team of spine surgeons." in page.content and "<iframe" not in page.content
    assert page.title == "About"
    assert not FlatPage.objects.filter(url="/our-team/").exists()
    assert "Text of the static page /about/ replaced" in out


# --- Re-running -----------------------------------------------------------------------

def test_rerun_changes_nothing_and_reports_skips(uploads, settings):
    from pathlib import Path

    def stored_files():
        return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())

    run_import(CLASSIC, "--media-dir", uploads)
    before = {a.pk: (a.edit_revision, a.modified_at) for a in Article.objects.all()}
    files = stored_files()
    assert len(files) == 1
    out = run_import(CLASSIC, "--media-dir", uploads)
    assert Article.objects.count() == 4 and Category.objects.filter(slug="spine").count() == 1
    assert {a.pk: (a.edit_revision, a.modified_at) for a in Article.objects.all()} == before
    assert stored_files() == files  # the featured image is not stored a second time
    assert "Unchanged since the last import." in out
    assert "5 skipped" in out  # 4 unchanged + the trashed post
    assert "4 created" not in out


def _changed_copy(tmp_path, old: str, new: str):
    text = CLASSIC.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "changed.xml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_rerun_updates_an_untouched_article(tmp_path):
    run_import(CLASSIC)
    article = Article.objects.get(slug="osteoporosis")
    changed = _changed_copy(tmp_path, "Calcium, vitamin D and weight-bearing", "Calcium, vitamin D, sunlight and weight-bearing")
    out = run_import(changed)
    article.refresh_from_db()
    assert Article.objects.filter(wordpress_source__wp_id=103).count() == 1
    assert "sunlight" in article.sections.get(heading="Prevention").body
    assert article.status == Article.Status.DRAFT
    assert "[updated] post 103" in out


def test_rerun_leaves_an_edited_article_alone(tmp_path):
    from articles import services

    run_import(CLASSIC)
    article = Article.objects.get(slug="osteoporosis")
    article.title = "Osteoporosis (edited in Bonespine)"
    services.article_update(article=article, by=None, expected_revision=article.edit_revision,
                            changed_fields=["title"])
    changed = _changed_copy(tmp_path, "Calcium, vitamin D and weight-bearing", "Something else entirely")
    out = run_import(changed)
    article.refresh_from_db()
    assert article.title == "Osteoporosis (edited in Bonespine)"
    assert "Something else" not in article.sections.get(heading="Prevention").body
    assert "Left alone: it was edited in Bonespine after the import." in out


def test_rerun_leaves_a_submitted_article_alone(tmp_path):
    from articles import services
    from tests.factories import UserFactory

    run_import(CLASSIC)
    article = Article.objects.get(slug="sciatica-explained")
    editor = UserFactory(is_superuser=True, is_staff=True)
    services.article_submit(article=article, by=editor)
    changed = _changed_copy(tmp_path, "Most often a disc bulge", "Usually a disc bulge")
    out = run_import(changed)
    assert "Most often a disc bulge" in Article.objects.get(pk=article.pk).sections.first().body
    assert "Left alone: it is in review in Bonespine." in out.replace("In review", "in review")


def test_reimport_over_a_published_article_changes_nothing_public(client, tmp_path):
    from tests.factories import make_live

    run_import(CLASSIC)
    article = Article.objects.get(slug="sciatica-explained")
    make_live(article)
    page_before = client.get("/articles/sciatica-explained/")
    assert page_before.status_code == 200
    version_before = article.live_version_id
    changed = _changed_copy(tmp_path, "Most often a disc bulge presses on a nerve root.",
                            "IMPORTED AGAIN: a rewritten paragraph.")
    changed_title = changed.read_text(encoding="utf-8").replace("<![CDATA[Sciatica explained]]>",
                                                                "<![CDATA[Sciatica, rewritten]]>")
    changed.write_text(changed_title, encoding="utf-8")
    out = run_import(changed)
    article.refresh_from_db()
    assert article.live_version_id == version_before
    assert article.status == Article.Status.PUBLISHED
    assert article.title == "Sciatica explained"
    page_after = client.get("/articles/sciatica-explained/")
    assert page_after.status_code == 200
    assert "IMPORTED AGAIN" not in page_after.content.decode()
    assert "Sciatica, rewritten" not in page_after.content.decode()
    assert "Left alone: it is published in Bonespine." in out
    assert not ArticleTransition.objects.filter(article=article, comment__icontains="import").exists()


def test_matching_by_guid_when_the_site_address_changed(tmp_path):
    run_import(CLASSIC)
    moved = _changed_copy(tmp_path, "<wp:base_site_url>https://old-spine.example</wp:base_site_url>",
                          "<wp:base_site_url>https://staging.old-spine.example</wp:base_site_url>")
    run_import(moved)
    assert Article.objects.count() == 4
    assert WordPressPost.objects.count() == 4


def test_slug_collision_gets_a_new_address_with_a_warning():
    from tests.factories import ArticleFactory

    ArticleFactory(slug="osteoporosis")
    out = run_import(CLASSIC)
    imported = Article.objects.get(wordpress_source__wp_id=103)
    assert imported.slug == "osteoporosis-2"
    assert "Another article already uses /articles/osteoporosis/" in out


def test_unicode_slug_and_text_survive():
    out = run_import(CLASSIC)
    neck = Article.objects.get(wordpress_source__wp_id=104)
    assert neck.title == "Neck pain — 颈部疼痛 — ألم الرقبة 💪"
    assert neck.slug == "neck-pain"
    assert "כאב צוואר" in neck.lead and "💪" in neck.lead and "e\u0301" in neck.lead
    assert "a ]]&gt; b" in neck.sections.first().body  # CDATA split across two sections
    assert "Address changed from" in out


def test_progress_is_reported_to_the_callback():
    from articles.importers.services import import_wordpress

    seen = []
    report = import_wordpress(path=CLASSIC, progress=lambda **kw: seen.append((kw["done"], kw["total"])))
    assert seen[-1] == (7, 7)  # 5 posts + 2 pages
    assert report.get("articles", "created") == 4


def test_block_editor_export():
    out = run_import(fixture("block-editor.xml"))
    wrist = Article.objects.get(slug="wrist-fractures")
    assert wrist.lead == "<p>A fall on an outstretched hand is the usual cause of a broken wrist.</p>"
    assert [s.heading for s in wrist.sections.all()] == ["Symptoms", "Treatment"]
    treatment = wrist.sections.get(heading="Treatment").body
    assert "<li>A cast for six weeks</li>" in treatment and "<h4>A deep sub-heading</h4>" in treatment
    assert "wp:" not in treatment and "wp-block" not in treatment
    assert "X-ray" not in wrist.sections.get(heading="Symptoms").body  # the figure went with its image
    refs = list(wrist.references.all())
    assert [r.kind for r in refs] == ["journal", "other"]  # the empty item is not a reference
    assert refs[0].doi == "10.1016/j.jht.2016.03.003" and refs[0].journal == "J Hand Ther"
    assert refs[1].pmid == "27264899"
    assert wrist.first_published_at == datetime(2024, 5, 10, 7, 0, tzinfo=UTC)
    assert "Shortcodes removed: [embed], [ez-toc]" in out or "Shortcodes removed: [ez-toc], [embed]" in out
    assert "1 inline image(s) not imported" in out
    scheduled = Article.objects.get(slug="scheduled-post")
    assert scheduled.first_published_at is None  # WordPress "future": never published
    assert scheduled.lead == "<p>A summary written in the excerpt box.</p>"
    assert LegacyPath.objects.filter(path="/blog/fractures/wrist-fractures/", article=wrist).exists()


@pytest.mark.parametrize("name, author_name", [("wxr-1.0.xml", "admin"), ("wxr-1.1.xml", "Prof Ada Obi")])
def test_old_wxr_versions_import(name, author_name):
    run_import(fixture(name))
    hip = Article.objects.get(slug="hip-replacement")
    assert hip.status == Article.Status.DRAFT
    assert hip.author.name == author_name and hip.author.slug == "admin"
    assert hip.category.slug == "hips"
    assert list(hip.tags.values_list("slug", flat=True)) == ["arthritis"]
    assert [s.heading for s in hip.sections.all()] == ["Recovery"]
    assert hip.first_published_at == datetime(2009, 6, 1, 10, 0, tzinfo=UTC)
