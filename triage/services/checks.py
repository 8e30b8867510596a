"""Referral checks (drafts): start one, answer its pages, submit it once, delete or purge it.

A check is a row, not a session slot: every page and every POST names the check it applies to,
so two checks open in two tabs can never borrow each other's patient or answers.
"""

import copy
import datetime
import functools
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone

from core import rows
from core.chain import SentWithInsert
from core.prepared import statement_sql
from policy.models import PolicyVersion
from policy.selectors import policy_version_in_effect_query
from triage.models import Decision, Practice, ReferralCheck
from triage.prefetch import version_in_effect
from triage.services.decisions import NoPolicyInEffect, decision_record

STEPS = ("patient", "red-flags", "pain", "conditions", "decompression")
CHECK = "check"
STEP_TITLES = {
    "patient": "Patient's NHS number",
    "red-flags": "Red flags",
    "pain": "Where the pain is",
    "conditions": "Diagnosed conditions",
    "decompression": "Planned decompression",
}
# Which answer key (or the NHS number) marks each page as answered.
STEP_ANSWER = {
    "red-flags": "red_flags",
    "pain": "pain_location",
    "conditions": "conditions",
    "decompression": "decompression_planned",
}
ANSWER_KEYS = (
    "red_flags",
    "pain_location",
    "conditions",
    "decompression_planned",
    "decompression_destabilising",
)


class CheckGone(Exception):
    """This referral check no longer exists: it was deleted (perhaps in another tab) or
    removed after being left unfinished. Nothing was recorded from it."""


class CheckAlreadySubmitted(Exception):
    """This referral check has already been submitted; its decision cannot be changed."""

    def __init__(self, decision: Decision):
        super().__init__(f"This referral check was already recorded as {decision.reference}")
        self.decision = decision


class StepNotReached(Exception):
    """A page after the first unanswered one: the questions are answered in order."""

    def __init__(self, next_step: str):
        super().__init__(f"Answer the questions in order; the next one is {next_step}")
        self.next_step = next_step


# The rules of the questionnaire, on a check's stored answers ----------------------------------


def step_answered(check: ReferralCheck, step: str) -> bool:
    if step == "patient":
        return bool(check.nhs_number)
    return STEP_ANSWER[step] in check.answers


def check_next_step(check: ReferralCheck) -> str:
    """The first page not yet answered, or the check page when all are."""
    for step in STEPS:
        if not step_answered(check, step):
            return step
    return CHECK


def check_can_visit(check: ReferralCheck, step: str) -> bool:
    """A page may be shown once every page before it has been answered."""
    if step == CHECK:
        return check_next_step(check) == CHECK
    return all(step_answered(check, s) for s in STEPS[: STEPS.index(step)])


def check_page_after(check: ReferralCheck, step: str) -> str:
    """Where Continue goes from `step`: the next page in order (already answered pages show
    their answers), or the first unanswered page if that comes earlier."""
    following = STEPS[STEPS.index(step) + 1] if STEPS.index(step) + 1 < len(STEPS) else CHECK
    return following if check_can_visit(check, following) else check_next_step(check)


def check_full_answers(check: ReferralCheck) -> dict:
    """The answers contract; red flags end the questionnaire, leaving the rest unasked."""
    answers = check.answers
    flags = answers.get("red_flags", [])
    if flags:
        return {
            "pain_location": None,
            "red_flags": flags,
            "conditions": [],
            "decompression_planned": None,
            "decompression_destabilising": None,
        }
    return {
        "pain_location": answers.get("pain_location"),
        "red_flags": [],
        "conditions": answers.get("conditions", []),
        "decompression_planned": answers.get("decompression_planned"),
        "decompression_destabilising": answers.get("decompression_destabilising"),
    }


def _answers_from_decision(answers: Mapping) -> dict:
    """A decision's stored answers as a draft's, for a corrected check to start from."""
    if answers.get("red_flags"):
        return {"red_flags": list(answers["red_flags"])}
    return {key: answers.get(key) for key in ANSWER_KEYS}


# Writes ---------------------------------------------------------------------------------------


def check_start(*, user, practice, corrects: Decision | None = None) -> ReferralCheck:
    """A new check under the policy version in effect now; pre-filled when it corrects a
    decision entered in error (the NHS number stays editable on the first page)."""
    version = version_in_effect(user)  # read with the session when it could be
    if version is None:
        raise NoPolicyInEffect("No published policy version is in effect")
    now = timezone.now()
    check = ReferralCheck(
        clinician=user,
        practice=practice,
        policy_version=version,
        created_at=now,
        updated_at=now,
        corrects=corrects,
    )
    if corrects is not None:
        check.nhs_number = corrects.nhs_number
        check.answers = _answers_from_decision(corrects.answers)
        check.last_step = "red-flags" if check.answers.get("red_flags") else STEPS[-1]
    # The id is a fresh uuid4 and PostgreSQL enforces the constraints too: asking it first
    # would cost two queries on every new check.
    check.full_clean(
        exclude=["clinician", "practice", "policy_version", "corrects"],
        validate_unique=False,
        validate_constraints=False,
    )
    check.save(force_insert=True)
    return check


