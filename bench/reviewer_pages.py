"""Reviewer pages at N decisions: each page's time beside hand-written indexed SQL for its rows.

Usage:
    .venv/bin/python bench/reviewer_pages.py                       # seed up to 1,000,000, time
    .venv/bin/python bench/reviewer_pages.py --no-seed --repeat 20 # time what the database holds
    .venv/bin/python bench/reviewer_pages.py --decisions 200000 --database-url postgres://...

Uses its own database (`fusion_reviewer_1m` on the PostgreSQL service, created if missing),
migrated, with the policy seeded and decisions added by `seed_demo` in chunks of 100,000 until
it holds N (an interrupted run keeps what it made), then VACUUM ANALYZE. Production settings
(DEBUG off), the Django test client, a signed-in reviewer with the second factor switched off
in this process (REQUIRE_2FA, as bench/page_cost.py does: the bench has no authenticator).

For each page (the list, filtered lists, a deep keyset page reached by following "next", a
decision) it prints the page's median and p95 wall time over --repeat requests after two
warm-ups, its queries and the time they took, the time spent in the view's own selectors (rows
and capped count; worklist cards), and the median time of raw SQL (psycopg, no ORM) that reads
the same rows: the page's rows with the columns shown plus its capped count, or the decision
with its reviews, replies and access log. The ratio page / raw is the goal of issue #15 (within
3x); "same rows" checks that the page links to the references the raw SQL returns. psycopg
prepares a statement it has run five times, so that raw SQL skips planning, which every query
the page sends (Django binds values on the client) pays: the same SQL planned each time is
printed beside it, with the page's rows and count against it. Then where
the rest of a page's time goes (a signed-in base page, the filter form, the access log), the
plan (EXPLAIN ANALYZE) of each list's row query and capped count, so a sequential scan over the
whole table shows, and each page's slowest queries (--sql: every query). Asserts nothing.

The dashboards have their own benchmark (bench/dashboard.py); seed_demo spreads its first
100,000 decisions over 18 months and puts each later chunk after the newest decision.
"""

import argparse
import datetime
import os
import re
import statistics
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import profile_pages  # noqa: E402  (production-like settings in-process)

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/fusion_reviewer_1m"
CHUNK = 100_000
GOAL_RATIO = 3.0


def database_ensure(url: str) -> None:
    """Create the database named in `url` if the server does not have it yet."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def seed(decisions: int) -> None:
    """Migrate, seed the policy and add decisions in chunks until there are `decisions`."""
    from django.core.management import call_command
    from django.db import connection

    from policy.services import policy_seed
    from triage.models import Decision

    call_command("migrate", verbosity=0)
    policy_seed()
    call_command("seed_demo", force=True, stdout=open(os.devnull, "w"))  # noqa: SIM115 (users)
    added = False
    while (held := Decision.objects.count()) < decisions:
        started = time.perf_counter()
        add = min(CHUNK, decisions - held)
        call_command("seed_demo", decisions=add, force=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"seeded {add} in {time.perf_counter() - started:.0f}s ({held + add} held)",
              flush=True)  # fmt: skip
        added = True
    if added:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
            cursor.execute("VACUUM (ANALYZE)")


# Raw SQL ------------------------------------------------------------------------------------
# Hand-written, indexed reads of what each page shows: its 25 rows (+1 to know there is a next
# page) with the columns of the table, the latest verdict and the "entered in error" mark, the
# capped count above the table, and the worklist counts on the cards.

SELECT_ROWS = """
    SELECT d.id, d.reference, d.sequence, d.created_at, d.nhs_number, d.outcome,
           p.name, p.ods_code,
           (SELECT r.verdict FROM triage_review r WHERE r.decision_id = d.id
             ORDER BY r.sequence DESC LIMIT 1) AS latest_verdict,
           EXISTS (SELECT 1 FROM triage_decisioncorrection c WHERE c.decision_id = d.id),
           (SELECT a.client_name FROM fhir_api_apisubmission a WHERE a.decision_id = d.id)
