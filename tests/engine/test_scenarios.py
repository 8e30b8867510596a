"""Named clinical scenarios from the Derbyshire statement, decided with the seed rules."""

import json

import pytest

from policy.engine import (
    CONDITION_CODES,
    ENGINE_VERSION,
    Decision,
    Outcome,
    evaluate,
    parse_answers,
    parse_rules,
)


def answers(
    pain_location="back_only",
    red_flags=(),
    conditions=(),
    decompression_planned=False,
    decompression_destabilising=None,
):
    return parse_answers(
        {
            "pain_location": pain_location,
            "red_flags": list(red_flags),
            "conditions": list(conditions),
            "decompression_planned": decompression_planned,
            "decompression_destabilising": decompression_destabilising,
        }
    )


DESTABILISING = {"decompression_planned": True, "decompression_destabilising": True}
STABLE = {"decompression_planned": True, "decompression_destabilising": False}
NOT_KNOWN = {"decompression_planned": True, "decompression_destabilising": "unknown"}

# (answers, expected outcome, clauses cited by the findings in order)
SCENARIOS = [
    pytest.param(
        answers(),
        Outcome.NOT_ROUTINELY_COMMISSIONED,
        ["statement"],
        id="isolated_mechanical_back_pain_is_not_routinely_commissioned",
    ),
    pytest.param(
        answers(pain_location="back_and_leg"),
        Outcome.NOT_ISOLATED_BACK_PAIN,
        ["statement"],
        id="sciatica_with_leg_pain_is_outside_the_statement_scope",
    ),
    pytest.param(
        answers("back_and_leg", ["cauda_equina"], CONDITION_CODES, **DESTABILISING),
        Outcome.URGENT_PATHWAY,
        ["background", "decompression", *["exclusions"] * 8, *["exceptions"] * 2, "statement"],
        id="cauda_equina_overrides_everything",
    ),
    pytest.param(
        answers(red_flags=["suspected_malignancy", "progressive_neurological_deficit"]),
        Outcome.URGENT_PATHWAY,
        ["background", "background", "statement"],
        id="suspected_malignancy_with_worsening_weakness_is_urgent",
    ),
    pytest.param(
        answers(red_flags=["suspected_fracture"], conditions=["instability"]),
        Outcome.URGENT_PATHWAY,
        ["background", "exceptions", "statement"],
        id="suspected_fracture_after_trauma_is_urgent_not_usual_pathway",
    ),
    pytest.param(
        answers("back_and_leg", **DESTABILISING),
        Outcome.FUSION_APPROPRIATE_WITH_DECOMPRESSION,
        ["decompression", "statement"],
        id="decompression_needing_fusion_for_stability",
    ),
    pytest.param(
        answers("back_and_leg", conditions=["spondylolisthesis"], **DESTABILISING),
        Outcome.FUSION_APPROPRIATE_WITH_DECOMPRESSION,
        ["decompression", "exclusions", "statement"],
        id="destabilising_decompression_outranks_an_excluded_indication",
    ),
    pytest.param(
        answers(**STABLE),
        Outcome.NOT_ROUTINELY_COMMISSIONED,
        ["decompression", "statement"],
        id="decompression_that_leaves_the_spine_stable_does_not_justify_fusion",
    ),
    pytest.param(
        answers(conditions=["spondylolisthesis"]),
        Outcome.OUTSIDE_STATEMENT,
        ["exclusions", "statement"],
        id="spondylolisthesis_is_outside_statement",
    ),
    pytest.param(
        answers(conditions=["instability"]),
        Outcome.USUAL_PATHWAY_EXCEPTION,
        ["exceptions", "statement"],
        id="trauma_instability_goes_to_usual_pathway",
    ),
    pytest.param(
        answers(conditions=["pregnancy_related"]),
        Outcome.OUTSIDE_STATEMENT,
        ["exclusions", "statement"],
        id="pregnancy_related_back_pain",
    ),
    pytest.param(
        answers(conditions=["inflammatory"]),
        Outcome.OUTSIDE_STATEMENT,
        ["exclusions", "statement"],
        id="ankylosing_spondylitis_is_non_mechanical_so_outside_statement",
    ),
    pytest.param(
        answers(conditions=["failed_back_surgery_syndrome", "adjacent_segment_disease"]),
        Outcome.OUTSIDE_STATEMENT,
        ["exclusions", "exclusions", "statement"],
        id="pain_after_previous_spinal_surgery_is_outside_statement",
    ),
    pytest.param(
        answers(conditions=["sacroiliac_joint_dysfunction"]),
        Outcome.OUTSIDE_STATEMENT,
        ["exclusions", "statement"],
        id="sacroiliac_joint_dysfunction_is_outside_statement",
    ),
    pytest.param(
        answers("back_and_leg", conditions=["symptomatic_deformity"]),
        Outcome.USUAL_PATHWAY_EXCEPTION,
        ["exceptions", "statement"],
        id="symptomatic_deformity_with_leg_pain_goes_to_usual_pathway",
    ),
    pytest.param(
        answers(conditions=["scoliosis", "symptomatic_deformity"]),
        Outcome.OUTSIDE_STATEMENT,
        ["exclusions", "exceptions", "statement"],
        id="excluded_scoliosis_outranks_symptomatic_deformity_exception",
    ),
    pytest.param(
        answers("back_and_leg", conditions=["serious_pathology"]),
        Outcome.OUTSIDE_STATEMENT,
        ["exclusions", "statement"],
        id="known_serious_pathology_with_leg_pain_is_outside_statement",
    ),
    pytest.param(
        answers(**NOT_KNOWN),
        Outcome.SURGEON_TO_ASSESS,
        ["decompression", "statement"],
        id="exposure_not_known_yet_leaves_it_to_the_operating_surgeon",
    ),
    pytest.param(
        answers(conditions=["scoliosis"], **NOT_KNOWN),
        Outcome.SURGEON_TO_ASSESS,
        ["decompression", "exclusions", "statement"],
        id="exposure_not_known_yet_outranks_an_excluded_indication",
    ),
    pytest.param(
        answers(**STABLE),
        Outcome.NOT_ROUTINELY_COMMISSIONED,
        ["decompression", "statement"],
        id="stable_decompression_with_isolated_back_pain_is_not_routinely_commissioned",
    ),
]


