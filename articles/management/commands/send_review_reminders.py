"""Email authors and reviewers about live articles whose medical review is due
within 30 days or overdue. Idempotent per day: run it as often as you like."""

from django.core.management.base import BaseCommand

from articles.services import send_review_reminders


class Command(BaseCommand):
    help = "Send review reminders for articles due within 30 days or overdue (at most one per article per day)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="Remind this many days before the due date.")

    def handle(self, *args, days: int, **options):
        sent = send_review_reminders(within_days=days)
        self.stdout.write(f"{len(sent)} review reminder(s) sent.")
