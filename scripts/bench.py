#!/usr/bin/env python3
"""Throughput and latency of the public pages under gunicorn, against a static-file ceiling.

Run through ``make bench`` (scripts/bench.sh), which starts a throwaway PostgreSQL and
Redis and passes them in ``DATABASE_URL`` / ``REDIS_URL``, with ``BENCH_TMP`` as scratch
space. This script then:

1. migrates, collects static files and builds ``bench_dataset --articles <small size>``;
2. saves the article page's HTML as ``staticfiles/bench/article.html``: a static file of
   the same size, served by WhiteNoise from the same gunicorn — the ceiling;
3. starts gunicorn (DEBUG off, Redis cache) with the page cache on, then off, and runs
   ``wrk --latency`` against each target (after a short warm-up);
4. with the page cache on, also puts the front server of ``make serve`` (nginx, deploy/nginx/,
   its 3 s micro-cache) in front of that gunicorn and measures the same pages through it,
   against nginx serving the same static file;
5. rebuilds with the large size and measures the pages again with the page cache off;
6. counts the SQL queries of an uncached article page at both sizes (in-process);
7. prints the table with every target of issue 13 marked PASS/FAIL and, unless
   ``BENCH_QUICK=1``, rewrites the generated part of docs/performance.md.

Environment: BENCH_DURATION (15s; quick 5s), BENCH_QUICK=1 (5 s runs, 500/5,000 articles),
BENCH_SIZES ("2000,20000"), BENCH_CONNECTIONS (10), BENCH_THREADS (2), BENCH_WRITE_DOC
(1 unless quick), BENCH_NGINX (1; 0 skips the nginx rows), WEB_CONCURRENCY and the other
gunicorn.conf.py variables. A smoke run of a few minutes:
``BENCH_QUICK=1 BENCH_SIZES=200,1000 BENCH_DURATION=2s make bench``.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import platform
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DOC = ROOT / "docs" / "performance.md"
STATIC_COPY = ROOT / "staticfiles" / "bench" / "article.html"
BEGIN, END = "<!-- BEGIN make bench (generated: do not edit by hand) -->", "<!-- END make bench -->"

QUICK = os.environ.get("BENCH_QUICK", "") == "1"
DURATION = os.environ.get("BENCH_DURATION") or ("5s" if QUICK else "15s")
WARMUP = "1s" if QUICK else "3s"
SIZES = [int(n) for n in (os.environ.get("BENCH_SIZES") or ("500,5000" if QUICK else "2000,20000")).split(",")]
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "10"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
WRITE_DOC = os.environ.get("BENCH_WRITE_DOC", "0" if QUICK else "1") == "1"
NGINX_ROWS = os.environ.get("BENCH_NGINX", "1") == "1"
NGINX = os.environ.get("BENCH_NGINX_BIN") or "/usr/sbin/nginx"
TMP = Path(os.environ.get("BENCH_TMP") or "/tmp")
SECRET_KEY = secrets.token_urlsafe(50)  # one per run, shared by every process of the run

# Targets in table order; the dict values are filled from the dataset (see PICK).
TARGETS = ["static", "article", "home", "category", "tag", "popular", "author", "search"]
LISTINGS = ["home", "category", "tag", "popular", "author"]
# Issue 13's targets: ratios to the static file within one run, growth from the small to the large size.
UNCACHED_ARTICLE_MIN, UNCACHED_P99_OVER_P50_MAX, UNCACHED_LISTING_MIN = 0.25, 3.0, 0.2
CACHED_ARTICLE_MIN, FRONT_CACHED_ARTICLE_MIN = 0.7, 0.5
GROWTH_MAX = {"search": 1.5, "article": 1.2, **{t: 1.3 for t in LISTINGS}}
ARTICLE_QUERY_BUDGET = 6

PICK = r"""
import json
from django.conf import settings
from django.db.models import Count
from django.test import Client, override_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag
from articles.models import Article, Category
from authors.models import Author
published = Article.objects.published().order_by("pk")
article = published[published.count() // 2]
category = Category.objects.annotate(n=Count("articles")).order_by("-n", "pk").first()
author = Author.objects.annotate(n=Count("articles")).order_by("-n", "pk").first()
tag = Tag.objects.annotate(n=Count("taggit_taggeditem_items")).order_by("-n", "pk").first()
paths = {
    "static": "/static/bench/article.html",
    "article": article.get_absolute_url(),
    "home": "/",
    "category": category.get_absolute_url(),
    "popular": "/popular/",
    "author": author.get_absolute_url(),
    "tag": f"/tags/{tag.slug}/",
    "search": "/search/?q=fracture",
}
response = Client().get(paths["article"], HTTP_HOST="127.0.0.1")
assert response.status_code == 200, response.status_code
out = settings.STATIC_ROOT / "bench" / "article.html"
out.parent.mkdir(parents=True, exist_ok=True)
out.write_bytes(response.content)
from articles.search import _ts_query
with override_settings(BONESPINE_PAGE_CACHE=False):
    Client().get(paths["article"], HTTP_HOST="127.0.0.1")  # warm per-process caches, as a running server
    with CaptureQueriesContext(connection) as queries:
        Client().get(paths["article"], HTTP_HOST="127.0.0.1")
info = {"category_articles": category.n, "author_articles": author.n, "tag_articles": tag.n,
        "html_bytes": len(response.content), "article_queries": len(queries.captured_queries),
        "search_matches": published.filter(live_version__search_vector=_ts_query("fracture")).count()}
print("BENCH_PICK " + json.dumps({"paths": paths, "info": info}))
"""


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def django_env(**extra) -> dict:
    env = dict(os.environ)
    env.update({
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_MEDIA_ROOT": str(TMP / "media"),
        "DJANGO_LOG_LEVEL": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    })
    env.update(extra)
    return env


def manage(*args: str, capture: bool = False) -> str:
    cmd = [PYTHON, "manage.py", *args]
    result = subprocess.run(cmd, cwd=ROOT, env=django_env(), text=True,
                            stdout=subprocess.PIPE if capture else None, check=True)
    return result.stdout or ""


def build(size: int) -> float:
    log(f"bench_dataset --articles {size}")
    started = time.perf_counter()
    manage("bench_dataset", "--articles", str(size), "--seed", "1", "--flush")
    elapsed = time.perf_counter() - started
    # Our throwaway Redis: drop whatever the previous dataset left (e.g. cached popular rankings).
    subprocess.run(["redis-cli", "-u", os.environ["REDIS_URL"], "flushdb"], check=True, capture_output=True)
    return elapsed


CODE = ["articles", "authors", "bonespine", "templates", "static", "gunicorn.conf.py", "requirements.txt"]


def code_fingerprint() -> str:
    """A short hash of the application code and templates, to notice edits made during a run."""
    digest = hashlib.sha256()
    for name in CODE:
        base = ROOT / name
        for path in sorted([base] if base.is_file() else base.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


FINGERPRINTS: list[tuple[str, str]] = []  # (moment, fingerprint)


def note_code(moment: str) -> None:
    FINGERPRINTS.append((moment, code_fingerprint()))
    if len({fp for _, fp in FINGERPRINTS}) > 1:
        log(f"WARNING: the application code changed during the run ({moment}: {FINGERPRINTS[-1][1]})")


def pick() -> dict:
    out = manage("shell", "-v", "0", "-c", PICK, capture=True)
    line = next(line for line in out.splitlines() if line.startswith("BENCH_PICK "))
    return json.loads(line.removeprefix("BENCH_PICK "))


class Server:
    """One gunicorn (gunicorn.conf.py) on a free loopback port, stopped by its process group."""

    def __init__(self, name: str, page_cache: bool):
        self.name, self.page_cache, self.port, self.proc = name, page_cache, free_port(), None

    def __enter__(self):
        note_code(f"start of {self.name}")
        env = django_env(PORT=str(self.port), BIND=f"127.0.0.1:{self.port}",
                         BONESPINE_PAGE_CACHE="1" if self.page_cache else "0")
        self.logfile = open(TMP / f"gunicorn-{self.name}.log", "wb")
        self.proc = subprocess.Popen([GUNICORN, "-c", "gunicorn.conf.py"], cwd=ROOT, env=env,
                                     stdout=self.logfile, stderr=subprocess.STDOUT, start_new_session=True)
        (TMP / "gunicorn.pid").write_text(str(self.proc.pid))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.proc.returncode}; see {self.logfile.name}")
            try:
                if get(self.port, "/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit("gunicorn did not answer /healthz within 60 s")

    def __exit__(self, *exc):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        (TMP / "gunicorn.pid").unlink(missing_ok=True)
        self.logfile.close()


class Front:
    """The front server of ``make serve`` (nginx, rendered from deploy/nginx/) before ``server``."""

    def __init__(self, server: Server):
        self.server, self.port, self.name = server, free_port(), f"{server.name}-nginx"
        self.page_cache, self.logfile = server.page_cache, None
        self.run_dir = TMP / "nginx"

    def __enter__(self):
        sys.path.insert(0, str(ROOT / "deploy" / "nginx"))
        import render  # deploy/nginx/render.py

        conf = render.write_run_dir(run_dir=self.run_dir, listen=f"127.0.0.1:{self.port}",
                                    upstream=f"127.0.0.1:{self.server.port}", static_root=str(ROOT / "staticfiles"),
                                    media_root=str(TMP / "media"))
        self.cache_seconds = render.CACHE_SECONDS
        self.command = [NGINX, "-p", str(self.run_dir), "-e", str(self.run_dir / "error.log"), "-c", str(conf)]
        subprocess.run(self.command, check=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                get(self.port, "/healthz")
                return self
            except OSError:
                time.sleep(0.1)
        raise SystemExit("nginx did not answer within 10 s")

    def __exit__(self, *exc):
        subprocess.run([*self.command, "-s", "quit"], check=False)
        time.sleep(0.5)


def get(port: int, path: str) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
SIZE_UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def parse_wrk(text: str) -> dict:
    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.MULTILINE).groups()
        return float(value) * UNITS[unit]

    requests, read, unit = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+)(\w+) read", text).groups()
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    p50, p99 = latency("50"), latency("99")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "p50": p50 or None,  # 0 when no request finished within wrk's timeout
        "p99": p99 or None,
        "requests": int(requests),
        "bytes": round(float(read) * SIZE_UNITS[unit] / max(int(requests), 1)),
        "errors": (sum(int(n) for n in errors.groups()) if errors else 0) + (int(non2xx.group(1)) if non2xx else 0),
    }


def wrk(port: int, path: str, duration: str, latency: bool = True) -> str:
    cmd = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{duration}", "--timeout", "30s"]
    if latency:
        cmd.append("--latency")
    cmd.append(f"http://127.0.0.1:{port}{path}")
    return subprocess.run(cmd, text=True, capture_output=True, check=True).stdout


@dataclass
class Row:
    size: int
    target: str
    cache: str
    rps: float
    p50: float
    p99: float
    bytes: int
    errors: int
    requests: int
    server_p50: float | None = None
    ratio: float = 0.0


def server_durations(logfile: Path, offset: int, path: str) -> list[float]:
    """duration_ms of the app's request log lines for ``path`` written after ``offset``."""
    durations = []
    with open(logfile, "rb") as fh:
        fh.seek(offset)
        for line in fh:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("logger") == "bonespine.request" and entry.get("path") == path.split("?")[0]:
                durations.append(float(entry["duration_ms"]))
    return durations


def measure(server, size: int, paths: dict, targets: list[str]) -> list[Row]:
    """wrk each target; the static file first and again last, ratios against their mean.

    ``server`` is a gunicorn :class:`Server` or a :class:`Front` (nginx) before one; rows through
    nginx say ``nginx`` in the page-cache column and have no server-side duration.
    """
    rows = []
    front = isinstance(server, Front)
    for target in ["static", *[t for t in targets if t != "static"], "static"]:
        path = paths[target]
        get(server.port, path)
        status, headers, _ = get(server.port, path)  # the second one is a hit when the cache is on
        if status != 200:
            raise SystemExit(f"{path} answered {status}; not benchmarking an error page")
        if front and target != "static" and headers.get("X-Proxy-Cache") != "HIT":
            log(f"warning: {path} not served from nginx's micro-cache (X-Proxy-Cache: {headers.get('X-Proxy-Cache')})")
        elif not front and server.page_cache and target != "static" and headers.get("X-Cache") != "HIT":
            log(f"warning: {path} not served from the page cache (X-Cache: {headers.get('X-Cache')})")
        wrk(server.port, path, WARMUP, latency=False)
        if not front:
            server.logfile.flush()
            offset = Path(server.logfile.name).stat().st_size
        result = parse_wrk(wrk(server.port, path, DURATION))
        durations = [] if front else sorted(server_durations(Path(server.logfile.name), offset, path))
        row = Row(size, target if not rows or target != "static" else "static (end)",
                  "nginx" if front else "on" if server.page_cache else "off",
                  result["rps"], result["p50"], result["p99"],
                  result["bytes"], result["errors"], result["requests"],
                  durations[len(durations) // 2] if durations else None)
        log(f"{size:>6} {row.target:<12} cache {row.cache:<3} {rate(row.rps):>8} req/s  p50 {ms(row.p50):>7} ms  "
            f"p99 {ms(row.p99):>7} ms  server p50 {ms(row.server_p50):>7} ms  {row.bytes} B/response"
            f"{'  ERRORS ' + str(row.errors) if row.errors else ''}")
        rows.append(row)
    statics = [r.rps for r in rows if r.target.startswith("static")]
    static = sum(statics) / len(statics)
    for row in rows:
        row.ratio = row.rps / static if static else 0.0
    return rows


def sh(cmd: str) -> str:
    try:
        return subprocess.run(cmd, check=False, shell=True, text=True, capture_output=True).stdout.strip()
    except OSError:
        return "?"


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    pg_bindir = os.environ.get("BENCH_PG_BINDIR", "")
    return {
        "nproc": sh("nproc"),
        "cpu": cpu,
        "memory": sh("free -h"),
        "os": sh(". /etc/os-release && echo \"$PRETTY_NAME\"") or platform.platform(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgresql": sh(f"{shlex.quote(pg_bindir)}/postgres --version") if pg_bindir else "?",
        "redis": sh("redis-server --version"),
        "wrk": sh("wrk -v 2>&1 | head -n 1"),
        "gunicorn": sh(f"{GUNICORN} --version"),
        "django": sh(f"{PYTHON} -c 'import django; print(django.get_version())'"),
        "workers": os.environ.get("WEB_CONCURRENCY") or f"{(os.cpu_count() or 1) + 1} (CPUs + 1)",
    }


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def verdicts(rows: list[Row], small: int, large: int, picks: dict) -> list[str]:
    """Issue 13's targets, each PASS or FAIL (ratios at both sizes where both were measured)."""
    def row(size, target, cache):
        return next((r for r in rows if (r.size, r.target, r.cache) == (size, target, cache)), None)

    def mark(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    out = []
    for size in (small, large):
        r = row(size, "article", "off")
        if r:
            spread = r.p99 / r.p50 if r.p50 and r.p99 else None
            ok = r.ratio >= UNCACHED_ARTICLE_MIN and spread is not None and spread <= UNCACHED_P99_OVER_P50_MAX
            out.append(f"{mark(ok)}: uncached article at {size:,}: {r.ratio:.3f}× static, p99 {ms(r.p99)} ms = "
                       f"{'–' if spread is None else f'{spread:.1f}'}× its p50 (target ≥ {UNCACHED_ARTICLE_MIN}× "
                       f"and p99 ≤ {UNCACHED_P99_OVER_P50_MAX:g}× p50)")
        for target in LISTINGS:
            r = row(size, target, "off")
            if r:
                out.append(f"{mark(r.ratio >= UNCACHED_LISTING_MIN)}: uncached {target} at {size:,}: "
                           f"{r.ratio:.3f}× static (target ≥ {UNCACHED_LISTING_MIN}×)")
    r = row(small, "article", "on")
    if r:
        out.append(f"{mark(r.ratio >= CACHED_ARTICLE_MIN)}: cached article through the app: {r.ratio:.2f}× static "
                   f"(target ≥ {CACHED_ARTICLE_MIN}×)")
    r = row(small, "article", "nginx")
    if r:
        out.append(f"{mark(r.ratio >= FRONT_CACHED_ARTICLE_MIN)}: cached article through nginx: {r.ratio:.2f}× nginx "
                   f"serving the same-size static file (target ≥ {FRONT_CACHED_ARTICLE_MIN}×)")
    elif NGINX_ROWS:
        out.append("FAIL: cached article through nginx: not measured")
    for target, limit in GROWTH_MAX.items():
        a, b = row(small, target, "off"), row(large, target, "off")
        if a and b and not (a.p50 and b.p50):
            out.append(f"FAIL: uncached {target}: no request finished within wrk's timeout, growth not measurable")
        elif a and b:
            growth = b.p50 / a.p50
            out.append(f"{mark(growth < limit)}: growth of uncached {target} p50 {a.p50:.1f} → {b.p50:.1f} ms "
                       f"({small:,} → {large:,} articles) = {growth:.2f}× (target < {limit:g}×; server-side p50 "
                       f"{ratio(a.server_p50, b.server_p50)})")
    counts = [picks[size]["info"].get("article_queries") for size in (small, large) if size in picks]
    if counts and None not in counts:
        ok = max(counts) <= ARTICLE_QUERY_BUDGET and len(set(counts)) == 1
        out.append(f"{mark(ok)}: uncached article page: {' and '.join(str(n) for n in counts)} SQL queries at "
                   f"{small:,} and {large:,} articles (target ≤ {ARTICLE_QUERY_BUDGET}, constant; "
                   "tests/test_query_budget.py asserts it)")
    return out


def rate(rps: float) -> str:
    return f"{rps:,.0f}" if rps >= 100 else f"{rps:.1f}"


def ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def table(rows: list[Row]) -> str:
    lines = ["| articles | target | page cache | req/s | p50 ms | p99 ms | server p50 ms | bytes/response | × static "
             "| requests | errors |",
             "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r.size:,} | {r.target} | {r.cache} | {rate(r.rps)} | {ms(r.p50)} | {ms(r.p99)} | "
                     f"{ms(r.server_p50)} | {r.bytes:,} | {r.ratio:.3f} | {r.requests:,} | {r.errors} |")
    return "\n".join(lines)


def ratio(a: float | None, b: float | None) -> str:
    return f"{b / a:.2f}×" if a and b else "–"


def growth_table(rows: list[Row], small: int, large: int) -> str:
    lines = [(f"| target (page cache off) | p50 at {small:,} | p50 at {large:,} | growth | server p50 at {small:,} | "
              f"server p50 at {large:,} | growth | req/s at {small:,} | req/s at {large:,} |"),
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for target in TARGETS[1:]:
        a = next((r for r in rows if (r.size, r.target, r.cache) == (small, target, "off")), None)
        b = next((r for r in rows if (r.size, r.target, r.cache) == (large, target, "off")), None)
        if a and b:
            lines.append(f"| {target} | {ms(a.p50)} ms | {ms(b.p50)} ms | {ratio(a.p50, b.p50)} | "
                         f"{ms(a.server_p50)} ms | {ms(b.server_p50)} ms | {ratio(a.server_p50, b.server_p50)} | "
                         f"{rate(a.rps)} | {rate(b.rps)} |")
    return "\n".join(lines)


def code_note() -> str:
    prints = {fp for _, fp in FINGERPRINTS}
    base = (f"Code fingerprint (sha256 of {', '.join(CODE)}): `{FINGERPRINTS[0][1]}`"
            if FINGERPRINTS else "Code fingerprint: not taken")
    if len(prints) <= 1:
        return base + ", unchanged during the run."
    moments = "; ".join(f"{moment} `{fp}`" for moment, fp in FINGERPRINTS)
    return (f"**Warning: the application code changed while this ran** ({moments}): rows from different "
            "servers may have run different code (compare the fingerprints). Run again on a quiet tree.")


def report(rows, small, large, picks, builds, info, started, load_start) -> str:
    command = "BENCH_QUICK=1 make bench" if QUICK else "make bench"
    lines = [
        (f"Generated by `{command}` on {started:%Y-%m-%d %H:%M} UTC "
        f"(wrk -t{THREADS} -c{CONNECTIONS} -d{DURATION} --latency per row, after a {WARMUP} warm-up; "
        f"gunicorn {info['workers']} sync workers, DEBUG off, Redis cache; load generator, gunicorn, "
        "PostgreSQL and Redis share the same machine)."),
        "",
        code_note(),
        "",
        "### Targets",
        "",
        *[f"- {v}" for v in verdicts(rows, small, large, picks)],
        "",
        "### Results",
        "",
        (f"`static` is `{picks[small]['paths']['static']}`: the article page's HTML saved as a file "
        f"({picks[small]['info']['html_bytes']:,} bytes) and served by WhiteNoise through the same middleware "
        "stack: the ceiling. Each server run measures it first and last (`static (end)`); × static is "
        "against the mean of the two. p50/p99 are wrk's (queueing included, 10 connections on the workers); "
        "server p50 is the median `duration_ms` the app logged for the same requests (time inside Django). "
        "Rows marked `nginx` go through the front server of `make serve` (deploy/nginx/, its micro-cache on, "
        "the app's page cache on behind it), and their × static is against nginx serving the same file."),
        "",
        table(rows),
        "",
        "### Growth with the data (page cache off)",
        "",
        growth_table(rows, small, large),
        "",
        "Pages measured: " + ", ".join(f"{t} `{p}`" for t, p in picks[small]["paths"].items()) + ". "
        f"The category holds {picks[small]['info']['category_articles']:,} articles at {small:,} and "
        f"{picks[large]['info']['category_articles']:,} at {large:,}; the author wrote "
        f"{picks[small]['info']['author_articles']:,} and {picks[large]['info']['author_articles']:,}; "
        f"the tag is on {picks[small]['info']['tag_articles']:,} and {picks[large]['info']['tag_articles']:,}; "
        f"the search matches {picks[small]['info']['search_matches']:,} and "
        f"{picks[large]['info']['search_matches']:,} articles.",
        "",
        "Dataset build (`bench_dataset`, PostgreSQL): " + ", ".join(
            f"{size:,} articles in {seconds:.0f} s" for size, seconds in builds.items()) + ".",
        "",
        "### Machine",
        "",
        f"- CPU: {info['cpu']}, `nproc` = {info['nproc']}",
        f"- OS: {info['os']}, kernel {info['kernel']}, Python {info['python']}, Django {info['django']}",
        (f"- {info['postgresql']} (throwaway cluster: fsync off, shared_buffers 512MB); "
        f"{info['redis']}; {info['wrk']}; {info['gunicorn']}"),
        (f"- Load average before / after the run: {load_start} / {loadavg()} (other work on the machine skews "
        "the figures)"),
        "",
        "```",
        "$ free -h",
        info["memory"],
        "```",
        "",
        "Command: `" + ("BENCH_QUICK=1 " if QUICK else "") + "make bench`"
        + (f" (BENCH_DURATION={DURATION})" if os.environ.get("BENCH_DURATION") else "") + ".",
    ]
    return "\n".join(lines)


INTRO = """# Performance

How fast the public pages are, how to measure it, and what the numbers must stay within.

## Targets

Issue 13's targets, measured with `make bench` (gunicorn as in `make serve`, PostgreSQL, Redis;
`wrk` with 10 connections) as ratios within one run, at 2,000 and at 20,000 articles, against a
static file of the same size served by the same server:

- **Uncached article ≥ 0.25×** the static file, p99 ≤ 3× its p50. Home, category, author, tag
  and popular (uncached) **≥ 0.2×**.
- **Cached article through the app ≥ 0.7×** the static file.
- **Through the front server** (nginx, `deploy/nginx/`, as `make serve` runs it): a cached
  article **≥ 0.5×** the same nginx serving the static file.
- **Growth 2k → 20k articles**: search p50 **< 1.5×**, every listing **< 1.3×**, the article
  **< 1.2×**.
- **At most 6 queries** for an uncached article page, constant in data size
  (`tests/test_query_budget.py`; the bench counts them too).

Each is marked PASS or FAIL in the generated section below.

## Benchmark

`make bench` needs `wrk`, PostgreSQL and `redis-server` (installed with apt-get when run as root).
It starts a throwaway PostgreSQL cluster and Redis on random loopback ports, builds
`manage.py bench_dataset --articles 2000` (deterministic: seed 1), runs gunicorn with
`gunicorn.conf.py` and `DJANGO_DEBUG=0`, measures every page with the page cache on and off, then
rebuilds with 20,000 articles and measures again; everything is stopped and removed at the end.
With the page cache on it also measures every page through nginx in front of that gunicorn
(rows marked `nginx`; `BENCH_NGINX=0` skips them). `BENCH_QUICK=1 make bench` is a smoke run
(5 s per page, 500/5,000 articles, docs untouched); `BENCH_SIZES=200,1000` and
`BENCH_DURATION=2s` make it shorter still (about 3 minutes), `BENCH_DURATION=30s` lengthens
each run. The section below is rewritten by every full run (about 20 minutes on 2 CPUs: each of
the 36 rows takes the duration plus a 3 s warm-up, and the 20,000-article dataset takes about
5 minutes to build); run it on a quiet machine.

"""

QUERY_BUDGET = """
## Query budget

TODO (lead): the per-page query budget table (tests/test_query_budget.py holds the numbers).
"""


def write_doc(body: str) -> None:
    generated = f"{BEGIN}\n## Latest results\n\n{body}\n{END}"
    if DOC.exists():
        text = DOC.read_text()
        if BEGIN in text and END in text:
            text = text[: text.index(BEGIN)] + generated + text[text.index(END) + len(END):]
        else:
            text = text.rstrip() + "\n\n" + generated + "\n"
    else:
        text = INTRO + generated + "\n" + QUERY_BUDGET
    if "## Query budget" not in text:
        text = text.rstrip() + "\n" + QUERY_BUDGET
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text)
    log(f"wrote {DOC.relative_to(ROOT)}")


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started, load_start = datetime.now(UTC), loadavg()
    small, large = SIZES
    log(f"sizes {small}/{large}, {DURATION} per run, load average {load_start}")
    note_code("start")
    manage("migrate", "--noinput", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    rows, picks, builds = [], {}, {}
    try:
        builds[small] = build(small)
        picks[small] = pick()
        for cache in (True, False):
            with Server(f"{small}-cache-{'on' if cache else 'off'}", cache) as server:
                rows += measure(server, small, picks[small]["paths"], TARGETS)
                if cache and NGINX_ROWS:
                    with Front(server) as front:
                        rows += measure(front, small, picks[small]["paths"], TARGETS)
        builds[large] = build(large)
        picks[large] = pick()
        with Server(f"{large}-cache-off", False) as server:
            rows += measure(server, large, picks[large]["paths"], TARGETS)
    finally:
        STATIC_COPY.unlink(missing_ok=True)
        if STATIC_COPY.parent.exists() and not any(STATIC_COPY.parent.iterdir()):
            STATIC_COPY.parent.rmdir()
    note_code("end")
    body = report(rows, small, large, picks, builds, machine(), started, load_start)
    print("\n" + body + "\n")
    if WRITE_DOC:
        write_doc(body)


if __name__ == "__main__":
    main()
