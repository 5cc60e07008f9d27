"""The workflow through the admin over HTTP: object permissions, buttons, preview,
diff, and optimistic locking (no lost updates)."""

import re

import pytest

from articles import services
from articles.models import Article, Section
from articles.workflow import roles
from tests.factories import ArticleFactory, AuthorFactory, ReviewerFactory, SectionFactory, UserFactory, role_group

S = Article.Status
pytestmark = pytest.mark.django_db


def staff(username, group, profile=None, **extra):
    user = UserFactory(username=username, is_staff=True, **extra)
    if group:
        user.groups.add(role_group(group))
    if profile is not None:
        profile.user = user
        profile.save()
    return user


@pytest.fixture
def team():
    writer = AuthorFactory(name="Dr Writer")
    return {
        "writer": writer,
        "author": staff("author", roles.AUTHOR, writer),
        "other": staff("other", roles.AUTHOR, AuthorFactory(name="Dr Other")),
        "reviewer": staff("reviewer", roles.REVIEWER, ReviewerFactory(name="Dr Reviewer")),
        "editor": staff("editor", roles.EDITOR),
    }


def article_of(author, **kwargs):
    article = ArticleFactory(author=author, **kwargs)
    SectionFactory(article=article, heading="Causes", body="First version of the body.")
    return article


def form_data(client, url):
    """The admin change form's current values, as a browser would post them back."""
    html = client.get(url).content.decode()
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        data[name] = value
    for m in re.finditer(r'<input([^>]*)>', html):
        attrs = m.group(1)
        name = re.search(r'name="([^"]+)"', attrs)
        if name and 'value="' not in attrs and 'type="file"' not in attrs and 'type="checkbox"' not in attrs:
            data.setdefault(name.group(1), "")
        if name and 'type="checkbox"' in attrs and "checked" in attrs:
            data[name.group(1)] = "on"
        elif name and 'type="checkbox"' in attrs:
            data.pop(name.group(1), None)
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        import html as htmllib

        data[name] = htmllib.unescape(value.lstrip("\n"))
    for select in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(2))
        data[select.group(1)] = chosen.group(1) if chosen else ""
    data.pop("csrfmiddlewaretoken", None)
    return data


def test_author_guessing_another_authors_change_url_gets_404(client, team):
    theirs = article_of(AuthorFactory())
    client.force_login(team["author"])
    assert client.get(f"/admin/articles/article/{theirs.pk}/change/").status_code == 404
    assert client.get(f"/admin/articles/article/{theirs.pk}/preview/").status_code == 404
    assert client.post(f"/admin/articles/article/{theirs.pk}/workflow/", {"_workflow": "submit"}).status_code == 404
    data = {"title": "Hijacked", "slug": theirs.slug, "lead": "x", "category": theirs.category_id}
    assert client.post(f"/admin/articles/article/{theirs.pk}/change/", data).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title != "Hijacked"


def test_author_changelist_lists_only_their_articles(client, team):
    mine = article_of(team["writer"], title="Mine")
    article_of(AuthorFactory(), title="Someone else's")
    client.force_login(team["author"])
    page = client.get("/admin/articles/article/").content.decode()
    assert "Mine" in page and "Someone else&#x27;s" not in page and "Someone else's" not in page
    assert mine.title in page


def test_author_cannot_edit_own_article_while_in_review(client, team):
    article = article_of(team["writer"])
    services.article_submit(article=article, by=team["author"])
    client.force_login(team["author"])
    response = client.get(f"/admin/articles/article/{article.pk}/change/")
    assert response.status_code == 200
    assert b'name="_save"' not in response.content  # read-only
    data = {"title": "Sneaky", "slug": article.slug, "lead": "x", "category": article.category_id}
    assert client.post(f"/admin/articles/article/{article.pk}/change/", data).status_code == 403


def test_crafted_workflow_posts_cannot_escalate(client, team):
    article = article_of(team["writer"])
    client.force_login(team["author"])
    client.post(f"/admin/articles/article/{article.pk}/workflow/", {"_workflow": "submit"})
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW
    for action in ("approve_full", "publish", "unpublish", "archive"):
        response = client.post(f"/admin/articles/article/{article.pk}/workflow/", {"_workflow": action}, follow=True)
        assert response.status_code == 200
        article.refresh_from_db()
        assert article.status == S.IN_REVIEW, action
    assert "only" in response.content.decode().lower()


