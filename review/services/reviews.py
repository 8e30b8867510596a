"""Record an ICB reviewer's verdict on a decision, appended to the review hash chain."""

import uuid

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.chain import Chain, chain_append
from review.models import Review
from triage.models import Decision

REVIEW_CHAIN = Chain(
    model=Review,
    lock_id=730_002,
    hashed_fields=(
        "sequence",
        "submission_key",
        "decision_id",
        "reviewer_id",
        "verdict",
        "reason",
        "note",
        "created_at",
        "previous_hash",
    ),
)

DISAGREE_NEEDS_REASON = "Enter the reason you disagree"


def review_record(
    *,
    decision: Decision,
    reviewer,
    verdict: str,
    reason: str = "",
    note: str = "",
    submission_key: uuid.UUID,
    created_at=None,
) -> tuple[Review, bool]:
    """Append a verdict on `decision`; (review, created).

    Idempotent on `submission_key`: the same form submitted twice records one review.
    Reviews are never changed: a later verdict supersedes an earlier one for display.
    """
    reason, note = reason.strip(), note.strip()
    if verdict == Review.Verdict.DISAGREE and not reason:
        raise ValidationError({"reason": DISAGREE_NEEDS_REASON})
    existing = Review.objects.filter(submission_key=submission_key).first()
    if existing:
        return existing, False
    review = Review(
        decision=decision,
        reviewer=reviewer,
        verdict=verdict,
        reason=reason,
        note=note,
        created_at=created_at or timezone.now(),
        submission_key=submission_key,
    )
    review.full_clean(
        exclude=["sequence", "previous_hash", "content_hash"],
        validate_unique=False,
        validate_constraints=False,
    )
    rows, created = chain_append(
        REVIEW_CHAIN,
        [review],
        find_existing=Review.objects.filter(submission_key=submission_key).first,
    )
    return rows[0], created
