"""``manage.py backup`` and ``manage.py restore``: a site built with the real services
survives a backup, an emptied database and media folder, and a restore, row for row
and byte for byte; damaged archives and non-empty databases are refused."""

import hashlib
import io
import json
import shutil
import stat
import tarfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from articles import backup, services
from articles.models import (
    Article,
    ArticleDailyViews,
    ArticleFeedback,
    ContactMessage,
    HistoricalArticle,
    PublishedVersion,
)
from articles.workflow import roles
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    ReferenceFactory,
    ReviewerFactory,
    SectionFactory,
    UserFactory,
    published_article,
    role_group,
    uploaded_image,
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory
REQUIRED_MODELS = {
    "auth.user", "auth.group", "sites.site", "flatpages.flatpage", "taggit.tag", "taggit.taggeditem",
    "authors.author", "admin.logentry",
    *(f"articles.{name}" for name in (
        "category", "article", "section", "reference", "publishedversion", "articletransition",
        "articledailyviews", "reviewreminder", "slugredirect", "contactmessage", "articlefeedback",
        "historicalarticle", "historicalsection", "historicalreference",
    )),
}


def make_user(username, group=None):
    user = UserFactory(username=username, is_staff=True)
    if group:
        user.groups.add(role_group(group))
    return user


def build_site():
    """A small but complete site, made through the real services."""
    site = Site.objects.get_current()
    site.domain, site.name = "bonespine.example", "Bonespine"
    site.save()
    Site.objects.clear_cache()
    editor = make_user("editor", roles.EDITOR)
    writer_login = make_user("writer", roles.AUTHOR)
    reviewer_login = make_user("checker", roles.REVIEWER)
    writer = AuthorFactory(name="Dr Writer", user=writer_login, photo=uploaded_image("me.png", "PNG"))
    reviewer = ReviewerFactory(name="Dr Reviewer", user=reviewer_login)
    category = CategoryFactory(name="Spine", slug="spine", icon=uploaded_image("icon.webp", "WEBP"))

    # Published with an image (renditions made), then edited, re-reviewed and published again.
    article = published_article(
        author=writer, reviewer=reviewer, category=category, tags=("cramp", "Lumbar spine"),
        title="Night cramps", slug="night-cramps", lead="<p>Cramps at <strong>night</strong>.</p>",
        featured_image=uploaded_image("xray.jpg", size=(800, 600)), image_alt="An X-ray of a spine",
    )
    article.lead = "Cramps at night, updated with stretching advice."
    article._history_user = editor
    services.claim_edit_revision(article=article, expected_revision=article.edit_revision, by=editor)
    article.save()
    services.article_content_saved(article=article, by=editor)
    services.article_submit(article=article, by=writer_login)
    services.article_approve(article=article, by=reviewer_login, kind=Article.ReviewKind.MINOR, comment="Fine.")
    services.article_publish(article=article, by=editor)
    old_slug = article.slug
    article.refresh_from_db()
    article.slug = "leg-cramps-at-night"
    article.save()
    services.article_slug_changed(article=article, old_slug=old_slug)

    # A draft sent back by the reviewer, last saved by an account deleted since: its history
    # rows keep the deleted user's id (no database constraint), which must survive as it is.
    draft = ArticleFactory(author=writer, category=category, title="Disc prolapse", slug="disc-prolapse")
    SectionFactory(article=draft, heading="Symptoms", body="Pain that *radiates*.")
    ReferenceFactory(article=draft)
    ghost = UserFactory(username="ghost")
    draft.modified_by = ghost
    draft.save()
    services.article_submit(article=draft, by=writer_login)
    services.article_request_changes(article=draft, by=reviewer_login, comment="Add the red flags.")
    ghost.delete()

    # Published, then unpublished: versions without a live one.
    gone = published_article(author=writer, reviewer=reviewer, category=category, title="Old advice", slug="old")
    services.article_unpublish(article=gone, by=editor, comment="Outdated.")

    today = timezone.now().date()
    services.record_article_view(article=article, day=today - timedelta(days=3), count=40)
    for _ in range(3):
        services.record_article_view(article=article)
    services.send_review_reminders(within_days=5000)
    page = FlatPage.objects.create(url="/about/", title="About us", content="<p>Who we are.</p>")
    page.sites.add(site)
    ContactMessage.objects.create(name="Ann", email="ann@example.org", subject="Thanks", message="Useful.",
                                  article=article)
    ArticleFeedback.objects.create(article=article, helpful=True, comment="Clear.")
    LogEntry.objects.log_actions(user_id=editor.pk, queryset=[article], action_flag=CHANGE,
                                 change_message="Changed lead.", single_object=True)
    return {"article": article, "draft": draft, "ghost_id": ghost.pk, "editor": editor}


