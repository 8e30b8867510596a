"""Record a triage decision: run the engine, then append the result to the decision chain."""

import uuid
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from core.chain import DECISION_CHAIN_LOCK, chain_lock, chain_tail, content_hash
from policy import engine
from policy.models import PolicyVersion
from policy.selectors import policy_version_current
from policy.services import policy_rules
from triage.models import Decision, Practice
from triage.references import reference_generate

# Every column that the content hash covers, in no particular order (keys are sorted).
DECISION_HASHED_FIELDS = (
    "reference",
    "sequence",
    "submission_key",
    "created_at",
    "nhs_number",
    "practice_id",
    "clinician_id",
    "policy_version_id",
    "policy_hash",
    "engine_version",
    "answers",
    "outcome",
    "findings",
    "advice",
    "previous_hash",
)


class NoPolicyInEffect(Exception):
    """No published policy version is in effect, so nothing can be decided."""


def decision_content(row: Mapping) -> dict:
    return {field: row[field] for field in DECISION_HASHED_FIELDS}


def decision_hash(decision: Decision) -> str:
    return content_hash(decision_content({f: getattr(decision, f) for f in DECISION_HASHED_FIELDS}))


def decision_record(
    *,
    user,
    practice: Practice,
    nhs_number: str,
    answers: Mapping,
    submission_key: uuid.UUID,
    version: PolicyVersion | None = None,
    created_at=None,
) -> tuple[Decision, bool]:
    """Store the decision for one submission; (decision, created).

    Idempotent on `submission_key`: a repeated submission returns the decision
    already stored instead of making a second one.
    """
    existing = Decision.objects.filter(submission_key=submission_key).first()
    if existing:
        return existing, False
    version = version or policy_version_current()
    if version is None:
        raise NoPolicyInEffect("No published policy version is in effect")
    parsed = engine.parse_answers(answers)
    result = engine.evaluate(policy_rules(version), parsed)
    payload = result.to_dict()
    with transaction.atomic():
        chain_lock(DECISION_CHAIN_LOCK)
        existing = Decision.objects.filter(submission_key=submission_key).first()
        if existing:
            return existing, False
        sequence, previous_hash = chain_tail(Decision)
        reference = reference_generate()
        while Decision.objects.filter(reference=reference).exists():
            reference = reference_generate()
        decision = Decision(
            reference=reference,
            sequence=sequence + 1,
            submission_key=submission_key,
            created_at=created_at or timezone.now(),
            nhs_number=nhs_number,
            practice=practice,
            clinician=user,
            policy_version=version,
            policy_hash=version.content_hash,
            engine_version=result.engine_version,
            answers=parsed.to_dict(),
            outcome=str(result.outcome),
            findings=payload["findings"],
            advice=payload["advice"],
            previous_hash=previous_hash,
        )
        decision.content_hash = decision_hash(decision)
        # Foreign keys come from rows just read; checking them again would cost three queries.
        decision.full_clean(
            exclude=["practice", "clinician", "policy_version"],
            validate_unique=False,
            validate_constraints=False,
        )
        decision.save(force_insert=True)
    return decision, True
