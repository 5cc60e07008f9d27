"""The contact page, "Was this page helpful?" feedback, their limits and their admin."""

import hashlib
import re
import time
from datetime import timedelta

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone

from articles.feedback import ratelimit
from articles.feedback import services as feedback_services
from articles.models import ArticleFeedback, ContactMessage
from tests.factories import (
    ArticleFactory,
    SectionFactory,
    UserFactory,
    published_article,
    role_group,
)

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script>"
ESCAPED_XSS = "&lt;script&gt;alert(1)&lt;/script&gt;"
IP = "203.0.113.7"


def contact_data(**overrides):
    data = {"name": "Priya Shah", "email": "priya@example.org", "subject": "Typo",
            "message": "The second section says 'femer'.", "website": ""}
    data.update(overrides)
    return data


def post_contact(client, ip=IP, **overrides):
    return client.post("/contact/", contact_data(**overrides), REMOTE_ADDR=ip)


def post_feedback(client, article, ip=IP, **data):
    data.setdefault("helpful", "yes")
    return client.post(f"/articles/{article.slug}/feedback/", data, REMOTE_ADDR=ip)


@pytest.fixture
def article():
    return published_article(title="Muscle cramps", slug="muscle-cramps")


def staff(group=None, **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    if group:
        user.groups.add(role_group(group))
    return user


# --- URLs ------------------------------------------------------------------------------------


def test_urls_reverse_and_resolve():
    assert reverse("feedback:contact") == "/contact/"
    assert resolve("/contact/").view_name == "feedback:contact"
    assert reverse("feedback:article", args=["knee-pain"]) == "/articles/knee-pain/feedback/"
    assert resolve("/articles/knee-pain/feedback/").view_name == "feedback:article"
    assert resolve("/articles/knee-pain/").view_name == "articles:detail"


# --- Contact page ---------------------------------------------------------------------------


class TestContactPage:
    def test_get_shows_default_heading_and_form(self, client):
        response = client.get("/contact/")
        assert response.status_code == 200
        html = response.content.decode()
        assert '<h1 id="page-title" class="page-title">Contact us</h1>' in html
        assert "<title>Contact us · Bonespine</title>" in html
        assert '<form method="post" action="/contact/" novalidate>' in html
        assert 'name="csrfmiddlewaretoken"' in html
        for field, label in [("name", "Your name"), ("email", "Email address"),
                             ("subject", "Subject (optional)"), ("message", "Message")]:
            assert f'<label for="id_{field}">{label}</label>' in html
            assert f'id="id_{field}"' in html
        assert 'maxlength="5000"' in html
        assert '<button type="submit">Send message</button>' in html

    def test_honeypot_is_hidden_labelled_and_out_of_tab_order(self, client):
        html = client.get("/contact/").content.decode()
        trap = re.search(r'<div class="visually-hidden">(.*?)</div>', html, re.S).group(1)
        assert '<label for="id_website">Leave this field empty</label>' in trap
        assert 'tabindex="-1"' in trap
        assert 'autocomplete="off"' in trap

    def test_shows_the_flatpage_title_and_content(self, client):
        page = FlatPage.objects.create(url="/contact/", title="Get in touch", content="<p>Write to the editors.</p>")
        page.sites.add(Site.objects.get(pk=1))
        html = client.get("/contact/").content.decode()
        assert '<h1 id="page-title" class="page-title">Get in touch</h1>' in html
        assert "<p>Write to the editors.</p>" in html
        assert '<form method="post" action="/contact/"' in html

    def test_flatpage_of_another_site_is_not_used(self, client):
        page = FlatPage.objects.create(url="/contact/", title="Other site", content="x")
        page.sites.add(Site.objects.create(domain="other.example", name="Other"))
        html = client.get("/contact/").content.decode()
        assert "Other site" not in html
        assert ">Contact us</h1>" in html

    def test_valid_post_stores_one_message_and_redirects(self, client):
        response = post_contact(client)
        assert response.status_code == 303
        assert response["Location"] == "/contact/?sent=1"
        message = ContactMessage.objects.get()
        assert (message.name, message.email, message.subject) == ("Priya Shah", "priya@example.org", "Typo")
        assert message.message == "The second section says 'femer'."
        assert message.article is None
        assert message.handled is False

    def test_thank_you_after_sending(self, client):
        html = client.get("/contact/?sent=1").content.decode()
        notice = re.search(r'<div class="form-notice form-notice--success" role="status">(.*?)</div>', html, re.S)
        assert notice and "your message has been sent" in notice.group(1)
        assert "<form" not in html.split('id="main-content"')[1].split("</main>")[0]

    def test_invalid_email_keeps_text_and_stores_nothing(self, client):
        response = post_contact(client, email="not-an-email", message="My <b>careful</b> text")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Enter a valid email address, like name@example.com." in html
        assert 'value="not-an-email"' in html
        assert 'value="Priya Shah"' in html
        assert "My &lt;b&gt;careful&lt;/b&gt; text</textarea>" in html
        assert 'aria-invalid="true"' in html
        assert '<a href="#id_email">' in html  # error summary links to the field
        assert "<title>Error: Contact us" in html
        assert ContactMessage.objects.count() == 0

    def test_required_fields(self, client):
        response = post_contact(client, name="", email="", message="   ")
        assert response.status_code == 200
        for error in ("Enter your name.", "Enter your email address so we can reply.", "Write your message."):
            assert error in response.content.decode()
        assert ContactMessage.objects.count() == 0

    def test_over_long_message_is_rejected(self, client):
        response = post_contact(client, message="a" * 5001)
        assert response.status_code == 200
        assert "Your message is too long: please keep it to 5000 characters (it has 5001)." in response.content.decode()
        assert ContactMessage.objects.count() == 0

    def test_longest_message_is_accepted_counting_line_breaks_once(self, client):
        text = "a" * 4998 + "\r\n" + "b"  # 5001 characters as sent, 5000 as the reader typed them
        assert post_contact(client, message=text).status_code == 303
        assert ContactMessage.objects.get().message == "a" * 4998 + "\nb"

    def test_honeypot_pretends_success_and_stores_nothing(self, client):
        response = post_contact(client, website="https://spam.example")
        assert response.status_code == 303
        assert response["Location"] == "/contact/?sent=1"
        assert ContactMessage.objects.count() == 0

    def test_rate_limit(self, client):
        for _ in range(5):
            assert post_contact(client).status_code == 303
        response = post_contact(client, message="Sixth message")
        assert response.status_code == 429
        html = response.content.decode()
        assert "Your message was not sent." in html
        assert "Sixth message</textarea>" in html  # the reader can copy their text
        assert 0 < int(response["Retry-After"]) <= 3600
        assert ContactMessage.objects.count() == 5
        assert post_contact(client, ip="198.51.100.9").status_code == 303  # other visitors are not affected
        assert ContactMessage.objects.count() == 6

    def test_rejected_forms_do_not_use_up_the_limit(self, client):
        for _ in range(8):
            assert post_contact(client, email="typo").status_code == 200
        assert post_contact(client).status_code == 303

    def test_csrf_protected(self):
        client = Client(enforce_csrf_checks=True)
        assert client.post("/contact/", contact_data(), REMOTE_ADDR=IP).status_code == 403
        assert ContactMessage.objects.count() == 0

    def test_report_a_problem_link_carries_the_article(self, client, article):
        html = client.get("/contact/?article=muscle-cramps").content.decode()
        assert '<input type="hidden" name="article" value="muscle-cramps" id="id_article">' in html
        assert 'You are writing about the page <a href="/articles/muscle-cramps/">Muscle cramps</a>' in html
        assert post_contact(client, article="muscle-cramps").status_code == 303
        assert ContactMessage.objects.get().article == article

    @pytest.mark.parametrize("slug", ["no-such-page", "a-draft", '"><script>alert(1)</script>'])
    def test_unknown_or_unpublished_article_is_ignored(self, client, slug):
        ArticleFactory(slug="a-draft")
        response = client.get("/contact/", {"article": slug})
        assert response.status_code == 200
        assert 'name="article" id="id_article"' in response.content.decode()  # no value
        assert "<script>alert(1)" not in response.content.decode()
        assert post_contact(client, article=slug).status_code == 303
        assert ContactMessage.objects.get().article is None

    def test_other_methods_not_allowed(self, client):
        assert client.put("/contact/").status_code == 405
        assert client.head("/contact/").status_code == 200


# --- Rate limit helper ---------------------------------------------------------------------------


class TestRateLimit:
    def test_key_is_a_keyed_hash_not_the_address(self, settings):
        request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.77")
        key = ratelimit.client_key(ratelimit.CONTACT.group, request)
        assert "203.0.113.77" not in key
        assert key not in hashlib.sha256(b"203.0.113.77").hexdigest()
        settings.SECRET_KEY = "another-secret-key-only-for-this-test-0123456789"
        assert ratelimit.client_key(ratelimit.CONTACT.group, request) != key

    def test_ipv6_counted_per_64(self):
        factory = RequestFactory()
        a = factory.post("/", REMOTE_ADDR="2001:db8:1:2::1")
        b = factory.post("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
        c = factory.post("/", REMOTE_ADDR="2001:db8:1:3::1")
        assert ratelimit.client_fingerprint(a) == ratelimit.client_fingerprint(b)
        assert ratelimit.client_fingerprint(a) != ratelimit.client_fingerprint(c)

    def test_ipv4_mapped_address_counts_as_its_ipv4_address(self):
        factory = RequestFactory()
        mapped = ratelimit.client_fingerprint(factory.post("/", REMOTE_ADDR=f"::ffff:{IP}"))
        assert mapped == ratelimit.client_fingerprint(factory.post("/", REMOTE_ADDR=IP))
        assert mapped != ratelimit.client_fingerprint(factory.post("/", REMOTE_ADDR="::ffff:198.51.100.9"))

    def test_empty_address_is_counted_not_an_error(self):
        request = RequestFactory().post("/", REMOTE_ADDR="")
        limit = ratelimit.Limit(group="t", rate="1/m")
        assert ratelimit.check(request, limit, count=True) is None
        assert ratelimit.check(request, limit, count=True) is not None

    def test_window_counts_and_ends(self, monkeypatch):
        request = RequestFactory().post("/", REMOTE_ADDR=IP)
        limit = ratelimit.Limit(group="t", rate="2/m")
        assert ratelimit.check(request, limit, count=False) is None  # looking counts nothing
        assert [ratelimit.check(request, limit, count=True) for _ in range(2)] == [None, None]
        wait = ratelimit.check(request, limit, count=False)
        assert 0 < wait <= 60
        assert 0 < ratelimit.check(request, limit, count=True) <= 60
        assert ratelimit.check(RequestFactory().post("/", REMOTE_ADDR="198.51.100.9"), limit, count=False) is None
        later = time.time() + wait + 1
        monkeypatch.setattr(time, "time", lambda: later)
        assert ratelimit.check(request, limit, count=False) is None


# --- Feedback on the article page ----------------------------------------------------------------


class TestFeedbackPartial:
    def test_on_the_article_page(self, client, article):
        response = client.get(article.get_absolute_url())
        html = response.content.decode()
        section = re.search(r'<section id="feedback".*?</section>', html, re.S).group(0)
        assert '<section id="feedback" class="feedback" aria-labelledby="feedback-title">' in section
        assert '<h2 id="feedback-title" class="feedback__title">Was this page helpful?</h2>' in section
        assert '<form class="feedback__form" method="post" action="/articles/muscle-cramps/feedback/#feedback">' in section
        assert '<button type="submit" name="helpful" value="yes">Yes</button>' in section
        assert '<button type="submit" name="helpful" value="no">No</button>' in section
        assert '<label for="feedback-comment">Comment (optional)</label>' in section
        assert '<textarea id="feedback-comment" name="comment"' in section
        assert 'maxlength="2000"' in section
        assert '<label for="feedback-website">Leave this field empty</label>' in section
        assert '<a href="/contact/?article=muscle-cramps">Report a problem with this page</a>' in section
        assert html.index('id="review"') < html.index('id="feedback"')  # after the review box

    def test_page_stays_cacheable(self, client, article):
        """No CSRF token or cookie: the same HTML can be served to every anonymous reader."""
        response = client.get(article.get_absolute_url())
        assert "csrfmiddlewaretoken" not in response.content.decode()
        assert not response.cookies
        assert "Cookie" not in response.get("Vary", "")

    def test_thanks_message(self, client, article):
        html = client.get(article.get_absolute_url() + "?feedback=thanks").content.decode()
        section = re.search(r'<section id="feedback".*?</section>', html, re.S).group(0)
        assert '<p class="form-notice form-notice--success" role="status">Thank you for your feedback.</p>' in section
        assert "<form" not in section

    def test_not_in_staff_preview(self, client, article):
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
        response = client.get(reverse("admin:articles_article_preview", args=[article.pk]))
        assert response.status_code == 200
        assert "Was this page helpful?" not in response.content.decode()


class TestFeedbackPost:
    @pytest.mark.parametrize("answer, helpful", [("yes", True), ("no", False)])
    def test_stored_and_redirected_back(self, client, article, answer, helpful):
        response = post_feedback(client, article, helpful=answer, comment="Clear, thanks")
        assert response.status_code == 303
        assert response["Location"] == "/articles/muscle-cramps/?feedback=thanks#feedback"
        feedback = ArticleFeedback.objects.get()
        assert (feedback.article, feedback.helpful, feedback.comment) == (article, helpful, "Clear, thanks")

    def test_draft_is_404(self, client):
        draft = ArticleFactory(slug="draft-one")
        SectionFactory(article=draft)
        assert post_feedback(client, draft).status_code == 404
        assert client.post("/articles/no-such-page/feedback/", {"helpful": "yes"}).status_code == 404
        assert ArticleFeedback.objects.count() == 0

    def test_scheduled_article_is_404(self, client):
        scheduled = published_article(first_published_at=timezone.now() + timedelta(hours=2))
        assert post_feedback(client, scheduled).status_code == 404
        assert ArticleFeedback.objects.count() == 0

    def test_get_is_405(self, client, article):
        assert client.get("/articles/muscle-cramps/feedback/").status_code == 405
        assert ArticleFeedback.objects.count() == 0

    def test_comment_too_long(self, client, article):
        response = post_feedback(client, article, helpful="no", comment="x" * 2001)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Your comment is too long: please keep it to 2000 characters (it has 2001)." in html
        assert "x" * 2001 + "</textarea>" in html  # kept so the reader can shorten it
        assert ArticleFeedback.objects.count() == 0

    @pytest.mark.parametrize("answer", ["", "maybe"])
    def test_answer_required(self, client, article, answer):
        response = post_feedback(client, article, helpful=answer)
        assert response.status_code == 200
        assert "Choose Yes or No." in response.content.decode()
        assert ArticleFeedback.objects.count() == 0

    def test_honeypot(self, client, article):
        response = post_feedback(client, article, website="http://spam.example")
        assert response.status_code == 303
        assert response["Location"].endswith("?feedback=thanks#feedback")
        assert ArticleFeedback.objects.count() == 0

    def test_rate_limit(self, client, article):
        for _ in range(20):
            assert post_feedback(client, article).status_code == 303
        response = post_feedback(client, article)
        assert response.status_code == 429
        assert "Retry-After" in response
        assert "so we could not record this answer" in response.content.decode()
        assert ArticleFeedback.objects.count() == 20
        assert post_feedback(client, article, ip="198.51.100.9").status_code == 303

    @pytest.mark.parametrize("headers", [{"HTTP_ORIGIN": "https://evil.example"}, {"HTTP_ORIGIN": "null"},
                                         {"HTTP_SEC_FETCH_SITE": "cross-site"}])
    def test_cross_site_posts_refused(self, client, article, headers):
        response = client.post("/articles/muscle-cramps/feedback/", {"helpful": "yes"}, REMOTE_ADDR=IP, **headers)
        assert response.status_code == 403
        assert ArticleFeedback.objects.count() == 0

    def test_same_origin_post_accepted(self, client, article):
        response = client.post("/articles/muscle-cramps/feedback/", {"helpful": "yes"}, REMOTE_ADDR=IP,
                               HTTP_ORIGIN="http://testserver", HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 303
        assert ArticleFeedback.objects.count() == 1


class TestWithThePageCache:
    @pytest.fixture(autouse=True)
    def page_cache(self, settings):
        settings.BONESPINE_PAGE_CACHE = True

    def test_article_page_with_feedback_is_served_from_the_cache(self, client, article):
        assert client.get(article.get_absolute_url())["X-Cache"] == "MISS"
        again = client.get(article.get_absolute_url())
        assert again["X-Cache"] == "HIT"
        assert "Was this page helpful?" in again.content.decode()

    def test_thanks_is_its_own_page_and_feedback_does_not_empty_the_cache(self, client, article):
        client.get(article.get_absolute_url())
        location = post_feedback(client, article)["Location"]
        assert client.get(article.get_absolute_url())["X-Cache"] == "HIT"
        thanks = client.get(location.split("#")[0])
        assert "Thank you for your feedback." in thanks.content.decode()
        assert "Thank you for your feedback." not in client.get(article.get_absolute_url()).content.decode()

    def test_contact_form_is_never_cached(self, client):
        """Its CSRF token belongs to one visitor, even one who already has a CSRF cookie."""
        first = client.get("/contact/")
        assert first.cookies.get("csrftoken")
        second = client.get("/contact/")
        assert second.get("X-Cache") != "HIT"
        assert second.cookies.get("csrftoken")


# --- Services ------------------------------------------------------------------------------------


class TestServices:
    def test_feedback_on_unpublished_article_refused(self):
        with pytest.raises(feedback_services.FeedbackError):
            feedback_services.article_feedback_create(article=ArticleFactory(), helpful=True)

    def test_contact_message_limits(self):
        with pytest.raises(feedback_services.FeedbackError, match="too long"):
            feedback_services.contact_message_create(name="A", email="a@example.org", message="m" * 5001)
        with pytest.raises(feedback_services.FeedbackError, match="valid email"):
            feedback_services.contact_message_create(name="A", email="nope", message="Hello")
        assert ContactMessage.objects.count() == 0

    def test_only_editors_mark_messages_handled(self):
        message = feedback_services.contact_message_create(name="A", email="a@example.org", message="Hello")
        with pytest.raises(PermissionDenied):
            feedback_services.contact_message_set_handled(message=message, handled=True, by=staff("Author"))
        feedback_services.contact_message_set_handled(message=message, handled=True, by=staff("Editor"))
        message.refresh_from_db()
        assert message.handled is True


# --- Admin ---------------------------------------------------------------------------------------


CHANGELISTS = ["admin:articles_contactmessage_changelist", "admin:articles_articlefeedback_changelist"]


@pytest.fixture
def received(article):
    message = feedback_services.contact_message_create(
        name="Sam", email="sam@example.org", subject=f"Subject {XSS}", message=f"Hello {XSS}", article=article
    )
    feedback = feedback_services.article_feedback_create(article=article, helpful=False, comment=f"Bad {XSS}")
    feedback_services.article_feedback_create(article=article, helpful=True)
    return message, feedback


class TestAdmin:
    @pytest.mark.parametrize("url_name", CHANGELISTS)
    @pytest.mark.parametrize("who", ["superuser", "editor"])
    def test_changelists_and_change_pages_open(self, client, received, url_name, who):
        user = staff(is_superuser=True) if who == "superuser" else staff("Editor")
        client.force_login(user)
        assert client.get(reverse(url_name)).status_code == 200
        message, feedback = received
        assert client.get(reverse("admin:articles_contactmessage_change", args=[message.pk])).status_code == 200
        assert client.get(reverse("admin:articles_articlefeedback_change", args=[feedback.pk])).status_code == 200

    @pytest.mark.parametrize("url_name", CHANGELISTS)
    @pytest.mark.parametrize("group", ["Author", "Medical reviewer"])
    def test_forbidden_for_other_roles(self, client, received, url_name, group):
        client.force_login(staff(group))
        assert client.get(reverse(url_name)).status_code == 403

    def test_editor_permissions(self):
        editor = staff("Editor")
        assert editor.has_perms(["articles.view_contactmessage", "articles.change_contactmessage",
                                 "articles.view_articlefeedback", "articles.delete_articlefeedback"])
        assert not editor.has_perm("articles.add_contactmessage")
        assert not editor.has_perm("articles.change_articlefeedback")
        author = staff("Author")
        assert not author.has_perm("articles.view_contactmessage")
        assert not author.has_perm("articles.view_articlefeedback")

    def test_reader_text_is_escaped(self, client, received):
        client.force_login(staff("Editor"))
        for url_name in CHANGELISTS:
            html = client.get(reverse(url_name)).content.decode()
            assert XSS not in html
            assert ESCAPED_XSS in html

    def test_contact_changelist_columns_and_handled_editable(self, client, received):
        client.force_login(staff("Editor"))
        html = client.get(reverse("admin:articles_contactmessage_changelist")).content.decode()
        for column in ("Name", "Email", "Subject", "Message", "Article", "Created at", "Handled"):
            assert f">{column}</a>" in html or f">{column}</span>" in html, column
        assert 'name="form-0-handled"' in html  # list_editable
        assert "By handled" in html

    def test_editor_marks_handled_with_the_action(self, client, received):
        message, _ = received
        client.force_login(staff("Editor"))
        response = client.post(reverse("admin:articles_contactmessage_changelist"),
                               {"action": "mark_handled", "_selected_action": [message.pk]})
        assert response.status_code == 302
        message.refresh_from_db()
        assert message.handled is True

    def test_editor_ticks_handled_on_the_change_page_but_cannot_edit_the_message(self, client, received):
        message, _ = received
        client.force_login(staff("Editor"))
        url = reverse("admin:articles_contactmessage_change", args=[message.pk])
        response = client.post(url, {"handled": "on", "message": "Rewritten", "email": "x@example.org"})
        assert response.status_code == 302
        message.refresh_from_db()
        assert message.handled is True
        assert message.message == f"Hello {XSS}"
        assert message.email == "sam@example.org"

    def test_feedback_changelist_score_column_and_read_only(self, client, received):
        client.force_login(staff("Editor"))
        html = client.get(reverse("admin:articles_articlefeedback_changelist")).content.decode()
        assert "1 of 2 helpful (50%)" in html
        assert "By helpful" in html
        _, feedback = received
        response = client.post(reverse("admin:articles_articlefeedback_change", args=[feedback.pk]),
                               {"helpful": "on", "comment": "changed"})
        assert response.status_code == 403
        feedback.refresh_from_db()
        assert feedback.comment == f"Bad {XSS}"

    def test_no_add_pages(self, client):
        client.force_login(staff(is_superuser=True))
        assert client.get(reverse("admin:articles_contactmessage_add")).status_code == 403
        assert client.get(reverse("admin:articles_articlefeedback_add")).status_code == 403
