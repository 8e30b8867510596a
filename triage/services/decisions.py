"""Record a triage decision: run the engine, then append the result to the decision chain."""

import uuid
from collections.abc import Mapping

from django.db import connection
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
    version = version or policy_version_in_effect(from_memory=True)
    if version is None:
        # A repeat of a submission stored before the policy stopped being in effect still
        # gets its decision back (otherwise chain_append's find_existing answers repeats).
        if (existing := _decision_for_submission(submission_key)) is not None:
            return existing, False
        raise NoPolicyInEffect("No published policy version is in effect")
    parsed = engine.parse_answers(answers)
    result = engine.evaluate(policy_rules(version), parsed)
    payload = result.to_dict()
    reference = reference_generate()
    while _reference_taken(reference):
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
        find_existing=lambda: _decision_for_submission(submission_key),
    )
    return rows[0], created


def _decision_for_submission(submission_key: uuid.UUID) -> Decision | None:
    """The decision already stored for this submission, if any (no ORDER BY: the key is unique)."""
    return next(iter(Decision.objects.filter(submission_key=submission_key)[:1]), None)


def _reference_taken(reference: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT 1 FROM "{Decision._meta.db_table}" WHERE "reference" = %s',  # noqa: S608
            [reference],
        )
        return cursor.fetchone() is not None
