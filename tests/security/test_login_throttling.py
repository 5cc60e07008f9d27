"""Admin log-in throttling (django-axes) and password rules."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/"
PASSWORD = "correct-horse-battery"  # UserFactory's
LOCKOUT_TEXT = "Too many failed log-in attempts"


@pytest.fixture
def editor():
    return UserFactory(username="editor", is_staff=True)


def log_in(client, username, password, ip="198.51.100.7"):
    return client.post(
        f"{LOGIN_URL}?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username, times, ip="198.51.100.7"):
    for _ in range(times):
        log_in(client, username, "wrong-password", ip)


def test_a_correct_password_logs_in(client, editor):
    response = log_in(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_four_failures_do_not_lock_out(client, editor):
    fail(client, "editor", 4)
    response = log_in(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_five_failures_lock_the_username_and_address_even_with_the_right_password(client, editor):
    for attempt in range(1, 5):
        response = log_in(client, "editor", "wrong-password")
        assert response.status_code == 200, attempt  # the form again, with its error
    fifth = log_in(client, "editor", "wrong-password")
    assert fifth.status_code == 429

    sixth = log_in(client, "editor", PASSWORD)
    assert sixth.status_code == 429
    assert not logged_in(client)
    content = sixth.content.decode()
    assert LOCKOUT_TEXT in content
    assert "paused for 30 minutes after 5 wrong passwords" in content
    assert "Bonespine editorial" in content  # the admin's design, not a bare message
    assert sixth.headers["Retry-After"] == str(30 * 60)


def test_a_lockout_does_not_affect_other_usernames(client, editor):
    UserFactory(username="reviewer", is_staff=True)
    fail(client, "editor", 5)
    response = log_in(client, "reviewer", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_a_lockout_does_not_affect_the_same_username_from_another_address(client, editor):
    fail(client, "editor", 5, ip="198.51.100.7")
    response = log_in(client, "editor", PASSWORD, ip="203.0.113.9")
    assert response.status_code == 302
    assert logged_in(client)


def test_a_successful_log_in_resets_the_count(client, editor):
    fail(client, "editor", 4)
    assert log_in(client, "editor", PASSWORD).status_code == 302
    client.logout()
    fail(client, "editor", 4)
    response = log_in(client, "editor", PASSWORD)
    assert response.status_code == 302


def test_the_lockout_ends_after_thirty_minutes(client, editor):
    fail(client, "editor", 5)
    assert log_in(client, "editor", PASSWORD).status_code == 429
    attempt = AccessAttempt.objects.get(username="editor")
    attempt.attempt_time -= timedelta(minutes=29)
    attempt.save()
    assert log_in(client, "editor", PASSWORD).status_code == 429
    attempt.refresh_from_db()
    attempt.attempt_time -= timedelta(minutes=31)
    attempt.save()
    response = log_in(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_force_login_still_works_for_tests(client, editor):
    fail(client, "editor", 5)
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    "password",
    ["short1!", "password123", "1234567890987", "editor12345"],
    ids=["too short", "common", "numeric", "like the username"],
)
def test_weak_passwords_are_rejected(editor, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=editor)


def test_a_strong_password_is_accepted(editor):
    validate_password("plaster-cast-Osprey-42", user=editor)
