"""Run the scheduled jobs in one process, each at its interval, until stopped.

`make run` starts it next to the development server so the demo behaves like
production (scheduled articles go live, buffered views are stored, review reminders
go out). Production runs the same commands from cron or systemd timers instead
(deploy/cron/bonespine, deploy/systemd/). Every job is safe to run concurrently and
repeatedly, so running this alongside cron does no harm.

SIGTERM or SIGINT stops it cleanly: a job that is running finishes first.
``--once`` runs every job once and exits.
"""

from __future__ import annotations

import io
import logging
import signal
import threading
import time
from dataclasses import dataclass

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

logger = logging.getLogger("bonespine.jobs")


@dataclass(frozen=True)
class Job:
    command: str
    every: int  # seconds


JOBS = (
    Job("publish_scheduled", 60),
    Job("flush_view_counts", 60),
    Job("send_review_reminders", 24 * 60 * 60),  # idempotent per day: one run a day is enough
)


class Command(BaseCommand):
    help = (
        "Run publish_scheduled and flush_view_counts every minute and send_review_reminders daily, "
        "until SIGTERM/SIGINT (make run starts it; production uses cron or systemd timers)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once, then exit.")

    def handle(self, *args, once: bool = False, **options):
        stop = threading.Event()
        previous = self._catch_signals(stop)
        due = {job.command: 0.0 for job in JOBS}  # monotonic time each job is next due; 0 = now
        logger.info("run_jobs started", extra={"fields": {"jobs": [job.command for job in JOBS], "once": once}})
        try:
            while not stop.is_set():
                for job in JOBS:
                    if stop.is_set():
                        break
                    if time.monotonic() >= due[job.command]:
                        due[job.command] = time.monotonic() + job.every
                        self.run_job(job)
                if once:
                    break
                stop.wait(max(0.0, min(min(due.values()) - time.monotonic(), 1.0)))
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        logger.info("run_jobs stopped")

    @staticmethod
    def _catch_signals(stop: threading.Event) -> dict:
        """SIGTERM and SIGINT set ``stop`` (only the main thread may install handlers)."""
        if threading.current_thread() is not threading.main_thread():
            return {}
        return {signum: signal.signal(signum, lambda *_: stop.set()) for signum in (signal.SIGTERM, signal.SIGINT)}

    def run_job(self, job: Job) -> bool:
        """Run one job; log what it said, or its error (a failing job never stops the others)."""
        out = io.StringIO()
        started = time.monotonic()
        drop_stale_connections()
        try:
            call_command(job.command, stdout=out)
        except Exception:  # noqa: BLE001 - keep running the other jobs; the error is logged
            logger.exception("Job %s failed", job.command, extra={"fields": {"job": job.command}})
            return False
        finally:
            drop_stale_connections()
        logger.info(
            "Job %s: %s", job.command, " ".join(out.getvalue().split()) or "done",
            extra={"fields": {"job": job.command, "duration_ms": round((time.monotonic() - started) * 1000)}},
        )
        return True


def drop_stale_connections() -> None:
    """What Django does around each request, for a long-running process: close database
    connections that are broken or past ``CONN_MAX_AGE`` (never one inside a transaction)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()
