"""Every combination of answers, checked against an oracle written independently of the engine."""

from itertools import combinations

import pytest

from policy.engine import (
    CONDITION_CODES,
    OUTCOME_PRECEDENCE,
    PAIN_LOCATIONS,
    RED_FLAG_CODES,
    Outcome,
    evaluate,
    parse_answers,
)

ALL_CONDITION_SUBSETS = [
    subset
    for size in range(len(CONDITION_CODES) + 1)
    for subset in combinations(CONDITION_CODES, size)
]
RED_FLAG_STATES = [(), *((flag,) for flag in RED_FLAG_CODES)]
# (decompression_planned, decompression_destabilising)
DECOMPRESSION_STATES = [(False, None), (True, True), (True, False), (True, "unknown")]


def expected_findings(
    categories: dict[str, str],
    pain_location: str,
    red_flags: tuple[str, ...],
    conditions: tuple[str, ...],
    planned: bool,
    destabilising: bool | str | None,
) -> list[tuple[str, str]]:
    """(rule, code) pairs the policy says should match, in the order they must be listed."""
    findings = [("red_flag", flag) for flag in RED_FLAG_CODES if flag in red_flags]
    if planned and destabilising == "unknown":
        findings.append(("decompression_exposure_unknown", "decompression_exposure_unknown"))
    elif planned and destabilising:
        findings.append(("decompression_adjunct", "decompression_adjunct"))
    elif planned:
        findings.append(("decompression_without_instability", "decompression_without_instability"))
    for category, rule in (
        ("excluded", "excluded_indication"),
        ("exception", "exception_indication"),
    ):
        findings += [
            (rule, code)
            for code in CONDITION_CODES
            if code in conditions and categories[code] == category
        ]
    if pain_location == "back_and_leg":
        findings.append(("leg_pain", "leg_pain"))
    else:
        findings.append(("isolated_back_pain", "isolated_back_pain"))
    return findings


def expected_outcome(
    categories: dict[str, str],
    pain_location: str,
    red_flags: tuple[str, ...],
    conditions: tuple[str, ...],
    planned: bool,
    destabilising: bool | str | None,
) -> Outcome:
    """The policy's precedence, restated as a plain if-chain."""
    if red_flags:
        return Outcome.URGENT_PATHWAY
    if planned and destabilising == "unknown":
        # Only the operating surgeon can say whether the exposure is destabilising.
        return Outcome.SURGEON_TO_ASSESS
    if planned and destabilising is True:
        return Outcome.FUSION_APPROPRIATE_WITH_DECOMPRESSION
    if any(categories[code] == "excluded" for code in conditions):
        return Outcome.OUTSIDE_STATEMENT
    if any(categories[code] == "exception" for code in conditions):
        return Outcome.USUAL_PATHWAY_EXCEPTION
    if pain_location == "back_and_leg":
        return Outcome.NOT_ISOLATED_BACK_PAIN
    return Outcome.NOT_ROUTINELY_COMMISSIONED


@pytest.mark.parametrize(
    "decompression",
    DECOMPRESSION_STATES,
    ids=[
        "no-decompression",
        "destabilising-decompression",
        "stable-decompression",
        "exposure-not-known",
    ],
)
@pytest.mark.parametrize("red_flags", RED_FLAG_STATES, ids=["no-red-flag", *RED_FLAG_CODES])
@pytest.mark.parametrize("pain_location", PAIN_LOCATIONS)
def test_every_condition_subset_gets_the_policy_outcome_and_lists_every_finding(
    seed_rules, seed_rules_json, pain_location, red_flags, decompression
):
    categories = {c["code"]: c["category"] for c in seed_rules_json["criteria"]}
    planned, destabilising = decompression
    for conditions in ALL_CONDITION_SUBSETS:
        answers = parse_answers(
            {
                "pain_location": pain_location,
                "red_flags": list(red_flags),
                # Reversed, so canonical ordering is exercised too.
                "conditions": list(reversed(conditions)),
                "decompression_planned": planned,
                "decompression_destabilising": destabilising,
            }
        )
        case = (categories, pain_location, red_flags, conditions, planned, destabilising)
        decision = evaluate(seed_rules, answers)

        assert decision.outcome == expected_outcome(*case), conditions
        assert [(f.rule, f.code) for f in decision.findings] == expected_findings(*case), conditions
        if red_flags:
            assert decision.outcome is Outcome.URGENT_PATHWAY
        if destabilising == "unknown" and not red_flags:
            # Never turned away while the surgeon's judgement is outstanding.
            assert decision.outcome is Outcome.SURGEON_TO_ASSESS

        ranks = [OUTCOME_PRECEDENCE.index(f.outcome) for f in decision.findings if f.outcome]
        assert ranks == sorted(ranks), conditions
        assert decision.outcome == OUTCOME_PRECEDENCE[ranks[0]]
        for finding in decision.findings:
            assert finding.decisive == (finding.outcome == decision.outcome), finding
        assert any(f.decisive for f in decision.findings)

        advice = [a.code for a in decision.advice]
        if decision.outcome is Outcome.NOT_ROUTINELY_COMMISSIONED:
            assert advice == ["primary_care_management"]
        else:
            assert advice == []


def test_exhaustive_table_covers_every_condition_subset():
    assert len(ALL_CONDITION_SUBSETS) == 2 ** len(CONDITION_CODES) == 1024
    assert len(set(ALL_CONDITION_SUBSETS)) == 1024
