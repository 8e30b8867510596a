"""Every hash chain in the service, once: what the verifier walks and what a checkpoint signs."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db import models

from core.chain import Chain
from review.services.replies import REPLY_CHAIN
from review.services.reviews import REVIEW_CHAIN
from triage.services.access import ACCESS_CHAIN
from triage.services.corrections import CORRECTION_CHAIN
from triage.services.decisions import DECISION_CHAIN
from triage.services.startback import STARTBACK_CHAIN


@dataclass(frozen=True)
class ChainSpec:
    """One chain as the verifier and the checkpoints see it."""

    # The chain's name in a checkpoint file: never change it once checkpoints use it.
    key: str
    # What its rows are called in a sentence ("decision chain", "review (sequence 3)").
    label: str
    chain: Chain
    describe: Callable[[Mapping], str]
    # Columns read besides the hashed ones, for `describe`.
    extra: tuple[str, ...] = ()

    @property
    def model(self) -> type[models.Model]:
        return self.chain.model

    @property
    def fields(self) -> tuple[str, ...]:
        optional = getattr(self.chain, "optional_fields", ())
        return tuple(
            dict.fromkeys((*self.chain.hashed_fields, *optional, "content_hash", *self.extra))
        )


def _of_decision(what: str) -> Callable[[Mapping], str]:
    return lambda row: (
        f"{what} (sequence {row['sequence']}) of decision {row['decision__reference']}"
    )


def _access_event(row: Mapping) -> str:
    return (
        f"access log entry (sequence {row['sequence']}, {row['action']} by user {row['user_id']})"
    )


CHAINS: tuple[ChainSpec, ...] = (
    ChainSpec(
        key="decisions",
        label="decision",
        chain=DECISION_CHAIN,
        describe=lambda row: f"decision {row['reference']} (sequence {row['sequence']})",
    ),
    ChainSpec(
        key="reviews",
        label="review",
        chain=REVIEW_CHAIN,
        describe=_of_decision("review"),
        extra=("decision__reference",),
    ),
    ChainSpec(
        key="corrections",
        label="entered-in-error correction",
        chain=CORRECTION_CHAIN,
        describe=_of_decision("entered-in-error correction"),
        extra=("decision__reference",),
    ),
    ChainSpec(
        key="startback_scores",
        label="STarT Back score",
        chain=STARTBACK_CHAIN,
        describe=_of_decision("STarT Back score"),
        extra=("decision__reference",),
    ),
    ChainSpec(
        key="practice_replies",
        label="practice reply",
        chain=REPLY_CHAIN,
        describe=lambda row: (
            f"practice reply (sequence {row['sequence']}) on decision {row['decision__reference']}"
        ),
        extra=("decision__reference",),
    ),
    ChainSpec(key="access_log", label="access log", chain=ACCESS_CHAIN, describe=_access_event),
)
CHAINS_BY_KEY = {spec.key: spec for spec in CHAINS}
