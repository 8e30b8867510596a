"""Profile: where the GP pages, /policy/ and /referrals/ spend their time, in-process.

Usage: .venv/bin/python bench/profile_pages.py [--journeys 30] [--repeat 50] [--top 25]

Uses the benchmark database that bench/http_journey.py seeds (run that first, or pass
--database-url), production settings (DEBUG off, the cached template loader Django turns on
when DEBUG is off), and the Django test client, so no HTTP or gunicorn is involved. Walks the
whole GP journey generically (the same form reader as the HTTP benchmark), then requests
/policy/ and the GP start page on their own. Prints, per page, the wall and CPU p50 (timed
without the profiler), queries and the time spent in them, then, from a second profiled pass,
the functions with the most cumulative and own time under cProfile. Asserts nothing about time.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import re
import secrets
import statistics
import sys
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import http_journey  # noqa: E402  (the form reader and answer profiles)


def configure(database_url: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_HTTPS="false",
        DJANGO_DEBUG="false",
        DJANGO_LOG_LEVEL="WARNING",
    )
    import django

    django.setup()


class InProcess:
    """The Django test client behind the benchmark's page API, timing only Django's work.

    Per page: wall time, CPU time of this process (what the page costs the web tier, whatever
    else the machine is doing), the number of queries and the wall time spent in them.
    """

    def __init__(self, client, rng: random.Random, profile: cProfile.Profile | None) -> None:
        from django.db import connection

        self.client = client
        self.connection = connection
        self.rng = rng
        self.profile = profile
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.cpu: dict[str, list[float]] = defaultdict(list)
        self.queries: dict[str, list[int]] = defaultdict(list)
        self.db_ms: dict[str, list[float]] = defaultdict(list)
        self._query_count = 0
        self._query_ms = 0.0

    def _count(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self._query_count += 1
            self._query_ms += (time.perf_counter() - started) * 1000

    def request(self, method: str, url: str, data=None):
        label = http_journey.label_for(method, url)
        self._query_count, self._query_ms = 0, 0.0
        with self.connection.execute_wrapper(self._count):
            if self.profile:
                self.profile.enable()
            cpu, wall = time.process_time(), time.perf_counter()
            if method == "POST":
                form = "application/x-www-form-urlencoded"
                body = urllib.parse.urlencode(data or [])
                response = self.client.post(url, body, content_type=form)
            else:
                response = self.client.get(url)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if self.profile:
                self.profile.disable()
        self.timings[label].append(wall * 1000)
        self.cpu[label].append(cpu * 1000)
        self.queries[label].append(self._query_count)
        self.db_ms[label].append(self._query_ms)
        return response

    def go(self, method: str, url: str, data=None) -> http_journey.Page:
        for _ in range(10):
            response = self.request(method, url, data)
            if response.status_code in (301, 302, 303):
                url = urllib.parse.urljoin(url, response["Location"])
                method, data = "GET", None
                continue
            forms, has_errors = http_journey.page_read(response.content.decode())
            return http_journey.Page(url, response.status_code, "", forms, has_errors)
        raise RuntimeError("too many redirects")

    def journey(self, landing: str) -> None:
        page = self.go("GET", landing)
        profile = self.rng.choice(http_journey.PROFILES)
        filler = http_journey.Client.__new__(http_journey.Client)
        filler.rng = self.rng
        for _ in range(20):
            if http_journey.REFERENCE.search(page.url):
                return
            form = page.main_form()
            if form is None:
                raise RuntimeError(f"no form on {page.url} ({page.status})")
            page = self.go(
                "POST", urllib.parse.urljoin(page.url, form.action), filler.fill(form, profile)
            )


def table(runner: InProcess, title: str) -> None:
    print(f"\n### {title}\n")
    print("| page | requests | wall p50 ms | CPU p50 ms | queries | in queries p50 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, values in runner.timings.items():
        print(
            f"| `{label}` | {len(values)} | {statistics.median(values):.1f} | "
            f"{statistics.median(runner.cpu[label]):.1f} | "
            f"{statistics.median(runner.queries[label]):.0f} | "
            f"{statistics.median(runner.db_ms[label]):.1f} |"
        )


def top(profile: cProfile.Profile, sort: str, count: int) -> None:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats(sort).print_stats(count)
    lines = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    print("```")
    site = str(Path(sys.executable).parent.parent / "lib") + "/"
    for line in lines[start : start + count + 1]:
        line = line.replace(str(ROOT) + "/", "")
        print(re.sub(re.escape(site) + r"python3\.\d+/(site-packages/)?", "", line))
    print("```")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=http_journey.DEFAULT_DATABASE)
    parser.add_argument("--journeys", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    configure(args.database_url)

    from django.contrib.auth import get_user_model
    from django.test import Client

    gp = get_user_model().objects.get(username="gp")
    client = Client()
    client.force_login(gp)
    landing = "/referrals/"

    runner = InProcess(client, random.Random(1), None)
    for _ in range(3):  # warm the template cache and the connection
        runner.journey(landing)
    runner = InProcess(client, random.Random(2), None)
    for _ in range(args.journeys):
        runner.journey(landing)
    journey_profile = cProfile.Profile()
    profiled = InProcess(client, random.Random(2), journey_profile)
    for _ in range(args.journeys):
        profiled.journey(landing)
    table(runner, f"The GP journey, in-process ({args.journeys} journeys)")

    single_profiles = {}
    for url in ("/policy/", landing):
        warm = InProcess(client, random.Random(3), None)
        for _ in range(3):
            warm.go("GET", url)
        singles = InProcess(client, random.Random(3), None)
        for _ in range(args.repeat):
            singles.go("GET", url)
        profile = cProfile.Profile()
        profiled = InProcess(client, random.Random(3), profile)
        for _ in range(args.repeat):
            profiled.go("GET", url)
        single_profiles[url] = profile
        table(singles, f"`{url}` alone ({args.repeat} requests)")

    print("\n### The GP journey: most cumulative time\n")
    top(journey_profile, "cumulative", args.top)
    print("\n### The GP journey: most own time\n")
    top(journey_profile, "tottime", args.top)
    for url, profile in single_profiles.items():
        print(f"\n### `{url}`: most cumulative time\n")
        top(profile, "cumulative", args.top)
        print(f"\n### `{url}`: most own time\n")
        top(profile, "tottime", args.top // 2)


if __name__ == "__main__":
    main()
