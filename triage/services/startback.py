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
    startback_latest_put(decision, rows[0])
    return rows[0]


def startback_latest(decision: Decision) -> StartBackScore | None:
    """The latest score added to the decision; no query when it was read with the decision
    (triage.selectors.practice) and none has been added in this request since."""
    if hasattr(decision, _LATEST):
        return getattr(decision, _LATEST)
    return decision.startback_scores.order_by("-sequence").first()


def startback_latest_put(decision: Decision, score: StartBackScore | None) -> None:
    """Remember `score` (or None) as the decision's latest, read together with it."""
    setattr(decision, _LATEST, score)


_LATEST = "_startback_latest"


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
