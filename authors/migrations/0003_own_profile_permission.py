"""Authors and medical reviewers may change their own profile (the admin limits them to
their own, and to its biography, photo, specialties and links): the editorial groups are
synced with articles.workflow.roles again."""

from django.db import migrations


def sync_groups(apps, schema_editor):
    from articles.workflow.roles import sync_groups

    sync_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("authors", "0002_clinician_messages"),
        ("articles", "0006_clinician_messages"),
    ]

    operations = [migrations.RunPython(sync_groups, migrations.RunPython.noop)]
