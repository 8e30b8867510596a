"""Record a triage decision: run the engine, then append the result to the decision chain."""

import uuid
from collections.abc import Mapping

from django.utils import timezone

from core.chain import Chain, chain_append
from policy import engine
from policy.models import PolicyVersion
from policy.selectors import policy_version_in_effect
from policy.services import policy_rules
from triage.models import Decision, Practice
from triage.references import reference_generate

DECISION_CHAIN = Chain(
    model=Decision,
    lock_id=730_001,
    hashed_fields=(
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
    ),
)


class NoPolicyInEffect(Exception):
    """No published policy version is in effect, so nothing can be decided."""


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
    version = version or policy_version_in_effect(from_memory=True)
    if version is None:
        raise NoPolicyInEffect("No published policy version is in effect")
    parsed = engine.parse_answers(answers)
    result = engine.evaluate(policy_rules(version), parsed)
    payload = result.to_dict()
    reference = reference_generate()
    while Decision.objects.filter(reference=reference).exists():
        reference = reference_generate()
    decision = Decision(
        reference=reference,
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
    )
    # Foreign keys come from rows just read; checking them again would cost three queries.
    decision.full_clean(
        exclude=["practice", "clinician", "policy_version", "sequence", "previous_hash",
                 "content_hash"],
        validate_unique=False,
        validate_constraints=False,
    )  # fmt: skip
    rows, created = chain_append(
        DECISION_CHAIN,
        [decision],
        find_existing=Decision.objects.filter(submission_key=submission_key).first,
    )
    return rows[0], created
