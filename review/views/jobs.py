"""Background jobs a reviewer started: chain verification and large exports, with progress."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.roles import REVIEWER, role_required
from review.models import BackgroundJob
from review.services.access_log import access_query
from review.services.jobs import chain_verify_job_active, chain_verify_job_queue, export_path
from triage.models import AccessEvent
from triage.services.access import access_event_record


def _job_for_user(request: HttpRequest, job_id: int) -> BackgroundJob:
    """A verification is anyone's to watch; an export only its requester's (404 to others)."""
    job = BackgroundJob.objects.select_related("verification", "requested_by").filter(pk=job_id)
    job = job.first()
    if job is None or (
        job.kind == BackgroundJob.Kind.EXPORT and job.requested_by_id != request.user.pk
    ):
        raise Http404("No such job")
    return job


@role_required(REVIEWER)
@require_POST
def chain_verify_run(request: HttpRequest) -> HttpResponse:
    """Queue a verification of every chain (the worker runs it); one at a time."""
    job = chain_verify_job_active()
    if job is None:
        job = chain_verify_job_queue(user=request.user)
        messages.info(request, "Chain verification queued. This page shows its progress.")
    else:
        messages.info(request, "A chain verification is already running; here is its progress.")
    return redirect("review:job", job_id=job.pk)


@role_required(REVIEWER)
@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_for_user(request, job_id)
    return render(request, "review/job.html", {"job": job})


@role_required(REVIEWER)
@require_GET
def job_download(request: HttpRequest, job_id: int) -> HttpResponse:
    """The finished export's file; the download goes in the access log."""
    job = _job_for_user(request, job_id)
    if job.kind != BackgroundJob.Kind.EXPORT or job.status != BackgroundJob.Status.DONE:
        raise Http404("This export is not ready")
    path = export_path(job)
    if not path.exists():
        raise Http404("This export's file has been removed; start the export again")
    access_event_record(
        user=request.user,
        action=AccessEvent.Action.EXPORT,
        query=access_query(kind="export_download", filters=job.query, rows=job.done, job=job.pk),
    )
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"fusion-triage-decisions-{job.created_at:%Y-%m-%d}-{job.pk}.csv",
        content_type="text/csv; charset=utf-8",
    )
    response["Cache-Control"] = "no-store"
    return response
