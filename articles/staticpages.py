"""Static pages (``django.contrib.flatpages``: /about/, /policies/, /disclaimer/, …).

Their content is HTML written in the admin, and it goes through the same allow-list as
article bodies, with h2 sub-headings and no citations (:func:`articles.rendering.sanitize_page`),
twice: when it is saved (whatever saves
it: the admin, a restore, an importer, the shell) and when it is shown (rows saved before
this rule, or written around ``save()``). The Content-Security-Policy is a second line of
defence, not this one.
"""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe

from . import rendering


def sanitized(html) -> SafeString:
    return mark_safe(rendering.sanitize_page(str(html or "")))  # noqa: S308 - sanitized just now


def sanitize_on_save(sender, instance, raw=False, **kwargs) -> None:
    """``pre_save`` receiver for FlatPage: store only allow-listed HTML."""
    instance.content = rendering.sanitize_page(instance.content or "")


def connect_signals() -> None:
    from django.contrib.flatpages.models import FlatPage
    from django.db.models.signals import pre_save

    pre_save.connect(sanitize_on_save, sender=FlatPage, dispatch_uid="staticpages-sanitize")