"""
FROM_JOIN = "FROM triage_decision d JOIN triage_practice p ON p.id = d.practice_id"
# Each practice's newest 26 from the (practice, -sequence) index: what practice-name order
# needs, where an ORDER BY over the join would sort every decision.
FROM_EACH_PRACTICE = """
    FROM triage_practice p CROSS JOIN LATERAL (
         SELECT * FROM triage_decision d WHERE d.practice_id = p.id
          ORDER BY d.sequence DESC LIMIT 26) d
"""
ORDER_BY = {
    "-date": "d.created_at DESC, d.sequence DESC",
    "practice": "p.name, d.sequence DESC",
}
UNREVIEWED = "NOT EXISTS (SELECT 1 FROM triage_review r WHERE r.decision_id = d.id)"
CAPPED_COUNT = "SELECT count(*) FROM (SELECT 1 FROM triage_decision d WHERE {} LIMIT 10001) c"
WORKLISTS = [
    # The latest review of each decision, by verdict, for three worklists.
    """SELECT r.verdict, count(*) FROM triage_review r
        WHERE r.verdict IN ('more_information', 'refer_ifr', 'disagree')
          AND NOT EXISTS (SELECT 1 FROM triage_review l
                           WHERE l.decision_id = r.decision_id AND l.sequence > r.sequence)
        GROUP BY r.verdict""",
    CAPPED_COUNT.format(UNREVIEWED),
]


def raw_list(
    where: str = "",
    params: list | None = None,
    *,
    sort: str = "-date",
    keyset: str = "",
    keyset_params: list | None = None,
) -> list[tuple[str, list]]:
    """The page's rows (26 of them, after the keyset `keyset`) and its capped count.
    Every fragment is a constant of this file; values go in as parameters."""
    params = params or []
    rows_where = " AND ".join(w for w in (where, keyset) if w) or "TRUE"
    source = FROM_EACH_PRACTICE if sort == "practice" else FROM_JOIN
    rows = " ".join([SELECT_ROWS, source, "WHERE", rows_where, "ORDER BY", ORDER_BY[sort]])
    return [
        (rows + " LIMIT 26", params + (keyset_params or [])),
        (CAPPED_COUNT.format(where or "TRUE"), params),
    ]


def raw_detail(reference: str) -> list[tuple[str, list]]:
    """The decision with its practice, GP and policy version; the decision before it (the
    chain link the page checks); its reviews and replies; the last 51 access events."""
    return [
        ("""SELECT d.*, p.name, p.ods_code, u.username, u.first_name, u.last_name,
                   v.number, v.content_hash, v.policy_id,
                   (SELECT a.client_name FROM fhir_api_apisubmission a WHERE a.decision_id = d.id),
                   EXISTS (SELECT 1 FROM triage_decisioncorrection c WHERE c.decision_id = d.id)
              FROM triage_decision d JOIN triage_practice p ON p.id = d.practice_id
              JOIN auth_user u ON u.id = d.clinician_id
              JOIN policy_policyversion v ON v.id = d.policy_version_id
             WHERE d.reference = %s""", [reference]),
        ("""SELECT prev.content_hash FROM triage_decision d
              JOIN triage_decision prev ON prev.sequence = d.sequence - 1
             WHERE d.reference = %s""", [reference]),
        ("""SELECT r.*, u.username, u.first_name, u.last_name FROM triage_review r
              JOIN triage_decision d ON d.id = r.decision_id
              JOIN auth_user u ON u.id = r.reviewer_id
             WHERE d.reference = %s ORDER BY r.sequence DESC""", [reference]),
        ("""SELECT x.* FROM review_practicereply x
              JOIN triage_decision d ON d.id = x.decision_id
             WHERE d.reference = %s ORDER BY x.sequence DESC""", [reference]),
        # The decision's id first, as the page has it: joined by reference, the planner read
        # every event of the decision and sorted them (the bench views one decision on every
        # run: 915 events and 2 ms by the end of round 5), where (decision_id, at) reads 51.
        ("""SELECT e.id, e.at, e.action, e.query, u.username FROM triage_accessevent e
              JOIN auth_user u ON u.id = e.user_id
             WHERE e.decision_id = (SELECT d.id FROM triage_decision d WHERE d.reference = %s)
             ORDER BY e.at DESC, e.id DESC LIMIT 51""", [reference]),
    ]  # fmt: skip


def raw_time(conn, statements: list[tuple[str, list]], repeat: int) -> tuple[float, list]:
    """Median ms to run every statement and fetch its rows, and the first statement's rows."""
    first = []
    times = []
    for _ in range(repeat + 1):  # the first run warms the cache and is not counted
        started = time.perf_counter()
        for i, (sql, params) in enumerate(statements):
            rows = conn.execute(sql, params).fetchall()
            if i == 0:
                first = rows
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[1:]), first


