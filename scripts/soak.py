"""A bounded soak test of a running Bonespine server on the loopback interface.

It starts no server: ``scripts/soak.sh`` prepares a throwaway site, starts one and runs
this against it. For ``--duration`` seconds (at most ``--max-requests`` requests) a few
threads

* read public pages as anonymous visitors (article, home, category, tag, popular,
  author, search) and, after each article page, send the view beacon the page's
  JavaScript sends (``POST /views/<id>/`` with a browser User-Agent and no cookies);
* log in to the admin as the ``editor`` demo account (one session per thread) and keep
  editing the lead of one article through the change form: GET the form, read every
  field (CSRF token, hidden ``expected_revision``, inline management forms), change the
  lead, POST. Several editor threads edit the same article, so the optimistic lock has
  to turn some saves into "someone else saved it" conflicts.

Then it checks, through ``manage.py`` in the same environment as the server:

* no 5xx answers and no failed connections;
* the article's ``edit_revision`` grew by exactly the number of saves the admin confirmed
  (no lost and no phantom update);
* after ``manage.py flush_view_counts``, the stored view counts grew by exactly the
  number of beacons the server acknowledged;
* the server log has no ERROR lines.

It prints a summary table and, with ``--report``, writes it into docs/reliability.md
between the ``soak:begin``/``soak:end`` markers. Exit status 1 if a check failed.

Only the standard library is used, so it runs with any Python 3.11+.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import shlex
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
EDITOR = ("editor", "bonespine-demo-editor")
CONFLICT_TEXT = "after you opened it"
IDLE_RECONNECT = 1.0  # seconds; gunicorn closes idle keep-alive connections after 2 s
BEGIN, END = "<!-- soak:begin -->", "<!-- soak:end -->"

STATE_CODE = r"""
import json
from django.db.models import Sum
from articles.models import Article, ArticleDailyViews, HistoricalArticle
from authors.models import Author
live = list(Article.objects.published().order_by("pk").values("pk", "slug", "title", "category__slug"))
target = {target!r} or (live[0]["slug"] if live else "")
article = Article.objects.filter(slug=target).first()
print("SOAK-STATE:" + json.dumps({{
    "articles": live,
    "authors": list(Author.objects.with_published_articles().values_list("slug", flat=True)),
    "tags": sorted({{s for s in Article.objects.published().values_list("tags__slug", flat=True) if s}}),
    "views": ArticleDailyViews.objects.aggregate(total=Sum("views"))["total"] or 0,
    "target": None if article is None else {{
        "pk": article.pk, "slug": article.slug, "version": article.edit_revision,
        "history": HistoricalArticle.objects.filter(id=article.pk).count(),
    }},
}}))
"""


# --- HTTP ----------------------------------------------------------------------------

@dataclass
class Result:
    status: int  # 0: no answer (connection failed)
    body: str
    headers: dict
    seconds: float


class Client:
    """One keep-alive connection and, optionally, a cookie jar (cookies are sent whatever
    their Secure flag: this is plain HTTP on loopback)."""

    def __init__(self, host: str, port: int, *, cookies: bool = False, timeout: float = 30):
        self.host, self.port, self.timeout = host, port, timeout
        self.jar: dict[str, str] | None = {} if cookies else None
        self.conn: http.client.HTTPConnection | None = None
        self.last_used = 0.0

    def request(self, method: str, path: str, *, form=None, headers=None) -> Result:
        body = urllib.parse.urlencode(form) if form is not None else None
        sent = {"User-Agent": BROWSER_UA, **(headers or {})}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif method == "POST":
            sent["Content-Length"] = "0"
        if self.jar:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        attempts = 2 if method == "GET" else 1  # a POST is never repeated: it could count twice
        started = time.perf_counter()
        if self.conn is not None and started - self.last_used > IDLE_RECONNECT:
            self.close()  # the server may be closing it right now: a POST must not race that
        for attempt in range(attempts):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                self.conn.request(method, path, body=body, headers=sent)
                response = self.conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as error:
                self.close()
                if attempt + 1 == attempts:
                    return Result(0, f"{type(error).__name__}: {error}", {}, time.perf_counter() - started)
                continue
            elapsed = time.perf_counter() - started
            self.last_used = time.perf_counter()
            if self.jar is not None:
                for raw in response.headers.get_all("Set-Cookie") or []:
                    cookie = SimpleCookie()
                    cookie.load(raw)
                    for name, morsel in cookie.items():
                        if morsel["max-age"] == "0" or not morsel.value:
                            self.jar.pop(name, None)
                        else:
                            self.jar[name] = morsel.value
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return Result(response.status, data.decode("utf-8", "replace"), dict(response.getheaders()), elapsed)
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class FormParser(HTMLParser):
    """The fields a browser would submit from the form with ``id=form_id``."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.found = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: tuple[str, list[str]] | None = None
        self._select: tuple[str, bool, list[tuple[str, bool]]] | None = None
        self._option: list | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
            self.found |= self.inside
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and "__prefix__" not in name:
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.fields.append((name, a.get("value") or "on"))
                return
            self.fields.append((name, a.get("value") or ""))
        elif tag == "textarea" and name and "__prefix__" not in name:
            self._textarea = (name, [])
        elif tag == "select" and name and "__prefix__" not in name:
            self._select = (name, "multiple" in a, [])
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, []]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)
        if self._option is not None:
            self._option[2].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            name, parts = self._textarea
            text = "".join(parts)
            self.fields.append((name, text.removeprefix("\n")))  # as browsers read it
            self._textarea = None
        elif tag == "option" and self._option is not None:
            value, selected, text = self._option
            self._select[2].append((value if value is not None else "".join(text).strip(), selected))
            self._option = None
        elif tag == "select" and self._select is not None:
            name, multiple, options = self._select
            chosen = [value for value, selected in options if selected]
            if not chosen and not multiple and options:
                chosen = [options[0][0]]
            self.fields.extend((name, value) for value in chosen)
            self._select = None


