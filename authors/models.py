from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.html import escape

from articles.images import SafeImageField, authors_upload_to


class Author(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author_profile",
        help_text="The login account this clinician uses to write or review (optional).",
    )
    name = models.CharField(
        max_length=120,
        help_text='Display name with honorific, as readers should see it, e.g. "Dr Asha Rao".',
    )
    slug = models.SlugField(
        max_length=140,
        # The admin renders help texts as HTML: escaped, so the address shows as written.
        help_text=escape("Used in the author page address /authors/<slug>/. Filled from the name."),
    )
    credentials = models.CharField(
        max_length=200,
        blank=True,
        help_text='Qualifications shown after the name, e.g. "MBBS, MS (Orthopaedics)".',
    )
    professional_title = models.CharField(
        max_length=200, blank=True, help_text='Current role, e.g. "Consultant orthopaedic surgeon".'
    )
    short_bio = models.TextField(
        max_length=600,
        blank=True,
        help_text='Two or three sentences for the "Know your author" box in the sidebar (plain text).',
    )
    bio = models.TextField(
        blank=True, help_text="Full biography for the author page and the box under each article (plain text)."
    )
    photo = SafeImageField(
        upload_to=authors_upload_to,
        blank=True,
        help_text="Portrait photo: JPEG, PNG or WebP, at most 10 MB. Metadata is removed on upload.",
    )
    specialties = models.CharField(
        max_length=300, blank=True, help_text='Comma-separated areas of practice, e.g. "Spine, Trauma".'
    )
    is_medical_reviewer = models.BooleanField(
        "qualified medical reviewer",
        default=False,
        help_text="Tick if this clinician may medically review and sign off other authors' articles.",
    )
    website = models.URLField(blank=True, help_text="Professional web page (optional).")
    orcid = models.URLField("ORCID", blank=True, help_text="ORCID profile address, e.g. https://orcid.org/0000-…")
    profile_url = models.URLField(
        "registration or profile link", blank=True, help_text="Medical council registration or hospital profile."
    )


    class Meta:
        ordering = ["name"]
        verbose_name = "author"
        verbose_name_plural = "authors"
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                name="author_slug_unique",
                violation_error_message="This slug is already used.",
                violation_error_code="unique",  # shown on the slug field
            ),
            models.CheckConstraint(
                condition=~Q(slug=""),
                name="author_slug_not_blank",
                violation_error_message="Give the author page a web address (slug).",
            ),
            models.CheckConstraint(
                condition=~Q(name=""), name="author_name_not_blank", violation_error_message="Give the author's name."
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("authors:detail", kwargs={"slug": self.slug})

    @property
    def name_with_credentials(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    @property
    def specialty_list(self) -> list[str]:
        return [s.strip() for s in self.specialties.split(",") if s.strip()]
