# Placeholder: indexes and extensions for speed (issue 13) go here.
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0011_wordpress_import'),
    ]

    operations = []