def _locked(check_id: uuid.UUID, user) -> ReferralCheck:
    """The user's check, locked until the transaction ends; CheckGone if it is not there."""
    # No join of the decision: after waiting for the lock, PostgreSQL re-reads the check row
    # but not a joined decision inserted meanwhile, so a join would say "none". check.decision
    # is loaded by a later statement, which sees it. The practice never changes, so joining
    # it is safe (and only the check's row is locked: FOR UPDATE OF rc). Plain SQL built once
    # (core.rows): every answer and every submit takes this lock.
    using = router.db_for_write(ReferralCheck)
    with connections[using].cursor() as cursor:
        cursor.execute(_locked_sql(), [check_id, user.pk])
        return _locked_check(cursor.fetchone(), using)


def _locked_with_version_in_effect(
    check_id: uuid.UUID, user
) -> tuple[ReferralCheck, PolicyVersion | None]:
    """_locked, then the version in effect (policy.selectors, the one rule) read after the
    lock is held, both in one round trip."""
    using = router.db_for_write(ReferralCheck)
    in_effect = policy_version_in_effect_query()
    connection = connections[using]
    sent = f"{statement_sql(connection, _locked_sql())}; {statement_sql(connection, in_effect.sql)}"
    with connection.cursor() as cursor:
        cursor.execute(sent, [check_id, user.pk, *in_effect.params])
        row = cursor.fetchone()
        cursor.nextset()
        current = in_effect.version(cursor.fetchall())
    return _locked_check(row, using), current


def _locked_check(row, using: str) -> ReferralCheck:
    if row is None:
        raise CheckGone(CheckGone.__doc__)
    check, practice = rows.split(row, _LOCKED_PARTS, using)
    ReferralCheck.practice.field.set_cached_value(check, practice)
    return check


_LOCKED_PARTS = (rows.Part(ReferralCheck, "rc"), rows.Part(Practice, "p"))


@functools.cache
def _locked_sql() -> str:
    return (
        f"SELECT {rows.select_list(_LOCKED_PARTS)} "  # noqa: S608 (the models' own names)
        f'FROM "{ReferralCheck._meta.db_table}" rc '
        f'JOIN "{Practice._meta.db_table}" p ON p."id" = rc."practice_id" '
        'WHERE rc."id" = %s AND rc."clinician_id" = %s FOR UPDATE OF rc'
    )


def check_answer(
    *,
    check_id: uuid.UUID,
    user,
    step: str,
    nhs_number: str | None = None,
    answers: Mapping | None = None,
    seen: ReferralCheck | None = None,
) -> ReferralCheck:
    """Store one page's answer on this check only.

    Refused when the check was submitted meanwhile (CheckAlreadySubmitted), deleted
    (CheckGone), or has not reached this page (StepNotReached). `seen` is the check as the
    page just read it: when the row is still exactly that, the answer is written in one
    conditional UPDATE (_answer_if_unchanged); otherwise the row is locked and read again.
    """
    if seen is not None and (stored := _answer_if_unchanged(seen, step, nhs_number, answers)):
        return stored
    with transaction.atomic():
        check = _locked(check_id, user)
        if check.decision_id:
            raise CheckAlreadySubmitted(check.decision)
        if not check_can_visit(check, step):
            raise StepNotReached(check_next_step(check))
        _apply_answer(check, step, nhs_number, answers)
        check.save(update_fields=["nhs_number", "answers", "last_step", "updated_at"])
    return check


def _apply_answer(check: ReferralCheck, step: str, nhs_number, answers) -> None:
    if step == "patient":
        check.nhs_number = nhs_number or ""
    else:
        check.answers = {**check.answers, **(answers or {})}
    check.last_step = step
    check.updated_at = timezone.now()


def _answer_if_unchanged(seen: ReferralCheck, step: str, nhs_number, answers):
    """Optimistic write: the answer applied to `seen`, stored only if the row still holds
    exactly what `seen` holds (not submitted, same answers, patient, page, version and time of
    the last change); one statement instead of BEGIN, lock, UPDATE and COMMIT. Returns the
    stored check, or None when the row changed (another tab, a submit, a delete) or the page
    may not be answered, so that the locked path decides with the row as it is now."""
    if seen.decision_id or not check_can_visit(seen, step):
        return None
    changed = copy.copy(seen)
    _apply_answer(changed, step, nhs_number, answers)
    using = router.db_for_write(ReferralCheck)
    connection = connections[using]
    as_json = ReferralCheck._meta.get_field("answers").get_db_prep_value  # as the ORM sends it
    with connection.cursor() as cursor:
        cursor.execute(
            statement_sql(connection, _answer_sql()),
            [
                changed.nhs_number,
                as_json(changed.answers, connection),
                changed.last_step,
                changed.updated_at,
                seen.pk,
                seen.clinician_id,
                seen.updated_at,
                seen.last_step,
                seen.nhs_number,
                as_json(seen.answers, connection),
                seen.policy_version_id,
            ],
        )
        written = cursor.rowcount
    return changed if written == 1 else None


