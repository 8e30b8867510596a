"""The answers contract: what parse_answers admits, how it normalises, and how it refuses."""

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy.engine import (
    ANSWER_KEYS,
    CONDITION_CODES,
    PAIN_LOCATIONS,
    RED_FLAG_CODES,
    Answers,
    AnswersError,
    EngineError,
    parse_answers,
)

VALID = {
    "pain_location": "back_only",
    "red_flags": [],
    "conditions": [],
    "decompression_planned": False,
    "decompression_destabilising": None,
}


def with_changes(**changes):
    return {**VALID, **changes}


def test_valid_answers_parse_into_canonical_tuples_in_vocabulary_order():
    parsed = parse_answers(
        with_changes(
            pain_location="back_and_leg",
            red_flags=["suspected_fracture", "cauda_equina"],
            conditions=["instability", "inflammatory"],
            decompression_planned=True,
            decompression_destabilising=False,
        )
    )
    assert parsed == Answers(
        pain_location="back_and_leg",
        red_flags=("cauda_equina", "suspected_fracture"),
        conditions=("inflammatory", "instability"),
        decompression_planned=True,
        decompression_destabilising=False,
    )
    assert list(parsed.to_dict()) == list(ANSWER_KEYS)


def test_answers_are_frozen():
    parsed = parse_answers(VALID)
    with pytest.raises(AttributeError):
        parsed.pain_location = "back_and_leg"


# (data, field named, exact message)
REFUSALS = [
    pytest.param(
        ["back_only"],
        "answers",
        "expected an object holding the answers, got a list",
        id="answers_must_be_an_object",
    ),
    pytest.param(
        {**VALID, "age": 40, "bmi": 31},
        "answers",
        "unknown answers 'age', 'bmi' (expected: pain_location, red_flags, conditions, "
        "decompression_planned, decompression_destabilising)",
        id="every_unknown_key_is_named",
    ),
    pytest.param(
        {"pain_location": "back_only", "red_flags": []},
        "answers",
        "missing answers 'conditions', 'decompression_planned', 'decompression_destabilising'",
        id="every_missing_key_is_named",
    ),
    pytest.param(
        {k: v for k, v in {**VALID, "conditons": []}.items() if k != "conditions"},
        "answers",
        "unknown answer 'conditons' (expected: pain_location, red_flags, conditions, "
        "decompression_planned, decompression_destabilising); missing answer 'conditions'",
        id="a_misspelt_key_is_named_as_unknown_and_missing",
    ),
    pytest.param(
        with_changes(pain_location="leg_only"),
        "pain_location",
        "unknown value 'leg_only' (expected one of: back_only, back_and_leg)",
        id="pain_location_must_be_known",
    ),
    pytest.param(
        with_changes(red_flags="cauda_equina"),
        "red_flags",
        "expected a list of codes, got 'cauda_equina'",
        id="a_bare_string_is_not_a_list_of_codes",
    ),
    pytest.param(
        with_changes(conditions=["scoliosis", 3, None]),
        "conditions",
        "expected a list of codes, but it contains 3, null",
        id="codes_must_be_text",
    ),
    pytest.param(
        with_changes(conditions=["foo"]),
        "conditions",
        "unknown code 'foo' (expected one of: " + ", ".join(CONDITION_CODES) + ")",
        id="unknown_condition_is_named",
    ),
    pytest.param(
        with_changes(red_flags=["scoliosis", "back_ache"]),
        "red_flags",
        "unknown codes 'scoliosis', 'back_ache' (expected one of: "
        + ", ".join(RED_FLAG_CODES)
        + ")",
        id="a_condition_is_not_a_red_flag",
    ),
    pytest.param(
        with_changes(red_flags=["cauda_equina", "cauda_equina"]),
        "red_flags",
        "code 'cauda_equina' given more than once",
        id="duplicate_codes_are_named",
    ),
    pytest.param(
        with_changes(decompression_planned=1),
        "decompression_planned",
        "expected true or false, got 1",
        id="one_is_not_true",
    ),
    pytest.param(
        with_changes(decompression_planned="true"),
        "decompression_planned",
        "expected true or false, got 'true'",
        id="the_text_true_is_not_true",
    ),
    pytest.param(
        with_changes(decompression_planned=True),
        "decompression_destabilising",
        'expected true, false or "unknown", because a decompression is planned; got null',
        id="destabilising_is_required_when_decompression_is_planned",
    ),
    pytest.param(
        with_changes(decompression_planned=True, decompression_destabilising=0),
        "decompression_destabilising",
        'expected true, false or "unknown", because a decompression is planned; got 0',
        id="zero_is_not_false",
    ),
    pytest.param(
        with_changes(decompression_planned=True, decompression_destabilising="not sure"),
        "decompression_destabilising",
        "expected true, false or \"unknown\", because a decompression is planned; got 'not sure'",
        id="only_the_word_unknown_means_not_known_yet",
    ),
    pytest.param(
        with_changes(decompression_destabilising="unknown"),
        "decompression_destabilising",
        "must be null because no decompression is planned; got 'unknown'",
        id="unknown_must_be_null_without_decompression",
    ),
    pytest.param(
        with_changes(decompression_destabilising=False),
        "decompression_destabilising",
        "must be null because no decompression is planned; got false",
        id="destabilising_must_be_null_without_decompression",
    ),
]


