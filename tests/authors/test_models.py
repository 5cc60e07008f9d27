"""Author model: constraints, querysets, URLs and small display helpers."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import resolve

from authors import views
from authors.models import Author
from tests.factories import AuthorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_str_and_url():
    author = AuthorFactory(name="Dr Asha Rao", slug="dr-asha-rao")
    assert str(author) == "Dr Asha Rao"
    assert author.get_absolute_url() == "/authors/dr-asha-rao/"
    match = resolve(author.get_absolute_url())
    assert match.func == views.author_detail
    assert match.kwargs == {"slug": "dr-asha-rao"}


def test_slug_unique_in_the_database():
    AuthorFactory(slug="dr-rao")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuthorFactory(slug="dr-rao")


@pytest.mark.parametrize("field,constraint", [("slug", "author_slug_not_blank"), ("name", "author_name_not_blank")])
def test_blank_slug_or_name_rejected(field, constraint):
    author = AuthorFactory()
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        Author.objects.filter(pk=author.pk).update(**{field: ""})
    assert constraint in str(excinfo.value)


def test_full_clean_duplicate_slug_message():
    AuthorFactory(slug="dr-rao")
    with pytest.raises(ValidationError) as excinfo:
        Author(name="Dr Rao", slug="dr-rao").full_clean()
    assert "This slug is already used." in excinfo.value.messages


def test_urls_must_be_web_addresses():
    author = AuthorFactory.build(website="javascript:alert(1)", orcid="ftp//nope")
    with pytest.raises(ValidationError) as excinfo:
        author.full_clean()
    assert {"website", "orcid"} <= set(excinfo.value.message_dict)


def test_ordering_by_name():
    AuthorFactory(name="Dr Zed")
    AuthorFactory(name="Dr Ada")
    assert [a.name for a in Author.objects.all()] == ["Dr Ada", "Dr Zed"]


@pytest.mark.parametrize(
    "credentials,expected", [("MBBS, MS (Orth)", "Dr Rao, MBBS, MS (Orth)"), ("", "Dr Rao")]
)
def test_name_with_credentials(credentials, expected):
    assert Author(name="Dr Rao", credentials=credentials).name_with_credentials == expected


def test_specialty_list():
    assert Author(specialties=" Spine, ,Trauma ,Sports injuries,").specialty_list == ["Spine", "Trauma", "Sports injuries"]
    assert Author(specialties="").specialty_list == []


def test_deleting_the_login_keeps_the_author():
    user = UserFactory()
    author = AuthorFactory(user=user)
    user.delete()
    author.refresh_from_db()
    assert author.user is None
