"""The editorial workspace (issue 10): no path around the sign-off, no lost work, review
rounds, the conversation, reviewer requests and claims, confirmations, schedules, queues."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from articles import services
from articles.models import Article, ArticleComment, ReviewRound, Section, SlugRedirect
from articles.workflow import roles
from tests.articles.test_admin_workflow import form_data
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    ReferenceFactory,
    ReviewerFactory,
    SectionFactory,
    UserFactory,
    role_group,
)

S = Article.Status
pytestmark = pytest.mark.django_db


def staff(username, group, profile=None, **extra):
    user = UserFactory(username=username, is_staff=True, email=f"{username}@example.org", **extra)
    if group:
        user.groups.add(role_group(group))
    if profile is not None:
        profile.user = user
        profile.save()
    return user


@pytest.fixture
def team():
    writer = AuthorFactory(name="Dr Writer")
    reviewer_profile = ReviewerFactory(name="Dr Reviewer")
    second_profile = ReviewerFactory(name="Dr Second")
    return {
        "writer": writer,
        "reviewer_profile": reviewer_profile,
        "second_profile": second_profile,
        "author": staff("author", roles.AUTHOR, writer),
        "reviewer": staff("reviewer", roles.REVIEWER, reviewer_profile),
        "second": staff("second", roles.REVIEWER, second_profile),
        "editor": staff("editor", roles.EDITOR),
    }


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def public_text(client, article) -> str:
    """The article body the public sees (title, lead, sections, references), as text."""
    client.logout()
    response = client.get(f"/articles/{article.slug}/")
    if response.status_code != 200:
        return f"<{response.status_code}>"
    html = response.content.decode()
    parts = [re.search(pattern, html, re.S).group(0) for pattern in (
        r'<h1 id="article-title".*?</h1>', r'<div class="entry__lead">.*?</div>',
        r'<div class="entry__content">.*?<section class="entry__references".*?</section>')]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", " ".join(parts))).strip()


def live_article(team, *, title="Knee pain in runners", body="Original body about the knee.", first_day=20):
    """A live article by the author with one signed-off version, and later history."""
    article = ArticleFactory(author=team["writer"], title=title, slug="knee-pain", lead="Original lead.")
    SectionFactory(article=article, heading="Causes", body=body, position=1)
    ReferenceFactory(article=article)
    services.article_publish_reviewed(article=article, reviewer=team["reviewer_profile"],
                                      published_at=timezone.now() - timedelta(days=first_day))
    article.refresh_from_db()
    return article


def save_via_admin(client, user, article, **changes):
    client.force_login(user)
    data = form_data(client, change_url(article))
    data.update(changes)
    return client.post(change_url(article), data, follow=True)


# --- 1. History → Revert cannot bypass the sign-off ---------------------------------------------


def test_author_history_revert_is_a_new_draft_and_the_live_page_does_not_change(client, team):
    article = live_article(team)
    first_record = article.history.order_by("history_date").first()  # before the first publication
    before = public_text(client, article)
    updated_before = article.content_updated_at
    save_via_admin(client, team["author"], article, title="Knee pain in runners (revised)",
                   **{"sections-0-body": "A working revision body."})
    assert public_text(client, article) == before
    article.refresh_from_db()
    record = article.history.order_by("-history_date")[1]  # the save before the revision
    client.force_login(team["author"])
    page = client.get(f"/admin/articles/article/{article.pk}/history/{record.history_id}/").content.decode()
    assert "Restore as a new draft" in page and "live page does not change" in page
    client.post(f"/admin/articles/article/{article.pk}/history/{first_record.history_id}/", {"title": "TYPED"})
    article.refresh_from_db()
    assert public_text(client, article) == before  # the live page did not move
    assert article.live_version_id is not None and article.status == S.DRAFT  # not taken offline
    assert article.content_updated_at == updated_before  # "last updated" did not go backwards
    assert article.title == "Knee pain in runners"  # the record's content, never the typed field
    assert "Restored the content of" in article.transitions.first().comment
    assert article.approved_fingerprint == ""


def test_revert_never_restores_an_old_slug(client, team):
    article = live_article(team)
    old_record = article.history.order_by("-history_date").first()
    save_via_admin(client, team["editor"], article, slug="knee-pain-runners")
    article.refresh_from_db()
    assert SlugRedirect.objects.filter(old_slug="knee-pain").exists()
    client.force_login(team["editor"])
    client.post(f"/admin/articles/article/{article.pk}/history/{old_record.history_id}/", {})
    article.refresh_from_db()
    assert article.slug == "knee-pain-runners"
    client.logout()
    assert client.get("/articles/knee-pain-runners/").status_code == 200
    assert client.get("/articles/knee-pain/").status_code == 301


def test_restoring_a_past_published_version_goes_through_review(client, team):
    article = live_article(team, body="First version text.")
    save_via_admin(client, team["author"], article, **{"sections-0-body": "Second version text."})
    article.refresh_from_db()
    services.article_submit(article=article, by=team["author"])
    services.article_approve(article=article, by=team["reviewer"])
    services.article_publish(article=article, by=team["editor"])
    second = public_text(client, article)
    assert "Second version text." in second
    client.force_login(team["author"])
    page = client.get(f"/admin/articles/article/{article.pk}/versions/1/restore/").content.decode()
    assert "<del>Second</del>" in page and "<ins>First</ins>" in page
    client.post(f"/admin/articles/article/{article.pk}/versions/1/restore/")
    article.refresh_from_db()
    assert public_text(client, article) == second
    assert article.status == S.DRAFT and article.sections.get().body == "<p>First version text.</p>"


def test_a_reviewer_cannot_restore(client, team):
    article = live_article(team)
    record = article.history.order_by("-history_date").first()
    client.force_login(team["reviewer"])
    response = client.post(f"/admin/articles/article/{article.pk}/history/{record.history_id}/", follow=True)
    assert response.status_code in (403, 404) or "cannot" in response.content.decode()
    article.refresh_from_db()
    assert article.status == S.PUBLISHED


# --- The matrix: role × admin path × "did the public page change?" -------------------------------

def _history(client, article):
    record = article.history.order_by("history_date").first()
    return client.post(f"/admin/articles/article/{article.pk}/history/{record.history_id}/", {"title": "Hacked"})


def _version(client, article):
    return client.post(f"/admin/articles/article/{article.pk}/versions/1/restore/")


def _bulk(action):
    def run(client, article):
        return client.post("/admin/articles/article/", {"action": action, "_selected_action": [article.pk],
                                                        "index": "0"})
    return run


def _save_as_new(client, article):
    data = form_data(client, change_url(article))
    data.update({"_saveasnew": "Save as new", "title": "A copy"})
    return client.post(change_url(article), data)


def _edit_and_delete_section(client, article):
    data = form_data(client, change_url(article))
    data.update({"title": "Edited title", "sections-0-DELETE": "on", "sections-0-body": "Gone"})
    return client.post(change_url(article), data)


def _workflow(name, **extra):
    def run(client, article):
        return client.post(f"/admin/articles/article/{article.pk}/workflow/", {"_workflow": name, **extra})
    return run


def _slug(client, article):
    data = form_data(client, change_url(article))
    data["slug"] = "new-knee-address"
    return client.post(change_url(article), data)


def _category(client, article):
    category = article.category
    return client.post(f"/admin/articles/category/{category.pk}/change/", {
        "name": "Renamed", "slug": category.slug, "description": "", "position": "3"})


def _tag(client, article):
    from taggit.models import Tag
    tag = Tag.objects.get_or_create(name="cramp", slug="cramp")[0]
    return client.post(f"/admin/taggit/tag/{tag.pk}/change/", {"name": "cramps", "slug": "cramps"})


PATHS = {
    "history revert": _history,
    "restore published version": _version,
    "bulk submit": _bulk("submit_selected"),
    "bulk publish": _bulk("publish_selected"),
    "bulk unpublish (unconfirmed)": _bulk("unpublish_selected"),
    "bulk archive (unconfirmed)": _bulk("archive_selected"),
    "save as new": _save_as_new,
    "edit + inline delete": _edit_and_delete_section,
    "workflow publish": _workflow("publish"),
    "workflow approve": _workflow("approve_full"),
    "workflow unpublish (unconfirmed)": _workflow("unpublish", _workflow_comment="x"),
    "slug change": _slug,
    "category edit": _category,
    "tag edit": _tag,
}


@pytest.mark.parametrize("who", ["author", "reviewer", "editor"])
@pytest.mark.parametrize("path", list(PATHS))
def test_no_admin_path_changes_the_public_page(client, team, who, path):
    """Every path in the admin, as every role: the public article body is unchanged (it only
    changes by publishing a signed-off version, or by withdrawing it after a confirmation)."""
    article = live_article(team)
    before = public_text(client, article)
    client.force_login(team[who])
    response = PATHS[path](client, article)
    assert response.status_code < 500, (path, who, response.status_code)
    article.refresh_from_db()
    assert public_text(client, Article.objects.get(pk=article.pk)) == before, (path, who)
    assert Article.objects.count() == 1, "nothing was saved as new"


# --- 2./3. No lost work: buttons save first, comments are kept ------------------------------------


def test_workflow_button_saves_the_typed_text_first_and_keeps_the_comment(client, team):
    article = ArticleFactory(author=team["writer"])
    SectionFactory(article=article, heading="Causes", body="Old text.", position=1)
    response = save_via_admin(client, team["author"], article, **{
        "sections-0-body": "Typed just before pressing the button.",
        "_workflow": "submit", "_workflow_comment": "Changed age range to 40-65 per NICE CKS.",
    })
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW
    assert article.sections.get().body == "<p>Typed just before pressing the button.</p>"
    assert article.transitions.first().comment == "Changed age range to 40-65 per NICE CKS."
    comment = ArticleComment.objects.get(article=article)
    assert (comment.kind, comment.text) == ("submitted", "Changed age range to 40-65 per NICE CKS.")


def test_a_workflow_button_with_form_errors_does_nothing_and_keeps_the_text(client, team):
    article = ArticleFactory(author=team["writer"])
    SectionFactory(article=article, heading="Causes", body="Old text.", position=1)
    response = save_via_admin(client, team["author"], article, title="", **{
        "sections-0-body": "My careful new paragraph.", "_workflow": "submit"})
    page = response.content.decode()
    assert "the workflow step was not taken" in page
    assert "My careful new paragraph." in page
    article.refresh_from_db()
    assert article.status == S.DRAFT and article.sections.get().body == "<p>Old text.</p>"


def test_a_comment_typed_then_plain_save_is_kept(client, team):
    article = ArticleFactory(author=team["writer"])
    SectionFactory(article=article, position=1)
    save_via_admin(client, team["author"], article, _workflow_reply="A note for my reviewer.")
    assert ArticleComment.objects.get(article=article).text == "A note for my reviewer."


# --- Review rounds, conversation, reviewer requests --------------------------------------------------


def submitted(team, *, reviewer=None, comment="Please review."):
    article = ArticleFactory(author=team["writer"], title="Ankle sprain")
    SectionFactory(article=article, heading="Causes", body="Rolling the ankle inwards.", position=1)
    SectionFactory(article=article, heading="Treatment", body="Rest, ice and early movement.", position=2)
    return services.article_submit(article=article, by=team["author"], comment=comment, reviewer=reviewer)


def test_each_submission_freezes_a_round_and_the_reviewer_sees_only_changes_since_their_round(client, team):
    article = submitted(team)
    assert article.review_rounds.get().number == 1
    services.article_request_changes(article=article, by=team["reviewer"], comment="Say how long to rest.")
    section = article.sections.get(heading="Treatment")
    section.body = "Rest for two days, ice and early movement."
    section.save()
    services.article_content_saved(article=article, by=team["author"])
    services.article_submit(article=article, by=team["author"], comment="Added how long to rest.")
    rounds = list(article.review_rounds.order_by("number"))
    assert [(r.number, r.outcome) for r in rounds] == [(1, "changes_requested"), (2, "")]
    assert rounds[0].reviewer == team["reviewer_profile"]
    client.force_login(team["reviewer"])
    page = client.get(change_url(article)).content.decode()
    changes = page[page.index("What changed since round 1"):page.index('id="conversation"')]
    assert "the round you reviewed" in changes
    assert "Treatment" in changes and re.search(r"<ins>[^<]*two days", changes)
    assert "Causes" not in changes and "Rolling the ankle" not in changes  # unchanged section: not shown
    conversation = page[page.index('id="conversation"'):]
    assert conversation.index("Please review.") < conversation.index("Say how long to rest.") < \
        conversation.index("Added how long to rest.")


def test_a_reviewer_can_be_asked_by_name_and_only_they_review(client, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = submitted(team, reviewer=team["second_profile"])
    assert article.requested_reviewer == team["second_profile"]
    assert [m.to for m in mail.outbox if "Review requested" in m.subject][-1] == ["second@example.org"]
    with pytest.raises(services.ArticleError, match="Dr Second was asked"):
        services.article_approve(article=article, by=team["reviewer"])
    services.article_approve(article=article, by=team["second"])
    article.refresh_from_db()
    assert article.status == S.APPROVED


def test_the_author_cannot_be_asked_to_review_their_own_article(client, team):
    with pytest.raises(services.ArticleError, match="did not write"):
        submitted(team, reviewer=team["writer"])


def test_a_reviewer_claims_an_unassigned_article_from_the_queue(client, team):
    article = submitted(team)
    services.article_claim(article=article, by=team["second"])
    article.refresh_from_db()
    assert article.requested_reviewer == team["second_profile"]
    with pytest.raises(services.ArticleError, match="already reviewing"):
        services.article_claim(article=article, by=team["reviewer"])


def test_replies_in_the_conversation_notify_the_other_side(client, team, django_capture_on_commit_callbacks):
    article = submitted(team, reviewer=team["reviewer_profile"])
    mail.outbox.clear()
    client.force_login(team["reviewer"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/articles/article/{article.pk}/workflow/",
                    {"_workflow": "comment", "_workflow_reply": "Is the ice advice current?"})
    comment = ArticleComment.objects.filter(kind="reply").get()
    assert comment.by == team["reviewer"] and comment.round == ReviewRound.objects.get()
    assert mail.outbox and mail.outbox[-1].to == ["author@example.org"]
    assert "Is the ice advice current?" in mail.outbox[-1].body


# --- Confirmations, schedules, queues ------------------------------------------------------------------


def test_unpublish_asks_for_confirmation_and_a_reason(client, team):
    article = live_article(team)
    client.force_login(team["editor"])
    url = f"/admin/articles/article/{article.pk}/workflow/"
    page = client.post(url, {"_workflow": "unpublish"}).content.decode()
    assert "410 Gone" in page and "Reason (required" in page
    article.refresh_from_db()
    assert article.status == S.PUBLISHED
    client.post(url, {"_workflow": "unpublish", "_workflow_confirmed": "1", "_workflow_comment": ""})
    article.refresh_from_db()
    assert article.status == S.PUBLISHED  # no reason: refused
    client.post(url, {"_workflow": "unpublish", "_workflow_confirmed": "1", "_workflow_comment": "Superseded."})
    article.refresh_from_db()
    assert article.status == S.UNPUBLISHED and article.transitions.first().comment == "Superseded."
    client.logout()
    assert client.get(f"/articles/{article.slug}/").status_code == 410


def test_a_schedule_shows_its_time_zone_and_can_be_cancelled(client, team):
    article = submitted(team)
    services.article_approve(article=article, by=team["reviewer"])
    client.force_login(team["editor"])
    url = f"/admin/articles/article/{article.pk}/workflow/"
    when = (timezone.localtime() + timedelta(days=3)).replace(second=0, microsecond=0)
    client.post(url, {"_workflow": "schedule", "_workflow_publish_at": when.strftime("%Y-%m-%dT%H:%M")})
    article.refresh_from_db()
    assert article.publish_at == when
    page = client.get(change_url(article)).content.decode()
    assert "Scheduled to go live on" in page and timezone.get_current_timezone_name() in page
    assert "cancel the schedule" in page
    client.post(url, {"_workflow": "unschedule"})
    article.refresh_from_db()
    assert article.publish_at is None and article.status == S.APPROVED


def test_the_admin_home_shows_each_role_its_work_first(client, team):
    submitted(team)  # in review, unassigned
    draft = ArticleFactory(author=team["writer"], title="My draft")
    SectionFactory(article=draft)
    client.force_login(team["author"])
    page = client.get("/admin/").content.decode()
    assert page.index("Your work") < page.index("app-articles")
    assert re.search(r"My drafts</a></th><td[^>]*><strong>1</strong>", page)
    assert re.search(r"Mine in review</a></th><td[^>]*><strong>1</strong>", page)
    client.force_login(team["reviewer"])
    page = client.get("/admin/").content.decode()
    assert re.search(r"Waiting for a reviewer \(unassigned\)</a></th><td[^>]*><strong>1</strong>", page)
    listing = client.get("/admin/articles/article/?attention=unassigned").content.decode()
    assert "Ankle sprain" in listing and "My draft" not in listing
    client.force_login(team["editor"])
    page = client.get("/admin/").content.decode()
    assert "Approved, ready to publish" in page and "My drafts" not in page


def test_view_on_site_only_for_public_articles(client, team):
    draft = ArticleFactory(author=team["writer"])
    client.force_login(team["editor"])
    page = client.get(change_url(draft)).content.decode()
    assert "View on site" not in page and "Preview" in page
    article = live_article(team)
    page = client.get(change_url(article)).content.decode()
    assert 'href="/articles/knee-pain/"' in page and ":8000" not in page


def test_category_and_section_models_untouched_by_restore_of_unknown_record(client, team):
    article = live_article(team)
    client.force_login(team["editor"])
    assert client.get(f"/admin/articles/article/{article.pk}/history/999999/").status_code == 404
    assert client.get(f"/admin/articles/article/{article.pk}/versions/9/restore/").status_code == 404
    assert Section.objects.filter(article=article).count() == 1
    assert CategoryFactory._meta.model.objects.count() == 1


def test_the_submit_comment_is_in_the_review_email(team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submitted(team, comment="Changed age range to 40-65 per NICE CKS.")
    message = [m for m in mail.outbox if "Review requested" in m.subject][-1]
    assert "Changed age range to 40-65 per NICE CKS." in message.body
    assert set(message.to) == {"reviewer@example.org", "second@example.org"}  # nobody asked: every reviewer