def test_author_reviewer_editor_walk_through_the_admin(client, team):
    client.force_login(team["author"])
    article = article_of(team["writer"])
    url = f"/admin/articles/article/{article.pk}/"
    client.post(url + "workflow/", {"_workflow": "submit"})
    client.force_login(team["reviewer"])
    assert b"Request changes" in client.get(url + "change/").content
    response = client.post(url + "workflow/", {"_workflow": "request_changes", "_workflow_comment": ""}, follow=True)
    assert "comment is required" in response.content.decode()
    client.post(url + "workflow/", {"_workflow": "request_changes", "_workflow_comment": "Add a prevention section."})
    article.refresh_from_db()
    assert article.status == S.CHANGES_REQUESTED
    client.force_login(team["author"])
    client.post(url + "workflow/", {"_workflow": "submit"})
    client.force_login(team["reviewer"])
    client.post(url + "workflow/", {"_workflow": "approve_full"})
    client.force_login(team["editor"])
    client.post(url + "workflow/", {"_workflow": "publish"})
    article.refresh_from_db()
    assert article.status == S.PUBLISHED and article.reviewer.name == "Dr Reviewer"
    page = client.get(url + "change/").content.decode()
    assert "Add a prevention section." in page  # the history shows the comment
    assert "Published version 1." in page


def test_preview_renders_the_working_copy_not_cached_not_indexed(client, team):
    article = article_of(team["writer"], title="Draft title")
    client.force_login(team["author"])
    response = client.get(f"/admin/articles/article/{article.pk}/preview/")
    assert response.status_code == 200
    assert "Draft title" in response.content.decode()
    assert "First version of the body." in response.content.decode()
    assert 'name="robots" content="noindex' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")
    client.logout()
    assert client.get(f"/admin/articles/article/{article.pk}/preview/").status_code == 302  # to login


def test_diff_between_versions(client, team):
    article = article_of(team["writer"])
    services.article_publish_reviewed(article=article, reviewer=team["reviewer"].author_profile)
    section = article.sections.get()
    section.body = "Second version of the body."
    section.save()
    client.force_login(team["editor"])
    import html

    from django.utils.html import strip_tags

    raw = client.get(f"/admin/articles/article/{article.pk}/diff/?a=1&b=working").content.decode()
    page = html.unescape(strip_tags(raw))
    page = page.replace("\xa0", " ")
    assert "First version of the body." in page and "Second version of the body." in page
    assert "section 1" in page
    assert client.get(f"/admin/articles/article/{article.pk}/diff/?a=99").status_code == 404


def test_second_concurrent_save_is_refused_and_keeps_typed_text(client, team):
    article = article_of(team["writer"], title="Original title")
    url = f"/admin/articles/article/{article.pk}/change/"
    client.force_login(team["editor"])
    first = form_data(client, url)
    second = dict(first)  # a second person opened the same form at the same time

    first["title"] = "Title from the first editor"
    response = client.post(url, first)
    assert response.status_code == 302, response.content.decode()[:2000]

    second["title"] = "Title typed by the second editor"
    second["sections-0-body"] = "Body typed by the second editor"
    response = client.post(url, second)
    assert response.status_code == 200
    html = response.content.decode()
    assert "after you opened it" in html and "editor" in html
    assert "Title typed by the second editor" in html and "Body typed by the second editor" in html
    article.refresh_from_db()
    assert article.title == "Title from the first editor"
    assert Section.objects.get(article=article).body == "<p>First version of the body.</p>"


def test_editing_a_published_article_in_the_admin_starts_a_revision(client, team):
    article = article_of(team["writer"], title="Live title")
    services.article_publish_reviewed(article=article, reviewer=team["reviewer"].author_profile)
    client.force_login(team["author"])
    url = f"/admin/articles/article/{article.pk}/change/"
    data = form_data(client, url)
    data["title"] = "Revised title"
    response = client.post(url, data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == S.DRAFT and article.live_version.title == "Live title"
    assert "Live title" in client.get(article.get_absolute_url()).content.decode()
    assert "Revised title" not in client.get(article.get_absolute_url()).content.decode()


def test_new_sections_with_the_same_heading_get_unique_anchors(client, team):
    from tests.factories import CategoryFactory

    category = CategoryFactory()
    client.force_login(team["author"])
    data = {
        "title": "Two causes", "slug": "two-causes", "category": category.pk, "lead": "Lead.", "tags": "",
        "image_alt": "", "image_caption": "", "expected_revision": "",
        "sections-TOTAL_FORMS": "3", "sections-INITIAL_FORMS": "0", "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
        "references-TOTAL_FORMS": "0", "references-INITIAL_FORMS": "0", "references-MIN_NUM_FORMS": "0",
        "references-MAX_NUM_FORMS": "1000",
    }
    for i, heading in enumerate(["Causes", "Causes", "References"]):
        data.update({f"sections-{i}-position": i, f"sections-{i}-heading": heading, f"sections-{i}-body": "Text.",
                     f"sections-{i}-anchor": ""})
    response = client.post("/admin/articles/article/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(slug="two-causes")
    assert list(article.sections.values_list("anchor", flat=True)) == ["causes", "causes-2", "references-2"]
    assert article.author == team["writer"]
