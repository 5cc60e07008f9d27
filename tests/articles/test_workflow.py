"""The editorial workflow: roles, transitions, sign-off fingerprint, live revisions,
scheduling, reminders, optimistic locking."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from articles import services
from articles.models import Article, ArticleTransition, PublishedVersion, ReviewReminder
from articles.workflow import roles
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    ReferenceFactory,
    ReviewerFactory,
    SectionFactory,
    UserFactory,
    role_group,
    uploaded_image,
)

S = Article.Status
pytestmark = pytest.mark.django_db


def make_user(username, group=None, *, profile=None, superuser=False):
    user = UserFactory(username=username, is_staff=True, is_superuser=superuser)
    if group:
        user.groups.add(role_group(group))
    if profile is not None:
        profile.user = user
        profile.save()
    return user


@pytest.fixture
def people():
    """One user per role, each with the Author profile the role needs."""
    writer = AuthorFactory(name="Dr Writer")
    other_writer = AuthorFactory(name="Dr Other")
    reviewer_profile = ReviewerFactory(name="Dr Reviewer")
    return {
        "author": make_user("author", roles.AUTHOR, profile=writer),
        "other_author": make_user("other", roles.AUTHOR, profile=other_writer),
        "reviewer": make_user("reviewer", roles.REVIEWER, profile=reviewer_profile),
        "editor": make_user("editor", roles.EDITOR),
        "superuser": make_user("root", superuser=True),
        "profiles": {"author": writer, "other": other_writer, "reviewer": reviewer_profile},
    }


def draft_by(profile, **kwargs):
    article = ArticleFactory(author=profile, **kwargs)
    SectionFactory(article=article, heading="Causes", body="Original body.")
    ReferenceFactory(article=article)
    return article


def to_status(article, status, people):
    """Walk ``article`` through the real services up to ``status``."""
    if status == S.DRAFT:
        return article
    services.article_submit(article=article, by=people["author"])
    if status == S.IN_REVIEW:
        return article
    if status == S.CHANGES_REQUESTED:
        return services.article_request_changes(article=article, by=people["reviewer"], comment="Add doses.")
    services.article_approve(article=article, by=people["reviewer"], kind="full")
    if status == S.APPROVED:
        return article
    services.article_publish(article=article, by=people["editor"])
    if status == S.PUBLISHED:
        return article
    if status == S.UNPUBLISHED:
        return services.article_unpublish(article=article, by=people["editor"], comment="Withdrawn for a test.")
    return services.article_archive(article=article, by=people["editor"], comment="Archived for a test.")


# --- The permission matrix: role × action → allowed? ------------------------------------

ROLES = ["author", "other_author", "reviewer", "editor", "superuser", "anonymous"]
# action: (author, other_author, reviewer, editor, superuser, anonymous)
MATRIX = {
    "create article":          (True,  True,  False, True,  True,  False),
    "edit own draft":          (True,  True,  False, True,  True,  False),
    "edit other's draft":      (False, False, False, True,  True,  False),
    "submit Dr Writer's":     (True,  False, False, True,  True,  False),
    "approve own":             (False, False, False, False, False, False),
    "approve other's":         (False, False, True,  False, False, False),
    "request changes":         (False, False, True,  False, False, False),
    "publish":                 (False, False, False, True,  True,  False),
    "unpublish":               (False, False, False, True,  True,  False),
    "manage category":         (False, False, False, True,  True,  False),
    "manage author":           (False, False, False, True,  True,  False),
    "view draft publicly":     (False, False, False, False, False, False),
}


def attempt(action, role, people, client):
    """Try ``action`` as ``role`` through the real service / HTTP path; True if it was allowed."""
    from articles.workflow import permissions

    user = people.get(role)
    profiles = people["profiles"]
    if user is not None:
        client.force_login(user)
    if action == "create article":
        return user is not None and permissions.can_create(user)
    if action in ("edit own draft", "edit other's draft"):
        own = {"author": profiles["author"], "other_author": profiles["other"], "reviewer": profiles["reviewer"]}
        if action == "edit own draft":
            owner = own.get(role, profiles["author"])
        else:
            owner = profiles["other"] if role == "author" else profiles["author"]
        article = draft_by(owner)
        response = client.get(f"/admin/articles/article/{article.pk}/change/")
        return response.status_code == 200 and b'name="_save"' in response.content
    if action == "submit Dr Writer's":
        article = draft_by(profiles["author"])
        try:
            services.article_submit(article=article, by=user or _anon())
            return True
        except PermissionDenied:
            return False
    if action == "approve own":
        article = draft_by(profiles["reviewer"])
        services.article_submit(article=article, by=people["superuser"])
        try:
            services.article_approve(article=article, by=user or _anon(), kind="full")
            return True
        except PermissionDenied:
            return False
    if action in ("approve other's", "request changes"):
        article = draft_by(profiles["author"])
        services.article_submit(article=article, by=people["author"])
        try:
            if action == "approve other's":
                services.article_approve(article=article, by=user or _anon(), kind="full")
            else:
                services.article_request_changes(article=article, by=user or _anon(), comment="Please fix.")
            return True
        except PermissionDenied:
            return False
    if action in ("publish", "unpublish"):
        article = draft_by(profiles["author"])
        to_status(article, S.APPROVED if action == "publish" else S.PUBLISHED, people)
        call = services.article_publish if action == "publish" else services.article_unpublish
        try:
            extra = {"comment": "Withdrawn for a test."} if action == "unpublish" else {}
            call(article=article, by=user or _anon(), **extra)
            return True
        except PermissionDenied:
            return False
    if action == "manage category":
        category = CategoryFactory()
        response = client.post(f"/admin/articles/category/{category.pk}/change/",
                               {"name": "Renamed", "slug": category.slug, "description": "", "position": 1})
        category.refresh_from_db()
        return category.name == "Renamed"
    if action == "manage author":
        response = client.get("/admin/authors/author/add/")
        return response.status_code == 200
    if action == "view draft publicly":
        article = draft_by(profiles["author"])
        return client.get(article.get_absolute_url()).status_code == 200
    raise AssertionError(action)


def _anon():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.mark.parametrize("action", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(action, role, people, client):
    expected = MATRIX[action][ROLES.index(role)]
    assert attempt(action, role, people, client) is expected, f"{role} × {action}"


# --- Transitions ---------------------------------------------------------------------

LEGAL = [
    (S.DRAFT, "submit", S.IN_REVIEW),
    (S.CHANGES_REQUESTED, "submit", S.IN_REVIEW),
    (S.IN_REVIEW, "request_changes", S.CHANGES_REQUESTED),
    (S.IN_REVIEW, "approve", S.APPROVED),
    (S.APPROVED, "publish", S.PUBLISHED),
    (S.PUBLISHED, "unpublish", S.UNPUBLISHED),
    (S.PUBLISHED, "archive", S.ARCHIVED),
    (S.UNPUBLISHED, "archive", S.ARCHIVED),
    (S.ARCHIVED, "restore", S.DRAFT),
    (S.UNPUBLISHED, "restore", S.DRAFT),
]
ALL_ACTIONS = ["submit", "request_changes", "approve", "publish", "unpublish", "archive", "restore"]


def run(action, article, people):
    calls = {
        "submit": lambda: services.article_submit(article=article, by=people["editor"]),
        "request_changes": lambda: services.article_request_changes(
            article=article, by=people["reviewer"], comment="Needs work."),
        "approve": lambda: services.article_approve(article=article, by=people["reviewer"], kind="full"),
        "publish": lambda: services.article_publish(article=article, by=people["editor"]),
        "unpublish": lambda: services.article_unpublish(article=article, by=people["editor"], comment="Withdrawn for a test."),
        "archive": lambda: services.article_archive(article=article, by=people["editor"], comment="Archived for a test."),
        "restore": lambda: services.article_restore(article=article, by=people["editor"]),
    }
    return calls[action]()


@pytest.mark.parametrize("start,action,end", LEGAL)
def test_legal_transitions_are_recorded(start, action, end, people):
    article = to_status(draft_by(people["profiles"]["author"]), start, people)
    before = ArticleTransition.objects.filter(article=article).count()
    run(action, article, people)
    article.refresh_from_db()
    assert article.status == end
    step = ArticleTransition.objects.filter(article=article).order_by("-at", "-pk").first()
    assert ArticleTransition.objects.filter(article=article).count() == before + 1
    assert (step.from_status, step.to_status) == (start, end)
    assert step.at is not None and step.by is not None


ILLEGAL = [
    (start, action)
    for start in [S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.PUBLISHED, S.UNPUBLISHED, S.ARCHIVED]
    for action in ALL_ACTIONS
    if (start, action) not in {(s, a) for s, a, _ in LEGAL}
    and not (action == "archive" and start != S.ARCHIVED)  # archive is allowed from any other state
    and not (action == "unpublish" and start in (S.PUBLISHED,))
]


@pytest.mark.parametrize("start,action", ILLEGAL)
def test_illegal_transitions_raise_a_clear_error(start, action, people):
    article = to_status(draft_by(people["profiles"]["author"]), start, people)
    count = ArticleTransition.objects.count()
    with pytest.raises(services.ArticleError) as excinfo:
        run(action, article, people)
    assert str(excinfo.value)
    article.refresh_from_db()
    assert article.status == start
    assert ArticleTransition.objects.count() == count


def test_request_changes_needs_a_comment(people):
    article = to_status(draft_by(people["profiles"]["author"]), S.IN_REVIEW, people)
    with pytest.raises(services.ArticleError, match="comment"):
        services.article_request_changes(article=article, by=people["reviewer"], comment="   ")


def test_cannot_submit_an_empty_article(people):
    article = ArticleFactory(author=people["profiles"]["author"])
    with pytest.raises(services.ArticleError, match="section"):
        services.article_submit(article=article, by=people["author"])


# --- Sign-off bound to the content ---------------------------------------------------

def _change_title(a):
    a.title = "A new title"
    a.save()


def _change_lead(a):
    a.lead = "A different lead."
    a.save()


def _change_section(a):
    section = a.sections.first()
    section.body = "Changed body."
    section.save()


def _add_section(a):
    SectionFactory(article=a, heading="Extra")


def _change_reference(a):
    ref = a.references.first()
    ref.pages = "1-2"
    ref.save()


def _change_alt(a):
    a.image_alt = "Another description"
    a.save()


def _change_image(a):
    a.featured_image = uploaded_image("new.png", fmt="PNG")
    a.save()


@pytest.mark.parametrize(
    "change", [_change_title, _change_lead, _change_section, _add_section, _change_reference, _change_alt, _change_image]
)
def test_any_content_change_after_approval_voids_the_sign_off(change, people):
    article = draft_by(people["profiles"]["author"], featured_image=uploaded_image(), image_alt="An X-ray")
    to_status(article, S.APPROVED, people)
    change(article)
    services.article_content_saved(article=article, by=people["editor"])
    article.refresh_from_db()
    assert article.status == S.DRAFT
    assert article.approved_fingerprint == ""
    with pytest.raises(services.ArticleError):
        services.article_publish(article=article, by=people["editor"])
    assert article.live_version is None


def test_publish_refuses_content_changed_behind_the_workflow(people):
    """Even if nothing called article_content_saved, publishing checks the fingerprint."""
    article = to_status(draft_by(people["profiles"]["author"]), S.APPROVED, people)
    _change_section(article)
    with pytest.raises(services.ArticleError, match="review again"):
        services.article_publish(article=article, by=people["editor"])
    article.refresh_from_db()
    assert article.status == S.DRAFT and article.live_version is None


def test_tags_and_category_are_not_content(people):
    article = to_status(draft_by(people["profiles"]["author"]), S.APPROVED, people)
    article.tags.add("new-tag")
    article.category = CategoryFactory()
    article.save()
    services.article_content_saved(article=article, by=people["editor"])
    article.refresh_from_db()
    assert article.status == S.APPROVED


def test_full_review_sets_dates_minor_correction_keeps_them(people):
    article = to_status(draft_by(people["profiles"]["author"]), S.PUBLISHED, people)
    article.refresh_from_db()
    today = timezone.localdate()
    assert article.last_reviewed_on == today
    assert article.next_review_due == today + settings.BONESPINE_REVIEW_CYCLE
    # Pretend the last full review was long ago, then make a minor correction.
    old = today - timedelta(days=400)
    Article.objects.filter(pk=article.pk).update(last_reviewed_on=old, next_review_due=old + timedelta(days=1095))
    article.refresh_from_db()
    _change_lead(article)
    services.article_content_saved(article=article, by=people["author"])
    services.article_submit(article=article, by=people["author"])
    services.article_approve(article=article, by=people["reviewer"], kind="minor")
    services.article_publish(article=article, by=people["editor"])
    article.refresh_from_db()
    assert article.last_reviewed_on == old
    assert article.live_version.review_kind == "minor"


def test_minor_correction_needs_an_earlier_full_review(people):
    article = to_status(draft_by(people["profiles"]["author"]), S.IN_REVIEW, people)
    with pytest.raises(services.ArticleError, match="full review"):
        services.article_approve(article=article, by=people["reviewer"], kind="minor")


# --- Editing what is live -------------------------------------------------------------

def test_live_page_unchanged_while_revision_in_progress_then_swapped_on_publish(people, client,
                                                                                django_capture_on_commit_callbacks):
    article = to_status(draft_by(people["profiles"]["author"]), S.PUBLISHED, people)
    url = article.get_absolute_url()
    assert "Original body." in client.get(url).content.decode()

    # Each step is committed (its cache invalidation runs) before the page is read again.
    with django_capture_on_commit_callbacks(execute=True):
        _change_section(article)
        article.title = "Revised title"
        article.save()
        services.article_content_saved(article=article, by=people["author"])
    article.refresh_from_db()
    assert article.status == S.DRAFT and article.live_version is not None
    page = client.get(url).content.decode()
    assert "Original body." in page and "Changed body." not in page and "Revised title" not in page

    with django_capture_on_commit_callbacks(execute=True):
        services.article_submit(article=article, by=people["author"])
    page = client.get(url).content.decode()
    assert "Original body." in page
    with django_capture_on_commit_callbacks(execute=True):
        services.article_approve(article=article, by=people["reviewer"], kind="full")
    assert "Changed body." not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=article, by=people["editor"])
    page = client.get(url).content.decode()
    assert "Changed body." in page and "Revised title" in page and "Original body." not in page
    assert list(article.versions.values_list("number", flat=True)) == [2, 1]


def test_publish_keeps_url_views_tags_and_history(people):
    from articles.services import record_article_view

    article = to_status(draft_by(people["profiles"]["author"]), S.PUBLISHED, people)
    article.tags.add("cramp")
    record_article_view(article=article)
    first_published = article.first_published_at
    _change_lead(article)
    services.article_content_saved(article=article, by=people["author"])
    for status in (S.IN_REVIEW, S.APPROVED):
        run({S.IN_REVIEW: "submit", S.APPROVED: "approve"}[status], article, people)
    services.article_publish(article=article, by=people["editor"])
    article.refresh_from_db()
    assert article.first_published_at == first_published
    assert list(article.tags.names()) == ["cramp"]
    assert article.daily_views.get().views == 1
    assert PublishedVersion.objects.filter(article=article).count() == 2


def test_last_updated_unchanged_by_a_no_op_republish(people):
    article = to_status(draft_by(people["profiles"]["author"]), S.PUBLISHED, people)
    article.refresh_from_db()
    updated = article.content_updated_at
    # Unpublish and publish the same content again.
    services.article_unpublish(article=article, by=people["editor"], comment="Withdrawn for a test.")
    services.article_restore(article=article, by=people["editor"])
    for action in ("submit", "approve", "publish"):
        run(action, article, people)
    article.refresh_from_db()
    assert article.content_updated_at == updated
    assert article.live_version.content_changed is False
    # A real change moves it.
    _change_lead(article)
    services.article_content_saved(article=article, by=people["author"])
    for action in ("submit", "approve", "publish"):
        run(action, article, people)
    article.refresh_from_db()
    assert article.content_updated_at > updated


def test_resaving_published_article_without_changes_keeps_it_published(people):
    article = to_status(draft_by(people["profiles"]["author"]), S.PUBLISHED, people)
    article.save()
    services.article_content_saved(article=article, by=people["author"])
    article.refresh_from_db()
    assert article.status == S.PUBLISHED


# --- Scheduling, reminders, emails -----------------------------------------------------

def test_scheduled_publish(people):
    article = to_status(draft_by(people["profiles"]["author"]), S.APPROVED, people)
    with pytest.raises(services.ArticleError):
        services.article_schedule(article=article, by=people["editor"], publish_at=timezone.now() - timedelta(hours=1))
    when = timezone.now() + timedelta(hours=2)
    services.article_schedule(article=article, by=people["editor"], publish_at=when)
    assert services.publish_scheduled() == []
    article.refresh_from_db()
    assert article.live_version is None
    published = services.publish_scheduled(now=when + timedelta(seconds=1))
    assert [a.pk for a in published] == [article.pk]
    article.refresh_from_db()
    assert article.status == S.PUBLISHED and article.first_published_at == when
    assert services.publish_scheduled(now=when + timedelta(minutes=5)) == []
    call_command("publish_scheduled", verbosity=0)


def test_review_reminders_are_idempotent_per_day(people):
    article = to_status(draft_by(people["profiles"]["author"]), S.PUBLISHED, people)
    Article.objects.filter(pk=article.pk).update(next_review_due=timezone.localdate() + timedelta(days=10))
    later = to_status(draft_by(people["profiles"]["author"]), S.PUBLISHED, people)  # due in 3 years
    mail.outbox.clear()
    first = services.send_review_reminders()
    assert [a.pk for a in first] == [article.pk]
    assert later.pk not in [a.pk for a in first]
    assert services.send_review_reminders() == []
    call_command("send_review_reminders")
    assert ReviewReminder.objects.count() == 1
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert len(services.send_review_reminders(today=tomorrow)) == 1


def test_workflow_emails(people, django_capture_on_commit_callbacks):
    people["author"].email = "writer@example.org"
    people["author"].save()
    people["reviewer"].email = "reviewer@example.org"
    people["reviewer"].save()
    article = draft_by(people["profiles"]["author"])
    with django_capture_on_commit_callbacks(execute=True):
        services.article_submit(article=article, by=people["author"])
    assert mail.outbox[-1].to == ["reviewer@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        services.article_request_changes(article=article, by=people["reviewer"], comment="Cite a trial.")
    assert mail.outbox[-1].to == ["writer@example.org"] and "Cite a trial." in mail.outbox[-1].body
    services.article_submit(article=article, by=people["author"])
    with django_capture_on_commit_callbacks(execute=True):
        services.article_approve(article=article, by=people["reviewer"], kind="full")
    assert "writer@example.org" in mail.outbox[-1].to
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=article, by=people["editor"])
    assert mail.outbox[-1].subject.startswith("[Bonespine] Published")


def test_reviewer_can_never_sign_off_own_article_even_as_superuser(people):
    boss = make_user("boss", superuser=True, profile=ReviewerFactory(name="Dr Boss"))
    article = draft_by(boss.author_profile)
    services.article_submit(article=article, by=boss)
    with pytest.raises(PermissionDenied):
        services.article_approve(article=article, by=boss, kind="full")
