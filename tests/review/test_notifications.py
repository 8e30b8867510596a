"""A "more information" verdict emails the practice: reference and link only; retried on failure."""

import uuid

import pytest
from django.core import mail
from django.urls import reverse

from review.models import PracticeContact, PracticeNotification, Review
from review.services.reviews import review_record
from tests.conftest import free_port
from triage.nhs_number import nhs_number_format

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(practice):
    """Peak View Surgery's shared inbox."""
    return PracticeContact.objects.create(practice=practice, email="peakview.referrals@nhs.net")


def ask_for_more(reviewer_client, decision):
    return reviewer_client.post(
        reverse("review:review", args=[decision.reference]),
        {
            "verdict": "more_information",
            "note": "Please send the MRI report",
            "submission_key": str(uuid.uuid4()),
        },
    )


def test_more_information_emails_the_practice_with_reference_and_link_only(
    reviewer_client, make_decision, contact, run_worker, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://fusion.example.nhs.uk"
    decision = make_decision()
    ask_for_more(reviewer_client, decision)
    assert mail.outbox == []  # sent by the worker, not in the request
    run_worker()
    [email] = mail.outbox
    assert email.to == ["peakview.referrals@nhs.net"]
    assert decision.reference in email.subject
    assert (
        f"https://fusion.example.nhs.uk/review/practice/decisions/{decision.reference}/"
        in email.body
    )
    for secret in (
        decision.nhs_number,
        nhs_number_format(decision.nhs_number),
        "MRI report",
        "back_only",
    ):
        assert secret not in email.body and secret not in email.subject
    notification = PracticeNotification.objects.get()
    assert (notification.status, notification.attempts) == ("sent", 1)


def test_email_is_delivered_to_a_real_smtp_server(
    make_decision, reviewer, contact, run_worker, smtp_server
):
    decision = make_decision()
    review_record(
        decision=decision, reviewer=reviewer, verdict="more_information",
        submission_key=uuid.uuid4(),
    )  # fmt: skip
    run_worker()
    received = smtp_server
    [message] = received
    assert message["To"] == "peakview.referrals@nhs.net"
    assert decision.reference in message["Subject"]
    assert decision.nhs_number not in message.as_string()
    assert PracticeNotification.objects.get().status == "sent"


def test_smtp_down_keeps_the_verdict_logs_the_failure_and_retries(
    reviewer_client, make_decision, contact, run_worker, settings
):
    from django_tasks_db.models import DBTaskResult

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        free_port(),
        2,
    )
    decision = make_decision()
    response = ask_for_more(reviewer_client, decision)
    assert response.status_code == 302
    run_worker()
    assert Review.objects.get().verdict == "more_information"
    notification = PracticeNotification.objects.get()
    assert (notification.status, notification.attempts) == ("failed", 1)
    assert "Connection" in notification.last_error or "refused" in notification.last_error
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after is not None
    page = reviewer_client.get(reverse("review:detail", args=[decision.reference])).content.decode()
    assert "failed, will retry" in page


def test_after_the_last_retry_the_notification_gives_up_and_says_so(
    reviewer_client, make_decision, contact, settings
):
    from review.services.notify import MAX_ATTEMPTS, practice_notification_send

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        free_port(),
        2,
    )
    decision = make_decision()
    ask_for_more(reviewer_client, decision)
    notification = PracticeNotification.objects.get()
    retries = [practice_notification_send(notification=notification) for _ in range(MAX_ATTEMPTS)]
    assert all(retries[:-1]) and retries[-1] is None
    assert notification.status == "gave_up"
    page = reviewer_client.get(reverse("review:detail", args=[decision.reference])).content.decode()
    assert "not delivered" in page


def test_practice_without_an_address_is_shown_to_the_reviewer(reviewer_client, make_decision):
    decision = make_decision()
    ask_for_more(reviewer_client, decision)
    assert PracticeNotification.objects.get().status == "no_address"
    page = reviewer_client.get(reverse("review:detail", args=[decision.reference])).content.decode()
    assert "the practice has no email address configured" in page


def test_other_verdicts_send_no_email(reviewer, make_decision, contact):
    review_record(
        decision=make_decision(), reviewer=reviewer, verdict="agree", submission_key=uuid.uuid4()
    )
    assert not PracticeNotification.objects.exists()
