from django.db import migrations


def sync_groups(apps, schema_editor):
    """Give the editorial groups their permissions on contact messages and reader feedback."""
    from articles.workflow.roles import sync_groups

    sync_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_discovery"),
    ]

    operations = [migrations.RunPython(sync_groups, migrations.RunPython.noop)]
