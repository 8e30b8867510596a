"""Work that runs in the worker (`manage.py db_worker`), never in a web request."""

from django_tasks import task

from review.models import BackgroundJob, PracticeNotification
from review.services.checkpoints import checkpoint_take
from review.services.jobs import chain_verify_job_run, decision_export_job_run
from review.services.notify import practice_notification_send


@task()
def practice_notify(notification_id: int) -> str:
    """Email the practice; on failure queue another try later (see notify.RETRY_MINUTES)."""
    notification = PracticeNotification.objects.select_related("review__decision", "practice").get(
        pk=notification_id
    )
    retry_at = practice_notification_send(notification=notification)
    if retry_at is not None:
        practice_notify.using(run_after=retry_at).enqueue(notification_id=notification_id)
    return notification.status


@task()
def chain_verify(job_id: int) -> bool:
    return chain_verify_job_run(job=BackgroundJob.objects.get(pk=job_id))


@task()
def decision_export(job_id: int) -> int:
    return decision_export_job_run(job=BackgroundJob.objects.get(pk=job_id))


@task()
def chain_checkpoint() -> str:
    """Sign the heads of every chain into CHECKPOINT_DIR (queued every CHECKPOINT_EVERY
    decisions). A database that no longer extends the last checkpoint fails the task, logged."""
    taken = checkpoint_take()
    return str(taken.path) if taken.path else f"unchanged since checkpoint {taken.serial}"
