"""Chain verification and large exports run in the worker, not in the web request."""

import csv
import io

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from review.models import BackgroundJob, ChainVerification
from triage.models import AccessEvent

pytestmark = pytest.mark.django_db


def test_verify_button_queues_a_verification_instead_of_running_it(reviewer_client, make_decision):
    make_decision()
    response = reviewer_client.post(reverse("review:verify"))
    job = BackgroundJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("review:job", args=[job.pk])
    assert (job.kind, job.status) == ("verify", "queued")
    assert not ChainVerification.objects.exists()
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    page = reviewer_client.get(response["Location"]).content.decode()
    assert "Queued" in page
    assert "Waiting for the worker to start it" in page


def test_worker_runs_the_queued_verification_and_records_the_result(
    reviewer_client, make_decision, make_review, run_worker
):
    make_review(make_decision())
    make_decision()
    reviewer_client.post(reverse("review:verify"))
    run_worker()
    job = BackgroundJob.objects.get()
    assert (job.status, job.done, job.total, job.percent) == ("done", 3, 3, 100)
    assert job.verification.ok
    assert (job.verification.decisions_checked, job.verification.reviews_checked) == (2, 1)
    page = reviewer_client.get(reverse("review:job", args=[job.pk])).content.decode()
    assert "2 decisions, 1 reviews and 0 practice replies" in page


def test_a_second_click_while_one_runs_shows_the_same_verification(reviewer_client, policy_v1):
    first = reviewer_client.post(reverse("review:verify"))
    second = reviewer_client.post(reverse("review:verify"))
    assert first["Location"] == second["Location"]
    assert BackgroundJob.objects.count() == 1


def test_verify_needs_the_reviewer_role_and_post(gp_client, reviewer_client):
    assert gp_client.post(reverse("review:verify")).status_code == 403
    assert reviewer_client.get(reverse("review:verify")).status_code == 405


def test_large_export_is_written_by_the_worker_and_downloaded_when_ready(
    reviewer_client, reviewer, make_decision, run_worker, settings, tmp_path
):
    settings.EXPORT_STREAM_LIMIT = 2
    settings.EXPORT_ROOT = tmp_path
    for _ in range(3):
        make_decision()
    response = reviewer_client.get(
        reverse("review:export"), {"outcome": "not_routinely_commissioned"}
    )
    job = BackgroundJob.objects.get(kind="export")
    assert response["Location"] == reverse("review:job", args=[job.pk])
    assert "Download the CSV" not in reviewer_client.get(response["Location"]).content.decode()
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.done) == ("done", 3)
    page = reviewer_client.get(response["Location"]).content.decode()
    assert "Download the CSV (3 decisions)" in page
    download = reviewer_client.get(reverse("review:job_download", args=[job.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert len(rows) == 4
    kinds = [e.query for e in AccessEvent.objects.filter(action="export").order_by("id")]
    assert '"kind": "export_queued"' in kinds[0] and '"kind": "export_download"' in kinds[1]


def test_small_export_still_streams_at_once(reviewer_client, make_decision):
    make_decision()
    response = reviewer_client.get(reverse("review:export"))
    assert response.status_code == 200
    assert not BackgroundJob.objects.exists()


def test_another_reviewer_cannot_see_or_download_someone_elses_export(
    reviewer, make_decision, settings, tmp_path
):
    from review.services.jobs import decision_export_job_queue
    from tests.conftest import REVIEWER, client_for, make_user

    job = decision_export_job_queue(user=reviewer, query="")
    other = client_for(make_user("reviewer2", REVIEWER))
    assert other.get(reverse("review:job", args=[job.pk])).status_code == 404
    assert other.get(reverse("review:job_download", args=[job.pk])).status_code == 404


def test_download_before_the_export_is_ready_is_a_404(reviewer_client, reviewer):
    from review.services.jobs import decision_export_job_queue

    job = decision_export_job_queue(user=reviewer, query="")
    assert reviewer_client.get(reverse("review:job_download", args=[job.pk])).status_code == 404


def test_verify_chain_command_still_works_from_cron(make_decision):
    from django.core.management import call_command

    make_decision()
    call_command("verify_chain")
    assert ChainVerification.objects.get().ok
