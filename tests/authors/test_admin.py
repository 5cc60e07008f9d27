"""Author profiles in the admin: an author (or reviewer) edits their own biography, photo,
specialties and links; who they are and what they may do stays with the editors; other
people's profiles are not there for them."""

import pytest
from django.urls import reverse

from articles.workflow import roles
from authors.models import Author
from tests.articles.test_admin_workflow import form_data, staff
from tests.factories import AuthorFactory, ReviewerFactory, role_group, uploaded_image

pytestmark = pytest.mark.django_db

EDITORS_ONLY = {
    "name": "Dr Someone Else",
    "slug": "someone-else",
    "credentials": "FRCS (forged)",
    "professional_title": "Chief of everything",
    "is_medical_reviewer": "on",
}


def change_url(author):
    return reverse("admin:authors_author_change", args=[author.pk])


@pytest.fixture
def me(client):
    profile = AuthorFactory(name="Dr Asha Rao", slug="dr-asha-rao", credentials="MBBS", bio="Old bio.")
    user = staff("asha", roles.AUTHOR, profile)
    client.force_login(user)
    return profile


def test_author_and_reviewer_groups_may_change_author_profiles():
    for group in (roles.AUTHOR, roles.REVIEWER):
        assert role_group(group).permissions.filter(
            content_type__app_label="authors", codename="change_author"
        ).exists(), group


def test_author_edits_own_bio_photo_and_links(client, me, settings):
    data = form_data(client, change_url(me))
    data.update({"bio": "Consultant at the city hospital.", "short_bio": "Spine surgeon.", "specialties": "Spine",
                 "website": "https://example.org/rao", "photo": uploaded_image("me.jpg"), "_save": "Save"})
    response = client.post(change_url(me), data)
    assert response.status_code == 302
    me.refresh_from_db()
    assert (me.bio, me.short_bio, me.specialties, me.website) == (
        "Consultant at the city hospital.", "Spine surgeon.", "Spine", "https://example.org/rao"
    )
    assert me.photo.name.startswith("authors/")


def test_who_the_author_is_is_read_only_for_them(client, me):
    page = client.get(change_url(me)).content.decode()
    for field in ("name", "slug", "credentials", "professional_title", "is_medical_reviewer", "user"):
        assert f'name="{field}"' not in page, field
    assert 'name="bio"' in page
    assert "Dr Asha Rao" in page and "MBBS" in page  # shown, not editable


def test_forged_post_cannot_change_credentials_or_reviewer_status(client, me):
    other_user = staff("someone", roles.AUTHOR)
    data = {**form_data(client, change_url(me)), **EDITORS_ONLY, "user": str(other_user.pk), "bio": "New bio.",
            "_save": "Save"}
    response = client.post(change_url(me), data)
    assert response.status_code == 302
    me.refresh_from_db()
    assert me.bio == "New bio."
    assert (me.name, me.slug, me.credentials, me.professional_title, me.is_medical_reviewer) == (
        "Dr Asha Rao", "dr-asha-rao", "MBBS", "", False
    )
    assert me.user.username == "asha"


def test_author_cannot_open_or_change_another_authors_profile(client, me):
    theirs = AuthorFactory(name="Dr Other", bio="Their bio.")
    assert client.get(change_url(theirs)).status_code == 404
    response = client.post(change_url(theirs), {"bio": "Hijacked", "_save": "Save"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.bio == "Their bio."
    assert client.get(reverse("admin:authors_author_history", args=[theirs.pk])).status_code in (302, 403, 404)
    assert client.get(reverse("admin:authors_author_change", args=["not-a-number"])).status_code == 404


def test_author_sees_only_their_own_profile_in_the_list(client, me):
    AuthorFactory(name="Dr Other")
    response = client.get(reverse("admin:authors_author_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [me]
    assert "Dr Other" not in response.content.decode()


def test_author_cannot_add_or_delete_profiles(client, me):
    assert client.get(reverse("admin:authors_author_add")).status_code == 403
    assert client.post(reverse("admin:authors_author_add"), {"name": "Dr New", "slug": "dr-new"}).status_code == 403
    assert client.post(reverse("admin:authors_author_delete", args=[me.pk]), {"post": "yes"}).status_code == 403
    assert Author.objects.filter(pk=me.pk).exists() and not Author.objects.filter(slug="dr-new").exists()


def test_author_without_a_profile_sees_no_profiles(client):
    AuthorFactory()
    client.force_login(staff("newcomer", roles.AUTHOR))
    response = client.get(reverse("admin:authors_author_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


def test_reviewer_edits_own_bio_but_not_reviewer_status(client):
    profile = ReviewerFactory(name="Dr Rhea Kapoor", bio="Old.")
    client.force_login(staff("rhea", roles.REVIEWER, profile))
    data = {**form_data(client, change_url(profile)), "bio": "Reviews spine articles.", "_save": "Save"}
    data.pop("is_medical_reviewer", None)  # a forged "untick" is ignored as well
    assert client.post(change_url(profile), data).status_code == 302
    profile.refresh_from_db()
    assert profile.bio == "Reviews spine articles." and profile.is_medical_reviewer
    assert client.get(change_url(AuthorFactory())).status_code == 404


def test_editor_still_manages_every_profile(client):
    client.force_login(staff("ed", roles.EDITOR))
    author = AuthorFactory(name="Dr Writer", slug="dr-writer")
    data = {**form_data(client, change_url(author)), "credentials": "MBBS, FRCS", "is_medical_reviewer": "on",
            "_save": "Save"}
    assert client.post(change_url(author), data).status_code == 302
    author.refresh_from_db()
    assert author.credentials == "MBBS, FRCS" and author.is_medical_reviewer
    assert client.get(reverse("admin:authors_author_add")).status_code == 200
