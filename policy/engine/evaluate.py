"""Applies a policy version's rules to a referral's answers and explains the decision."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from .answers import Answers
from .rules import Criterion, Rules
from .vocabulary import (
    CATEGORY_RULES,
    CONDITION_CATEGORIES,
    CONDITION_CODES,
    ENGINE_VERSION,
    OUTCOME_PRECEDENCE,
    RED_FLAG_CODES,
    RULE_OUTCOMES,
    UNKNOWN,
    AdviceCode,
    CriterionCode,
    Outcome,
    RuleCode,
    SectionSlug,
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule that matched the answers, with the policy wording that explains it."""

    code: CriterionCode | RuleCode
    rule: RuleCode
    # None when the wording is ICB guidance rather than a quote from a section.
    clause: SectionSlug | None
    text: str
    outcome: Outcome | None
    decisive: bool
    # The exact passages of the clause that `text` is made of: each must appear in that section
    # of the version, or the finding is not shown as a quote. Empty for ICB guidance.
    quotes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "rule": self.rule,
            "clause": self.clause,
            "text": self.text,
            "quotes": list(self.quotes),
            "outcome": None if self.outcome is None else str(self.outcome),
            "decisive": self.decisive,
        }


@dataclass(frozen=True, slots=True)
class Advice:
    """Guidance shown alongside a decision, quoted from the policy."""

    code: AdviceCode
    clause: SectionSlug | None
    text: str

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "clause": self.clause, "text": self.text}


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome, every finding behind it in precedence order, and any advice for the GP."""

    outcome: Outcome
    findings: tuple[Finding, ...]
    advice: tuple[Advice, ...]
    engine_version: str = ENGINE_VERSION

    def to_dict(self) -> dict[str, object]:
        return {
            "outcome": str(self.outcome),
            "findings": [finding.to_dict() for finding in self.findings],
            "advice": [advice.to_dict() for advice in self.advice],
            "engine_version": self.engine_version,
        }


# Policy advice quoted for the one outcome that turns a referral away; every outcome's own
# "what to do next" is ICB wording held by each policy version, outside the engine.
_ADVICE_BY_OUTCOME: Final[Mapping[Outcome, tuple[AdviceCode, ...]]] = MappingProxyType(
    {Outcome.NOT_ROUTINELY_COMMISSIONED: ("primary_care_management",)}
)


def evaluate(rules: Rules, answers: Answers) -> Decision:
    """Decide a referral: the highest-precedence matching rule wins, and every match is listed."""
    matches = list(_matches(rules, answers))
    outcomes = {RULE_OUTCOMES[rule] for rule, _ in matches}
    # Back pain is either isolated or not, so one of the last two rules always matches,
    # unless a red flag ended the questionnaire first; then the red flag matched.
    outcome = next(outcome for outcome in OUTCOME_PRECEDENCE if outcome in outcomes)
    findings = tuple(_finding(rules, rule, criterion, outcome) for rule, criterion in matches)
    advice = tuple(
        Advice(code=code, clause=rules.advice[code].clause, text=rules.advice[code].text)
        for code in _ADVICE_BY_OUTCOME.get(outcome, ())
    )
    return Decision(outcome=outcome, findings=findings, advice=advice)


def _matches(rules: Rules, answers: Answers) -> Iterator[tuple[RuleCode, Criterion | None]]:
    """Every rule the answers meet, in RULE_CODES (precedence) order, then vocabulary order."""
    for code in RED_FLAG_CODES:
        if code in answers.red_flags:
            yield "red_flag", rules.criterion(code)
    if answers.decompression_planned:
        if answers.decompression_destabilising == UNKNOWN:
            yield "decompression_exposure_unknown", None
        elif answers.decompression_destabilising:
            yield "decompression_adjunct", None
        else:
            yield "decompression_without_instability", None
    # The category is read from the rules, so an admin re-filing a condition changes the outcome.
    for category in CONDITION_CATEGORIES:
        for code in CONDITION_CODES:
            if code in answers.conditions and rules.category_of(code) == category:
                yield CATEGORY_RULES[category], rules.criterion(code)
    if answers.pain_location == "back_and_leg":
        yield "leg_pain", None
    elif answers.pain_location == "back_only":
        yield "isolated_back_pain", None


def _finding(
    rules: Rules, rule: RuleCode, criterion: Criterion | None, outcome: Outcome
) -> Finding:
    wording = rules.rules[rule]
    text = wording.text
    quotes: tuple[str, ...] = () if wording.clause is None else (text,)
    if criterion is not None and criterion.quote and wording.clause is not None:
        # Criterion rule texts lead into a list in the policy ("... include the following"),
        # so the criterion's own quoted list item completes the sentence. The criterion's
        # label is the question's wording, not the policy's, so it is never spliced in.
        text = f"{text.rstrip(' .:')}: … {criterion.quote}"
        quotes = (wording.text, criterion.quote)
    return Finding(
        code=rule if criterion is None else criterion.code,
        rule=rule,
        clause=wording.clause,
        text=text,
        outcome=RULE_OUTCOMES[rule],
        decisive=RULE_OUTCOMES[rule] == outcome,
        quotes=quotes,
    )