# The page -----------------------------------------------------------------------------------


@dataclass
class PageRun:
    wall: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    last_sql: list[tuple[str, tuple, float]] = field(default_factory=list)
    html: str = ""
    # ms per request in the view's selectors, by name (see Timer.SELECTORS)
    parts: dict[str, list[float]] = field(default_factory=dict)

    def part(self, *names: str) -> float:
        """Median ms per request spent in the selectors `names` together."""
        per_request = [sum(t) for t in zip(*(self.parts.get(n, []) for n in names), strict=False)]
        return statistics.median(per_request) if per_request else 0.0


class Timer:
    """Times requests through the test client, with every query's SQL, parameters and time."""

    def __init__(self, client, user) -> None:
        from django.db import connection

        self.client, self.user = client, user
        self.connection = connection
        self._sql: list[tuple[str, tuple, float]] = []
        self._parts: dict[str, float] = {}
        self._selectors_wrap()

    # What the list and detail views call to read their rows, their count and the worklist
    # cards; each is timed in the page (wall, Python and SQL) by wrapping the view's import.
    # decision_list_page reads the page and its capped count together (round 5).
    ROWS = ("keyset_page", "count_capped", "decision_list_page", "decisions_with_sources")
    # Round 5: decision_for_review_page reads the decision with its chain link, source and
    # STarT Back score; decision_history_and_access_log the history and the access log.
    DETAIL = (
        "decision_get_for_review",
        "decision_for_review_page",
        "review_and_reply_history",
        "access_log_for_decision",
        "decision_history_and_access_log",
    )
    WORKLISTS = ("worklist_counts",)
    ACCESS_LOG = ("access_event_record",)

    def _selectors_wrap(self) -> None:
        import functools

        from review.views import review as views

        for name in self.ROWS + self.DETAIL + self.WORKLISTS + self.ACCESS_LOG:
            original = getattr(views, name, None)
            if original is None:
                continue

            def timed(*args, _original=original, _name=name, **kwargs):
                started = time.perf_counter()
                try:
                    return _original(*args, **kwargs)
                finally:
                    spent = (time.perf_counter() - started) * 1000
                    self._parts[_name] = self._parts.get(_name, 0.0) + spent

            setattr(views, name, functools.wraps(original)(timed))

    def _wrap(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self._sql.append((sql, params, (time.perf_counter() - started) * 1000))

    def run(self, url: str, repeat: int) -> PageRun:
        # Signed in afresh: seed_demo resets the demo passwords, which signs the reviewer out.
        self.client.force_login(self.user)
        result = PageRun()
        for i in range(repeat + 2):  # two warm-up requests
            self._sql, self._parts = [], {}
            with self.connection.execute_wrapper(self._wrap):
                started = time.perf_counter()
                response = self.client.get(url)
                wall = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                location = response.get("Location", "")
                raise RuntimeError(f"GET {url} answered {response.status_code} {location}")
            if i >= 2:
                result.wall.append(wall)
                result.queries.append(len(self._sql))
                result.sql_ms.append(sum(ms for _, _, ms in self._sql))
                for name in self.ROWS + self.DETAIL + self.WORKLISTS + self.ACCESS_LOG:
                    result.parts.setdefault(name, []).append(self._parts.get(name, 0.0))
        result.last_sql = self._sql
        result.html = response.content.decode()
        return result


def quantile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


REFERENCE_LINK = re.compile(r'href="/review/decisions/([A-Z0-9-]+)/')


def main_list_query(sql: list[tuple[str, tuple, float]]) -> list[tuple[str, tuple, float]]:
    """The page's queries that read the listed decisions (LIMIT 26 on triage_decision), then
    its capped count (the first LIMIT 10001: the worklist card's count comes after it)."""
    rows = [q for q in sql if 'FROM "triage_decision"' in q[0] and "LIMIT 26" in q[0]]
    counts = [q for q in sql if 'FROM "triage_decision"' in q[0] and "LIMIT 10001" in q[0]]
    return rows[:2] + counts[:1] if rows else []


def explain(sql: str, params) -> list[str]:
    """The plan's nodes (EXPLAIN ANALYZE, BUFFERS), one short line each."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
    nodes = []
    for line in lines:
        text = line.strip()
        if text.startswith("->") or line is lines[0] or text.startswith("Execution Time"):
            text = text.removeprefix("-> ")
            text = re.sub(r"\(cost=[^)]*\) ", "", text)
            indent = (len(line) - len(line.lstrip())) // 2
            nodes.append("  " * indent + text[:150])
    return nodes


def filter_form_ms(repeat: int) -> float:
    """Median ms to build and render the list's filter form alone (its select lists' queries
    included), as the list template does with {% crispy form %}."""
    from django.template import engines

    from review.filters import DecisionFilter
    from review.selectors.review import decision_list_for_review

    template = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}")
    times = []
    for _ in range(repeat + 2):
        started = time.perf_counter()
        template.render({"form": DecisionFilter(None, queryset=decision_list_for_review()).form})
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[2:])


def overhead_report(timer: "Timer", results: list, repeat: int) -> None:
    """Where a list page's time goes besides its rows: what every signed-in page costs, the
    filter form, the access log's append, the worklist cards."""
    base = statistics.median(timer.run("/accessibility/", repeat).wall)
    form = filter_form_ms(repeat)
    lists = [run for label, _, run, _, _ in results if label != "decision detail"]
    detail = next(run for label, _, run, _, _ in results if label == "decision detail")
    print("\n### Where the rest of the time goes (medians, ms)\n")
    print("| part | list pages | detail |")
    print("|---|---:|---:|")

    def both(label: str, list_ms: float, detail_ms: float | str) -> None:
        detail_text = detail_ms if isinstance(detail_ms, str) else f"{detail_ms:.1f}"
        print(f"| {label} | {list_ms:.1f} | {detail_text} |")

    def over_lists(*names: str) -> float:
        return statistics.median(run.part(*names) for run in lists)

    both("whole page", statistics.median(statistics.median(r.wall) for r in lists),
         statistics.median(detail.wall))  # fmt: skip
    both("a signed-in page with the base template only (`/accessibility/`)", base, base)
    both("rows + count (list) or decision, reviews and access log (detail)",
         over_lists(*Timer.ROWS), detail.part(*Timer.DETAIL))  # fmt: skip
    both("worklist cards", over_lists(*Timer.WORKLISTS), "")
    both("access log append", over_lists(*Timer.ACCESS_LOG), detail.part(*Timer.ACCESS_LOG))
    both("the filter form alone, built and rendered (a page renders it when it is not kept)",
         form, "")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--no-seed", action="store_true", help="time what the database holds")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--deep", type=int, default=200, help="the deep page's number")
    parser.add_argument("--sql", action="store_true", help="print each page's queries")
    args = parser.parse_args()
    database_ensure(args.database_url)
    profile_pages.configure(args.database_url)
    if not args.no_seed:
        seed(args.decisions)

    import psycopg
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core import signing
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from triage.nhs_number import nhs_number_format

    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest, DEBUG off
    started = time.monotonic()
    settings.REQUIRE_2FA = False
    client = Client()
    reviewer = get_user_model().objects.get(username="reviewer")
    client.force_login(reviewer)
    timer = Timer(client, reviewer)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM triage_decision")
        (total,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM triage_review")
        (reviews,) = cursor.fetchone()
        cursor.execute(
            "SELECT outcome, count(*) FROM triage_decision GROUP BY outcome ORDER BY 2 DESC"
        )
        outcomes = cursor.fetchall()
        cursor.execute("SELECT id FROM triage_practice WHERE ods_code = 'C81003'")
        (practice_id,) = cursor.fetchone()
        # A decision half way along with reviews, for the search and the detail page.
        cursor.execute(
            """SELECT d.reference, d.nhs_number FROM triage_decision d
                WHERE d.sequence >= %s AND EXISTS (SELECT 1 FROM triage_review r
                                                    WHERE r.decision_id = d.id)
                ORDER BY d.sequence LIMIT 1""",
            [total // 2],
        )
        reference, nhs_number = cursor.fetchone()
    print(f"database holds {total} decisions and {reviews} reviews; outcomes: "
          + ", ".join(f"{o} {n}" for o, n in outcomes))  # fmt: skip
    common, rare = outcomes[0][0], outcomes[-1][0]
    date_from = timezone.localdate() - datetime.timedelta(days=365)
    date_to = date_from + datetime.timedelta(days=30)
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=zone)
    until = datetime.datetime.combine(
        date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    dates = urllib.parse.urlencode({
        "date_from_day": date_from.day, "date_from_month": date_from.month,
        "date_from_year": date_from.year, "date_to_day": date_to.day,
        "date_to_month": date_to.month, "date_to_year": date_to.year,
    })  # fmt: skip

    # The deep page: follow "next" from the first page, as a reviewer would.
    url = "/review/"
    for _ in range(args.deep - 1):
        html = client.get(url).content.decode()
        url = "/review/" + re.search(r'href="([^"]+)" rel="next"', html)[1].replace("&amp;", "&")
    cursor_values = signing.loads(
        urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["cursor"][0],
        salt="triage.review.cursor",
    )["v"]
    deep_at, deep_sequence = (
        datetime.datetime.fromisoformat(cursor_values[0][1]),
        cursor_values[1][1],
    )

    spaced = nhs_number_format(nhs_number)
    pages = [
        ("list, default", "/review/", raw_list()),
        (f"outcome={common}", f"/review/?outcome={common}",
         raw_list("d.outcome = %s", [common])),
        (f"outcome={rare}", f"/review/?outcome={rare}", raw_list("d.outcome = %s", [rare])),
        ("reviewed=no", "/review/?reviewed=no", raw_list(UNREVIEWED, [])),
        (f"outcome={common}&reviewed=no", f"/review/?outcome={common}&reviewed=no",
         raw_list(f"d.outcome = %s AND {UNREVIEWED}", [common])),
        ("practice=C81003", "/review/?practice=C81003",
         raw_list("d.practice_id = %s", [practice_id])),
        (f"date {date_from} to {date_to}", f"/review/?{dates}",
         raw_list("d.created_at >= %s AND d.created_at < %s", [since, until])),
        ("search NHS number", "/review/?" + urllib.parse.urlencode({"q": spaced}),
         raw_list("d.nhs_number = %s", [nhs_number])),
        ("sort=practice", "/review/?sort=practice", raw_list(sort="practice")),
        (f"page {args.deep} (keyset)", url,
         raw_list("", [], keyset="(d.created_at, d.sequence) < (%s, %s)",
                  keyset_params=[deep_at, deep_sequence])),
        ("decision detail", f"/review/decisions/{reference}/", raw_detail(reference)),
    ]  # fmt: skip

    raw_conn = psycopg.connect(args.database_url, autocommit=True)
    # psycopg prepares a statement on its fifth run (prepare_threshold), so from then on the
    # raw SQL above is not planned; Django's cursors bind values on the client and every query
    # the page sends is planned. The same SQL planned each time is printed beside it.
    planned_conn = psycopg.connect(args.database_url, autocommit=True, prepare_threshold=None)
    results = []
    plans = {}
    for label, page_url, statements in pages:
        run = timer.run(page_url, args.repeat)
        raw_ms, raw_rows = raw_time(raw_conn, statements, args.repeat)
        planned_ms, _ = raw_time(planned_conn, statements, args.repeat)
        shown = REFERENCE_LINK.findall(run.html)
        if label == "decision detail":
            same = bool(raw_rows) and raw_rows[0][1] == reference
        else:
            same = [row[1] for row in raw_rows[:25]] == shown[: len(raw_rows[:25])] and (
                len(shown) == min(len(raw_rows), 25)
            )
        results.append((label, page_url, run, (raw_ms, planned_ms), same))
        main = main_list_query(run.last_sql)
        if main:
            plans[label] = [(ms, explain(sql, params)) for sql, params, ms in main]
        print(f"  timed {label}", file=sys.stderr, flush=True)

    print(f"\n### Reviewer pages at {total:,} decisions ({reviews:,} reviews), "
          f"{args.repeat} requests each\n")  # fmt: skip
    print("| page | page p50 ms | page p95 ms | queries | page's SQL ms "
          "| rows + count in the page ms | worklist cards in the page ms "
          "| raw SQL ms | ratio page/raw | within 3x? | rows + count / raw "
          "| same rows | raw SQL planned each time ms | rows + count / planned raw |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---:|---:|")
    worklist_ms = []
    for label, _, run, (raw_ms, planned_ms), same in results:
        p50, sql_ms = statistics.median(run.wall), statistics.median(run.sql_ms)
        rows_ms = run.part(*(Timer.DETAIL if label == "decision detail" else Timer.ROWS))
        cards_ms = run.part(*Timer.WORKLISTS)
        if cards_ms:
            worklist_ms.append(cards_ms)
        ratio = p50 / raw_ms
        print(f"| {label} | {p50:.1f} | {quantile(run.wall, 0.95):.1f} | "
              f"{statistics.median(run.queries):.0f} | {sql_ms:.1f} | {rows_ms:.1f} | "
              f"{cards_ms:.1f} | {raw_ms:.2f} | {ratio:.1f} | "
              f"{'yes' if ratio <= GOAL_RATIO else 'no'} | {rows_ms / raw_ms:.1f} | "
              f"{'yes' if same else 'NO'} | {planned_ms:.2f} | "
              f"{rows_ms / planned_ms:.1f} |")  # fmt: skip
    cards_raw, _ = raw_time(raw_conn, [(sql, []) for sql in WORKLISTS], args.repeat)
    print(f"\nThe worklist cards (on every list page): {statistics.median(worklist_ms):.1f} ms "
          f"in the page, {cards_raw:.1f} ms in raw SQL.")  # fmt: skip
    overhead_report(timer, results, args.repeat)
    load = os.getloadavg()
    print(f"\n{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
          f"{time.monotonic() - started:.0f} s")  # fmt: skip

    print("\n### Plans of each list page's main query (EXPLAIN ANALYZE, BUFFERS)\n")
    for label, found in plans.items():
        for ms, nodes in found:
            print(f"`{label}` ({ms:.1f} ms in the page)\n```")
            print("\n".join(nodes))
            print("```")
    print("\n### Slowest queries of each page (last request)\n")
    for label, _, run, _, _ in results:
        print(f"`{label}`: {len(run.last_sql)} queries, {sum(q[2] for q in run.last_sql):.1f} ms")
        for sql, _, ms in sorted(run.last_sql, key=lambda q: -q[2])[: 3 if not args.sql else None]:
            print(f"    {ms:7.2f} ms  {sql[:160] if not args.sql else sql}")


if __name__ == "__main__":
    main()
