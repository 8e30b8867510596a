"""Prove that nothing was altered: recompute every hash and check every link of each chain
(decisions, reviews, "entered in error" corrections, STarT Back scores, practice replies, the
access log), then compare with the latest signed checkpoint kept outside the database.

A row edited in place no longer matches its content hash; a deleted row leaves a gap in the
sequence; a row slipped in out of order does not link to its predecessor's hash. What the walk
alone cannot see, because a database owner can recompute every hash, the checkpoint shows: a
rewritten history (another hash at the checkpointed head), rows cut off the end or a table
emptied, a published policy version edited with its hash recomputed. Published versions are
rehashed from their columns, decisions' policy hashes compared with their versions', and every
append-only trigger looked up in pg_trigger (missing, disabled or replaced).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from core.chain import GENESIS_HASH, content_hash
from core.checkpoints import CheckpointError, SignedCheckpoint
from core.db_roles import guards_check
from policy.models import PolicyVersion
from policy.services import content_hash_compute
from review.models import ChainVerification
from review.services.chains import CHAINS, ChainSpec
from review.services.checkpoints import checkpoint_compare, checkpoint_folder_state, checkpoint_name
from triage.models import Decision
from triage.services.decisions import DECISION_CHAIN

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
    start: int = 1,
    previous: str = GENESIS_HASH,
) -> ChainWalk:
    """Check rows given in sequence order; stop at the first problem.

    The rows start at sequence `start`, linked to `previous` (the start of the chain unless a
    walk resumes from a checkpointed head). `progress(n)` is told every CHUNK_SIZE rows that n
    more rows were checked.
    """
    expected = start
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


def _rows(spec: ChainSpec, after: int = 0):
    rows = spec.model.objects.filter(sequence__gt=after) if after else spec.model.objects.all()
    return rows.order_by("sequence").values(*spec.fields).iterator(chunk_size=CHUNK_SIZE)


def chain_consistency(checkpoint: SignedCheckpoint) -> tuple[list[str], dict[str, int]]:
    """Whether every chain today extends the one `checkpoint` saw (its head is a prefix): the
    row at each checkpointed head still has the signed hash, and every row appended since links
    back to it. Returns (problems, rows appended since, by chain)."""
    problems = checkpoint_compare(checkpoint)
    grown: dict[str, int] = {}
    if problems:
        return problems, grown
    for spec in CHAINS:
        head = checkpoint.body.get("chains", {}).get(spec.key) or {"sequence": 0, "hash": ""}
        walk = chain_walk(
            _rows(spec, after=head["sequence"]),
            content=spec.chain.content,
            describe=spec.describe,
            start=head["sequence"] + 1,
            previous=head["hash"] or GENESIS_HASH,
        )
        grown[spec.key] = walk.checked
        if walk.problem:
            problems.append(walk.problem.message)
    return problems, grown


def chain_rows_total() -> int:
    """How many rows a full verification walks (for progress)."""
    return sum(spec.model.objects.count() for spec in CHAINS)


def _shorter_than_last_run(walks: Mapping[str, ChainWalk]) -> str:
    last = ChainVerification.objects.filter(ok=True).first()
    if last is None:
        return ""
    for label, now, then in (
        ("decision", walks["decisions"].checked, last.decisions_checked),
        ("review", walks["reviews"].checked, last.reviews_checked),
        ("practice reply", walks["practice_replies"].checked, last.replies_checked),
    ):
        if now < then:
            return (
                f"{label} chain is shorter than at the last verification ({then} rows on "
                f"{timezone.localtime(last.finished_at):%d %b %Y %H:%M}, {now} now) — rows "
                "were deleted from the end"
            )
    return ""


def policy_integrity_problems() -> list[str]:
    """Published policy versions whose columns no longer give their stored hash, and decisions
    whose stored policy hash is no longer their version's hash."""
    problems = []
    for version in PolicyVersion.objects.filter(
        status=PolicyVersion.Status.PUBLISHED
    ).select_related("policy"):
        if content_hash_compute(version) != version.content_hash:
            problems.append(
                f"Published policy version {version.number} ({version.policy.slug}) was edited: "
                "its content no longer gives its stored hash."
            )
    mismatched = Decision.objects.exclude(policy_hash=F("policy_version__content_hash"))
    first = mismatched.order_by("sequence").values("reference", "policy_version__number").first()
    if first is not None:
        count = mismatched.count()
        problems.append(
            f"{count} decision{'s' if count != 1 else ''} (the first {first['reference']}) "
            f"cite{'' if count != 1 else 's'} a policy hash that is no longer the hash of "
            f"their version (version {first['policy_version__number']}) — the version or the "
            "decision was changed."
        )
    return problems


