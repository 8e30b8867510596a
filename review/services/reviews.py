"""Record an ICB reviewer's verdict on a decision, appended to the review hash chain."""

import uuid
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.chain import REVIEW_CHAIN_LOCK, chain_lock, chain_tail, content_hash
from review.models import Review
from triage.models import Decision

# Every column that the content hash covers, in no particular order (keys are sorted).
REVIEW_HASHED_FIELDS = (
    "sequence",
    "submission_key",
    "decision_id",
    "reviewer_id",
    "verdict",
    "reason",
    "note",
    "created_at",
    "previous_hash",
)

DISAGREE_NEEDS_REASON = "Enter the reason you disagree"


def review_content(row: Mapping) -> dict:
    return {field: row[field] for field in REVIEW_HASHED_FIELDS}


def review_hash(review: Review) -> str:
    return content_hash(review_content({f: getattr(review, f) for f in REVIEW_HASHED_FIELDS}))


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
    with transaction.atomic():
        chain_lock(REVIEW_CHAIN_LOCK)
        existing = Review.objects.filter(submission_key=submission_key).first()
        if existing:
            return existing, False
        sequence, previous_hash = chain_tail(Review)
        review = Review(
            decision=decision,
            reviewer=reviewer,
            verdict=verdict,
            reason=reason,
            note=note,
            created_at=created_at or timezone.now(),
            submission_key=submission_key,
            sequence=sequence + 1,
            previous_hash=previous_hash,
        )
        review.content_hash = review_hash(review)
        review.full_clean(validate_unique=False)
        review.save(force_insert=True)
    return review, True
