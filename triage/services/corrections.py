"""Mark a decision "entered in error": append a correction to its own hash chain.

The decision is never edited or deleted; the correction says who, when and why, and a
replacement (if any) is the decision of a check started with `corrects` set to the original.
"""

from django.utils import timezone

from core.chain import Chain, chain_append
from triage.models import Decision, DecisionCorrection, ReferralCheck
from triage.selectors.practice import clinician_for_user

CORRECTION_CHAIN = Chain(
    model=DecisionCorrection,
    lock_id=730_003,
    hashed_fields=(
        "decision_id",
        "corrected_by_id",
        "created_at",
        "reason",
        "sequence",
        "previous_hash",
    ),
)
REASON_MAX_LENGTH = 1000


class CorrectionRefused(Exception):
    """A correction that cannot be recorded; the message says why, for the person asking."""


def correction_allowed(*, decision: Decision, user) -> bool:
    """Rule: the clinician who recorded the decision, or a GP at the same practice."""
    if decision.clinician_id == user.pk:
        return True
    clinician = clinician_for_user(user)
    return clinician is not None and clinician.practice_id == decision.practice_id


def decision_correct(*, decision: Decision, user, reason: str) -> DecisionCorrection:
    """Record that `decision` was entered in error, once. Raises CorrectionRefused."""
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionRefused("Enter why the decision was entered in error")
    if len(reason) > REASON_MAX_LENGTH:
        raise CorrectionRefused(
            f"The reason must be {REASON_MAX_LENGTH} characters or fewer (it has {len(reason)})"
        )
    if not correction_allowed(decision=decision, user=user):
        raise CorrectionRefused(
            "Only the clinician who recorded this decision, or a GP at the same practice, "
            "can mark it as entered in error"
        )
    correction = DecisionCorrection(
        decision=decision, corrected_by=user, created_at=timezone.now(), reason=reason
    )
    rows, created = chain_append(
        CORRECTION_CHAIN,
        [correction],
        find_existing=DecisionCorrection.objects.filter(decision=decision).first,
    )
    if not created:
        raise CorrectionRefused(
            f"Decision {decision.reference} was already marked as entered in error"
        )
    return rows[0]


def decision_replacement(*, decision: Decision) -> Decision | None:
    """The decision recorded by a check started to correct this one, if any (the latest)."""
    check = (
        ReferralCheck.objects.filter(corrects=decision, decision__isnull=False)
        .select_related("decision")
        .order_by("-updated_at")
        .first()
    )
    return check.decision if check else None