def form_fields(html: str, form_id: str) -> list[tuple[str, str]] | None:
    parser = FormParser(form_id)
    parser.feed(html)
    return parser.fields if parser.found else None


# --- The load ----------------------------------------------------------------------------

@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    cache: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    notes: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0

    def record(self, kind: str, result: Result) -> None:
        with self.lock:
            self.requests += 1
            self.latencies[kind].append(result.seconds)
            self.statuses[kind][result.status] += 1
            if "X-Cache" in result.headers:
                self.cache[result.headers["X-Cache"]] += 1

    def count(self, outcome: str, note: str | None = None) -> None:
        with self.lock:
            self.outcomes[outcome] += 1
            if note:
                self.notes[note] += 1


class Soak:
    def __init__(self, args, state: dict):
        url = urllib.parse.urlsplit(args.base_url)
        self.host, self.port = url.hostname, url.port or 80
        self.args, self.state = args, state
        self.stats = Stats()
        self.deadline = time.monotonic() + args.duration
        self.stop = threading.Event()
        self.words = sorted({w.lower() for a in state["articles"] for w in re.findall(r"[A-Za-z]{5,}", a["title"])})

    def running(self) -> bool:
        if self.stop.is_set() or time.monotonic() >= self.deadline or self.stats.requests >= self.args.max_requests:
            self.stop.set()
            return False
        return True

    def timed(self, client: Client, kind: str, method: str, path: str, **kwargs) -> Result:
        result = client.request(method, path, **kwargs)
        self.stats.record(kind, result)
        if result.status == 0:
            self.stats.count("no_answer", f"{method} {path}: no answer ({result.body})")
        elif result.status >= 500:
            self.stats.count("server_error", f"{method} {path}: {result.status}")
        return result

    # Readers ----------------------------------------------------------------------------
    def reader(self, seed: int) -> None:
        rnd = random.Random(seed)
        page_client = Client(self.host, self.port)  # anonymous: never keeps a cookie
        beacon_client = Client(self.host, self.port)
        articles, categories = self.state["articles"], sorted({a["category__slug"] for a in self.state["articles"]})
        pages = [
            (50, lambda: None),
            (12, lambda: ("home", "/")),
            (9, lambda: ("category", f"/category/{rnd.choice(categories)}/")),
            (5, lambda: ("tag", f"/tags/{rnd.choice(self.state['tags'])}/") if self.state["tags"] else ("home", "/")),
            (8, lambda: ("popular", f"/popular/?period={rnd.choice(['7d', '30d', 'all'])}")),
            (6, lambda: ("author", f"/authors/{rnd.choice(self.state['authors'])}/")),
            (10, lambda: ("search", "/search/?" + urllib.parse.urlencode({"q": self.query(rnd)}))),
        ]
        weights = [w for w, _ in pages]
        while self.running():
            choice = rnd.choices(pages, weights)[0][1]()
            if choice is None:
                article = rnd.choice(articles)
                result = self.timed(page_client, "article", "GET", f"/articles/{article['slug']}/")
                if result.status == 200 and self.running():
                    beacon = self.timed(beacon_client, "beacon", "POST", f"/views/{article['pk']}/")
                    if beacon.status == 204:
                        self.stats.count("beacons_acknowledged")
                    else:
                        self.stats.count("beacons_failed", f"beacon for article {article['pk']} answered {beacon.status}")
            else:
                self.timed(page_client, choice[0], "GET", choice[1])

    def query(self, rnd: random.Random) -> str:
        roll = rnd.random()
        if roll < 0.6 and self.words:
            return rnd.choice(self.words)
        if roll < 0.8 and len(self.words) > 1:
            return " ".join(rnd.sample(self.words, 2))
        if roll < 0.9:
            return f'"{rnd.choice(self.words)}" -zzzz' if self.words else "pain"
        return "nothingmatchesthis"

    # Editors ----------------------------------------------------------------------------
    def editor(self, number: int) -> None:
        client = Client(self.host, self.port, cookies=True)
        if not self.login(client):
            self.stats.count("login_failed", f"editor {number}: could not log in")
            return
        target = self.state["target"]
        change_url = f"/admin/articles/article/{target['pk']}/change/"
        edit = 0
        while self.running():
            page = self.timed(client, "admin_form", "GET", change_url)
            fields = form_fields(page.body, "article_form") if page.status == 200 else None
            if not fields:
                self.stats.count("edit_form_unavailable", f"editor {number}: form answered {page.status}")
                time.sleep(self.args.edit_pause)
                continue
            edit += 1
            values = dict(fields)
            lead = re.sub(r"\s*Soak edit \S+\.$", "", values["lead"])
            new_lead = f"{lead}\n\nSoak edit {number}-{edit}."
            form = [(name, new_lead if name == "lead" else value) for name, value in fields]
            if not self.running():
                break
            saved = self.timed(client, "admin_save", "POST", change_url, form=form)
            if saved.status == 302 and saved.headers.get("Location", "").endswith(change_url):
                self.stats.count("edits_saved")
            elif saved.status == 200 and CONFLICT_TEXT in saved.body:
                self.stats.count("edit_conflicts")
            elif saved.status >= 500 or saved.status == 0:
                self.stats.count("edit_errors")  # noted by timed()
            else:
                errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', saved.body, re.DOTALL)
                self.stats.count("edits_refused", f"editor {number}: save answered {saved.status}: "
                                 + re.sub(r"<[^>]+>", " ", " ".join(errors))[:200])
            time.sleep(self.args.edit_pause)

    def login(self, client: Client) -> bool:
        page = self.timed(client, "admin_login", "GET", "/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if not token:
            return False
        form = {"csrfmiddlewaretoken": token.group(1), "username": EDITOR[0], "password": EDITOR[1], "next": "/admin/"}
        answer = self.timed(client, "admin_login", "POST", "/admin/login/", form=form)
        return answer.status == 302 and answer.headers.get("Location") == "/admin/"

    def run(self) -> float:
        threads = [threading.Thread(target=self.reader, args=(i,), name=f"reader-{i}") for i in range(self.args.readers)]
        threads += [threading.Thread(target=self.editor, args=(i + 1,), name=f"editor-{i + 1}")
                    for i in range(self.args.editors)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.monotonic() - started


# --- manage.py -----------------------------------------------------------------------

def manage(*args: str) -> str:
    completed = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args], cwd=BASE_DIR, capture_output=True, text=True, check=False,
    )
    if completed.returncode:
        raise SystemExit(f"manage.py {args[0]} failed:\n{completed.stderr[-2000:]}")
    return completed.stdout


