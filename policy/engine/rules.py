"""The machine-readable rules of a policy version, and the parser that vets them for publishing."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, TypeVar

from .errors import RulesError, describe_value
from .vocabulary import (
    ADVICE_CODES,
    CONDITION_CATEGORIES,
    CRITERION_CODES,
    GROUPS,
    LEGACY_ADVICE_CODES,
    RED_FLAG_CODES,
    RULE_CODES,
    SECTION_SLUGS,
    AdviceCode,
    Category,
    CriterionCode,
    Group,
    RuleCode,
    SectionSlug,
)

RULES_KEYS: Final = ("criteria", "rules", "advice")
CRITERION_KEYS: Final = ("code", "group", "category", "label", "hint")
# Optional: the policy's own words for the criterion (for example "scoliosis" in the exclusions
# list), quoted in the finding. Rules written for engine 1.0 have none.
OPTIONAL_CRITERION_KEYS: Final = ("quote",)
TEXT_KEYS: Final = ("clause", "text")
# Rules written for engine 1.0 lack this rule; it quotes the same clause as the adjunct rule.
DERIVED_RULES: Final[Mapping[RuleCode, RuleCode]] = MappingProxyType(
    {"decompression_exposure_unknown": "decompression_adjunct"}
)

_Choice = TypeVar("_Choice", bound=str)


@dataclass(frozen=True, slots=True)
class Criterion:
    """One tickable criterion: its fixed code, where the policy files it, and how it is worded."""

    code: CriterionCode
    group: Group
    category: Category
    label: str
    hint: str
    quote: str = ""

    def to_dict(self) -> dict[str, str]:
        data = {
            "code": self.code,
            "group": self.group,
            "category": self.category,
            "label": self.label,
            "hint": self.hint,
        }
        if self.quote:
            data["quote"] = self.quote
        return data


@dataclass(frozen=True, slots=True)
class RuleText:
    """Policy wording and the slug of the section it quotes; clause None marks ICB guidance,
    the ICB's own words, which are never presented as a quote from the statement."""

    clause: SectionSlug | None
    text: str

    def to_dict(self) -> dict[str, str | None]:
        return {"clause": self.clause, "text": self.text}


@dataclass(frozen=True)
class Rules:
    """A vetted policy version: criteria in vocabulary order, rule and advice wording by code."""

    criteria: tuple[Criterion, ...]
    # Read-only mappings keep the dataclass honest about being frozen; they are left out of the
    # hash because mapping proxies cannot be hashed, and the criteria already tell versions apart.
    rules: Mapping[RuleCode, RuleText] = field(hash=False)
    advice: Mapping[AdviceCode, RuleText] = field(hash=False)

    def criterion(self, code: str) -> Criterion:
        """The criterion with this code; KeyError if there is none."""
        for criterion in self.criteria:
            if criterion.code == code:
                return criterion
        raise KeyError(code)

    def category_of(self, code: str) -> Category:
        return self.criterion(code).category

    def to_dict(self) -> dict[str, object]:
        """The canonical JSON form; parse_rules turns it back into equal Rules."""
        return {
            "criteria": [criterion.to_dict() for criterion in self.criteria],
            "rules": {code: self.rules[code].to_dict() for code in RULE_CODES},
            "advice": {code: self.advice[code].to_dict() for code in ADVICE_CODES},
        }


def parse_rules(data: Mapping[str, object]) -> Rules:
    """Vet rules JSON and return Rules, or raise RulesError listing every problem found."""
    if not isinstance(data, Mapping):
        raise RulesError([f"the rules must be a JSON object, got {describe_value(data)}"])
    problems = _key_problems("the rules", data, RULES_KEYS)
    criteria = _parse_criteria(data["criteria"], problems) if "criteria" in data else ()
    rules = (
        _parse_texts("rule", _with_derived(data["rules"]), RULE_CODES, problems)
        if "rules" in data
        else {}
    )
    advice = (
        _parse_texts("advice", _without_legacy(data["advice"]), ADVICE_CODES, problems)
        if "advice" in data
        else {}
    )
    if problems:
        raise RulesError(problems)
    return Rules(
        criteria=criteria,
        rules=MappingProxyType(rules),
        advice=MappingProxyType(advice),
    )


def _with_derived(value: object) -> object:
    if not isinstance(value, Mapping):
        return value
    derived = {
        code: value[source]
        for code, source in DERIVED_RULES.items()
        if code not in value and source in value
    }
    return {**value, **derived} if derived else value


def _without_legacy(value: object) -> object:
    if not isinstance(value, Mapping):
        return value
    return {key: item for key, item in value.items() if key not in LEGACY_ADVICE_CODES}


