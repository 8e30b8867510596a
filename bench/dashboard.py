"""Benchmark the reviewers' dashboard: its render time for each kind of period at N decisions.

Usage:
    .venv/bin/python bench/dashboard.py 1000000           # seed up to 1,000,000, then time
    .venv/bin/python bench/dashboard.py 200000 --no-seed  # time whatever the database holds
    .venv/bin/python bench/dashboard.py 1000000 --no-seed --during-verify
        # the same while `manage.py verify_chain` (what the worker runs) walks every chain

It uses its own database (`fusion_bench` in the embedded PostgreSQL server, as
bench/seed_and_list.py does, or --database NAME). Seeding adds decisions in chunks of 100,000
through `seed_demo`, so an interrupted run keeps what it made. Each page is fetched once to warm
up, then --repeat times through Django's test client; the figures are the median and the slowest.
"""

import argparse
import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

CHUNK = 100_000


def main() -> None:
    from seed_and_list import bench_database, timed

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("decisions", type=int, help="how many decisions the database should hold")
    parser.add_argument("--database", default="fusion_bench")
    parser.add_argument("--no-seed", action="store_true", help="time what is there")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--during-verify",
        action="store_true",
        help="time the pages while verify_chain runs in another process on the same database",
    )
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = bench_database(args.database, fresh=False)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from policy.services import policy_seed
    from review.models import Review
    from triage.models import Decision

    call_command("migrate", verbosity=0)
    policy_seed()
    if not args.no_seed:
        while (held := Decision.objects.count()) < args.decisions:
            started = time.perf_counter()
            add = min(CHUNK, args.decisions - held)
            call_command("seed_demo", decisions=add, force=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
            print(f"seeded {add} in {time.perf_counter() - started:.0f}s "
                  f"({held + add} held)", flush=True)  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) triage_decision, triage_review")
    total, reviews = Decision.objects.count(), Review.objects.count()
    print(f"database holds {total} decisions and {reviews} reviews")

    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username="reviewer"))
    gp = Client(HTTP_HOST="localhost")
    gp.force_login(get_user_model().objects.get(username="gp"))
    today = timezone.localdate()
    month = today.replace(day=1)
    fy = today.year if today.month >= 4 else today.year - 1
    a_year_ago = today - datetime.timedelta(days=365)
    pages = [
        ("reviewer, default (financial year)", client, "/review/dashboard/"),
        ("reviewer, month", client, f"/review/dashboard/?period=month&month={month:%Y-%m}"),
        ("reviewer, quarter", client, f"/review/dashboard/?period=quarter&quarter={fy}-Q1"),
        ("reviewer, financial year", client, f"/review/dashboard/?period=year&year={fy - 1}"),
        ("reviewer, custom (12 months)", client,
         "/review/dashboard/?period=custom"
         f"&date_from_day={a_year_ago.day}&date_from_month={a_year_ago.month}"
         f"&date_from_year={a_year_ago.year}"
         f"&date_to_day={today.day}&date_to_month={today.month}&date_to_year={today.year}"),
        ("reviewer, CSV of one table", client, "/review/dashboard/practices.csv"),
        ("practice (GP), financial year", gp, "/review/practice/dashboard/"),
    ]  # fmt: skip

    def fetch(c, url):
        def run():
            response = c.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return run

    verifier = None
    if args.during_verify:
        # What the worker runs for "Verify the chain now", as its own process and connection.
        verifier = subprocess.Popen(  # noqa: S603
            [sys.executable, str(BASE_DIR / "manage.py"), "verify_chain"],
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        verify_started = time.perf_counter()
        time.sleep(2)  # let it start walking
    heading = f"dashboard at {total} decisions" + (" during verify_chain" if verifier else "")
    print(f"\n{heading:<40}{'median ms':>10}{'max ms':>10}")
    for label, c, url in pages:
        median, slowest, _ = timed(fetch(c, url), args.repeat)
        print(f"{label:<40}{median:>10.1f}{slowest:>10.1f}", flush=True)
    if verifier:
        still = verifier.poll() is None
        print(f"verify_chain was {'still running' if still else 'finished'} when the timing ended")
        verifier.wait()
        print(f"verify_chain took {time.perf_counter() - verify_started:.1f} s in all")


if __name__ == "__main__":
    main()
