"""The rules contract: the seed policy, and the problems parse_rules reports before publishing."""

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy.engine import (
    ADVICE_CODES,
    ALTERNATIVE_CONDITIONS,
    CONDITION_CODES,
    CRITERION_CODES,
    RED_FLAG_CODES,
    RULE_CODES,
    SECTION_SLUGS,
    EngineError,
    RulesError,
    parse_rules,
)


def test_seed_rules_round_trip_to_the_stored_json(seed_rules, seed_rules_json):
    assert seed_rules.to_dict() == seed_rules_json
    assert parse_rules(seed_rules.to_dict()) == seed_rules


def test_seed_rules_file_the_policy_indications_as_the_statement_does(seed_rules):
    def codes_in(category):
        return tuple(c.code for c in seed_rules.criteria if c.category == category)

    assert codes_in("red_flag") == RED_FLAG_CODES
    assert codes_in("excluded") == CONDITION_CODES[:8]
    assert codes_in("exception") == ("symptomatic_deformity", "instability")
    assert [c.code for c in seed_rules.criteria] == list(CRITERION_CODES)


def test_seed_criteria_quote_the_statement_list_items(seed_rules):
    assert seed_rules.criterion("inflammatory").quote == (
        "inflammatory causes of back pain "
        "(for example, ankylosing spondylitis or diseases of the viscera)"
    )
    assert seed_rules.criterion("symptomatic_deformity").quote == (
        "Patients with a symptomatic spinal deformity (e.g. scoliosis)"
    )
    assert seed_rules.criterion("cauda_equina").hint == (
        "For example saddle anaesthesia, new bladder or bowel dysfunction, bilateral leg weakness"
    )
    assert seed_rules.rules["decompression_adjunct"].text.startswith(
        "Spinal fusion is appropriate during spinal decompression surgery for nerve compression"
    )


# Hazard H-12 (docs/clinical-safety.md): this interpretation awaits clinical safety officer
# sign-off. Changing these labels changes which outcome a GP's patient gets.
def test_scoliosis_and_spondylolisthesis_are_asked_as_two_clinical_pictures_each(seed_rules):
    assert ALTERNATIVE_CONDITIONS == (
        ("scoliosis", "symptomatic_deformity"),
        ("spondylolisthesis", "instability"),
    )
    scoliosis = seed_rules.criterion("scoliosis")
    deformity = seed_rules.criterion("symptomatic_deformity")
    assert (scoliosis.category, deformity.category) == ("excluded", "exception")
    assert "rather than the curve is the problem" in scoliosis.label
    assert "no surgery to correct the curve is being considered" in scoliosis.hint
    assert "considering surgery to correct the deformity itself" in deformity.hint
    slip = seed_rules.criterion("spondylolisthesis")
    instability = seed_rules.criterion("instability")
    assert (slip.category, instability.category) == ("excluded", "exception")
    assert slip.label == "Spondylolisthesis without instability"
    assert "no abnormal movement" in slip.hint
    assert "Abnormal movement between vertebrae" in instability.hint


def test_seed_condition_hints_describe_the_patient_not_the_outcome(seed_rules):
    for criterion in seed_rules.criteria:
        for word in ("policy", "pathway", "excluded", "exception", "commissioned", "statement"):
            assert word not in criterion.hint.lower(), (criterion.code, word)


def test_seed_rules_are_immutable(seed_rules):
    with pytest.raises(AttributeError):
        seed_rules.criteria = ()
    with pytest.raises(TypeError):
        seed_rules.rules["leg_pain"] = seed_rules.rules["isolated_back_pain"]
    assert isinstance(hash(seed_rules), int)


def test_criteria_are_stored_in_vocabulary_order_whatever_the_json_order(seed_rules_data):
    seed_rules_data["criteria"].reverse()
    assert [c.code for c in parse_rules(seed_rules_data).criteria] == list(CRITERION_CODES)


def test_unknown_criterion_code_raises_key_error(seed_rules):
    with pytest.raises(KeyError):
        seed_rules.criterion("whiplash")


def _criterion(data, code):
    return next(c for c in data["criteria"] if c["code"] == code)


def drop_criterion(data):
    data["criteria"].remove(_criterion(data, "failed_back_surgery_syndrome"))


def add_unknown_criterion(data):
    data["criteria"].append(
        {"code": "whiplash", "group": "condition", "category": "excluded", "label": "W", "hint": ""}
    )


def duplicate_criterion(data):
    data["criteria"].append(dict(_criterion(data, "spondylolisthesis")))


def move_red_flag_to_excluded(data):
    _criterion(data, "cauda_equina")["category"] = "excluded"


def move_red_flag_to_condition_group(data):
    _criterion(data, "suspected_infection")["group"] = "condition"


def make_condition_a_red_flag(data):
    _criterion(data, "scoliosis")["category"] = "red_flag"


def give_condition_unknown_category(data):
    _criterion(data, "instability")["category"] = "maybe"


def empty_label(data):
    _criterion(data, "pregnancy_related")["label"] = "   "


def drop_label(data):
    del _criterion(data, "adjacent_segment_disease")["label"]