@pytest.mark.parametrize(("scenario", "outcome", "clauses"), SCENARIOS)
def test_clinical_scenario(seed_rules, scenario, outcome, clauses):
    decision = evaluate(seed_rules, scenario)
    assert decision.outcome is outcome
    assert [finding.clause for finding in decision.findings] == clauses


def test_isolated_back_pain_cites_the_statement_and_quotes_primary_care_management(
    seed_rules, seed_rules_json
):
    decision = evaluate(seed_rules, answers())
    [finding] = decision.findings
    assert finding.text == seed_rules_json["rules"]["isolated_back_pain"]["text"]
    assert finding.text.startswith("NHS Derby and Derbyshire ICB has deemed that spinal fusion")
    assert finding.decisive
    assert [(a.code, a.clause, a.text) for a in decision.advice] == [
        (code, advice["clause"], advice["text"])
        for code, advice in seed_rules_json["advice"].items()
    ]
    assert [a.code for a in decision.advice] == ["primary_care_management"]


def test_legacy_ifr_advice_in_engine_1_0_rules_is_accepted_and_ignored(seed_rules_data):
    seed_rules_data["advice"]["individual_funding_request"] = {
        "clause": "statement",
        "text": "Apply to the IFR panel.",
    }
    decision = evaluate(parse_rules(seed_rules_data), answers())
    assert [a.code for a in decision.advice] == ["primary_care_management"]


def test_rules_without_the_exposure_unknown_rule_quote_the_adjunct_clause(seed_rules_data):
    del seed_rules_data["rules"]["decompression_exposure_unknown"]
    decision = evaluate(parse_rules(seed_rules_data), answers(**NOT_KNOWN))
    assert decision.outcome is Outcome.SURGEON_TO_ASSESS
    adjunct = seed_rules_data["rules"]["decompression_adjunct"]
    assert (decision.findings[0].clause, decision.findings[0].text) == (
        adjunct["clause"],
        adjunct["text"],
    )


def test_guidance_rule_without_a_clause_is_never_a_quote(seed_rules_data):
    seed_rules_data["rules"]["leg_pain"] = {"clause": None, "text": "The ICB's own words."}
    decision = evaluate(parse_rules(seed_rules_data), answers("back_and_leg"))
    assert (decision.findings[0].clause, decision.findings[0].quotes) == (None, ())


