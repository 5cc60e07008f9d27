"""``manage.py bench_dataset --articles N [--seed 1] [--flush]``: a large, deterministic site for
benchmarks (:mod:`articles.demo.benchmark`)."""

from django.core.management.base import BaseCommand, CommandError

from articles.demo import benchmark


class Command(BaseCommand):
    help = "Build a large deterministic benchmark dataset (refuses a non-empty database unless --flush)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True, help="How many published articles to create.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--flush", action="store_true",
                            help="Empty every articles/authors/taggit table first (destroys their data).")

    def handle(self, *args, articles: int, seed: int, flush: bool, **options):
        if articles < 1:
            raise CommandError("--articles must be at least 1.")
        try:
            s = benchmark.build_dataset(articles=articles, seed=seed, flush=flush, log=self.stdout.write)
        except benchmark.DatasetError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            f"Benchmark dataset: {s.articles} articles, {s.sections} sections, {s.references} references, "
            f"{s.tag_links} tag links, {s.daily_views} daily view rows in {s.seconds:.1f} s "
            f"(seed {s.seed}, {s.vendor})."
        ))
