"""The fixed vocabulary: codes, outcome precedence and the rule each outcome comes from."""

import pytest

from policy.engine import (
    CONDITION_CODES,
    CRITERION_CODES,
    OUTCOME_PRECEDENCE,
    RED_FLAG_CODES,
    RULE_CODES,
    RULE_OUTCOMES,
    Outcome,
)


def test_outcome_precedence_puts_the_urgent_pathway_first_and_covers_every_outcome():
    assert OUTCOME_PRECEDENCE == (
        Outcome.URGENT_PATHWAY,
        Outcome.FUSION_APPROPRIATE_WITH_DECOMPRESSION,
        Outcome.SURGEON_TO_ASSESS,
        Outcome.OUTSIDE_STATEMENT,
        Outcome.USUAL_PATHWAY_EXCEPTION,
        Outcome.NOT_ISOLATED_BACK_PAIN,
        Outcome.NOT_ROUTINELY_COMMISSIONED,
    )
    assert set(OUTCOME_PRECEDENCE) == set(Outcome)


def test_outcomes_serialise_as_their_codes():
    assert [str(outcome) for outcome in OUTCOME_PRECEDENCE] == [
        "urgent_pathway",
        "fusion_appropriate_with_decompression",
        "surgeon_to_assess",
        "outside_statement",
        "usual_pathway_exception",
        "not_isolated_back_pain",
        "not_routinely_commissioned",
    ]


def test_every_outcome_is_reachable_from_exactly_one_rule():
    outcomes = [outcome for outcome in RULE_OUTCOMES.values() if outcome is not None]
    assert sorted(outcomes) == sorted(Outcome)


def test_rules_are_declared_in_outcome_precedence_order():
    ranks = [OUTCOME_PRECEDENCE.index(o) for o in RULE_OUTCOMES.values() if o is not None]
    assert ranks == sorted(ranks)
    assert tuple(RULE_OUTCOMES) == RULE_CODES


@pytest.mark.parametrize(
    "codes", [RED_FLAG_CODES, CONDITION_CODES, CRITERION_CODES], ids=["red", "cond", "all"]
)
def test_vocabulary_codes_are_unique(codes):
    assert len(set(codes)) == len(codes)


def test_vocabulary_has_five_red_flags_and_ten_conditions():
    assert len(RED_FLAG_CODES) == 5
    assert len(CONDITION_CODES) == 10
    assert CRITERION_CODES == RED_FLAG_CODES + CONDITION_CODES
