"""``manage.py load_demo``: load or refresh the demo content, idempotently (:mod:`articles.demo.loader`)."""

from django.core.management.base import BaseCommand

from articles.demo import loader


class Command(BaseCommand):
    help = "Load the Bonespine demo content (categories, authors, articles, pages, view counts). Idempotent."

    def handle(self, *args, **options):
        s = loader.load_demo()
        skipped = f", {s.skipped} left unpublished by an editor" if s.skipped else ""
        self.stdout.write(self.style.SUCCESS(
            f"Demo content: {s.categories} categories, {s.authors} authors, "
            f"{s.articles} articles ({s.articles_new} new, {s.articles_updated} updated{skipped}), "
            f"{s.pages} pages, {s.views} daily view rows added, "
            f"{s.updated} other rows created or updated."
        ))
