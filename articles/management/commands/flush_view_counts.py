"""Store the view counts buffered in Redis into the daily rows and count the popular
rankings again (cron: every minute), so that no page request has to count them."""

from django.core.management.base import BaseCommand

from articles import selectors
from articles.viewcounts import flush_view_counts


class Command(BaseCommand):
    help = "Move buffered article view counts from Redis into the database (safe to run concurrently)."

    def handle(self, *args, **options):
        stored = flush_view_counts()
        for period in selectors.POPULAR_PERIODS:
            selectors.popular_ranking(period, recount=True)
        self.stdout.write(f"{stored} view(s) stored; popular rankings counted.")
