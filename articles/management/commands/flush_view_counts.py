"""Store the view counts buffered in Redis into the daily rows and count the popular
rankings again (cron: every minute), so that no page request has to count them. Without
Redis there is nothing buffered, and a ranking counted here would stay in this process's
own memory: both are skipped."""

from django.core.management.base import BaseCommand

from articles import selectors
from articles.viewcounts import flush_view_counts, redis_client


class Command(BaseCommand):
    help = "Move buffered article view counts from Redis into the database (safe to run concurrently)."

    def handle(self, *args, **options):
        if redis_client() is None:
            self.stdout.write("No shared cache (REDIS_URL): nothing to store.")
            return
        stored = flush_view_counts()
        for period in selectors.POPULAR_PERIODS:
            selectors.popular_ranking(period, recount=True)
        self.stdout.write(f"{stored} view(s) stored; popular rankings counted.")