@functools.cache
def _answer_sql() -> str:
    """_answer_if_unchanged's UPDATE: plain SQL built once (every answer is one)."""
    return (
        f'UPDATE "{ReferralCheck._meta.db_table}" SET "nhs_number" = %s, "answers" = %s, '  # noqa: S608
        '"last_step" = %s, "updated_at" = %s '
        'WHERE "id" = %s AND "clinician_id" = %s AND "decision_id" IS NULL '
        'AND "updated_at" = %s AND "last_step" = %s AND "nhs_number" = %s '
        'AND "answers" = %s AND "policy_version_id" = %s'
    )


@dataclass(frozen=True)
class SubmitResult:
    """What a submit did: recorded a decision, found the one already recorded, or stopped
    because the policy changed since the check started."""

    decision: Decision | None
    created: bool
    policy_changed_to: PolicyVersion | None = None


def check_submit(*, check_id: uuid.UUID, user, urgent: bool = False) -> SubmitResult:
    """Record the decision from this check's own answers, once, and mark the check submitted.

    One transaction holds the check's row lock: concurrent submits of the same check queue
    on it, and all but the first find the decision already recorded. The check's id is the
    decision's submission key as well.

    Rule "policy changed since you started": when another version is in effect than the one
    the check started under, nothing is recorded; the check moves to the new version and the
    GP is asked to check the answers against it. Red flags (`urgent`) are never held back.
    """
    with transaction.atomic():
        check, current = _locked_with_version_in_effect(check_id, user)
        if check.decision_id:
            return SubmitResult(check.decision, created=False)
        if not urgent and not check_can_visit(check, CHECK):
            raise StepNotReached(check_next_step(check))
        if not urgent and current is not None and current.pk != check.policy_version_id:
            check.policy_version = current
            check.updated_at = timezone.now()
            check.save(update_fields=["policy_version", "updated_at"])
            return SubmitResult(None, created=False, policy_changed_to=current)
        # The check was found by clinician=user, and `current` is its version unless the policy
        # changed (handled above) or the check is urgent: no query to load either again.
        version = current if current is not None and current.pk == check.policy_version_id else None
        now = timezone.now()
        decision, created = decision_record(
            user=user,
            practice=check.practice,
            nhs_number=check.nhs_number,
            answers=check_full_answers(check),
            submission_key=check.pk,
            version=version or check.policy_version,
            with_insert=_marked_submitted(check, now),
        )
        check.decision = decision
        check.updated_at = now
        if not created:  # a decision already stored under this key: link the check to it
            check.save(update_fields=["decision", "updated_at"])
    return SubmitResult(decision, created)


def _marked_submitted(check: ReferralCheck, now: datetime.datetime) -> SentWithInsert:
    """The check's link to the decision its submit makes, sent with the decision's INSERT: one
    round trip fewer, and one fewer while the decision chain's lock is held. The decision is
    found by its submission key, which is the check's id; the link that comes back must be the
    inserted decision's id, or the whole submit rolls back."""

    def read(cursor, decision: Decision) -> None:
        linked = cursor.fetchone()
        if linked is None or linked[0] != decision.pk:
            raise IntegrityError(f"check {check.pk} was not linked to decision {decision.pk}")

    sql = statement_sql(connections[router.db_for_write(ReferralCheck)], _marked_submitted_sql())
    return SentWithInsert(sql, [check.pk, now, check.pk], read)


@functools.cache
def _marked_submitted_sql() -> str:
    return (
        f'UPDATE "{ReferralCheck._meta.db_table}" SET "decision_id" = '  # noqa: S608 (models)
        f'(SELECT "id" FROM "{Decision._meta.db_table}" WHERE "submission_key" = %s), '
        '"updated_at" = %s WHERE "id" = %s RETURNING "decision_id"'
    )


def check_delete(*, check_id: uuid.UUID, user) -> None:
    """Delete a draft. A submitted check stays: it links its decision to any correction."""
    with transaction.atomic():
        check = _locked(check_id, user)
        if check.decision_id:
            raise CheckAlreadySubmitted(check.decision)
        check.delete()


def check_purge(*, days: int, now: datetime.datetime | None = None) -> int:
    """Delete unsubmitted drafts not changed for `days` days; returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    deleted, _ = ReferralCheck.objects.filter(decision__isnull=True, updated_at__lt=cutoff).delete()
    return deleted
