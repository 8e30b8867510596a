"""Record a triage decision: run the engine, then append the result to the decision chain."""

import functools
import uuid
from collections.abc import Mapping

from django.db import connection
from django.utils import timezone

from core import rows
from core.chain import Chain, ReadUnderLock, SentWithInsert, chain_append
from core.prepared import statement_sql
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
    with_insert: SentWithInsert | None = None,
) -> tuple[Decision, bool]:
    """Store the decision for one submission; (decision, created).

    Idempotent on `submission_key`: a repeated submission returns the decision
    already stored instead of making a second one. `with_insert` is sent with the decision's
    INSERT, only when one is made (core.chain.chain_append).
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
    decision = Decision(
        reference=reference_generate(),  # checked under the chain's lock (_stored_or_none)
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
        find_existing=ReadUnderLock(
            "; ".join(statement_sql(connection, sql) for sql in _stored_sql()),
            [submission_key, decision.reference],
            _stored_or_none(decision),
        ),
        with_insert=with_insert,
    )
    return rows[0], created


@functools.cache
def _stored_sql() -> tuple[str, str]:
    """The decision already stored for a submission key, then whether a reference is taken:
    sent with the chain's lock and tail (one round trip), so both see every decision before."""
    table = Decision._meta.db_table
    return (
        f'SELECT {rows.columns(Decision, "d")} FROM "{table}" d '  # noqa: S608 (model's names)
        'WHERE d."submission_key" = %s',
        f'SELECT EXISTS (SELECT 1 FROM "{table}" WHERE "reference" = %s)',  # noqa: S608
    )


def _stored_or_none(decision: Decision):
    """Read _stored_sql's results: the stored decision, or None after making sure the new one's
    reference is free (drawing another in the rare case it is taken)."""

    def read(cursor) -> Decision | None:
        stored = cursor.fetchone()
        cursor.nextset()
        (taken,) = cursor.fetchone()
        if stored is not None:
            return rows.instance(Decision, connection.alias, stored)
        if taken:
            decision.reference = reference_generate()
            while _reference_taken(decision.reference):
                decision.reference = reference_generate()
        return None

    return read


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
