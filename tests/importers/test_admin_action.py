"""The admin action "Submit selected for medical review": a batch of (imported) drafts goes
to the reviewers' queue through the workflow service, with each person's rights checked per
article on the server and every refusal reported by article, in plain words."""

import pytest
from django.contrib.messages import get_messages

from articles.models import Article, ArticleTransition
from authors.models import Author
from tests.factories import ArticleFactory, AuthorFactory, UserFactory, role_group

from .conftest import fixture, run_import

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/articles/article/"


def _user(*groups, author=None):
    user = UserFactory(is_staff=True)
    for name in groups:
        user.groups.add(role_group(name))
    if author is not None:
        author.user = user
        author.save()
    return user


def _submit(client, articles):
    return client.post(CHANGELIST, {"action": "submit_selected", "_selected_action": [a.pk for a in articles],
                                    "index": "0"}, follow=True)


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_editor_sends_imported_drafts_and_hears_what_was_refused(client):
    run_import(fixture("classic.xml"))
    imported = list(Article.objects.filter(wordpress_source__isnull=False))
    empty = ArticleFactory(title="Empty draft", lead="")
    editor = _user("Editor")
    client.force_login(editor)
    page = client.get(CHANGELIST)
    assert "Submit selected for medical review" in page.content.decode()

    # What review requires is the workflow's business (articles/workflow/readiness.py): ask it.
    from articles.workflow import readiness

    ready = [a for a in imported if not readiness.blocking_problems(a)]
    assert ready
    response = _submit(client, [*imported, empty])
    assert response.status_code == 200
    texts = _messages(response)
    assert f"Sent to the medical reviewers' queue: {len(ready)} article(s)." in texts
    refusal = [t for t in texts if t.startswith("“Empty draft”")]
    assert refusal and "Before review the article needs a lead, at least one section" in refusal[0]
    for article in imported:
        if article not in ready:
            assert any(t.startswith(f"“{article.title}”: Before review the article needs") for t in texts)
    assert not any("constraint" in t.lower() or "traceback" in t.lower() for t in texts)
    for article in imported:
        article.refresh_from_db()
        expected = Article.Status.IN_REVIEW if article in ready else Article.Status.DRAFT
        assert article.status == expected
        assert ArticleTransition.objects.filter(article=article, by=editor, to_status="in_review").exists() == (
            article in ready)
        assert article.live_version is None  # in the queue, not on the site
    assert Article.objects.get(pk=empty.pk).status == Article.Status.DRAFT


def test_rights_are_checked_per_article_on_the_server(client):
    run_import(fixture("classic.xml"))
    nair = Author.objects.get(slug="rnair")
    own = Article.objects.get(slug="sciatica-explained")  # by rnair
    others = Article.objects.get(slug="looking-after-your-knees")  # by webteam
    author = _user("Author", author=nair)
    client.force_login(author)
    response = _submit(client, [own, others])
    assert "Sent to the medical reviewers' queue: 1 article(s)." in _messages(response)
    assert Article.objects.get(pk=own.pk).status == Article.Status.IN_REVIEW
    assert Article.objects.get(pk=others.pk).status == Article.Status.DRAFT  # not theirs: untouched

    # A reviewer who also writes can see another author's article, but may not submit it.
    reviewer_profile = AuthorFactory(is_medical_reviewer=True)
    both = _user("Author", "Medical reviewer", author=reviewer_profile)
    others.status = Article.Status.CHANGES_REQUESTED
    others.save(update_fields=["status"])
    client.force_login(both)
    response = _submit(client, [others])
    texts = _messages(response)
    assert Article.objects.get(pk=others.pk).status == Article.Status.CHANGES_REQUESTED
    assert any(t.startswith("“Looking after your knees”:") for t in texts), texts


def test_people_without_the_right_do_not_see_the_action(client):
    reviewer = _user("Medical reviewer", author=AuthorFactory(is_medical_reviewer=True))
    client.force_login(reviewer)
    page = client.get(CHANGELIST)
    assert "Submit selected for medical review" not in page.content.decode()
