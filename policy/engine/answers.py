"""A referral's answers to the triage questions, and the strict parser that admits them."""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final, TypeVar

from .errors import AnswersError, describe_value
from .vocabulary import (
    CONDITION_CODES,
    PAIN_LOCATIONS,
    RED_FLAG_CODES,
    UNKNOWN,
    ConditionCode,
    Destabilising,
    PainLocation,
    RedFlagCode,
)

ANSWER_KEYS: Final = (
    "pain_location",
    "red_flags",
    "conditions",
    "decompression_planned",
    "decompression_destabilising",
)

_Code = TypeVar("_Code", bound=str)


@dataclass(frozen=True, slots=True)
class Answers:
    """One referral's answers in canonical form; build it with parse_answers, which validates.

    A red flag ends the questionnaire at once (the tool must never delay an
    emergency), so with a red flag the later answers may be null: not asked.
    """

    pain_location: PainLocation | None
    red_flags: tuple[RedFlagCode, ...] = ()
    conditions: tuple[ConditionCode, ...] = ()
    decompression_planned: bool | None = False
    # True, False or "unknown" (the operating surgeon has not judged the exposure yet).
    decompression_destabilising: Destabilising | None = None

    def to_dict(self) -> dict[str, object]:
        """The JSON form stored with a decision; parse_answers turns it back into equal Answers."""
        return {
            "pain_location": self.pain_location,
            "red_flags": list(self.red_flags),
            "conditions": list(self.conditions),
            "decompression_planned": self.decompression_planned,
            "decompression_destabilising": self.decompression_destabilising,
        }


def parse_answers(data: Mapping[str, object]) -> Answers:
    """Check answers against the contract and return them canonical, or raise AnswersError."""
    if not isinstance(data, Mapping):
        raise AnswersError(
            "answers", f"expected an object holding the answers, got {describe_value(data)}"
        )
    _check_keys(data)
    red_flags = _parse_codes("red_flags", data["red_flags"], RED_FLAG_CODES)
    if red_flags and data["pain_location"] is None:
        pain_location = None
    else:
        pain_location = _parse_choice("pain_location", data["pain_location"], PAIN_LOCATIONS)
    conditions = _parse_codes("conditions", data["conditions"], CONDITION_CODES)
    planned = data["decompression_planned"]
    if red_flags and planned is None:
        destabilising = _parse_destabilising(False, data["decompression_destabilising"])
        return Answers(pain_location, red_flags, conditions, None, destabilising)
    if not isinstance(planned, bool):
        raise AnswersError(
            "decompression_planned", f"expected true or false, got {describe_value(planned)}"
        )
    destabilising = _parse_destabilising(planned, data["decompression_destabilising"])
    return Answers(
        pain_location=pain_location,
        red_flags=red_flags,
        conditions=conditions,
        decompression_planned=planned,
        decompression_destabilising=destabilising,
    )


def _parse_destabilising(planned: bool, value: object) -> Destabilising | None:
    if planned:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value == UNKNOWN:
            return UNKNOWN
        raise AnswersError(
            "decompression_destabilising",
            'expected true, false or "unknown", because a decompression is planned; '
            f"got {describe_value(value)}",
        )
    if value is None:
        return None
    # A stray answer here usually means the form and the planned flag disagree, so refuse rather
    # than guess which one the clinician meant.
    raise AnswersError(
        "decompression_destabilising",
        f"must be null because no decompression is planned; got {describe_value(value)}",
    )


def _check_keys(data: Mapping[str, object]) -> None:
    unknown = sorted((key for key in data if key not in ANSWER_KEYS), key=repr)
    missing = [key for key in ANSWER_KEYS if key not in data]
    problems = []
    if unknown:
        problems.append(
            f"unknown {_plural(len(unknown), 'answer')} {_listed(unknown)} "
            f"(expected: {', '.join(ANSWER_KEYS)})"
        )
    if missing:
        problems.append(f"missing {_plural(len(missing), 'answer')} {_listed(missing)}")
    if problems:
        raise AnswersError("answers", "; ".join(problems))


def _parse_choice(field: str, value: object, choices: tuple[_Code, ...]) -> _Code:
    for choice in choices:
        if isinstance(value, str) and value == choice:
            return choice
    if value is None:
        raise AnswersError(
            field, f"required unless a red flag is ticked (expected one of: {', '.join(choices)})"
        )
    raise AnswersError(
        field, f"unknown value {describe_value(value)} (expected one of: {', '.join(choices)})"
    )


def _parse_codes(field: str, value: object, vocabulary: tuple[_Code, ...]) -> tuple[_Code, ...]:
    # A bare string is iterable, so without this check "cauda_equina" would read as 12 letters.
    if not isinstance(value, list | tuple):
        raise AnswersError(field, f"expected a list of codes, got {describe_value(value)}")
    not_text = [item for item in value if not isinstance(item, str)]
    if not_text:
        raise AnswersError(field, f"expected a list of codes, but it contains {_listed(not_text)}")
    unknown = _unique(item for item in value if item not in vocabulary)
    if unknown:
        raise AnswersError(
            field,
            f"unknown {_plural(len(unknown), 'code')} {_listed(unknown)} "
            f"(expected one of: {', '.join(vocabulary)})",
        )
    counts = Counter(value)
    duplicates = [item for item, count in counts.items() if count > 1]
    if duplicates:
        raise AnswersError(
            field, f"{_plural(len(duplicates), 'code')} {_listed(duplicates)} given more than once"
        )
    return tuple(code for code in vocabulary if code in value)


def _unique(items: Iterable[object]) -> list[object]:
    return list(dict.fromkeys(items))


def _listed(items: Iterable[object]) -> str:
    return ", ".join(describe_value(item) for item in items)


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"
