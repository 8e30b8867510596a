"""Prove that nothing was altered: recompute every hash and check every link of each chain
(decisions, reviews, "entered in error" corrections, STarT Back scores, practice replies).

A row edited in place no longer matches its content hash; a deleted row leaves a gap in the
sequence; a row slipped in out of order does not link to its predecessor's hash; rows cut off
the end show up as a chain shorter than the last verification found.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from core.chain import GENESIS_HASH, content_hash
from review.models import ChainVerification, PracticeReply, Review
from review.services.replies import REPLY_CHAIN
from review.services.reviews import REVIEW_CHAIN
from triage.models import Decision, DecisionCorrection, StartBackScore
from triage.services.corrections import CORRECTION_CHAIN
from triage.services.decisions import DECISION_CHAIN
from triage.services.startback import STARTBACK_CHAIN

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class ChainProblem:
    sequence: int
    message: str


@dataclass(frozen=True)
class ChainWalk:
    checked: int
    problem: ChainProblem | None


@dataclass(frozen=True)
class RecordCheck:
    """Whether one decision's own hash, its link to the row before it and its policy hash verify."""

    hash_ok: bool
    link_ok: bool
    # The policy content hash stored with the decision is the hash of the version it cites.
    policy_hash_ok: bool

    @property
    def ok(self) -> bool:
        return self.hash_ok and self.link_ok


Progress = Callable[[int], None]


def chain_walk(
    rows: Iterable[Mapping],
    *,
    content: Callable[[Mapping], dict],
    describe: Callable[[Mapping], str],
    progress: Progress | None = None,
) -> ChainWalk:
    """Check rows given in sequence order; stop at the first problem.

    `progress(n)` is told every CHUNK_SIZE rows that n more rows were checked.
    """
    expected, previous = 1, GENESIS_HASH
    checked = 0
    for row in rows:
        if progress and checked and checked % CHUNK_SIZE == 0:
            progress(CHUNK_SIZE)
        name = describe(row)
        if row["sequence"] != expected:
            missing = (
                f"sequence {expected}"
                if row["sequence"] == expected + 1
                else f"sequences {expected} to {row['sequence'] - 1}"
            )
            return ChainWalk(
                checked,
                ChainProblem(
                    expected, f"{missing} missing — a row was deleted (the next row is {name})"
                ),
            )
        if content_hash(content(row)) != row["content_hash"]:
            return ChainWalk(
                checked,
                ChainProblem(expected, f"{name}: content hash does not match — the row was edited"),
            )
        if row["previous_hash"] != previous:
            before = f"sequence {expected - 1}" if expected > 1 else "the start of the chain"
            rewritten = f" (or {before} was rewritten with a new hash)" if expected > 1 else ""
            return ChainWalk(
                checked,
                ChainProblem(
                    expected,
                    f"{name}: previous_hash does not link to {before} — inserted out of "
                    f"order{rewritten}",
                ),
            )
        checked += 1
        expected, previous = expected + 1, row["content_hash"]
    return ChainWalk(checked, None)


def _rows(model: type[models.Model], fields: tuple[str, ...], *extra: str):
    columns = dict.fromkeys((*fields, "content_hash", *extra))
    return model.objects.order_by("sequence").values(*columns).iterator(chunk_size=CHUNK_SIZE)


def _describe_decision(row: Mapping) -> str:
    return f"decision {row['reference']} (sequence {row['sequence']})"


def _describe_review(row: Mapping) -> str:
    return f"review (sequence {row['sequence']}) of decision {row['decision__reference']}"


def _describe_correction(row: Mapping) -> str:
    return (
        f"entered-in-error correction (sequence {row['sequence']}) of decision "
        f"{row['decision__reference']}"
    )


def _describe_startback(row: Mapping) -> str:
    return f"STarT Back score (sequence {row['sequence']}) of decision {row['decision__reference']}"


def _describe_reply(row: Mapping) -> str:
    return f"practice reply (sequence {row['sequence']}) on decision {row['decision__reference']}"


