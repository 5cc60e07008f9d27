"""The editorial workflow as ONE table: state × action → next state, who may do it, what it requires.

Everything else reads this module: the services (:mod:`articles.workflow.services`)
refuse what it does not allow, the admin shows exactly the buttons it allows
(:func:`articles.workflow.permissions.available_actions`), and the permission checks
(``can_edit``, ``can_view``, ``visible_articles``) take their state sets from it. A
transition written anywhere else is a bug; ``tests/articles/test_workflow_table.py``
walks every (state, action, role) cell through all three and asserts they agree.

Roles are relative to one article: the *author* is the clinician who wrote it, the
*reviewer* a qualified medical reviewer who did not, the *editor* anyone holding
``articles.publish_article``; *system* is a command or cron job (no person), which
publishes scheduled articles and loads content reviewed elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"
    ARCHIVED = "archived", "Archived"


class ReviewKind(models.TextChoices):
    FULL = "full", "Full review (resets the review dates)"
    MINOR = "minor", "Minor correction (review dates stay)"


S = Status

AUTHOR = "author"
REVIEWER = "reviewer"
EDITOR = "editor"
SYSTEM = "system"
ROLES = (AUTHOR, REVIEWER, EDITOR)  # the people; SYSTEM acts for commands and cron

# What an action requires besides the role and the state. Guards are facts about the
# article that decide whether the action is offered at all; the others are checked by
# the service when the action is taken, with a message saying what is missing.
LIVE = "live"                            # guard: a signed-off version is on the public site
UNASSIGNED = "unassigned"                # guard: no reviewer was asked or has claimed it
FOR_ME = "asked of me or of nobody"      # guard: the person is the reviewer asked, or none was asked
SCHEDULED = "scheduled"                  # guard: a publication time is set
READY = "ready for review"               # a lead, at least one section, alt text for an image
COMMENT = "comment"                      # a comment saying what must change
PRIOR_FULL_REVIEW = "prior full review"  # a minor correction needs an earlier full review
SIGN_OFF_INTACT = "sign-off intact"      # the content is exactly what was signed off
FUTURE_TIME = "future time"              # a publication time that has not passed
GUARDS = frozenset({LIVE, UNASSIGNED, FOR_ME, SCHEDULED})
REVIEWER_CHOICE = "reviewer"              # a qualified reviewer other than the author (when one is picked)

ALL = frozenset(Status.values)
NOT_OFFLINE = ALL - {S.UNPUBLISHED, S.ARCHIVED}
AUTHOR_EDITABLE = frozenset({S.DRAFT, S.CHANGES_REQUESTED, S.PUBLISHED, S.UNPUBLISHED})
EDITOR_EDITABLE = AUTHOR_EDITABLE | {S.IN_REVIEW, S.APPROVED}
REVIEWER_VISIBLE = frozenset({S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED})


@dataclass(frozen=True)
class Action:
    name: str
    label: str                                  # the admin button; "" = no button
    target: str | None                          # next state; None = unchanged
    allowed: dict[str, frozenset[str]]          # role -> the states it may do this from
    requires: tuple[str, ...] = ()
    denied: str = "You are not allowed to do that."  # said to someone with none of the roles
    wrong_state: str = ""                       # said when the state does not allow it ("" = generic)
    verb: str = ""                              # "Cannot <verb> an article that is …"
    comment: str = ""                           # recorded when the person typed no comment
    fields: tuple[str, ...] = field(default=())  # inputs the admin form shows with the button
    confirm: bool = False                       # asks "are you sure?" with a reason before it is done
    missing_comment: str = "Write a comment first."  # said when COMMENT is required and none was typed

    @property
    def button(self) -> bool:
        return bool(self.label)

    def sources(self, roles) -> frozenset[str]:
        """The states from which someone holding ``roles`` may take this action."""
        found = frozenset()
        for role in roles:
            found |= self.allowed.get(role, frozenset())
        return found

    def state_error(self, status: str) -> str:
        if self.wrong_state:
            return self.wrong_state
        names = ", ".join(sorted(str(Status(s).label).lower() for s in self.sources(self.allowed)))
        return f"Cannot {self.verb or self.name} an article that is {Status(status).label.lower()} (it must be {names})."


def _a(*states) -> frozenset[str]:
    return frozenset(states)


ACTIONS: tuple[Action, ...] = (
    # Working on the copy (no button: saving the form is the action).
    Action("view", "", None, {AUTHOR: ALL, EDITOR: ALL, REVIEWER: REVIEWER_VISIBLE}),
    Action("edit", "", S.DRAFT, {AUTHOR: AUTHOR_EDITABLE, EDITOR: EDITOR_EDITABLE},
           denied="Only the article's author or an editor can edit it."),
    # (edit's target applies when the edit voids a sign-off, starts a revision of a live
    # article or reopens an unpublished one: see services.article_content_saved)
    # Talking about it (its own form on the article's page, not a button of the panel).
    Action("comment", "", None, {AUTHOR: ALL, EDITOR: ALL, REVIEWER: REVIEWER_VISIBLE}, requires=(COMMENT,),
           denied="Only the article's author, its reviewers and editors can comment on it."),
    # The buttons, in the order the admin shows them.
    Action("submit", "Submit for medical review", S.IN_REVIEW,
           {AUTHOR: _a(S.DRAFT, S.CHANGES_REQUESTED), EDITOR: _a(S.DRAFT, S.CHANGES_REQUESTED)},
           requires=(READY,), denied="Only the article's author or an editor can submit it for review.",
           comment="Submitted for medical review.", fields=("comment", REVIEWER_CHOICE)),
    Action("claim", "Claim this review", None, {REVIEWER: _a(S.IN_REVIEW)}, requires=(UNASSIGNED,),
           denied="Only a qualified medical reviewer who did not write this article can review it.",
           wrong_state="Only an article waiting for review can be claimed."),
    Action("request_reviewer", "Ask this reviewer", None,
           {AUTHOR: _a(S.IN_REVIEW), EDITOR: _a(S.IN_REVIEW)}, requires=(REVIEWER_CHOICE,),
           denied="Only the article's author or an editor can choose its reviewer.", verb="choose a reviewer for",
           fields=(REVIEWER_CHOICE,)),
    Action("approve_full", "Approve — full review", S.APPROVED, {REVIEWER: _a(S.IN_REVIEW)}, requires=(FOR_ME,),
           denied="Only a qualified medical reviewer who did not write this article can sign it off.",
           verb="approve", comment="Approved (full review).", fields=("comment",)),
    Action("approve_minor", "Approve — minor correction", S.APPROVED, {REVIEWER: _a(S.IN_REVIEW)},
           requires=(FOR_ME, PRIOR_FULL_REVIEW),
           denied="Only a qualified medical reviewer who did not write this article can sign it off.",
           verb="approve", comment="Approved (minor correction).", fields=("comment",)),
    Action("request_changes", "Request changes", S.CHANGES_REQUESTED, {REVIEWER: _a(S.IN_REVIEW)},
           requires=(FOR_ME, COMMENT),
           denied="Only a qualified medical reviewer who did not write this article can review it.",
           verb="request changes to", fields=("comment",),
           missing_comment="Say what needs to change: a comment is required when requesting changes."),
    Action("publish", "Publish now", S.PUBLISHED, {EDITOR: _a(S.APPROVED), SYSTEM: _a(S.APPROVED)},
           requires=(SIGN_OFF_INTACT,), denied="Only an editor can publish articles."),
    Action("schedule", "Schedule", None, {EDITOR: _a(S.APPROVED)}, requires=(FUTURE_TIME,),
           denied="Only an editor can schedule articles.", fields=("publish_at",)),
    Action("unschedule", "Cancel the schedule", None, {EDITOR: _a(S.APPROVED)}, requires=(SCHEDULED,),
           denied="Only an editor can change a schedule.", wrong_state="This article is not scheduled."),
    Action("unpublish", "Unpublish", S.UNPUBLISHED, {EDITOR: NOT_OFFLINE}, requires=(LIVE, COMMENT),
           denied="Only an editor can unpublish articles.", wrong_state="This article is not live.",
           fields=("comment",), confirm=True,
           missing_comment="Give the reason for unpublishing: it is kept in the article's history."),
    Action("archive", "Archive", S.ARCHIVED, {EDITOR: ALL - {S.ARCHIVED}}, requires=(COMMENT,),
           denied="Only an editor can archive articles.", wrong_state="This article is already archived.",
           fields=("comment",), confirm=True,
           missing_comment="Give the reason for archiving: it is kept in the article's history."),
    Action("restore", "Restore to draft", S.DRAFT, {EDITOR: _a(S.UNPUBLISHED, S.ARCHIVED)},
           denied="Only an editor can restore archived articles.", comment="Restored to draft."),
    # Content reviewed elsewhere (demo content, imports run by an administrator): sign-off and publish in one step.
    Action("sign_off_and_publish", "", S.PUBLISHED,
           {SYSTEM: _a(S.DRAFT, S.CHANGES_REQUESTED, S.IN_REVIEW, S.APPROVED)}, requires=(READY,),
           verb="publish"),
)

BY_NAME: dict[str, Action] = {action.name: action for action in ACTIONS}
BUTTONS: tuple[Action, ...] = tuple(action for action in ACTIONS if action.button)


def action(name: str) -> Action:
    return BY_NAME[name]
