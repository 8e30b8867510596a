"""A practice's reply to a request for more information, appended to its own hash chain."""

import uuid

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.chain import Chain, chain_append
from review.models import PracticeReply, Review
from triage.models import Decision

REPLY_CHAIN = Chain(
    model=PracticeReply,
    lock_id=730_013,
    hashed_fields=(
        "sequence",
        "submission_key",
        "decision_id",
        "author_id",
        "review_id",
        "text",
        "created_at",
        "previous_hash",
    ),
)

REPLY_MAX_LENGTH = 4000
NO_OPEN_REQUEST = (
    "Nobody has asked for more information about this decision, so there is nothing to reply to"
)


def information_request_latest(*, decision: Decision) -> Review | None:
    """The decision's latest review if it asks for more information, else None."""
    latest = decision.reviews.order_by("-sequence").first()
    return latest if latest and latest.verdict == Review.Verdict.MORE_INFORMATION else None


def practice_reply_record(
    *, decision: Decision, author, text: str, submission_key: uuid.UUID, created_at=None
) -> tuple[PracticeReply, bool]:
    """Append the practice's reply to the open request for more information; (reply, created).

    Idempotent on `submission_key`; refused when no request is open.
    """
    text = text.strip()
    existing = PracticeReply.objects.filter(submission_key=submission_key)
    if found := existing.first():
        if found.decision_id != decision.pk:
            raise ValidationError("This reply form was already used for another decision")
        return found, False
    if not text:
        raise ValidationError({"text": "Enter your reply"})
    if len(text) > REPLY_MAX_LENGTH:
        raise ValidationError(
            {"text": f"Your reply must be {REPLY_MAX_LENGTH} characters or fewer"}
        )
    request = information_request_latest(decision=decision)
    if request is None:
        raise ValidationError(NO_OPEN_REQUEST)
    reply = PracticeReply(
        decision=decision,
        author=author,
        review=request,
        text=text,
        created_at=created_at or timezone.now(),
        submission_key=submission_key,
    )
    rows, created = chain_append(REPLY_CHAIN, [reply], find_existing=existing.first)
    return rows[0], created
