"""The question forms read their words from the version and ask each clinical picture once."""

import pytest

from triage.forms.questionnaire import ConditionsForm, DecompressionForm


@pytest.mark.parametrize(
    "pair", [("scoliosis", "symptomatic_deformity"), ("spondylolisthesis", "instability")]
)
def test_both_of_a_pair_of_alternative_conditions_is_refused(policy_v1, pair):
    form = ConditionsForm({"conditions": list(pair)}, version=policy_v1)
    assert not form.is_valid()
    [message] = form.errors["conditions"]
    assert message.startswith("Select either '")
    assert message.endswith("not both: they describe different patients")


def test_one_of_a_pair_is_accepted(policy_v1):
    form = ConditionsForm({"conditions": ["symptomatic_deformity"]}, version=policy_v1)
    assert form.is_valid()
    assert form.answers() == {"conditions": ["symptomatic_deformity"]}


def test_serious_pathology_offers_a_way_back_to_the_red_flag_question(policy_v1):
    html = str(ConditionsForm(version=policy_v1)["conditions"])
    form = ConditionsForm(version=policy_v1)
    hints = {value: label.hint for value, label in form.fields["conditions"].choices[:-1]}
    assert '<a href="../red-flags/">' in hints["serious_pathology"]
    assert "Go back to the red flag question" in hints["serious_pathology"]
    assert "red-flags" not in hints["scoliosis"]
    assert html


def test_exposure_not_known_yet_is_an_answer(policy_v1):
    form = DecompressionForm(
        {"decompression_planned": "yes", "decompression_destabilising": "unknown"},
        version=policy_v1,
    )
    assert form.is_valid(), form.errors
    assert form.answers() == {
        "decompression_planned": True,
        "decompression_destabilising": "unknown",
    }
    labels = dict(form.fields["decompression_destabilising"].choices)
    assert labels["unknown"] == "Not known yet"
    initial = DecompressionForm.initial_from(form.answers())
    assert initial["decompression_destabilising"] == "unknown"


def test_answer_labels_come_from_the_version(policy_v1):
    policy_v1.questions["decompression_destabilising"]["options"]["unknown"]["label"] = "TBC"
    form = DecompressionForm(version=policy_v1)
    assert dict(form.fields["decompression_destabilising"].choices)["unknown"] == "TBC"
