"""Reviewer work too long for a web request: queued here, run by the worker, progress recorded.

A gunicorn sync worker is killed after 30 s; verifying a million decisions takes about 50 s and
exporting them about 45 s, so both run in `manage.py db_worker` (docs/adr/0050).
"""

import csv
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import QueryDict
from django.utils import timezone

from review.models import BackgroundJob
from review.services.verify import chain_rows_total, chain_verify

PROGRESS_EVERY = 2000


def _progress(job: BackgroundJob):
    def advance(rows: int) -> None:
        BackgroundJob.objects.filter(pk=job.pk).update(done=F("done") + rows)

    return advance


def _start(job: BackgroundJob, total: int) -> None:
    job.status, job.started_at, job.total, job.done = (
        BackgroundJob.Status.RUNNING,
        timezone.now(),
        total,
        0,
    )
    job.save(update_fields=["status", "started_at", "total", "done"])


def _finish(job: BackgroundJob, **fields) -> None:
    job.refresh_from_db(fields=["done"])
    for name, value in fields.items():
        setattr(job, name, value)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at", "done", *fields])


def chain_verify_job_queue(*, user) -> BackgroundJob:
    """Queue a verification of every chain; the worker runs it. Returns the job to watch."""
    from review.tasks import chain_verify as chain_verify_task

    with transaction.atomic():
        job = BackgroundJob.objects.create(kind=BackgroundJob.Kind.VERIFY, requested_by=user)
        chain_verify_task.enqueue(job_id=job.pk)
    return job


def chain_verify_job_run(*, job: BackgroundJob) -> bool:
    _start(job, chain_rows_total())
    try:
        run = chain_verify(run_by=job.requested_by.get_username(), progress=_progress(job))
    except Exception as error:
        _finish(job, status=BackgroundJob.Status.FAILED, error=f"{type(error).__name__}: {error}")
        raise
    _finish(job, status=BackgroundJob.Status.DONE, verification=run, done=job.total)
    return run.ok


def chain_verify_job_active() -> BackgroundJob | None:
    """The verification queued or running now, if any (one at a time is enough)."""
    return (
        BackgroundJob.objects.filter(
            kind=BackgroundJob.Kind.VERIFY,
            status__in=[BackgroundJob.Status.QUEUED, BackgroundJob.Status.RUNNING],
        )
        .order_by("-created_at")
        .first()
    )


def export_path(job: BackgroundJob) -> Path:
    return Path(settings.EXPORT_ROOT) / job.file_name


def decision_export_job_queue(*, user, query: str) -> BackgroundJob:
    """Queue a CSV export of the decisions matching `query` (the list's filters)."""
    from review.tasks import decision_export as decision_export_task

    with transaction.atomic():
        job = BackgroundJob.objects.create(
            kind=BackgroundJob.Kind.EXPORT,
            requested_by=user,
            query=query,
            file_name=f"export-{secrets.token_hex(16)}.csv",
        )
        decision_export_task.enqueue(job_id=job.pk)
    return job


def decision_export_job_run(*, job: BackgroundJob) -> int:
    """Write the export to EXPORT_ROOT, row by row (flat memory); returns rows written."""
    from review.filters import DecisionFilter
    from review.selectors.review import SORTS
    from review.services.export import decision_export_rows
    from triage.models import Decision

    filterset = DecisionFilter(QueryDict(job.query) or None, queryset=Decision.objects.all())
    if filterset.is_bound and not filterset.is_valid():
        _finish(job, status=BackgroundJob.Status.FAILED, error="The filters are not valid")
        return 0
    order = [f"{'-' if desc else ''}{field}" for field, desc in SORTS[filterset.sort_key]]
    decisions = filterset.qs.order_by(*order)
    _start(job, decisions.count())
    path = export_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    advance = _progress(job)
    written = 0
    partial = path.with_suffix(".part")
    try:
        with partial.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            for index, row in enumerate(decision_export_rows(decisions)):
                writer.writerow(row)
                if index and index % PROGRESS_EVERY == 0:
                    advance(PROGRESS_EVERY)
                written = index
        partial.rename(path)
    except Exception as error:
        partial.unlink(missing_ok=True)
        _finish(job, status=BackgroundJob.Status.FAILED, error=f"{type(error).__name__}: {error}")
        raise
    _finish(job, status=BackgroundJob.Status.DONE, done=written)
    return written
