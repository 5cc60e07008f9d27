"""Store the view counts buffered in Redis into the daily rows (cron: every minute)."""

from django.core.management.base import BaseCommand

from articles.viewcounts import flush_view_counts


class Command(BaseCommand):
    help = "Move buffered article view counts from Redis into the database (safe to run concurrently)."

    def handle(self, *args, **options):
        stored = flush_view_counts()
        self.stdout.write(f"{stored} view(s) stored.")
