"""The workflow table is the only place a transition is defined.

Every (state, action, role) cell is walked through the three places that act on it — the
permission check, the buttons the admin page shows, and the service itself — and the
three must agree with each other and with what the table says.
"""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article
from articles.workflow import permissions, roles, snapshots, table
from tests.factories import ArticleFactory, AuthorFactory, ReviewerFactory, SectionFactory, UserFactory, make_live, role_group

pytestmark = pytest.mark.django_db

S = table.Status
# Each state, plus the states a live article's working revision can be in.
SCENARIOS = [(state, False) for state in S.values] + [
    (S.DRAFT, True), (S.IN_REVIEW, True), (S.CHANGES_REQUESTED, True), (S.APPROVED, True),
]
# The people, and the roles the table should give each of them for the article under test.
PEOPLE = {
    "author": {table.AUTHOR},          # wrote this article
    "reviewer": {table.REVIEWER},      # a qualified medical reviewer who did not write it
    "editor": {table.EDITOR},
    "other_author": set(),             # an author, but of other articles
}
ACTION_NAMES = [action.name for action in table.ACTIONS if action.name != "sign_off_and_publish"]


class Rollback(Exception):
    pass


def make_user(username, group, profile=None):
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(role_group(group))
    if profile is not None:
        profile.user = user
        profile.save()
    return user


@pytest.fixture
def people():
    writer = AuthorFactory(name="Dr Writer")
    return {
        "writer": writer,
        "author": make_user("author", roles.AUTHOR, writer),
        "reviewer": make_user("reviewer", roles.REVIEWER, ReviewerFactory(name="Dr Reviewer")),
        "editor": make_user("editor", roles.EDITOR),
        "other_author": make_user("other", roles.AUTHOR, AuthorFactory(name="Dr Other")),
    }


def article_in(state: str, live: bool, writer) -> Article:
    """An article by ``writer`` in ``state`` (a working revision of a live article when ``live``),
    ready for every requirement: it has a lead and a section, and had a full review once."""
    article = ArticleFactory(author=writer)
    SectionFactory(article=article, heading="Causes")
    signer = ReviewerFactory(name="Dr Earlier Reviewer")
    if live or state in (S.PUBLISHED, S.UNPUBLISHED, S.ARCHIVED):
        make_live(article, reviewer=signer)
    rows = Article.objects.filter(pk=article.pk)
    rows.update(last_reviewed_on=timezone.localdate() - timedelta(days=100), next_review_due=None)
    if state in (S.UNPUBLISHED, S.ARCHIVED):
        rows.update(status=state, live_version=None)
    elif state == S.APPROVED:
        article.refresh_from_db()
        rows.update(status=state, approved_fingerprint=snapshots.article_fingerprint(article), approved_by=signer,
                    approved_at=timezone.now(), approval_kind=table.ReviewKind.FULL)
    else:
        rows.update(status=state)
    article.refresh_from_db()
    assert article.status == state and (article.live_version_id is not None) == (live or state == S.PUBLISHED)
    return article


GUARDS = {  # the scenarios' facts: nobody was asked to review, nothing is scheduled
    table.LIVE: lambda article: article.live_version_id is not None,
    table.UNASSIGNED: lambda article: True,
    table.FOR_ME: lambda article: True,
    table.SCHEDULED: lambda article: False,
}


def expected(name: str, article: Article, who: str) -> bool:
    """What the table says, from the roles this test gives each person (not from the code under test)."""
    action = table.action(name)
    assert article.requested_reviewer_id is None and article.publish_at is None
    guards = all(GUARDS[g](article) for g in action.requires if g in table.GUARDS)
    return article.status in action.sources(PEOPLE[who]) and guards


