"""Benchmark: access-log entries appended per second through the access log's hash chain.

Usage: DJANGO_DEBUG=true .venv/bin/python bench/access_log_append.py [total] [threads]

Runs against the development database (embedded unless DATABASE_URL is set): `total` entries
from `threads` concurrent threads via `access_event_record` (lock, read the tail, hash, insert),
then checks the new links. Every decision view and list page writes one, so this is the cost a
page pays for a chained access log. Prints figures; asserts nothing about time.
"""

import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connections  # noqa: E402

from review.services.demo import demo_users_ensure  # noqa: E402
from triage.models import AccessEvent  # noqa: E402
from triage.services.access import ACCESS_CHAIN, access_event_record  # noqa: E402


def main(total: int, threads: int) -> None:
    demo_users_ensure()
    user = get_user_model().objects.get(username="reviewer")
    per_thread = total // threads
    latencies: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        mine = []
        for n in range(per_thread):
            started = time.perf_counter()
            access_event_record(user=user, action=AccessEvent.Action.EXPORT, query=f"bench {n}")
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
        connections.close_all()

    before = AccessEvent.objects.count()
    started = time.perf_counter()
    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    added = AccessEvent.objects.count() - before
    latencies.sort()
    print(f"{added} access-log entries from {threads} threads in {elapsed:.2f} s: "
          f"{added / elapsed:.0f}/s")  # fmt: skip
    print(
        f"latency p50 {latencies[len(latencies) // 2] * 1000:.1f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms, "
        f"max {latencies[-1] * 1000:.1f} ms"
    )
    rows = list(reversed(AccessEvent.objects.order_by("-sequence")[: added + 1]))
    broken = sum(
        1
        for before_row, row in zip(rows, rows[1:], strict=False)
        if row.previous_hash != before_row.content_hash
        or ACCESS_CHAIN.row_hash(row) != row.content_hash
    )
    print(f"chain links checked: {len(rows) - 1}, broken: {broken}")


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 2000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 8,
    )