def test_criterion_finding_joins_the_rule_wording_and_the_criterion_quote(seed_rules):
    decision = evaluate(seed_rules, answers(conditions=["sacroiliac_joint_dysfunction"]))
    assert decision.findings[0].code == "sacroiliac_joint_dysfunction"
    assert decision.findings[0].rule == "excluded_indication"
    assert decision.findings[0].text == (
        "Indications excluded from this position statement include the following: "
        "… Sacroiliac joint dysfunction"
    )
    assert decision.findings[0].quotes == (
        "Indications excluded from this position statement include the following",
        "Sacroiliac joint dysfunction",
    )


def test_isolated_back_pain_finding_is_listed_but_not_decisive_when_an_exclusion_applies(
    seed_rules,
):
    decision = evaluate(seed_rules, answers(conditions=["scoliosis"]))
    assert [(f.code, f.decisive) for f in decision.findings] == [
        ("scoliosis", True),
        ("isolated_back_pain", False),
    ]


def test_stable_decompression_finding_is_informational(seed_rules):
    decision = evaluate(seed_rules, answers(**STABLE))
    finding = decision.findings[0]
    assert (finding.code, finding.outcome, finding.decisive) == (
        "decompression_without_instability",
        None,
        False,
    )


def test_recategorising_sacroiliac_joint_dysfunction_as_exception_changes_the_outcome(
    seed_rules, seed_rules_data
):
    sij_only = answers(conditions=["sacroiliac_joint_dysfunction"])
    for criterion in seed_rules_data["criteria"]:
        if criterion["code"] == "sacroiliac_joint_dysfunction":
            criterion["category"] = "exception"
    recategorised = parse_rules(seed_rules_data)

    assert evaluate(seed_rules, sij_only).outcome is Outcome.OUTSIDE_STATEMENT
    decision = evaluate(recategorised, sij_only)
    assert decision.outcome is Outcome.USUAL_PATHWAY_EXCEPTION
    assert decision.findings[0].rule == "exception_indication"
    assert decision.findings[0].clause == "exceptions"


def test_question_wording_of_a_criterion_is_never_spliced_into_a_policy_quote(seed_rules_data):
    seed_rules_data["criteria"][0]["label"] = "Possible cauda equina syndrome"
    decision = evaluate(parse_rules(seed_rules_data), answers(red_flags=["cauda_equina"]))
    assert "Possible cauda equina syndrome" not in decision.findings[0].text
    assert decision.findings[0].quotes == (decision.findings[0].text,)


def test_decision_to_dict_is_json_and_records_the_engine_version(seed_rules):
    decision = evaluate(seed_rules, answers("back_and_leg", ["cauda_equina"], **STABLE))
    data = json.loads(json.dumps(decision.to_dict()))
    assert data["outcome"] == "urgent_pathway"
    assert data["engine_version"] == ENGINE_VERSION == "1.1.0"
    assert data["findings"][0] == {
        "code": "cauda_equina",
        "rule": "red_flag",
        "clause": "background",
        "text": decision.findings[0].text,
        "quotes": [decision.findings[0].text],
        "outcome": "urgent_pathway",
        "decisive": True,
    }
    assert data["findings"][1]["outcome"] is None
    assert data["advice"] == []


def test_evaluation_is_deterministic(seed_rules):
    case = answers("back_and_leg", ["suspected_infection"], CONDITION_CODES, **DESTABILISING)
    first = evaluate(seed_rules, case)
    assert isinstance(first, Decision)
    assert all(evaluate(seed_rules, case) == first for _ in range(5))


def test_red_flag_alone_decides_urgent_pathway_when_later_questions_were_not_asked(seed_rules):
    answers = parse_answers(
        {
            "pain_location": None,
            "red_flags": ["suspected_fracture"],
            "conditions": [],
            "decompression_planned": None,
            "decompression_destabilising": None,
        }
    )
    decision = evaluate(seed_rules, answers)
    assert decision.outcome == Outcome.URGENT_PATHWAY
    assert [f.code for f in decision.findings] == ["suspected_fracture"]
