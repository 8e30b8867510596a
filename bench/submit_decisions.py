"""Benchmark: decisions recorded per second through the real engine and hash chain.

Usage: DJANGO_DEBUG=true .venv/bin/python bench/submit_decisions.py [total] [threads]

Runs against the development database (embedded unless DATABASE_URL is set), adds `total`
decisions from `threads` concurrent threads, then checks the chain is intact. Prints figures;
asserts nothing about time.
"""

import os
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.db import connections  # noqa: E402

from policy.services import policy_seed  # noqa: E402
from review.services.demo import demo_users_ensure  # noqa: E402
from triage.models import Decision, Practice  # noqa: E402
from triage.services.decisions import DECISION_CHAIN, decision_record  # noqa: E402

ANSWERS = {
    "pain_location": "back_only",
    "red_flags": [],
    "conditions": ["sacroiliac_joint_dysfunction"],
    "decompression_planned": False,
    "decompression_destabilising": None,
}


def main(total: int, threads: int) -> None:
    policy_seed()
    demo_users_ensure()
    practice = Practice.objects.get(ods_code="C81001")
    user = practice.clinicians.select_related("user").first().user
    per_thread = total // threads
    latencies: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        mine = []
        for _ in range(per_thread):
            started = time.perf_counter()
            decision_record(
                user=user,
                practice=practice,
                nhs_number="9434765919",
                answers=ANSWERS,
                submission_key=uuid.uuid4(),
            )
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
        connections.close_all()

    before = Decision.objects.count()
    started = time.perf_counter()
    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    added = Decision.objects.count() - before
    latencies.sort()
    print(f"{added} decisions from {threads} threads in {elapsed:.2f} s: {added / elapsed:.0f}/s")
    print(
        f"latency p50 {latencies[len(latencies) // 2] * 1000:.1f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms, "
        f"max {latencies[-1] * 1000:.1f} ms"
    )
    rows = Decision.objects.order_by("-sequence")[: added + 1]
    rows = list(reversed(rows))
    broken = sum(
        1
        for before_row, row in zip(rows, rows[1:], strict=False)
        if row.previous_hash != before_row.content_hash
        or DECISION_CHAIN.row_hash(row) != row.content_hash
    )
    print(f"chain links checked: {len(rows) - 1}, broken: {broken}")


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 2000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 8,
    )
