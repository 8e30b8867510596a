"""Checkpoints of every chain and every published policy version, signed and kept outside the
database (the signing and the folder are core.checkpoints; ADR 0062).

A checkpoint records, for each chain, its head (the last sequence and its hash) and its row
count, and the stored hash of each published policy version. Comparing the database with one
shows what a database owner could otherwise hide: a chain rewritten with recomputed hashes (the
row at the checkpointed sequence has another hash), rows removed from the end or a table emptied
(the head is gone), a published version edited with its hash recomputed. A new checkpoint is
signed only if the database still extends the previous one, so a rewrite is never laundered into
a fresh signature.
"""

import contextlib
import datetime
import fcntl
import logging
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from core.checkpoints import (
    FORMAT,
    CheckpointError,
    FolderState,
    SignedCheckpoint,
    checkpoint_dir,
    checkpoint_latest,
    checkpoint_path,
    checkpoint_paths,
    checkpoint_sign,
    checkpoint_store,
    key_id,
    next_serial,
    public_key_load,
    public_key_pem,
    serial_of,
    signing_key_load,
)
from policy.models import PolicyVersion
from review.services.chains import CHAINS

logger = logging.getLogger(__name__)


class CheckpointRefused(CheckpointError):
    """The database does not extend the previous checkpoint, so nothing was signed."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            "No checkpoint was written: the database no longer extends the previous one. "
            + " ".join(problems)
        )


def chain_heads() -> dict[str, dict]:
    """{chain key: {"sequence", "hash", "count"}} as the database holds them now."""
    heads = {}
    for spec in CHAINS:
        last = spec.model.objects.order_by("-sequence").values_list("sequence", "content_hash")
        sequence, head_hash = last.first() or (0, "")
        heads[spec.key] = {
            "sequence": sequence,
            "hash": head_hash,
            "count": spec.model.objects.count(),
        }
    return heads


def published_policy_hashes() -> list[dict]:
    """The stored content hash of every published policy version, in a stable order."""
    rows = (
        PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED)
        .order_by("policy__slug", "number")
        .values_list("policy__slug", "number", "content_hash")
    )
    return [{"policy": slug, "number": number, "content_hash": h} for slug, number, h in rows]


def checkpoint_name(checkpoint: SignedCheckpoint) -> str:
    created = checkpoint.body.get("created_at", "")
    return f"checkpoint {checkpoint.serial} ({created})"


def checkpoint_compare(checkpoint: SignedCheckpoint) -> list[str]:
    """What the database has lost or changed since `checkpoint`; each line says what happened.

    Only the checkpointed head is compared: every row before it is linked to it by hashes,
    which the chain walk checks, so a change anywhere up to the head either breaks a link
    (the walk says where) or, with every later hash recomputed, changes the head's hash.
    """
    body, name = checkpoint.body, checkpoint_name(checkpoint)
    problems = []
    for spec in CHAINS:
        head = body.get("chains", {}).get(spec.key)
        if not head or not head.get("count"):
            continue
        sequence, signed_hash, signed_count = head["sequence"], head["hash"], head["count"]
        count = spec.model.objects.count()
        if count == 0:
            problems.append(
                f"The {spec.label} chain is empty, but {name} recorded {signed_count} rows — "
                "the table was truncated or emptied."
            )
            continue
        row_hash = (
            spec.model.objects.filter(sequence=sequence)
            .values_list("content_hash", flat=True)
            .first()
        )
        if row_hash is None:
            last = spec.model.objects.aggregate(last=Max("sequence"))["last"]
            problems.append(
                f"The {spec.label} chain ends at sequence {last}, but {name} recorded "
                f"{sequence} — rows were deleted from the end."
                if last < sequence
                else f"Sequence {sequence} of the {spec.label} chain, the head {name} signed, is "
                "missing — the row was deleted."
            )
        elif row_hash != signed_hash:
            problems.append(
                f"The {spec.label} chain was rewritten: sequence {sequence} now has hash "
                f"{row_hash[:16]}…, but {name} signed {signed_hash[:16]}… — rows up to sequence "
                f"{sequence} were changed and their hashes recomputed."
            )
        elif count < signed_count:
            problems.append(
                f"The {spec.label} chain has {count} rows, fewer than the {signed_count} {name} "
                "recorded — rows were deleted."
            )
    current = {(p["policy"], p["number"]): p["content_hash"] for p in published_policy_hashes()}
    for version in body.get("policy_versions", []):
        stored = current.get((version["policy"], version["number"]))
        label = f"Published policy version {version['number']} ({version['policy']})"
        if stored is None:
            problems.append(
                f"{label}, recorded by {name}, is no longer published — it was deleted or its "
                "status was changed."
            )
        elif stored != version["content_hash"]:
            problems.append(
                f"{label} has stored hash {stored[:16]}…, but {name} signed "
                f"{version['content_hash'][:16]}… — the version was edited and its hash "
                "recomputed."
            )
    return problems


def _snapshot(previous: SignedCheckpoint | None) -> tuple[list[str], dict[str, dict], list[dict]]:
    """The comparison with `previous`, every head and every count, all from one snapshot, so
    they describe the same moment."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:  # (inside another transaction its isolation can no longer be set)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        problems = checkpoint_compare(previous) if previous is not None else []
        return problems, chain_heads(), published_policy_hashes()


