"""Public forms: the contact form and "Was this page helpful?" feedback."""

from __future__ import annotations

from django import forms

from .. import selectors
from ..models import Article, ContactMessage
from .services import COMMENT_MAX, MESSAGE_MAX

HONEYPOT = "website"


def public_article(slug: str | None) -> Article | None:
    """The published article with this slug (and its live version), or None."""
    if not slug:
        return None
    return selectors.public_articles().filter(slug=slug).first()


class MultilineField(forms.CharField):
    """Text from a textarea, with line breaks counted (and stored) as one character.

    Browsers send CRLF but their ``maxlength`` counts one character per line break, so
    without this a message that fits in the box could fail the length check.
    """

    widget = forms.Textarea

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")


class HoneypotMixin(forms.Form):
    """A field people never see or fill in. Anything in it means a bot wrote the form."""

    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    @property
    def is_bot(self) -> bool:
        return bool(self.is_bound and (self.data.get(HONEYPOT) or "").strip())


class ContactForm(HoneypotMixin, forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=ContactMessage._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Enter your name."},
    )
    email = forms.EmailField(
        label="Email address",
        max_length=ContactMessage._meta.get_field("email").max_length,
        help_text="We only use it to reply to you.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address so we can reply.",
            "invalid": "Enter a valid email address, like name@example.com.",
        },
    )
    subject = forms.CharField(
        label="Subject (optional)",
        max_length=ContactMessage._meta.get_field("subject").max_length,
        required=False,
    )
    message = MultilineField(
        label="Message",
        max_length=MESSAGE_MAX,
        help_text=f"At most {MESSAGE_MAX} characters. Please do not include personal medical details: "
        "we cannot give individual medical advice.",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Write your message.",
            "max_length": "Your message is too long: please keep it to %(limit_value)d characters "
            "(it has %(show_value)d).",
        },
    )
    article = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    field_order = ["name", "email", "subject", "message", "article", HONEYPOT]

    def clean_article(self) -> Article | None:
        """The published article the message is about; an unknown slug is quietly ignored."""
        slug = self.cleaned_data.get("article") or ""
        return public_article(slug)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("name", "email", "subject", "message", "article")}


class FeedbackForm(HoneypotMixin, forms.Form):
    """Posted by the static partial ``includes/feedback.html`` (its markup is written by hand
    so the article page stays cacheable); field names here must match it."""

    helpful = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        error_messages={"required": "Choose Yes or No.", "invalid_choice": "Choose Yes or No."},
    )
    comment = MultilineField(
        label="Comment (optional)",
        required=False,
        max_length=COMMENT_MAX,
        error_messages={
            "max_length": "Your comment is too long: please keep it to %(limit_value)d characters "
            "(it has %(show_value)d).",
        },
    )