@pytest.mark.parametrize(("data", "field", "message"), REFUSALS)
def test_parse_answers_refuses_with_a_plain_message(data, field, message):
    with pytest.raises(AnswersError) as caught:
        parse_answers(data)
    assert (caught.value.field, caught.value.message) == (field, message)
    assert str(caught.value) == f"{field}: {message}"
    assert isinstance(caught.value, EngineError)
    assert isinstance(caught.value, ValueError)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4)
    ),
    max_leaves=12,
)
red_flag_lists = st.lists(st.sampled_from(RED_FLAG_CODES), unique=True)
condition_lists = st.lists(st.sampled_from(CONDITION_CODES), unique=True)
decompression_answers = st.sampled_from(
    [(False, None), (True, True), (True, False), (True, "unknown")]
)


@st.composite
def valid_answers(draw):
    planned, destabilising = draw(decompression_answers)
    return {
        "pain_location": draw(st.sampled_from(PAIN_LOCATIONS)),
        "red_flags": draw(red_flag_lists),
        "conditions": draw(condition_lists),
        "decompression_planned": planned,
        "decompression_destabilising": destabilising,
    }


@given(valid_answers())
def test_valid_answers_always_parse_and_round_trip(data):
    parsed = parse_answers(data)
    assert set(parsed.red_flags) == set(data["red_flags"])
    assert set(parsed.conditions) == set(data["conditions"])
    assert list(parsed.red_flags) == [c for c in RED_FLAG_CODES if c in data["red_flags"]]
    assert list(parsed.conditions) == [c for c in CONDITION_CODES if c in data["conditions"]]
    assert parse_answers(parsed.to_dict()) == parsed
    assert parse_answers(json.loads(json.dumps(parsed.to_dict()))) == parsed


answer_like_objects = st.dictionaries(
    st.sampled_from(ANSWER_KEYS) | st.text(max_size=20), json_values, max_size=7
)


@given(json_values | answer_like_objects)
def test_arbitrary_json_raises_only_answers_error(value):
    # Any other exception (TypeError, KeyError...) escapes and fails the test.
    with contextlib.suppress(AnswersError):
        parse_answers(value)


@given(valid_answers(), st.sampled_from(ANSWER_KEYS), json_values)
def test_any_value_for_any_answer_parses_or_raises_only_answers_error(data, key, value):
    try:
        parse_answers({**data, key: value})
    except AnswersError as error:
        assert error.field in {key, "decompression_destabilising"}


@given(valid_answers(), st.text(max_size=20).filter(lambda key: key not in ANSWER_KEYS))
def test_an_unknown_key_is_always_refused_by_name(data, key):
    with pytest.raises(AnswersError) as caught:
        parse_answers({**data, key: None})
    assert caught.value.field == "answers"
    assert repr(key) in caught.value.message


@given(valid_answers(), st.sampled_from(ANSWER_KEYS))
def test_a_missing_key_is_always_refused_by_name(data, key):
    del data[key]
    with pytest.raises(AnswersError) as caught:
        parse_answers(data)
    assert f"'{key}'" in caught.value.message


@given(
    valid_answers(),
    st.sampled_from(["red_flags", "conditions"]),
    st.text(min_size=1, max_size=20).filter(lambda c: c not in RED_FLAG_CODES + CONDITION_CODES),
)
def test_an_unknown_code_is_always_refused_by_name(data, field, code):
    data[field] = [*data[field], code]
    with pytest.raises(AnswersError) as caught:
        parse_answers(data)
    assert caught.value.field == field
    assert caught.value.message.startswith("unknown code ")


@given(valid_answers(), st.sampled_from(["red_flags", "conditions"]), st.data())
def test_a_repeated_code_is_always_refused(data, field, draw):
    codes = RED_FLAG_CODES if field == "red_flags" else CONDITION_CODES
    repeated = draw.draw(st.sampled_from(codes))
    data[field] = [*data[field], repeated, repeated]
    with pytest.raises(AnswersError) as caught:
        parse_answers(data)
    assert caught.value.field == field
    assert f"'{repeated}'" in caught.value.message


@given(valid_answers(), st.one_of(st.integers(), st.text(), st.none(), st.floats()))
def test_non_boolean_decompression_planned_is_always_refused(data, value):
    if value is None:
        # null means "not asked", allowed only after a red flag ended the questionnaire.
        data["red_flags"] = []
    data["decompression_planned"] = value
    with pytest.raises(AnswersError) as caught:
        parse_answers(data)
    assert caught.value.field == "decompression_planned"


RED_FLAG_ONLY = {
    "pain_location": None,
    "red_flags": ["cauda_equina"],
    "conditions": [],
    "decompression_planned": None,
    "decompression_destabilising": None,
}


def test_red_flag_answers_may_leave_the_later_questions_unasked():
    answers = parse_answers(RED_FLAG_ONLY)
    assert answers.pain_location is None
    assert answers.decompression_planned is None
    assert parse_answers(answers.to_dict()) == answers


@pytest.mark.parametrize("field", ["pain_location", "decompression_planned"])
def test_unasked_answers_are_refused_without_a_red_flag(field):
    data = {**RED_FLAG_ONLY, "red_flags": [], "pain_location": "back_only"}
    data["decompression_planned"] = False
    data[field] = None
    with pytest.raises(AnswersError) as caught:
        parse_answers(data)
    assert caught.value.field == field