def chain_rows_total() -> int:
    """How many rows a full verification walks (for progress)."""
    return (
        Decision.objects.count()
        + Review.objects.count()
        + DecisionCorrection.objects.count()
        + StartBackScore.objects.count()
        + PracticeReply.objects.count()
    )


def _shorter_than_last_run(decisions: int, reviews: int, replies: int) -> str:
    last = ChainVerification.objects.filter(ok=True).first()
    if last is None:
        return ""
    for label, now, then in (
        ("decision", decisions, last.decisions_checked),
        ("review", reviews, last.reviews_checked),
        ("practice reply", replies, last.replies_checked),
    ):
        if now < then:
            return (
                f"{label} chain is shorter than at the last verification ({then} rows on "
                f"{timezone.localtime(last.finished_at):%d %b %Y %H:%M}, {now} now) — rows "
                "were deleted from the end"
            )
    return ""


def chain_verify(*, run_by: str, progress: Progress | None = None) -> ChainVerification:
    """Walk every chain from the start, record the run (also when all is well) and return it.

    The run's row counts decisions, reviews and practice replies; the corrections walked are on
    the returned object as `corrections_checked` (not stored: that needs a column).
    """
    started_at = timezone.now()
    decisions = chain_walk(
        _rows(Decision, DECISION_CHAIN.hashed_fields),
        content=DECISION_CHAIN.content,
        describe=_describe_decision,
        progress=progress,
    )
    reviews = replies = ChainWalk(0, None)
    problem = decisions.problem.message if decisions.problem else ""
    if not problem:
        reviews = chain_walk(
            _rows(
                Review,
                (*REVIEW_CHAIN.hashed_fields, *REVIEW_CHAIN.optional_fields),
                "decision__reference",
            ),
            content=REVIEW_CHAIN.content,
            describe=_describe_review,
            progress=progress,
        )
        problem = reviews.problem.message if reviews.problem else ""
    corrections = ChainWalk(0, None)
    if not problem:
        corrections = chain_walk(
            _rows(DecisionCorrection, CORRECTION_CHAIN.hashed_fields, "decision__reference"),
            content=CORRECTION_CHAIN.content,
            describe=_describe_correction,
            progress=progress,
        )
        problem = corrections.problem.message if corrections.problem else ""
    startback = ChainWalk(0, None)
    if not problem:
        startback = chain_walk(
            _rows(StartBackScore, STARTBACK_CHAIN.hashed_fields, "decision__reference"),
            content=STARTBACK_CHAIN.content,
            describe=_describe_startback,
            progress=progress,
        )
        problem = startback.problem.message if startback.problem else ""
    if not problem:
        replies = chain_walk(
            _rows(PracticeReply, REPLY_CHAIN.hashed_fields, "decision__reference"),
            content=REPLY_CHAIN.content,
            describe=_describe_reply,
            progress=progress,
        )
        problem = replies.problem.message if replies.problem else ""
    if not problem:
        problem = _shorter_than_last_run(decisions.checked, reviews.checked, replies.checked)
    run = ChainVerification.objects.create(
        started_at=started_at,
        finished_at=timezone.now(),
        ok=not problem,
        decisions_checked=decisions.checked,
        reviews_checked=reviews.checked,
        replies_checked=replies.checked,
        first_problem=problem,
        run_by=run_by[:150],
    )
    run.corrections_checked = corrections.checked
    run.startback_checked = startback.checked
    return run


def decision_verify(*, decision: Decision) -> RecordCheck:
    """Recompute this decision's hash and check its link to the decision before it."""
    if decision.sequence == 1:
        expected_previous = GENESIS_HASH
    else:
        expected_previous = (
            Decision.objects.filter(sequence=decision.sequence - 1)
            .values_list("content_hash", flat=True)
            .first()
        )
    return RecordCheck(
        hash_ok=DECISION_CHAIN.row_hash(decision) == decision.content_hash,
        link_ok=expected_previous is not None and decision.previous_hash == expected_previous,
        policy_hash_ok=decision.policy_hash == decision.policy_version.content_hash,
    )
