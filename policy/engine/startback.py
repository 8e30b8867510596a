"""The Keele STarT Back Screening Tool's scoring, as Keele University publishes it.

Nine items. Items 1 to 8 are agree (1) or disagree (0); item 9 ("how bothersome") scores 1 for
"very much" or "extremely" and 0 otherwise. The psychosocial subscale is items 5 to 9.
Risk: subscale 4 or more is high; otherwise total 0 to 3 is low and total 4 or more is medium.
The item wording is policy data (each version's wording), so this module knows only positions.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from .errors import EngineError

ITEM_COUNT: Final = 9
PSYCHOSOCIAL_ITEMS: Final = (5, 6, 7, 8, 9)
AGREE_DISAGREE: Final = ("agree", "disagree")
BOTHERSOME: Final = ("not_at_all", "slightly", "moderately", "very_much", "extremely")
_BOTHERSOME_SCORES: Final = {"very_much": 1, "extremely": 1}
Risk = Literal["low", "medium", "high"]


class StartBackError(EngineError):
    """Responses that cannot be scored; names every item at fault."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def item_choices(item: int) -> tuple[str, ...]:
    return BOTHERSOME if item == ITEM_COUNT else AGREE_DISAGREE


@dataclass(frozen=True, slots=True)
class StartBackScore:
    responses: tuple[str, ...]
    total: int
    psychosocial: int
    risk: Risk

    def to_dict(self) -> dict[str, object]:
        return {
            "responses": list(self.responses),
            "total": self.total,
            "psychosocial": self.psychosocial,
            "risk": self.risk,
        }


def _item_score(item: int, response: str) -> int:
    if item == ITEM_COUNT:
        return _BOTHERSOME_SCORES.get(response, 0)
    return 1 if response == "agree" else 0


def startback_risk(total: int, psychosocial: int) -> Risk:
    if psychosocial >= 4:
        return "high"
    return "low" if total <= 3 else "medium"


def startback_score(responses: Mapping[int, object]) -> StartBackScore:
    """Score responses keyed by item number 1 to 9, or raise StartBackError naming each bad item."""
    problems = []
    for item in range(1, ITEM_COUNT + 1):
        value = responses.get(item)
        if value is None or value == "":
            problems.append(f"item {item}: answer this question")
        elif value not in item_choices(item):
            choices = ", ".join(item_choices(item))
            problems.append(f"item {item}: {value!r} is not one of the answers ({choices})")
    unknown = sorted(key for key in responses if key not in range(1, ITEM_COUNT + 1))
    problems.extend(f"item {key}: there is no such item" for key in unknown)
    if problems:
        raise StartBackError(problems)
    ordered = tuple(str(responses[item]) for item in range(1, ITEM_COUNT + 1))
    scores = [_item_score(item, ordered[item - 1]) for item in range(1, ITEM_COUNT + 1)]
    total = sum(scores)
    psychosocial = sum(scores[item - 1] for item in PSYCHOSOCIAL_ITEMS)
    return StartBackScore(ordered, total, psychosocial, startback_risk(total, psychosocial))
