"""The edit-lock counter was called ``version``, a word that also meant a published
version; it is renamed ``edit_revision`` (same column data, same values)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0004_feedback_permissions"),
    ]

    operations = [
        migrations.RenameField(model_name="article", old_name="version", new_name="edit_revision"),
        migrations.AlterField(
            model_name="article",
            name="edit_revision",
            field=models.PositiveIntegerField(
                default=1, editable=False, help_text="Moves on at every save of the working copy (the edit lock)."
            ),
        ),
    ]