def checkpoint_folder_state() -> FolderState | None:
    """The checkpoint folder as the verifier sees it; None when checkpoints are not configured."""
    directory = checkpoint_dir()
    if directory is None:
        return None
    return checkpoint_latest(directory, public_key_load())


@dataclass(frozen=True)
class CheckpointTaken:
    path: Path | None
    serial: int
    # Files newer than the previous valid checkpoint whose signature did not verify.
    rejected: list[str]


def checkpoint_take(
    *, force: bool = False, now: datetime.datetime | None = None
) -> CheckpointTaken:
    """Sign the heads of every chain and add them to the folder as the next checkpoint.

    Refused (CheckpointRefused, nothing written) when the database no longer extends the
    latest valid checkpoint. When nothing changed since it, nothing is written either (path
    None) unless `force`.
    """
    directory = checkpoint_dir()
    if directory is None:
        raise CheckpointError("CHECKPOINT_DIR is not set: there is nowhere to keep checkpoints")
    key = signing_key_load()
    public = public_key_load()
    if key_id(public) != key_id(key.public_key()):
        raise CheckpointError(
            "The signing key does not match CHECKPOINT_PUBLIC_KEY_FILE: checkpoints signed with "
            "it would not verify"
        )
    with _folder_lock(directory):
        return _take(directory, key, public, force=force, now=now)


@contextlib.contextmanager
def _folder_lock(directory: Path):
    """One writer at a time (the worker's task and the scheduled command may overlap)."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _take(directory: Path, key, public, *, force: bool, now) -> CheckpointTaken:
    state = checkpoint_latest(directory, public)
    previous = state.latest
    problems, heads, policies = _snapshot(previous)
    if problems:
        logger.error("Checkpoint refused: %s", " ".join(problems))
        raise CheckpointRefused(problems)
    if (
        previous is not None
        and not force
        and previous.body.get("chains") == heads
        and previous.body.get("policy_versions") == policies
    ):
        return CheckpointTaken(None, previous.serial, state.rejected)
    body = {
        "format": FORMAT,
        "serial": next_serial(directory),
        "created_at": (now or timezone.now()).astimezone(datetime.UTC).isoformat(),
        "previous": (
            {"serial": previous.serial, "sha256": previous.digest} if previous is not None else None
        ),
        "chains": heads,
        "policy_versions": policies,
    }
    path = checkpoint_store(checkpoint_sign(body, key), directory)
    return CheckpointTaken(path, body["serial"], state.rejected)


def checkpoint_due(*, first_sequence: int, last_sequence: int, every: int) -> bool:
    """Whether appending sequences first..last passed a multiple of `every` (0: never)."""
    return every > 0 and last_sequence // every > (first_sequence - 1) // every


def checkpoint_after_decisions(sender, *, chain, first_sequence: int, last_sequence: int, **kw):
    """Receiver of core.chain.chain_appended: queue a checkpoint for the worker each time the
    decision chain passes a multiple of CHECKPOINT_EVERY (in the same transaction, so a rolled
    back decision queues nothing)."""
    from django.conf import settings

    from triage.services.decisions import DECISION_CHAIN

    if chain is not DECISION_CHAIN or not settings.CHECKPOINT_DIR:
        return
    if checkpoint_due(
        first_sequence=first_sequence,
        last_sequence=last_sequence,
        every=settings.CHECKPOINT_EVERY,
    ):
        from review.tasks import chain_checkpoint

        chain_checkpoint.enqueue()


# The public transparency page ----------------------------------------------------------------


@dataclass(frozen=True)
class TransparencyPage:
    """What /transparency/ shows: the latest signed checkpoint, recent ones and the public key."""

    available: bool
    # Why there is nothing to show, in words for the public (when not available).
    unavailable_reason: str = ""
    latest: SignedCheckpoint | None = None
    latest_document: str = ""
    recent: tuple[tuple[int, str], ...] = ()
    rejected: int = 0
    public_key_pem: str = ""
    key_id: str = ""


RECENT_CHECKPOINTS = 10


def transparency_page() -> TransparencyPage:
    directory = checkpoint_dir()
    if directory is None:
        return TransparencyPage(False, "This service is not keeping signed checkpoints yet.")
    try:
        public = public_key_load()
    except CheckpointError:
        logger.exception("The transparency page cannot read the checkpoint public key")
        return TransparencyPage(False, "The checkpoint public key is not available right now.")
    state = checkpoint_latest(directory, public)
    recent = []
    for path in reversed(checkpoint_paths(directory)[-RECENT_CHECKPOINTS:]):
        recent.append((serial_of(path), path.name))
    return TransparencyPage(
        available=True,
        latest=state.latest,
        latest_document=state.latest.path.read_text() if state.latest else "",
        recent=tuple(recent),
        rejected=len(state.rejected),
        public_key_pem=public_key_pem(public),
        key_id=key_id(public),
    )


def checkpoint_file(serial: int) -> Path | None:
    """The file of checkpoint `serial`, if the folder has it (served as it is, for anyone to
    check themselves)."""
    directory = checkpoint_dir()
    if directory is None or serial < 1 or serial > 99_999_999:
        return None
    path = checkpoint_path(directory, serial)
    return path if path.is_file() else None