def natural(model, pk):
    return None if pk is None else model._base_manager.get(pk=pk).natural_key()


def snapshot() -> dict:
    """Every backed-up row, field by field (content types and permissions by natural key)."""
    data = {}
    for model in backup.included_models():
        rows = []
        for obj in model._base_manager.order_by("pk"):
            row = {}
            for field in model._meta.concrete_fields:
                value = getattr(obj, field.attname)
                if isinstance(value, FieldFile):
                    value = value.name
                if field.is_relation and field.related_model in (ContentType, Permission):
                    value = natural(field.related_model, value)
                row[field.attname] = value
            for field in model._meta.local_many_to_many:
                if field.remote_field.through._meta.auto_created:
                    related = getattr(obj, field.name).all()
                    row[field.name] = sorted(
                        r.natural_key() if field.related_model is Permission else r.pk for r in related
                    )
            rows.append(row)
        data[model._meta.label_lower] = rows
    return data


def media_files(settings) -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def empty_site(settings):
    """What a freshly migrated installation looks like: no data but the default site and
    the groups the 0002 migration makes (here under other ids than in the backup), and
    no uploaded files."""
    call_command("flush", interactive=False, verbosity=0)
    Group.objects.create(name="Taken id").delete()
    roles.sync_groups()
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    assert not Article.objects.exists() and not User.objects.exists()


def make_backup(tmp_path) -> Path:
    target = tmp_path / "backups" / "site.tar.gz"
    call_command("backup", output=str(target), verbosity=0)
    return target


def rewrite(archive: Path, change) -> None:
    """Rewrite ``archive`` with ``change(name, bytes) -> bytes`` applied to every member."""
    members = []
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            members.append((member.name, change(member.name, tar.extractfile(member).read())))
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def read_member(archive: Path, name: str) -> bytes:
    with tarfile.open(archive, "r:gz") as tar:
        return tar.extractfile(name).read()


