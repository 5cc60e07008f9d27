"""The contact page and the "Was this page helpful?" endpoint.

Both store through :mod:`articles.feedback.services`, both have a honeypot (a filled one
gets the normal success answer and nothing is stored) and a per-IP limit counted by
django-ratelimit (:mod:`articles.feedback.ratelimit`): over it, the answer is 429 with
``Retry-After`` and nothing is stored. Only accepted forms (and honeypot hits) use up the
limit; once it is used up, every POST is refused before validation.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .. import selectors, staticpages
from ..models import Article
from . import ratelimit
from . import services as feedback_services
from .forms import ContactForm, FeedbackForm, public_article

CONTACT_URL = "/contact/"  # the flat page with the form's intro text
DEFAULT_CONTACT_TITLE = "Contact us"


class HttpResponseSeeOther(HttpResponseRedirect):
    """Redirect after POST: the browser fetches the new page with GET (and Back does not re-post)."""

    status_code = 303


def _too_many(response, retry_after: int):
    response["Retry-After"] = str(retry_after)
    return response


# --- Contact page ------------------------------------------------------------------------------

def _contact_flatpage(request) -> FlatPage | None:
    """The editable "/contact/" flatpage of this site, if editors made one."""
    return FlatPage.objects.filter(
        url=CONTACT_URL, sites=get_current_site(request).pk, registration_required=False
    ).first()


def _render_contact(request, *, form: ContactForm, about: Article | None = None, status: int = 200, **extra):
    flatpage = _contact_flatpage(request)
    context = {
        "form": form,
        "about_article": about,
        "page_title": flatpage.title if flatpage else DEFAULT_CONTACT_TITLE,
        # Static-page HTML goes through the article bodies' allow-list (issue 14), not |safe.
        "page_content": staticpages.sanitized(flatpage.content) if flatpage else "",
        **extra,
    }
    return render(request, "articles/contact.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def contact(request):
    limit = ratelimit.CONTACT
    if request.method != "POST":
        about = public_article(request.GET.get("article"))
        form = ContactForm(initial={"article": about.slug if about else ""})
        return _render_contact(request, form=form, about=about, sent=request.GET.get("sent") == "1")

    form = ContactForm(request.POST)
    if wait := ratelimit.check(request, limit, count=False):
        return _too_many(_render_contact(request, form=form, status=429, rate_limited=True), wait)
    if form.is_bot or form.is_valid():
        if wait := ratelimit.check(request, limit, count=True):
            return _too_many(_render_contact(request, form=form, status=429, rate_limited=True), wait)
        if not form.is_bot:
            try:
                feedback_services.contact_message_create(**form.service_kwargs())
            except feedback_services.FeedbackError as error:
                form.add_error(None, str(error))
                return _render_contact(request, form=form, about=form.cleaned_data.get("article"))
        return HttpResponseSeeOther(f"{reverse('feedback:contact')}?sent=1")
    return _render_contact(request, form=form, about=form.cleaned_data.get("article"))


# --- "Was this page helpful?" ------------------------------------------------------------------

def _allowed_origins(request) -> set[str]:
    return {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}


def _cross_site(request) -> bool:
    """True for a POST another site's page made a browser send (Origin / Fetch metadata)."""
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False  # old browsers and privacy tools omit it; the rate limit still applies
    parts = urlsplit(origin)
    return origin == "null" or f"{parts.scheme}://{parts.netloc}" not in _allowed_origins(request)


def _render_article(request, article: Article, *, form: FeedbackForm, status: int, **extra):
    context = {"article": article, "page": article.live_version, "feedback_form": form, **extra}
    return render(request, "articles/article_detail.html", context, status=status)


@csrf_exempt
@require_POST
def article_feedback(request, slug):
    """Store a reader's Yes/No (and optional comment) for a published article.

    CSRF: the article page is meant to be cached for everyone, so its form cannot carry a
    per-visitor CSRF token (and setting the CSRF cookie would stop it being cached). The
    feedback is anonymous — there is no session a forged request could act as — so the
    token is replaced by refusing cross-site posts (Origin / Sec-Fetch-Site), the honeypot
    and the per-IP limit.
    """
    article = selectors.article_for_page(slug=slug)  # 404 unless published
    if _cross_site(request):
        return HttpResponseForbidden("Feedback can only be sent from this site's own pages.")
    limit = ratelimit.FEEDBACK
    form = FeedbackForm(request.POST)
    if wait := ratelimit.check(request, limit, count=False):
        return _too_many(_render_article(request, article, form=form, status=429, feedback_limited=True), wait)
    if form.is_bot or form.is_valid():
        if wait := ratelimit.check(request, limit, count=True):
            return _too_many(_render_article(request, article, form=form, status=429, feedback_limited=True), wait)
        if not form.is_bot:
            try:
                feedback_services.article_feedback_create(
                    article=article, helpful=form.cleaned_data["helpful"], comment=form.cleaned_data["comment"]
                )
            except feedback_services.FeedbackError as error:
                form.add_error(None, str(error))
                return _render_article(request, article, form=form, status=200)
        return HttpResponseSeeOther(f"{article.get_absolute_url()}?feedback=thanks#feedback")
    return _render_article(request, article, form=form, status=200)
