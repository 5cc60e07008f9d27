"""The WordPress importer's tables (issue 12): which post each imported article came from
(re-runs update or leave alone instead of duplicating), and the old site's addresses,
each pointing at an article, category or tag row (never a slug) so they survive renames."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0010_rich_text'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
    ]

    operations = [
        migrations.CreateModel(
            name='LegacyPath',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('path', models.CharField(help_text='An address of the old site, e.g. /2024/01/knee-pain/ or /?p=123 (path and query, no host).', max_length=500)),
                ('source', models.CharField(default='wordpress', help_text='Which import made it.', max_length=40)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('article', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='legacy_paths', to='articles.article')),
                ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='legacy_paths', to='articles.category')),
                ('tag', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='legacy_paths', to='taggit.tag')),
            ],
            options={
                'verbose_name': 'old WordPress address',
                'verbose_name_plural': 'old WordPress addresses',
                'ordering': ['path'],
                'constraints': [models.UniqueConstraint(fields=('path',), name='legacy_path_unique', violation_error_message='This old address already leads somewhere.'), models.CheckConstraint(condition=models.Q(('path__startswith', '/')), name='legacy_path_absolute', violation_error_message='An old address starts with a slash (/).'), models.CheckConstraint(condition=models.Q(models.Q(('article__isnull', False), ('category__isnull', True), ('tag__isnull', True)), models.Q(('article__isnull', True), ('category__isnull', False), ('tag__isnull', True)), models.Q(('article__isnull', True), ('category__isnull', True), ('tag__isnull', False)), _connector='OR'), name='legacy_path_one_target', violation_error_message='An old address leads to exactly one article, category or tag.')],
            },
        ),
        migrations.CreateModel(
            name='WordPressPost',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('site_url', models.CharField(blank=True, help_text="The export's site address (wp:base_site_url).", max_length=300, verbose_name='WordPress site')),
                ('wp_id', models.PositiveBigIntegerField(verbose_name='WordPress post ID')),
                ('guid', models.CharField(blank=True, max_length=500, verbose_name='WordPress GUID')),
                ('source_hash', models.CharField(help_text='Fingerprint of the post as last imported.', max_length=64)),
                ('edit_revision', models.PositiveIntegerField(help_text="The article's edit revision right after the import wrote it: a later save moves it on.")),
                ('image_source', models.CharField(blank=True, help_text='The featured image file last imported.', max_length=500)),
                ('imported_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('article', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='wordpress_source', to='articles.article')),
            ],
            options={
                'verbose_name': 'imported WordPress post',
                'verbose_name_plural': 'imported WordPress posts',
                'ordering': ['site_url', 'wp_id'],
                'get_latest_by': 'updated_at',
                'indexes': [models.Index(fields=['guid'], name='wordpress_post_guid_idx')],
                'constraints': [models.UniqueConstraint(fields=('site_url', 'wp_id'), name='wordpress_post_unique_site_id', violation_error_message='This WordPress post was already imported.')],
            },
        ),
    ]