def site_state(target: str) -> dict:
    output = manage("shell", "-v", "0", "-c", STATE_CODE.format(target=target))
    for line in output.splitlines():
        if line.startswith("SOAK-STATE:"):
            return json.loads(line.removeprefix("SOAK-STATE:"))
    raise SystemExit(f"Could not read the site's state:\n{output[-2000:]}")


# --- Report ----------------------------------------------------------------------------

def machine() -> str:
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kb / 1048576:.1f} GiB memory"
    except (OSError, AttributeError):
        pass
    cpu = ""
    try:
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()).group(1).strip()
    except (OSError, AttributeError):
        pass
    return f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}){memory}; {cpu or platform.processor()}; " \
           f"{platform.system()} {platform.release()}; Python {platform.python_version()}"


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def summary(stats: Stats, elapsed: float) -> tuple[str, int, int]:
    order = ["article", "beacon", "home", "category", "tag", "popular", "author", "search",
             "admin_login", "admin_form", "admin_save"]
    kinds = [k for k in order if k in stats.latencies] + sorted(set(stats.latencies) - set(order))
    lines = ["| kind | requests | 5xx | no answer | other non-2xx/3xx | p50 ms | p95 ms | max ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    total = errors5 = failed = 0
    for kind in kinds:
        latencies, statuses = stats.latencies[kind], stats.statuses[kind]
        n5 = sum(c for s, c in statuses.items() if s >= 500)
        n0 = statuses.get(0, 0)
        other = sum(c for s, c in statuses.items() if 0 < s < 500 and not 200 <= s < 400)
        total, errors5, failed = total + len(latencies), errors5 + n5, failed + n0
        lines.append(
            f"| {kind} | {len(latencies)} | {n5} | {n0} | {other} | {percentile(latencies, .5) * 1000:.1f} | "
            f"{percentile(latencies, .95) * 1000:.1f} | {max(latencies) * 1000:.1f} |"
        )
    every = [x for values in stats.latencies.values() for x in values]
    lines.append(f"| **all** | **{total}** | **{errors5}** | **{failed}** | | {percentile(every, .5) * 1000:.1f} | "
                 f"{percentile(every, .95) * 1000:.1f} | {max(every, default=0) * 1000:.1f} |")
    lines.append("")
    lines.append(f"{total} requests in {elapsed:.1f} s ({total / elapsed:.0f} per second).")
    return "\n".join(lines), errors5, failed


def server_errors(path: str | None) -> tuple[int, list[str]]:
    """ERROR lines of the server log, summarised as "n × message — exception" (most frequent first)."""
    if not path or not Path(path).exists():
        return 0, []
    found: Counter = Counter()
    for line in Path(path).read_text(errors="replace").splitlines():
        if line.startswith("{"):
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("level") not in ("ERROR", "CRITICAL"):
                continue
            exception = (entry.get("exception") or "").strip().splitlines()
            found[entry.get("message", "") + (f" — {exception[-1]}" if exception else "")] += 1
        elif "[ERROR]" in line or "[CRITICAL]" in line:  # gunicorn's own log lines
            found[line.split("] ", 1)[-1][:200]] += 1
    return sum(found.values()), [f"{n} × {text}" for text, n in found.most_common(5)]


def write_report(path: Path, text: str) -> None:
    block = f"{BEGIN}\n{text.strip()}\n{END}"
    current = path.read_text() if path.exists() else "# Reliability\n"
    if BEGIN in current and END in current:
        head, rest = current.split(BEGIN, 1)
        updated = head + block + rest.split(END, 1)[1]
    else:
        updated = current.rstrip() + "\n\n## Latest soak run\n\n" + block + "\n"
    path.write_text(updated)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8000 (loopback only)")
    parser.add_argument("--duration", type=float, default=300, help="seconds of load (default 300)")
    parser.add_argument("--max-requests", type=int, default=500_000, help="stop after this many requests")
    parser.add_argument("--readers", type=int, default=4, help="anonymous reader threads (default 4)")
    parser.add_argument("--editors", type=int, default=2, help="admin editor threads on one article (default 2)")
    parser.add_argument("--edit-pause", type=float, default=0.2, help="seconds an editor waits between saves")
    parser.add_argument("--article", default="", help="slug of the article to edit (default: first published)")
    parser.add_argument("--server-log", help="server log to scan for ERROR lines")
    parser.add_argument("--server", default="(not described)", help="how the server runs, for the report")
    parser.add_argument("--command", default="", help="the command that started the run, for the report")
    parser.add_argument("--report", type=Path, help="write the results into this Markdown file")
    args = parser.parse_args()

    host = urllib.parse.urlsplit(args.base_url).hostname
    if host not in LOOPBACK:
        parser.error(f"--base-url must be a loopback address ({', '.join(sorted(LOOPBACK))}), not {host!r}")

    before = site_state(args.article)
    if not before["articles"] or before["target"] is None:
        raise SystemExit("The site has no published article to read or edit: load the demo content first.")
    load_before = os.getloadavg()[0]
    soak = Soak(args, before)
    print(f"Soak: {args.readers} readers + {args.editors} editors for up to {args.duration:.0f} s against "
          f"{args.base_url}; editing /articles/{before['target']['slug']}/ …", flush=True)
    elapsed = soak.run()

    flushed = manage("flush_view_counts").strip()
    after = site_state(before["target"]["slug"])
    stats, outcomes = soak.stats, soak.stats.outcomes
    table, errors5, no_answer = summary(stats, elapsed)
    log_errors, log_samples = server_errors(args.server_log)
    views_stored = after["views"] - before["views"]
    version_growth = after["target"]["version"] - before["target"]["version"]
    checks = [
        ("no 5xx answers and no failed connections", errors5 == 0 and no_answer == 0,
         f"{errors5} × 5xx, {no_answer} without answer"),
        ("every confirmed save is one edit revision, no more, no less", version_growth == outcomes["edits_saved"],
         (f"{outcomes['edits_saved']} saves confirmed, version {before['target']['version']} → "
         f"{after['target']['version']} (+{version_growth}); {outcomes['edit_conflicts']} saves refused as "
         f"conflicts; history rows +{after['target']['history'] - before['target']['history']}")),
        ("every acknowledged beacon is one stored view", views_stored == outcomes["beacons_acknowledged"],
         (f"{outcomes['beacons_acknowledged']} beacons acknowledged (204), {outcomes['beacons_failed']} not; "
         f"stored views +{views_stored} (flush_view_counts: {flushed})")),
        ("editors could log in and save", outcomes["edits_saved"] > 0 and not outcomes["login_failed"],
         (f"{outcomes['edits_saved']} saves, {outcomes['login_failed']} failed log-ins, "
         f"{outcomes['edits_refused']} saves refused for other reasons, {outcomes['edit_errors']} save errors")),
        ("no ERROR lines in the server log", log_errors == 0, f"{log_errors} line(s)"),
    ]
    hits, misses = stats.cache.get("HIT", 0), stats.cache.get("MISS", 0)
    check_lines = "\n".join(f"- {'PASS' if ok else 'FAIL'}: {name} ({detail})" for name, ok, detail in checks)
    report = "\n".join([
        (f"Run of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {elapsed:.0f} s of load "
        f"(`--duration {args.duration:g}`; the default is 300 s)."),
        "",
        f"- Command: `{args.command or ' '.join(shlex.quote(a) for a in sys.argv)}`",
        (f"- Machine: {machine()}; load average (1 min) {load_before:.1f} before the run, "
        f"{os.getloadavg()[0]:.1f} after it (anything above the CPU count means other work competed for them)"),
        f"- Server: {args.server}",
        (f"- Load: {args.readers} anonymous reader threads (each article read followed by its view beacon), "
        f"{args.editors} editor threads saving the lead of `/articles/{before['target']['slug']}/` through the "
        f"admin change form ({args.edit_pause:g} s pause between saves); closed loop, no think time for readers."),
        f"- Page cache for anonymous pages: {hits} hits, {misses} misses.",
        "",
        table,
        "",
        "Checks:",
        "",
        check_lines,
    ])
    if stats.notes:
        report += "\n\nNotes:\n\n" + "\n".join(f"- {n} × {note}" for note, n in stats.notes.most_common(15))
    if log_samples:
        report += "\n\nServer log errors:\n\n" + "\n".join(f"- `{sample[:300]}`" for sample in log_samples)
    print()
    print(report)
    if args.report:
        write_report(args.report, report)
        print(f"\nWritten to {args.report}.")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
