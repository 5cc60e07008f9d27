"""What goes into a backup: the models, their many-to-many tables, the files the rows
point at and the migration state."""

from __future__ import annotations

from django.apps import apps
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor

from .format import EXCLUDED_IF_INSTALLED, EXCLUDED_LABELS


def excluded_labels() -> list[str]:
    return [*EXCLUDED_LABELS, *(label for label in EXCLUDED_IF_INSTALLED if apps.is_installed(label))]


def included_models() -> list[type[models.Model]]:
    """The models whose rows go into the fixture (the same ones dumpdata picks)."""
    excluded = excluded_labels()
    chosen = []
    for app_config in apps.get_app_configs():
        if app_config.models_module is None or app_config.label in excluded:
            continue
        for model in app_config.get_models():
            meta = model._meta
            if meta.label_lower in excluded or meta.proxy or not meta.managed:
                continue
            chosen.append(model)
    return chosen


def model_label(model) -> str:
    return model._meta.label_lower


def m2m_tables(model_list) -> dict[str, type[models.Model]]:
    """``"auth.user.groups"`` → the auto-created through model, for every included model."""
    tables = {}
    for model in model_list:
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            if through is not None and through._meta.auto_created:
                tables[f"{model_label(model)}.{m2m.name}"] = through
    return tables


def _is_history_model(model) -> bool:
    from simple_history.models import HistoricalChanges

    return issubclass(model, HistoricalChanges)


def referenced_files(model_list) -> set[str]:
    """Storage names the current rows point at (file fields and image renditions)."""
    names = set()
    for model in model_list:
        if _is_history_model(model):
            continue  # history keeps names of files replaced long ago
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                names.update(n for n in model._base_manager.exclude(**{f.attname: ""})
                             .values_list(f.attname, flat=True) if n)
    from ..models import PublishedVersion

    for renditions in PublishedVersion.objects.values_list("renditions", flat=True):
        for copies in (renditions or {}).values():
            names.update(copy["name"] for copy in copies if copy.get("name"))
    return names


def migration_state() -> dict[str, str]:
    """The latest applied migration of each app (names sort in order: 0001_, 0002_, …)."""
    executor = MigrationExecutor(connection)
    latest: dict[str, str] = {}
    for app_label, name in executor.loader.applied_migrations:
        if name > latest.get(app_label, ""):
            latest[app_label] = name
    return dict(sorted(latest.items()))
