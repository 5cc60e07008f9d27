"""Rich text: a stable key per reference (in-text citations point to it), and the
Markdown of leads and section bodies converted to the sanitized HTML the editor writes.

The conversion lives in :mod:`articles.markdown_conversion`'s frozen copy below
(``convert``), not in the app code: a migration must keep doing the same thing when the
app's rendering changes later.
"""

import secrets

from django.db import migrations, models

import articles.citations

HELP = ("Stable name of this reference: citations in the text point to it (numbers are worked out "
        "from the order of first citation).")


def fill_reference_keys(apps, schema_editor):
    Reference = apps.get_model("articles", "Reference")
    taken: dict[int, set[str]] = {}
    for ref in Reference.objects.order_by("pk").only("pk", "article_id"):
        keys = taken.setdefault(ref.article_id, set())
        key = "r" + secrets.token_hex(4)
        while key in keys:
            key = "r" + secrets.token_hex(4)
        keys.add(key)
        Reference.objects.filter(pk=ref.pk).update(key=key)


def markdown_to_html(apps, schema_editor):
    from articles.migrations._markdown_to_html import convert_all

    convert_all(apps)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0009_reference_kinds'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalreference',
            name='key',
            field=models.SlugField(default='', help_text=HELP, max_length=16),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='reference',
            name='key',
            field=models.SlugField(default='', help_text=HELP, max_length=16),
            preserve_default=False,
        ),
        migrations.RunPython(fill_reference_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='historicalreference',
            name='key',
            field=models.SlugField(default=articles.citations.new_reference_key, help_text=HELP, max_length=16),
        ),
        migrations.AlterField(
            model_name='reference',
            name='key',
            field=models.SlugField(default=articles.citations.new_reference_key, help_text=HELP, max_length=16),
        ),
        migrations.AddConstraint(
            model_name='reference',
            constraint=models.UniqueConstraint(fields=('article', 'key'), name='reference_key_unique_in_article', violation_error_message='Two references of this article cannot share the same key.'),
        ),
        migrations.AlterField(
            model_name='article',
            name='lead',
            field=models.TextField(help_text='Opening summary in one or two short paragraphs. Shown under the title and used as the excerpt in listings.'),
        ),
        migrations.AlterField(
            model_name='historicalarticle',
            name='lead',
            field=models.TextField(help_text='Opening summary in one or two short paragraphs. Shown under the title and used as the excerpt in listings.'),
        ),
        migrations.AlterField(
            model_name='historicalsection',
            name='body',
            field=models.TextField(help_text='Section text. Paste from Word or Google Docs keeps headings, lists, bold, italic, links and tables. Sub-headings are Heading 3 and 4; cite a reference with the “Cite” button.'),
        ),
        migrations.AlterField(
            model_name='section',
            name='body',
            field=models.TextField(help_text='Section text. Paste from Word or Google Docs keeps headings, lists, bold, italic, links and tables. Sub-headings are Heading 3 and 4; cite a reference with the “Cite” button.'),
        ),
        migrations.RunPython(markdown_to_html, migrations.RunPython.noop),
    ]
