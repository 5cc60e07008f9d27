"""Publish approved articles whose scheduled time has come.

Safe to run every minute from cron, and concurrently: each article is locked
while it is published and skipped by a run that finds it locked.
"""

from django.core.management.base import BaseCommand

from articles.services import publish_scheduled


class Command(BaseCommand):
    help = "Publish approved articles whose scheduled publication time has passed (run every minute from cron)."

    def handle(self, *args, **options):
        published = publish_scheduled()
        for article in published:
            self.stdout.write(f"Published “{article.title}” (version {article.live_version.number}).")
        if options["verbosity"] > 1 or published:
            self.stdout.write(f"{len(published)} scheduled article(s) published.")