def _parse_criteria(value: object, problems: list[str]) -> tuple[Criterion, ...]:
    if not isinstance(value, list | tuple):
        problems.append(f"criteria must be a list, got {describe_value(value)}")
        return ()
    found: dict[CriterionCode, Criterion] = {}
    seen: set[str] = set()
    repeated: set[str] = set()
    for position, item in enumerate(value, start=1):
        if not isinstance(item, Mapping):
            problems.append(
                f"criterion number {position} must be an object, got {describe_value(item)}"
            )
            continue
        raw_code = item.get("code")
        if not isinstance(raw_code, str) or not raw_code.strip():
            problems.append(f"criterion number {position} has no code")
            continue
        if raw_code in seen:
            if raw_code not in repeated:
                problems.append(f"criterion {raw_code!r} appears more than once")
                repeated.add(raw_code)
            continue
        seen.add(raw_code)
        code = _member(raw_code, CRITERION_CODES)
        if code is None:
            problems.append(
                f"criterion {raw_code!r}: unknown code; codes are fixed by the engine "
                f"(expected one of: {', '.join(CRITERION_CODES)})"
            )
            continue
        criterion = _parse_criterion(code, item, problems)
        if criterion is not None:
            found[code] = criterion
    for code in CRITERION_CODES:
        if code not in seen:
            problems.append(f"criterion {code!r} is missing")
    return tuple(found[code] for code in CRITERION_CODES if code in found)


def _parse_criterion(
    code: CriterionCode, item: Mapping[str, object], problems: list[str]
) -> Criterion | None:
    name = f"criterion {code!r}"
    before = len(problems)
    problems.extend(_key_problems(name, item, CRITERION_KEYS, OPTIONAL_CRITERION_KEYS))
    is_red_flag = code in RED_FLAG_CODES
    expected_group: Group = "red_flag" if is_red_flag else "condition"
    group = _member(item.get("group"), GROUPS)
    if "group" in item and group != expected_group:
        problems.append(
            f"{name}: group must be {expected_group!r}, got {describe_value(item.get('group'))}"
        )
    # Red flags are the safety net, so their category is fixed; only conditions are
    # the admin's to file as excluded or exception.
    allowed: tuple[Category, ...] = ("red_flag",) if is_red_flag else CONDITION_CATEGORIES
    category = _member(item.get("category"), allowed)
    if "category" in item and category is None:
        kind = "a red flag" if is_red_flag else "a condition"
        problems.append(
            f"{name}: category of {kind} must be {_either(allowed)}, "
            f"got {describe_value(item.get('category'))}"
        )
    label = item.get("label")
    if "label" in item and not (isinstance(label, str) and label.strip()):
        problems.append(f"{name}: label is empty")
    hint = item.get("hint")
    if "hint" in item and not isinstance(hint, str):
        problems.append(f"{name}: hint must be text, got {describe_value(hint)}")
    quote = item.get("quote", "")
    if not isinstance(quote, str):
        problems.append(f"{name}: quote must be text, got {describe_value(quote)}")
    if (
        len(problems) > before
        or group is None
        or category is None
        or not isinstance(label, str)
        or not isinstance(hint, str)
    ):
        return None
    return Criterion(
        code=code, group=group, category=category, label=label, hint=hint, quote=str(quote).strip()
    )


def _parse_texts(
    kind: str, value: object, codes: tuple[_Choice, ...], problems: list[str]
) -> dict[_Choice, RuleText]:
    section = "rules" if kind == "rule" else kind
    if not isinstance(value, Mapping):
        problems.append(f"{section} must be an object keyed by code, got {describe_value(value)}")
        return {}
    for key in sorted((key for key in value if key not in codes), key=repr):
        problems.append(
            f"unknown {kind} {describe_value(key)} (expected one of: {', '.join(codes)})"
        )
    found: dict[_Choice, RuleText] = {}
    for code in codes:
        name = f"{kind} {code!r}"
        if code not in value:
            problems.append(f"{name} is missing")
            continue
        item = value[code]
        if not isinstance(item, Mapping):
            problems.append(f"{name} must be an object with a clause and a text")
            continue
        before = len(problems)
        problems.extend(_key_problems(name, item, TEXT_KEYS))
        raw_clause = item.get("clause")
        clause = _member(raw_clause, SECTION_SLUGS)
        if "clause" in item and clause is None and raw_clause is not None:
            if isinstance(raw_clause, str) and not raw_clause.strip():
                problems.append(f"{name}: clause is empty")
            else:
                problems.append(
                    f"{name}: unknown clause {describe_value(raw_clause)} "
                    f"(expected one of: {', '.join(SECTION_SLUGS)})"
                )
        text = item.get("text")
        if "text" in item and not (isinstance(text, str) and text.strip()):
            problems.append(f"{name}: text is empty")
        if len(problems) == before and isinstance(text, str):
            found[code] = RuleText(clause=clause, text=text)
    return found


def _key_problems(
    name: str, item: Mapping[str, object], keys: tuple[str, ...], optional: tuple[str, ...] = ()
) -> list[str]:
    problems = [
        f"{name}: unknown field {describe_value(key)} (expected: {', '.join(keys + optional)})"
        for key in sorted((key for key in item if key not in keys + optional), key=repr)
    ]
    problems.extend(f"{name}: {key} is missing" for key in keys if key not in item)
    return problems


def _member(value: object, choices: Iterable[_Choice]) -> _Choice | None:
    """The choice equal to value, typed as the choice; None when value is not one of them."""
    if isinstance(value, str):
        for choice in choices:
            if value == choice:
                return choice
    return None


def _either(choices: tuple[str, ...]) -> str:
    quoted = [repr(choice) for choice in choices]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
