"""Add a STarT Back score to a decision: scored by the engine, appended to its own hash chain."""

from collections.abc import Mapping

from django.utils import timezone

from core.chain import Chain, chain_append
from policy.engine import Outcome
from policy.engine.startback import startback_score
from policy.wording import startback_enabled
from triage.models import Decision, StartBackScore

STARTBACK_CHAIN = Chain(
    model=StartBackScore,
    lock_id=730_004,
    hashed_fields=(
        "sequence",
        "decision_id",
        "created_at",
        "clinician_id",
        "responses",
        "total",
        "psychosocial",
        "risk",
        "previous_hash",
    ),
)


def startback_score_record(
    *, decision: Decision, user, responses: Mapping[int, object]
) -> StartBackScore:
    """Score the responses (StartBackError names any bad item) and append the score."""
    score = startback_score(responses)
    row = StartBackScore(
        decision=decision,
        created_at=timezone.now(),
        clinician=user,
        responses=list(score.responses),
        total=score.total,
        psychosocial=score.psychosocial,
        risk=score.risk,
    )
    rows, _ = chain_append(STARTBACK_CHAIN, [row])
    return rows[0]


def startback_latest(decision: Decision) -> StartBackScore | None:
    return decision.startback_scores.order_by("-sequence").first()


def startback_offered(decision: Decision, *, scored: bool | None = None) -> bool:
    """Offered, once, for a decision turned away as not routinely commissioned, when the
    decision's policy version has the scorer switched on. `scored`: whether the caller has
    already found a score (saves reading it again)."""
    if not (
        decision.outcome == Outcome.NOT_ROUTINELY_COMMISSIONED
        and startback_enabled(decision.policy_version)
    ):
        return False
    return not (startback_latest(decision) is not None if scored is None else scored)
