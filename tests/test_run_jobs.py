"""manage.py run_jobs: the scheduled jobs in one process (what `make run` starts), and the
files production uses instead (cron, systemd timers), and the Makefile wiring."""

import configparser
import io
import logging
import os
import re
import signal
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from articles import services
from articles.management.commands import run_jobs
from articles.models import Article
from articles.workflow import roles
from articles.workflow.table import Status as S
from tests.articles.test_workflow import draft_by, make_user, to_status
from tests.factories import AuthorFactory, ReviewerFactory, UserFactory, published_article

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = ["publish_scheduled", "flush_view_counts", "send_review_reminders"]


@pytest.fixture
def job_log(caplog):
    caplog.set_level(logging.INFO, logger="bonespine.jobs")
    return caplog


@pytest.fixture
def people():
    """The people the workflow helpers of tests/articles/test_workflow.py expect."""
    writer, reviewer = AuthorFactory(name="Dr Writer"), ReviewerFactory(name="Dr Reviewer")
    return {
        "author": make_user("author", roles.AUTHOR, profile=writer),
        "reviewer": make_user("reviewer", roles.REVIEWER, profile=reviewer),
        "editor": make_user("editor", roles.EDITOR),
        "profiles": {"author": writer, "reviewer": reviewer},
    }


def scheduled_article(people):
    """An approved article scheduled through the real services, whose time has just come."""
    article = to_status(draft_by(people["profiles"]["author"], title="Goes live by itself"), S.APPROVED, people)
    services.article_schedule(article=article, by=people["editor"], publish_at=timezone.now() + timedelta(minutes=5))
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    return article


def test_once_runs_every_job_once_and_logs_them(job_log, settings, people, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    article = scheduled_article(people)
    due = published_article(title="Due for review")
    Article.objects.filter(pk=due.pk).update(next_review_due=timezone.localdate() + timedelta(days=3))
    ReviewerFactory(user=UserFactory(email="reviewer@example.org"))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_jobs", "--once", stdout=io.StringIO())

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.live_version_id
    assert due.review_reminders.count() == 1
    assert any("Due for review" in message.subject for message in mail.outbox)
    ran = [record.fields["job"] for record in job_log.records if "job" in getattr(record, "fields", {})]
    assert ran == COMMANDS
    messages = [record.getMessage() for record in job_log.records]
    assert any("Goes live by itself" in m for m in messages)
    assert messages[0] == "run_jobs started" and messages[-1] == "run_jobs stopped"


def test_a_failing_job_is_logged_and_the_others_still_run(job_log, monkeypatch):
    real = run_jobs.call_command

    def flaky(name, *args, **kwargs):
        if name == "flush_view_counts":
            raise RuntimeError("cache down")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(run_jobs, "call_command", flaky)
    call_command("run_jobs", "--once")
    failed = [r for r in job_log.records if r.levelno == logging.ERROR]
    assert len(failed) == 1 and "flush_view_counts" in failed[0].getMessage() and failed[0].exc_info
    ran = [r.fields["job"] for r in job_log.records if r.levelno == logging.INFO and "job" in getattr(r, "fields", {})]
    assert ran == ["publish_scheduled", "send_review_reminders"]


def test_jobs_run_at_their_intervals():
    assert {job.command: job.every for job in run_jobs.JOBS} == {
        "publish_scheduled": 60, "flush_view_counts": 60, "send_review_reminders": 86400,
    }


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(), reason="signals need the main thread")
def test_sigterm_stops_the_loop_cleanly(job_log):
    before = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        call_command("run_jobs")  # loops until the signal
    finally:
        timer.cancel()
    assert signal.getsignal(signal.SIGTERM) == before  # our handler is gone again
    messages = [record.getMessage() for record in job_log.records]
    assert messages[-1] == "run_jobs stopped"
    assert sum(m.startswith("Job publish_scheduled") for m in messages) == 1  # not due again within 0.5 s


# --- What `make run` and production use ----------------------------------------------------

def test_make_run_starts_the_jobs_and_stops_them_with_the_server():
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^run:.*?\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "manage.py run_jobs &" in recipe
    assert "kill -TERM" in recipe and "trap" in recipe
    assert "manage.py runserver 127.0.0.1:$(PORT)" in recipe
    assert 'BONESPINE_SITE_URL="$${BONESPINE_SITE_URL:-http://127.0.0.1:$(PORT)}"' in recipe


def test_make_serve_sets_the_site_url_to_its_port_unless_set():
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^serve:.*?\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert 'BONESPINE_SITE_URL="$${BONESPINE_SITE_URL:-http://127.0.0.1:$(PORT)}"' in recipe


def test_crontab_runs_each_job():
    lines = [line for line in (ROOT / "deploy/cron/bonespine").read_text().splitlines()
             if line.strip() and not line.startswith("#") and "=" not in line.split()[0]]
    schedule = {line.split()[-1]: " ".join(line.split()[:5]) for line in lines}
    assert schedule == {"publish_scheduled": "* * * * *", "flush_view_counts": "* * * * *",
                        "send_review_reminders": "0 7 * * *"}
    assert all(line.split()[5] == "bonespine" for line in lines)  # /etc/cron.d format: a user field


@pytest.mark.parametrize("name,command,calendar", [
    ("bonespine-publish-scheduled", "publish_scheduled", "*-*-* *:*:00"),
    ("bonespine-flush-view-counts", "flush_view_counts", "*-*-* *:*:00"),
    ("bonespine-review-reminders", "send_review_reminders", "*-*-* 07:00:00"),
])
def test_systemd_timer_and_service_for_each_job(name, command, calendar):
    def read(path):
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str
        parser.read(path)
        return parser

    service = read(ROOT / f"deploy/systemd/{name}.service")
    timer = read(ROOT / f"deploy/systemd/{name}.timer")
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["ExecStart"].endswith(f"manage.py {command}")
    assert timer["Timer"]["OnCalendar"] == calendar
    assert timer["Timer"]["Unit"] == f"{name}.service"
    assert timer["Install"]["WantedBy"] == "timers.target"
