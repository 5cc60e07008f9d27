"""Old category addresses: a renamed category's old /category/<slug>/ (and its feeds) answer
301 to the current address."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0006_clinician_messages"),
    ]

    operations = [
        migrations.CreateModel(
            name="CategoryRedirect",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("old_slug", models.SlugField(max_length=90)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "category",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="old_slugs",
                        to="articles.category",
                    ),
                ),
            ],
            options={
                "verbose_name": "old category address",
                "verbose_name_plural": "old category addresses",
                "ordering": ["old_slug"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("old_slug",),
                        name="category_redirect_old_slug_unique",
                        violation_error_message="This old address already leads to a category.",
                        violation_error_code="unique",
                    )
                ],
            },
        ),
    ]