def add_unknown_criterion_field(data):
    _criterion(data, "inflammatory")["severity"] = "high"


def drop_rule(data):
    del data["rules"]["leg_pain"]


def add_unknown_rule(data):
    data["rules"]["whiplash_rule"] = {"clause": "statement", "text": "Whiplash."}


def empty_rule_clause(data):
    data["rules"]["red_flag"]["clause"] = ""


def unknown_rule_clause(data):
    data["rules"]["exception_indication"]["clause"] = "appendix"


def empty_advice_text(data):
    data["advice"]["primary_care_management"]["text"] = ""


def drop_advice(data):
    del data["advice"]["primary_care_management"]


# (mutation of the seed rules, the code every resulting problem must name)
MUTATIONS = [
    (drop_criterion, "failed_back_surgery_syndrome"),
    (add_unknown_criterion, "whiplash"),
    (duplicate_criterion, "spondylolisthesis"),
    (move_red_flag_to_excluded, "cauda_equina"),
    (move_red_flag_to_condition_group, "suspected_infection"),
    (make_condition_a_red_flag, "scoliosis"),
    (give_condition_unknown_category, "instability"),
    (empty_label, "pregnancy_related"),
    (drop_label, "adjacent_segment_disease"),
    (add_unknown_criterion_field, "inflammatory"),
    (drop_rule, "leg_pain"),
    (add_unknown_rule, "whiplash_rule"),
    (empty_rule_clause, "red_flag"),
    (unknown_rule_clause, "exception_indication"),
    (empty_advice_text, "primary_care_management"),
    (drop_advice, "primary_care_management"),
]


@pytest.mark.parametrize(
    ("mutate", "code"), MUTATIONS, ids=[mutate.__name__ for mutate, _ in MUTATIONS]
)
def test_every_rules_problem_names_the_offending_code(seed_rules_data, mutate, code):
    mutate(seed_rules_data)
    with pytest.raises(RulesError) as caught:
        parse_rules(seed_rules_data)
    assert len(caught.value.problems) == 1
    assert f"'{code}'" in caught.value.problems[0]
    assert isinstance(caught.value, EngineError)


def test_every_problem_is_reported_at_once(seed_rules_data):
    for mutate, _ in MUTATIONS:
        mutate(seed_rules_data)
    with pytest.raises(RulesError) as caught:
        parse_rules(seed_rules_data)
    problems = caught.value.problems
    for _, code in MUTATIONS:
        assert any(f"'{code}'" in problem for problem in problems), code
    assert str(caught.value).startswith(f"{len(problems)} problems in the rules: ")


def test_renamed_code_is_reported_as_unknown_and_its_original_as_missing(seed_rules_data):
    _criterion(seed_rules_data, "instability")["code"] = "instabilty"
    with pytest.raises(RulesError) as caught:
        parse_rules(seed_rules_data)
    assert caught.value.problems[0].startswith("criterion 'instabilty': unknown code")
    assert caught.value.problems[1] == "criterion 'instability' is missing"


def test_red_flag_category_problem_reads_plainly(seed_rules_data):
    move_red_flag_to_excluded(seed_rules_data)
    with pytest.raises(RulesError) as caught:
        parse_rules(seed_rules_data)
    assert caught.value.problems == [
        "criterion 'cauda_equina': category of a red flag must be 'red_flag', got 'excluded'"
    ]


def test_unknown_clause_problem_lists_the_section_slugs(seed_rules_data):
    unknown_rule_clause(seed_rules_data)
    with pytest.raises(RulesError) as caught:
        parse_rules(seed_rules_data)
    assert caught.value.problems[0].endswith(f"(expected one of: {', '.join(SECTION_SLUGS)})")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ([], "the rules must be a JSON object, got a list"),
        ({}, "the rules: criteria is missing"),
        ({"criteria": {}, "rules": {}, "advice": []}, "criteria must be a list, got an object"),
    ],
    ids=["not_an_object", "empty_object", "wrong_shapes"],
)
def test_malformed_rules_are_refused_with_a_plain_problem(data, problem):
    with pytest.raises(RulesError) as caught:
        parse_rules(data)
    assert caught.value.problems[0] == problem


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4)
    ),
    max_leaves=12,
)


@given(json_values)
def test_arbitrary_json_raises_only_rules_error(value):
    with contextlib.suppress(RulesError):
        parse_rules(value)


def _any_entry(data, section, code):
    if section == "criteria":
        return _criterion(data, code)
    return data[section][code]


seed_entries = st.one_of(
    st.tuples(st.just("criteria"), st.sampled_from(CRITERION_CODES)),
    st.tuples(st.just("rules"), st.sampled_from(RULE_CODES)),
    st.tuples(st.just("advice"), st.sampled_from(ADVICE_CODES)),
)
entry_fields = st.sampled_from(["code", "group", "category", "label", "hint", "clause", "text"])


@given(seed_entries, entry_fields, json_values)
def test_any_seed_field_replaced_by_junk_raises_only_rules_error(seed_rules, entry, field, value):
    data = seed_rules.to_dict()
    _any_entry(data, *entry)[field] = value
    with contextlib.suppress(RulesError):
        parse_rules(data)