def test_round_trip_restores_every_row_and_file(client, settings, tmp_path):
    made = build_site()
    assert PublishedVersion.objects.filter(article=made["article"]).count() == 2
    assert HistoricalArticle.objects.filter(modified_by_id=made["ghost_id"]).exists()
    assert not User.objects.filter(pk=made["ghost_id"]).exists()
    before, files_before = snapshot(), media_files(settings)
    assert any(name.startswith("articles/renditions/") for name in files_before)
    assert any(name.startswith("authors/") for name in files_before)

    archive = make_backup(tmp_path)
    empty_site(settings)
    call_command("restore", str(archive), verbosity=0)

    after = snapshot()
    assert after.keys() == before.keys()
    for label in before:
        assert after[label] == before[label], label
    assert media_files(settings) == files_before

    article = Article.objects.get(slug="leg-cramps-at-night")
    assert article.live_version.number == 2 and article.versions.count() == 2
    assert sum(ArticleDailyViews.objects.filter(article=article).values_list("views", flat=True)) == 43
    assert sorted(article.tags.names()) == ["Lumbar spine", "cramp"]
    assert list(User.objects.get(username="editor").groups.values_list("name", flat=True)) == [roles.EDITOR]
    assert User.objects.get(username="editor").has_perm("articles.publish_article")

    # What people rely on: pages, old addresses, static pages on the right site, search, log-in.
    page = client.get("/articles/leg-cramps-at-night/")
    assert page.status_code == 200
    assert "stretching advice" in page.content.decode()
    assert article.live_version.renditions["webp"][0]["name"] in page.content.decode()
    assert client.get("/articles/night-cramps/").status_code == 301
    assert "Who we are." in client.get("/about/").content.decode()
    assert "Night cramps" in client.get("/search/", {"q": "stretching"}).content.decode()
    response = client.post("/admin/login/", {"username": "editor", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"

    # New rows get fresh ids after a restore (sequences were moved past the restored ones).
    new = ArticleFactory(author=article.author, category=article.category)
    assert new.pk > max(row["id"] for row in before["articles.article"])


def test_manifest_lists_counts_migrations_and_checksums(settings, tmp_path):
    build_site()
    archive = make_backup(tmp_path)
    manifest = json.loads(read_member(archive, "manifest.json"))

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert manifest["data"]["sha256"] == hashlib.sha256(read_member(archive, "data.json")).hexdigest()
    assert set(manifest["counts"]) >= REQUIRED_MODELS
    assert not {label for label in manifest["counts"] if label.split(".")[0] in ("contenttypes", "sessions", "axes")}
    assert "auth.permission" not in manifest["counts"]
    assert manifest["counts"]["articles.article"] == Article.objects.count() == 3
    assert manifest["counts"]["articles.publishedversion"] == PublishedVersion.objects.count() == 3
    assert manifest["m2m_counts"]["auth.group.permissions"] > 0
    migrations = sorted(p.stem for p in Path(apps.get_app_config("articles").path).joinpath("migrations").glob("0*.py"))
    assert manifest["migrations"]["articles"] == migrations[-1]
    assert manifest["media"]["count"] == len(media_files(settings)) > 0
    assert manifest["missing_media"] == []
    for entry in manifest["media"]["files"]:
        assert hashlib.sha256(read_member(archive, f"media/{entry['name']}")).hexdigest() == entry["sha256"]


def test_backup_flushes_buffered_view_counts_before_dumping(monkeypatch, tmp_path):
    article = published_article()

    def flush_buffer():  # what the Redis buffer does: add its views to the daily rows
        services.record_article_view(article=article, count=7)
        return 7

    monkeypatch.setattr("articles.viewcounts.flush_view_counts", flush_buffer)
    archive = make_backup(tmp_path)
    rows = json.loads(read_member(archive, "data.json"))
    assert [row["fields"]["views"] for row in rows if row["model"] == "articles.articledailyviews"] == [7]
    assert json.loads(read_member(archive, "manifest.json"))["view_counts_flushed"] == 7


def test_restore_refuses_a_database_that_has_data(tmp_path):
    build_site()
    archive = make_backup(tmp_path)
    ArticleFactory(title="Written after the backup")
    with pytest.raises(CommandError, match=r"not empty: it holds 4 articles.*--force"):
        call_command("restore", str(archive), verbosity=0)
    assert Article.objects.filter(title="Written after the backup").exists()


def test_restore_force_replaces_everything_with_the_backup(settings, tmp_path):
    build_site()
    before = snapshot()
    archive = make_backup(tmp_path)
    ArticleFactory(title="Written after the backup")
    Article.objects.filter(slug="disc-prolapse").update(title="Changed after the backup")
    UserFactory(username="newcomer")

    call_command("restore", str(archive), force=True, verbosity=0)

    assert snapshot() == before
    assert not User.objects.filter(username="newcomer").exists()


def test_a_damaged_archive_is_refused_before_anything_changes(settings, tmp_path):
    build_site()
    archive = make_backup(tmp_path)
    empty_site(settings)

    rewrite(archive, lambda name, data: data.replace(b"Night cramps", b"Night crumps") if name == "data.json" else data)
    with pytest.raises(CommandError, match="does not match the checksum in the manifest"):
        call_command("restore", str(archive), verbosity=0)
    assert not Article.objects.exists()
    assert media_files(settings) == {}


def test_a_changed_media_file_is_refused(settings, tmp_path):
    build_site()
    archive = make_backup(tmp_path)
    empty_site(settings)
    rewrite(archive, lambda name, data: data + b"x" if name.startswith("media/authors/") else data)
    with pytest.raises(CommandError, match=r"Media file authors/.* does not match its checksum"):
        call_command("restore", str(archive), verbosity=0)
    assert not Article.objects.exists()


def test_a_truncated_or_foreign_file_is_refused(tmp_path):
    published_article()
    archive = make_backup(tmp_path)
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    with pytest.raises(CommandError, match="not a readable backup archive"):
        call_command("restore", str(archive), force=True, verbosity=0)
    other = tmp_path / "other.tar.gz"
    with tarfile.open(other, "w:gz") as tar:
        info = tarfile.TarInfo("../../etc/passwd")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(CommandError, match="unsafe file name"):
        call_command("restore", str(other), force=True, verbosity=0)
    assert Article.objects.count() == 1


def test_a_backup_from_newer_code_is_refused(settings, tmp_path):
    published_article()
    archive = make_backup(tmp_path)
    empty_site(settings)

    def future(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["articles"] = "9999_from_the_future"
        return json.dumps(manifest).encode()

    rewrite(archive, future)
    with pytest.raises(CommandError, match="newer version of the code.*articles.9999_from_the_future"):
        call_command("restore", str(archive), verbosity=0)


def test_backup_refuses_to_write_into_the_public_media_folder(settings):
    with pytest.raises(CommandError, match="inside MEDIA_ROOT"):
        call_command("backup", output=str(Path(settings.MEDIA_ROOT) / "site.tar.gz"), verbosity=0)


def test_backup_refuses_to_overwrite(tmp_path):
    archive = make_backup(tmp_path)
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", output=str(archive), verbosity=0)
