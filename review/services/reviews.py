"""Record an ICB reviewer's verdict on a decision, appended to the review hash chain."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.chain import Chain, chain_append, content_hash
from policy import engine
from policy.engine import OUTCOME_CHOICES
from policy.services import policy_rules
from review.models import PracticeContact, PracticeNotification, Review
from triage.models import Decision


@dataclass(frozen=True)
class OptionalFieldsChain(Chain):
    """A chain whose later columns are hashed only when set, so rows made before those columns
    existed keep the hash they were given."""

    optional_fields: tuple[str, ...] = ()

    def content(self, row: Mapping) -> dict:
        data = super().content(row)
        data.update({f: row[f] for f in self.optional_fields if row.get(f) is not None})
        return data

    def row_hash(self, row) -> str:
        values = {f: getattr(row, f) for f in (*self.hashed_fields, *self.optional_fields)}
        return content_hash(self.content(values))


REVIEW_CHAIN = OptionalFieldsChain(
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
    optional_fields=("correct_outcome",),
)

DISAGREE_NEEDS_REASON = "Enter the reason you disagree"
DISAGREE_NEEDS_OUTCOME = "Select the outcome you believe is correct"
KEY_USED_ON_ANOTHER_DECISION = (
    "This verdict form was already used for decision {reference}, so nothing was recorded here. "
    "Reload this page and record your verdict again."
)


def outcomes_in_version(decision: Decision) -> list[tuple[str, str]]:
    """(code, label) of every outcome the decision's policy version can give, in display order."""
    rules = policy_rules(decision.policy_version)
    reachable = {
        str(engine.RULE_OUTCOMES[code]) for code in rules.rules if engine.RULE_OUTCOMES.get(code)
    }
    return [(value, label) for value, label in OUTCOME_CHOICES if value in reachable]


def _correct_outcome_check(decision: Decision, verdict: str, correct_outcome: str | None) -> None:
    if verdict != Review.Verdict.DISAGREE:
        if correct_outcome:
            raise ValidationError(
                {"correct_outcome": "Only a disagree verdict names a different outcome"}
            )
        return
    if not correct_outcome:
        raise ValidationError({"correct_outcome": DISAGREE_NEEDS_OUTCOME})
    if correct_outcome not in dict(outcomes_in_version(decision)):
        raise ValidationError(
            {
                "correct_outcome": f"'{correct_outcome}' is not an outcome of policy version "
                f"{decision.policy_version.number}; choose one from the list"
            }
        )
    if correct_outcome == decision.outcome:
        raise ValidationError(
            {"correct_outcome": "Select an outcome different from the decision's own"}
        )


def _same_decision(existing: Review, decision: Decision) -> Review:
    if existing.decision_id != decision.pk:
        raise ValidationError(
            KEY_USED_ON_ANOTHER_DECISION.format(reference=existing.decision.reference)
        )
    return existing


def review_record(
    *,
    decision: Decision,
    reviewer,
    verdict: str,
    reason: str = "",
    note: str = "",
    correct_outcome: str | None = None,
    submission_key: uuid.UUID,
    created_at=None,
) -> tuple[Review, bool]:
    """Append a verdict on `decision`; (review, created).

    Idempotent on `submission_key` for the same decision: the same form submitted twice records
    one review. The key reused on another decision is an error, never a silent success.
    A "more information" verdict also queues an email to the practice (sent by the worker).
    Reviews are never changed: a later verdict supersedes an earlier one for display.
    """
    reason, note = reason.strip(), note.strip()
    correct_outcome = correct_outcome or None
    existing = Review.objects.select_related("decision").filter(submission_key=submission_key)
    if found := existing.first():
        return _same_decision(found, decision), False
    if verdict == Review.Verdict.DISAGREE and not reason:
        raise ValidationError({"reason": DISAGREE_NEEDS_REASON})
    _correct_outcome_check(decision, verdict, correct_outcome)
    review = Review(
        decision=decision,
        reviewer=reviewer,
        verdict=verdict,
        reason=reason,
        note=note,
        correct_outcome=correct_outcome,
        created_at=created_at or timezone.now(),
        submission_key=submission_key,
    )
    review.full_clean(
        exclude=["sequence", "previous_hash", "content_hash"],
        validate_unique=False,
        validate_constraints=False,
    )
    with transaction.atomic():
        rows, created = chain_append(REVIEW_CHAIN, [review], find_existing=existing.first)
        if not created:
            return _same_decision(rows[0], decision), False
        if verdict == Review.Verdict.MORE_INFORMATION:
            _notification_queue(rows[0])
    return rows[0], True


def _notification_queue(review: Review) -> PracticeNotification:
    from review.tasks import practice_notify

    practice = review.decision.practice
    contact = PracticeContact.objects.filter(practice=practice).first()
    notification = PracticeNotification.objects.create(
        review=review,
        practice=practice,
        to_address=contact.email if contact else "",
        status=PracticeNotification.Status.PENDING
        if contact
        else PracticeNotification.Status.NO_ADDRESS,
    )
    if contact:
        # Queued in the same transaction as the verdict: both are stored, or neither.
        practice_notify.enqueue(notification_id=notification.pk)
    return notification