@dataclass(frozen=True)
class CheckpointUse:
    """Which checkpoint a verification compared the database with, if any."""

    checkpoint: SignedCheckpoint | None
    note: str


def _checkpoint_problems() -> tuple[CheckpointUse, list[str]]:
    try:
        state = checkpoint_folder_state()
    except CheckpointError as error:
        return CheckpointUse(None, "checkpoints could not be checked"), [
            f"Checkpoints could not be checked: {error}"
        ]
    if state is None:
        return CheckpointUse(None, "no checkpoint folder is configured"), []
    problems = [f"A checkpoint file was rejected: {reason}" for reason in state.rejected]
    if state.latest is None:
        note = "no signed checkpoint yet" if not state.files else "no valid checkpoint"
        return CheckpointUse(None, note), problems
    problems += checkpoint_compare(state.latest)
    return CheckpointUse(state.latest, f"checked against {checkpoint_name(state.latest)}"), problems


def chain_verify(
    *, run_by: str, progress: Progress | None = None, use_checkpoint: bool = True
) -> ChainVerification:
    """Walk every chain from the start, check the published policy versions, the database's
    guards and, by default, the latest signed checkpoint; record the run (also when all is well)
    and return it.

    The run's row counts decisions, reviews and practice replies; the other chains' counts are
    on the returned object (`checked`, by chain key), with `problems` (every finding) and
    `checkpoint` (what it was compared with). `first_problem` holds every finding, one a line.
    """
    started_at = timezone.now()
    walks: dict[str, ChainWalk] = {}
    problems: list[str] = []
    for spec in CHAINS:
        walks[spec.key] = walk = chain_walk(
            _rows(spec), content=spec.chain.content, describe=spec.describe, progress=progress
        )
        if walk.problem:
            problems.append(walk.problem.message)
    if not problems and (shorter := _shorter_than_last_run(walks)):
        problems.append(shorter)
    problems += policy_integrity_problems()
    problems += guards_check()
    checkpoint = CheckpointUse(None, "not compared with a checkpoint")
    if use_checkpoint:
        checkpoint, found = _checkpoint_problems()
        problems += found
    run = ChainVerification.objects.create(
        started_at=started_at,
        finished_at=timezone.now(),
        ok=not problems,
        decisions_checked=walks["decisions"].checked,
        reviews_checked=walks["reviews"].checked,
        replies_checked=walks["practice_replies"].checked,
        first_problem="\n".join(problems),
        run_by=run_by[:150],
    )
    run.checked = {key: walk.checked for key, walk in walks.items()}
    run.corrections_checked = walks["corrections"].checked
    run.startback_checked = walks["startback_scores"].checked
    run.problems = problems
    run.checkpoint = checkpoint
    return run


_UNREAD = object()


def decision_verify(
    *, decision: Decision, previous_hash: str | None | object = _UNREAD
) -> RecordCheck:
    """Recompute this decision's hash and check its link to the decision before it: to the
    content hash `previous_hash` of the decision before it, when the caller has read it (None:
    there is none), else read here."""
    if decision.sequence == 1:
        expected_previous = GENESIS_HASH
    elif previous_hash is not _UNREAD:
        expected_previous = previous_hash
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
