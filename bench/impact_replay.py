"""Benchmark the impact replay: seed N decisions, then time "What would change" for a draft.

Usage:
    .venv/bin/python bench/impact_replay.py 1000000          # fill the bench database to 1M
    .venv/bin/python bench/impact_replay.py 1000000 --fresh  # start from an empty database

It runs in its own database (`fusion_bench_impact` in the embedded PostgreSQL server, or
--database NAME). --real decisions (default 5,000) are made through the real engine and
hash chain by seed_demo's service; the rest are bulk SQL copies of those rows (new reference,
sequence, date and placeholder hashes) with the table's triggers switched off for the copy,
so that 1,000,000 rows take a minute rather than an hour. The copies do not form a valid hash
chain (verify_chain would say so): this database is for timing the replay only. The answers
and outcomes are real engine results, which is all the replay reads.

The draft replayed is the 2024 national guidance change: serious spinal pathology, scoliosis
and sacroiliac joint dysfunction become exceptions.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

CHUNK = 100_000
COPY_SQL = """
INSERT INTO triage_decision (
    reference, sequence, submission_key, created_at, nhs_number, practice_id, clinician_id,
    policy_version_id, policy_hash, engine_version, answers, outcome, findings, advice,
    previous_hash, content_hash)
SELECT 'B' || lpad(to_hex(s.n), 11, '0'),
       s.n,
       lpad(to_hex(s.n), 32, '0')::uuid,
       now() - interval '548 days' * (s.n %% 997) / 997.0,
       d.nhs_number, d.practice_id, d.clinician_id, d.policy_version_id, d.policy_hash,
       d.engine_version, d.answers, d.outcome, d.findings, d.advice,
       'b' || lpad(to_hex(s.n), 63, '0'),
       'c' || lpad(to_hex(s.n), 63, '0')
  FROM generate_series(%(first)s, %(last)s) AS s(n)
  JOIN triage_decision AS d ON d.sequence = 1 + (s.n %% %(real)s)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("decisions", type=int, help="total decisions the database should hold")
    parser.add_argument("--real", type=int, default=5000, help="decisions made by the engine")
    parser.add_argument("--database", default="fusion_bench_impact")
    parser.add_argument("--fresh", action="store_true", help="drop the bench database first")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        from seed_and_list import bench_database

        os.environ["DATABASE_URL"] = bench_database(args.database, fresh=args.fresh)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from policy.services import (
        DraftChanges,
        policy_seed,
        policy_version_draft_start,
        policy_version_draft_update,
    )
    from review.services.demo import demo_decisions_add, demo_users_ensure
    from triage.models import Decision
    from triage.services.impact import impact_affected, impact_period_default, impact_replay

    call_command("migrate", verbosity=0)
    policy_seed()
    demo_users_ensure()

    real = Decision.objects.count()
    if real < args.real:
        started = time.perf_counter()
        demo_decisions_add(count=args.real - real, seed=2024)
        print(f"{args.real - real} decisions through the engine: "
              f"{time.perf_counter() - started:.1f}s")  # fmt: skip
    real = min(Decision.objects.count(), args.real)
    total = Decision.objects.count()
    if total < args.decisions:
        started = time.perf_counter()
        # Sequential keys and hashes (not random ones) so each unique index is appended to,
        # in chunks so progress shows.
        for first in range(total + 1, args.decisions + 1, CHUNK):
            last = min(first + CHUNK - 1, args.decisions)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("ALTER TABLE triage_decision DISABLE TRIGGER USER")
                cursor.execute(COPY_SQL, {"first": first, "last": last, "real": real})
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the deferred FK checks
                cursor.execute("ALTER TABLE triage_decision ENABLE TRIGGER USER")
            print(f"  copied up to {last}: {time.perf_counter() - started:.0f}s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) triage_decision")
        print(f"{args.decisions - total} bulk copies: {time.perf_counter() - started:.1f}s")
    total = Decision.objects.count()

    admin = get_user_model().objects.get(username="admin")
    draft = policy_version_draft_start(user=admin)
    policy_version_draft_update(
        version=draft,
        user=admin,
        changes=DraftChanges(
            sections={},
            criteria={
                code: {"category": "exception"}
                for code in ("serious_pathology", "scoliosis", "sacroiliac_joint_dysfunction")
            },
            questions={},
        ),
    )
    draft.refresh_from_db()

    start, end = impact_period_default()
    times, impact = [], None
    for _ in range(args.repeat):
        started = time.perf_counter()
        impact = impact_replay(version=draft, start=start, end=end)
        times.append(time.perf_counter() - started)
    started = time.perf_counter()
    first_page = list(impact_affected(impact)[:200])
    affected_ms = (time.perf_counter() - started) * 1000

    print(f"\ndatabase: {total} decisions; replay period {start} to {end}")
    print(f"decisions replayed: {impact.total}; distinct answer combinations: "
          f"{impact.combinations}; would change: {impact.changed}")  # fmt: skip
    print(f"replay: median {statistics.median(times):.2f}s, slowest {max(times):.2f}s "
          f"over {args.repeat} runs (target < 10 s)")  # fmt: skip
    print(f"first page of affected decisions ({len(first_page)} rows): {affected_ms:.0f} ms")
    for row in impact.rows():
        if row["changed"]:
            print(f"  {row['from']} -> {row['to']}: {row['count']}")


if __name__ == "__main__":
    main()
