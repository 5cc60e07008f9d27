"""Benchmark of ``manage.py import_wordpress``: seconds and peak memory for generated exports.

    .venv/bin/python scripts/bench_import.py                 # 1,000 and 10,000 posts, SQLite in /tmp
    .venv/bin/python scripts/bench_import.py --posts 500     # other sizes
    .venv/bin/python scripts/bench_import.py --write-docs    # also rewrite the section in docs/performance.md

Each size gets a fresh SQLite database (or the database in ``DATABASE_URL``, which must be a
throwaway one: it is migrated and imported into), a generated WXR 1.2 file (deterministic:
block-editor and classic posts, five sections, a reference list, categories, tags, authors,
shortcodes), and one ``import_wordpress`` process, whose wall time and peak resident memory
(``ru_maxrss``) are reported.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- BEGIN bench_import -->", "<!-- END bench_import -->"

WORDS = [
    "bone", "joint", "spine", "cartilage", "muscle", "tendon", "ligament", "nerve", "disc", "vertebra",
    "fracture", "healing", "pain", "movement", "exercise", "posture", "strength", "balance", "knee", "hip",
    "shoulder", "wrist", "ankle", "physiotherapy", "surgery", "recovery", "rest", "inflammation", "swelling",
    "stiffness", "x-ray", "scan", "doctor", "patient", "treatment",
]
HEADINGS = ["Symptoms", "Causes", "Diagnosis", "Treatment", "Recovery", "Prevention", "When to see a doctor"]


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))


def _content(rng: random.Random, i: int) -> str:
    block = i % 2 == 0
    parts = []

    def para(text):
        parts.append(f"<!-- wp:paragraph -->\n<p>{text}</p>\n<!-- /wp:paragraph -->" if block else text)

    def heading(text):
        parts.append(f'<!-- wp:heading -->\n<h2 class="wp-block-heading">{text}</h2>\n<!-- /wp:heading -->'
                     if block else f"<h2>{text}</h2>")

    para(_paragraph(rng))
    if i % 10 == 0:
        parts.append("[toc]")
    for heading_text in rng.sample(HEADINGS, 5):
        heading(heading_text)
        for _ in range(rng.randint(1, 3)):
            para(_paragraph(rng))
    heading("References")
    items = []
    for n in range(3):
        year = 1990 + (i + n) % 34
        items.append(f"<li>Author{n} AB, Writer CD. {_sentence(rng, 8)} J Orthop Res. {year};{10 + n}({n + 1}):"
                     f"{100 + n}-{110 + n}. doi:10.1000/bench.{i}.{n}</li>")
    parts.append("<ol>" + "".join(items) + "</ol>")
    return "\n\n".join(parts)


def write_export(path, posts: int, seed: int = 1) -> Path:
    """Write a WXR 1.2 file with ``posts`` posts (streamed to disk)."""
    rng = random.Random(seed)
    path = Path(path)
    start = datetime(2015, 1, 1, 8, 0, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
                  'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
                  'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                  'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n'
                  "<channel>\n<title>Benchmark site</title>\n<link>https://bench.example</link>\n"
                  "<wp:wxr_version>1.2</wp:wxr_version>\n<wp:base_site_url>https://bench.example</wp:base_site_url>\n"
                  "<wp:base_blog_url>https://bench.example</wp:base_blog_url>\n")
        for a in range(5):
            out.write(f"<wp:author><wp:author_login>{_cdata(f'author{a}')}</wp:author_login>"
                      f"<wp:author_display_name>{_cdata(f'Dr Bench Author {a}')}</wp:author_display_name></wp:author>\n")
        for c in range(10):
            out.write(f"<wp:category><wp:category_nicename>topic-{c}</wp:category_nicename>"
                      f"<wp:category_parent></wp:category_parent><wp:cat_name>{_cdata(f'Topic {c}')}</wp:cat_name>"
                      "</wp:category>\n")
        for i in range(1, posts + 1):
            when = start + timedelta(hours=7 * i)
            slug = f"bench-post-{i}"
            tags = "".join(f'<category domain="post_tag" nicename="tag-{t}">{_cdata(f"Tag {t}")}</category>'
                           for t in rng.sample(range(50), 3))
            out.write(
                "<item>\n"
                f"<title>{escape(_sentence(rng, 6)[:-1])} {i}</title>\n"
                f"<link>https://bench.example/{when:%Y/%m}/{slug}/</link>\n"
                f"<dc:creator>{_cdata(f'author{i % 5}')}</dc:creator>\n"
                f'<guid isPermaLink="false">https://bench.example/?p={i}</guid>\n'
                f"<content:encoded>{_cdata(_content(rng, i))}</content:encoded>\n"
                f"<excerpt:encoded>{_cdata('')}</excerpt:encoded>\n"
                f"<wp:post_id>{i}</wp:post_id>\n"
                f"<wp:post_date>{when:%Y-%m-%d %H:%M:%S}</wp:post_date>\n"
                f"<wp:post_date_gmt>{when:%Y-%m-%d %H:%M:%S}</wp:post_date_gmt>\n"
                f"<wp:post_name>{slug}</wp:post_name>\n<wp:status>publish</wp:status>\n"
                "<wp:post_type>post</wp:post_type>\n"
                f'<category domain="category" nicename="topic-{i % 10}">{_cdata(f"Topic {i % 10}")}</category>{tags}\n'
                "</item>\n"
            )
        out.write("</channel>\n</rss>\n")
    return path


def _run(cmd: list[str], env: dict) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (KiB) and output of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = proc.stdout.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{output}")
    return seconds, usage.ru_maxrss, output


def bench(posts: int) -> dict:
    python = str(ROOT / ".venv" / "bin" / "python")
    with tempfile.TemporaryDirectory(prefix="bonespine-bench-import-") as tmp:
        env = {**os.environ, "DJANGO_MEDIA_ROOT": f"{tmp}/media"}
        env.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
        export = write_export(Path(tmp) / "export.xml", posts)
        _run([python, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        seconds, rss_kib, output = _run([python, "manage.py", "import_wordpress", str(export), "--quiet-posts"], env)
        created = re.search(r"articles\s+(\d+) created", output)
        if not created or int(created.group(1)) != posts:
            sys.exit(f"expected {posts} articles created:\n{output}")
        return {"posts": posts, "seconds": seconds, "rss_mib": rss_kib / 1024, "file_mib": export.stat().st_size / 2**20,
                "backend": "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"}


def table(rows: list[dict]) -> str:
    lines = ["| posts | export size | database | seconds | posts/s | peak memory (RSS) |",
             "|---:|---:|---|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['posts']:,} | {r['file_mib']:.1f} MiB | {r['backend']} | {r['seconds']:.1f} | "
                     f"{r['posts'] / r['seconds']:.0f} | {r['rss_mib']:.0f} MiB |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    rows = []
    for n in args.posts:
        rows.append(bench(n))
        print(table(rows[-1:]).splitlines()[-1], flush=True)
    text = table(rows)
    print(text)
    if args.write_docs:
        when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        section = (f"{BEGIN}\n## Importing from WordPress\n\nMeasured by `scripts/bench_import.py` on {when} "
                   f"({platform.machine()}, {os.cpu_count()} CPUs shared with other work; Python "
                   f"{platform.python_version()}): one `manage.py import_wordpress` process per size, on a fresh, "
                   "migrated database, reading a generated WXR 1.2 export (half block-editor, half classic posts, five "
                   "sections and three references each, 10 categories, 50 tags, 5 authors, no images). Peak memory "
                   "is the process's maximum resident set size (Django included).\n\n" + text + f"\n{END}")
        docs = DOCS.read_text(encoding="utf-8")
        if BEGIN in docs:
            docs = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda m: section, docs, flags=re.DOTALL)
        else:
            docs = docs.rstrip("\n") + "\n\n" + section + "\n"
        DOCS.write_text(docs, encoding="utf-8")


if __name__ == "__main__":
    main()