def take(name: str, article: Article, user) -> None:
    """Take action ``name`` through its service, with every input it needs."""
    comment, later = "Age range changed to 40-65 per NICE CKS.", timezone.now() + timedelta(days=2)
    reviewer = permissions.reviewer_choices(article).first()
    calls = {
        "edit": lambda: services.article_update(article=article, by=user, expected_revision=article.edit_revision),
        "submit": lambda: services.article_submit(article=article, by=user, comment=comment),
        "approve_full": lambda: services.article_approve(article=article, by=user, kind="full", comment=comment),
        "approve_minor": lambda: services.article_approve(article=article, by=user, kind="minor", comment=comment),
        "request_changes": lambda: services.article_request_changes(article=article, by=user, comment=comment),
        "publish": lambda: services.article_publish(article=article, by=user),
        "schedule": lambda: services.article_schedule(article=article, by=user, publish_at=later),
        "unpublish": lambda: services.article_unpublish(article=article, by=user, comment=comment),
        "archive": lambda: services.article_archive(article=article, by=user, comment=comment),
        "restore": lambda: services.article_restore(article=article, by=user),
        "comment": lambda: services.article_comment(article=article, by=user, text=comment),
        "claim": lambda: services.article_claim(article=article, by=user),
        "request_reviewer": lambda: services.article_request_reviewer(article=article, by=user, reviewer=reviewer),
        "unschedule": lambda: services.article_unschedule(article=article, by=user),
    }
    assert set(calls) == set(ACTION_NAMES) - {"view"}, "every action of the table is walked (view has no service)"
    calls[name]()


def service_allows(name: str, article: Article, user) -> bool:
    """Whether the service does it (then rolled back, so every cell starts from the same article)."""
    before = (article.status, article.live_version_id)
    allowed = True
    try:
        with transaction.atomic():
            try:
                take(name, article, user)
            except (services.ArticleError, PermissionDenied):
                allowed = False
                article.refresh_from_db()
                assert (article.status, article.live_version_id) == before, f"{name} refused, yet changed the article"
            raise Rollback
    except Rollback:
        pass
    article.refresh_from_db()
    return allowed


def admin_buttons(client, user, article) -> set[str]:
    client.force_login(user)
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    if response.status_code in (403, 404):
        return set()
    assert response.status_code == 200
    buttons = set(re.findall(r'<button[^>]*name="_workflow" value="([a-z_]+)"', response.content.decode()))
    return buttons - {"comment"}  # the conversation's "Send reply" is not a workflow step


@pytest.mark.parametrize("state, live", SCENARIOS, ids=[f"{s}{'-live' if live else ''}" for s, live in SCENARIOS])
@pytest.mark.parametrize("who", list(PEOPLE))
def test_table_permissions_buttons_and_services_agree(client, people, state, live, who):
    article = article_in(state, live, people["writer"])
    user = people[who]
    buttons = admin_buttons(client, user, article)
    disagreements = []
    for name in ACTION_NAMES:
        action = table.action(name)
        want = expected(name, article, who)
        check = permissions.can_view(user, article) if name == "view" else (
            permissions.can_edit(user, article) if name == "edit" else permissions.may(user, name, article))
        does = check if name == "view" else service_allows(name, article, user)
        shown = name in buttons if action.button else want
        if not (want == check == does == shown):
            disagreements.append(f"{name}: table={want} permission={check} service={does} button={shown}")
    assert not disagreements, f"{state}{' (live)' if live else ''} as {who}:\n" + "\n".join(disagreements)


def test_every_state_and_role_is_in_the_table():
    for action in table.ACTIONS:
        assert set(action.allowed) <= {*table.ROLES, table.SYSTEM}, action.name
        for states in action.allowed.values():
            assert states <= set(S.values), action.name
        if action.target:
            assert action.target in S.values, action.name
    assert [a.name for a in table.BUTTONS] == ["submit", "claim", "request_reviewer", "approve_full",
                                               "approve_minor", "request_changes", "publish", "schedule",
                                               "unschedule", "unpublish", "archive", "restore"]


def test_no_transition_is_defined_outside_the_table():
    """The services and the admin take states from the table: no status literal sets elsewhere."""
    from pathlib import Path

    import articles

    root = Path(articles.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        if "migrations" in path.parts or path.name == "table.py":
            continue
        text = path.read_text()
        if re.search(r"_require_status|AUTHOR_EDITABLE|EDITOR_EDITABLE|REVIEWER_VISIBLE", text):
            offenders.append(str(path.relative_to(root)))
        if re.search(r"article\.status = S\.(IN_REVIEW|CHANGES_REQUESTED|PUBLISHED|UNPUBLISHED|ARCHIVED)", text):
            offenders.append(str(path.relative_to(root)))
    assert not offenders


def test_system_may_publish_scheduled_and_load_reviewed_content(people):
    article = article_in(S.APPROVED, False, people["writer"])
    assert permissions.may(None, "publish", article)
    assert not permissions.may(None, "archive", article)
    draft = article_in(S.DRAFT, False, people["writer"])
    assert permissions.may(None, "sign_off_and_publish", draft)
    assert not any(permissions.may(people[who], "sign_off_and_publish", draft) for who in PEOPLE)
