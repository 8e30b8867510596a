"""Email a practice that a reviewer needs more information; retried by the worker on failure.

The email carries the decision's reference and a link to sign in and reply: never the NHS
number, the answers or the reviewer's note (email leaves the NHS network).
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from review.models import PracticeNotification

logger = logging.getLogger(__name__)

# Minutes to wait before each retry; after the last, the notification gives up.
RETRY_MINUTES = (1, 5, 15, 60)
MAX_ATTEMPTS = len(RETRY_MINUTES) + 1


def notification_email(notification: PracticeNotification) -> tuple[str, str]:
    """(subject, body) of the email."""
    reference = notification.review.decision.reference
    link = settings.SITE_URL + reverse("review:practice_reply", args=[reference])
    subject = f"More information needed: referral check {reference}"
    body = (
        f"Dear colleagues at {notification.practice.name},\n\n"
        f"An ICB reviewer needs more information about the spinal fusion referral check "
        f"{reference}.\n\n"
        f"Sign in to Fusion Triage to read the request and reply:\n{link}\n\n"
        "For patient confidentiality this email does not include any patient details.\n\n"
        "NHS Derby and Derbyshire Integrated Care Board\n"
    )
    return subject, body


def practice_notification_send(*, notification: PracticeNotification) -> datetime.datetime | None:
    """Try to send the email once; record the outcome. Returns when to retry (None: don't)."""
    if notification.status in (
        PracticeNotification.Status.SENT,
        PracticeNotification.Status.NO_ADDRESS,
        PracticeNotification.Status.GAVE_UP,
    ):
        return None
    subject, body = notification_email(notification)
    notification.attempts += 1
    try:
        send_mail(subject, body, None, [notification.to_address], fail_silently=False)
    except Exception as error:  # any transport failure is retried the same way
        notification.last_error = f"{type(error).__name__}: {error}"[:1000]
        retry = notification.attempts < MAX_ATTEMPTS
        notification.status = (
            PracticeNotification.Status.FAILED if retry else PracticeNotification.Status.GAVE_UP
        )
        notification.save(update_fields=["attempts", "last_error", "status"])
        logger.warning(
            "Email to practice %s about review %s failed (attempt %s): %s",
            notification.practice.ods_code,
            notification.review_id,
            notification.attempts,
            notification.last_error,
        )
        if not retry:
            return None
        return timezone.now() + datetime.timedelta(minutes=RETRY_MINUTES[notification.attempts - 1])
    notification.status = PracticeNotification.Status.SENT
    notification.sent_at = timezone.now()
    notification.last_error = ""
    notification.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    return None
