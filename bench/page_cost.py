"""What each page costs in-process: p50/p95 wall and CPU time and the queries, page by page.

Usage: .venv/bin/python bench/page_cost.py [--journeys 30] [--repeat 40] [--sql]

Uses the benchmark database that bench/http_journey.py seeds (run that first, or pass
--database-url), production settings (DEBUG off) and the Django test client: no HTTP, no
gunicorn. Walks the whole GP journey (start page, start a check, every question, the check page,
submit, the decision page) with the HTTP benchmark's generic form reader, then times single
pages on their own: /policy/, the sign-in page, the GP start page, and the reviewer's list, a
filtered list and a decision. The reviewer pages are measured with the second factor switched
off in this process (REQUIRE_2FA): the bench has no authenticator. `--sql` prints each page's
queries once. The goal for GP pages is a p50 under 8 ms in-process (issue #15); this prints the
figures and asserts nothing.
"""

import argparse
import os
import random
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import http_journey  # noqa: E402
import profile_pages  # noqa: E402

GOAL_MS = 8.0


def quantile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


class Recorder(profile_pages.InProcess):
    """The profiler's in-process client, also keeping one page's SQL when asked."""

    def __init__(self, *args, keep_sql: bool = False, by_query: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.keep_sql = keep_sql
        self.by_query = by_query
        self.sql: dict[str, list[str]] = {}
        self._current: list[str] = []

    def _count(self, execute, sql, params, many, context):
        self._current.append(sql)
        return super()._count(execute, sql, params, many, context)

    def label(self, method: str, url: str) -> str:
        """The page's row: with `by_query`, a filtered list is a row of its own, not /review/."""
        label = http_journey.label_for(method, url)
        query = urllib.parse.urlsplit(url).query if self.by_query else ""
        return f"{label}?{query}" if query else label

    def request(self, method: str, url: str, data=None):
        self._current = []
        response = super().request(method, url, data)
        plain, label = http_journey.label_for(method, url), self.label(method, url)
        if label != plain:
            for kept in (self.timings, self.cpu, self.queries, self.db_ms):
                kept[label].append(kept[plain].pop())
                if not kept[plain]:
                    del kept[plain]
        if self.keep_sql:  # the last one: steady state, after any first-visit writes
            self.sql[label] = self._current
        return response


def table(runner: Recorder, title: str, gp_pages: bool) -> None:
    print(f"\n### {title}\n")
    goal = " | p50 under 8 ms" if gp_pages else ""
    print(f"| page | n | wall p50 ms | wall p95 ms | CPU p50 ms | CPU p95 ms | queries{goal} |")
    print("|---|---:|---:|---:|---:|---:|---:|" + ("---|" if gp_pages else ""))
    for label, wall in runner.timings.items():
        cpu = runner.cpu[label]
        met = ""
        if gp_pages:
            met = " | yes" if statistics.median(wall) < GOAL_MS else " | no"
        print(
            f"| `{label}` | {len(wall)} | {statistics.median(wall):.1f} | "
            f"{quantile(wall, 0.95):.1f} | {statistics.median(cpu):.1f} | "
            f"{quantile(cpu, 0.95):.1f} | {statistics.median(runner.queries[label]):.0f}{met} |"
        )


def print_sql(runner: Recorder) -> None:
    for label, queries in runner.sql.items():
        print(f"\n#### `{label}`: {len(queries)} queries\n\n```sql")
        for sql in queries:
            print(sql if len(sql) < 300 else sql[:300] + " ...")
        print("```")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=http_journey.DEFAULT_DATABASE)
    parser.add_argument("--journeys", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--sql", action="store_true", help="print each page's queries once")
    args = parser.parse_args()
    profile_pages.configure(args.database_url)

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from triage.models import Decision

    users = get_user_model().objects
    gp = Client()
    gp.force_login(users.get(username="gp"))
    started = time.monotonic()

    warm = Recorder(gp, random.Random(1), None)
    for _ in range(3):
        warm.journey("/referrals/")
    journey = Recorder(gp, random.Random(2), None, keep_sql=args.sql)
    for _ in range(args.journeys):
        journey.journey("/referrals/")
    table(journey, f"The GP journey ({args.journeys} journeys)", gp_pages=True)

    settings.REQUIRE_2FA = False
    reviewer = Client()
    reviewer.force_login(users.get(username="reviewer"))
    decision = Decision.objects.order_by("-sequence").only("reference").first()
    singles = [
        (Client(), "/sign-in/"),
        (gp, "/policy/"),
        (gp, "/referrals/"),
        (reviewer, "/review/"),
        (reviewer, "/review/?outcome=not_routinely_commissioned&reviewed=no"),
        (reviewer, f"/review/decisions/{decision.reference}/"),
    ]
    pages = Recorder(gp, random.Random(3), None, keep_sql=args.sql, by_query=True)
    for client, url in singles:
        pages.client = client
        for _ in range(3):
            pages.request("GET", url)
        for key in (pages.timings, pages.cpu, pages.queries, pages.db_ms):
            key.pop(pages.label("GET", url))
        for _ in range(args.repeat):
            response = pages.request("GET", url)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} answered {response.status_code}")
    table(pages, f"Single pages ({args.repeat} requests each)", gp_pages=False)
    load = os.getloadavg()[0]
    print(f"\n{os.cpu_count()} CPUs, load average {load:.1f}, {time.monotonic() - started:.0f} s")
    if args.sql:
        print_sql(journey)
        print_sql(pages)


if __name__ == "__main__":
    main()
