# Placeholder: the WordPress importer's tables (issue 12) go here.
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0010_rich_text'),
    ]

    operations = []
