"""Benchmark the reviewer workspace: seed N demo decisions, then time its pages and the export.

Usage:
    .venv/bin/python bench/seed_and_list.py 10000            # add 10,000 to the bench database
    .venv/bin/python bench/seed_and_list.py 100000 --fresh   # start from an empty database

It runs against its own database (`fusion_bench` in the embedded PostgreSQL server, or
--database NAME) so your development data is left alone; with DATABASE_URL set it uses that
database instead. Each page is fetched once to warm up and then --repeat times through
Django's test client; the figures are the median and the slowest of those.
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")


def bench_database(name: str, *, fresh: bool) -> str:
    """Create (or recreate) database `name` in the embedded server and return its URL."""
    import psycopg

    from config.embedded_db import database_url

    admin_url = database_url()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and fresh:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    return admin_url.replace("/postgres?", f"/{name}?", 1)


def timed(function, repeat: int) -> tuple[float, float, object]:
    """(median ms, slowest ms, last result) over `repeat` runs after one warm-up run."""
    result = function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("decisions", type=int, help="how many decisions seed_demo adds")
    parser.add_argument("--database", default="fusion_bench")
    parser.add_argument("--fresh", action="store_true", help="drop the bench database first")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = bench_database(args.database, fresh=args.fresh)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from policy.services import policy_seed
    from review.models import Review
    from triage.models import Decision
    from triage.nhs_number import nhs_number_format

    call_command("migrate", verbosity=0)
    policy_seed()

    started = time.perf_counter()
    call_command("seed_demo", decisions=args.decisions, force=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    seed_seconds = time.perf_counter() - started
    # What autovacuum would soon do on a live system: planner statistics and the visibility
    # map (for index-only scans) after a bulk load.
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) triage_decision, triage_review")
    vacuum_seconds = time.perf_counter() - started
    total, reviews = Decision.objects.count(), Review.objects.count()
    print(f"seed_demo --decisions {args.decisions}: {seed_seconds:.1f}s "
          f"({args.decisions / seed_seconds:.0f} decisions/s); "
          f"database now holds {total} decisions and {reviews} reviews "
          f"(then VACUUM ANALYZE: {vacuum_seconds:.1f}s)")  # fmt: skip

    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username="reviewer"))
    middle = Decision.objects.order_by("sequence").values_list("reference", "nhs_number")[
        total // 2
    ]

    def page(url: str):
        def fetch():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return fetch

    def export(url: str):
        def fetch():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            size = rows = 0
            for chunk in response.streaming_content:
                size += len(chunk)
                rows += chunk.count(b"\n")
            return rows - 1, size

        return fetch

    first = client.get("/review/").content.decode()
    next_href = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")

    nhs_spaced = nhs_number_format(middle[1])
    pages = [
        ("list, first page", "/review/"),
        ("list, next page (keyset)", "/review/" + next_href),
        ("list, filtered", "/review/?outcome=not_isolated_back_pain&practice=C81003&reviewed=no"),
        ("list, sorted by practice", "/review/?sort=practice"),
        ("list, search by NHS number", "/review/?" + urlencode({"q": nhs_spaced})),
        ("detail", f"/review/decisions/{middle[0]}/"),
        ("review queue", "/review/next/"),
        ("monthly sample", "/review/sample/"),
        ("dashboard", "/review/dashboard/"),
    ]  # fmt: skip
    print(f"\n{'page':<34}{'median ms':>10}{'max ms':>10}")
    for label, url in pages:
        median, slowest, _ = timed(page(url), args.repeat)
        print(f"{label:<34}{median:>10.1f}{slowest:>10.1f}")

    print(f"\n{'CSV export':<34}{'seconds':>10}{'rows':>10}{'MB':>8}{'rows/s':>10}")
    for label, url in [
        ("all decisions", "/review/export.csv"),
        ("filtered (one practice)", "/review/export.csv?practice=C81003"),
    ]:
        median, _, (rows, size) = timed(export(url), 1)
        print(f"{label:<34}{median / 1000:>10.2f}{rows:>10}{size / 1e6:>8.1f}"
              f"{rows / (median / 1000):>10.0f}")  # fmt: skip

    started = time.perf_counter()
    call_command("verify_chain", stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"\nverify_chain over {total} decisions and {reviews} reviews: "
          f"{time.perf_counter() - started:.1f}s")  # fmt: skip


if __name__ == "__main__":
    main()
