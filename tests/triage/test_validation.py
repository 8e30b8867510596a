"""Specific NHS.UK error messages on each questionnaire page, and nothing typed is lost."""

import pytest

from tests.triage.support import answer, begin, step_url
from triage.models import ReferralCheck


class Journey:
    """A GP's client with one referral check just started."""

    def __init__(self, client):
        self.client = client
        self.check_id = begin(client)

    def post(self, step, data):
        return self.client.post(step_url(self.check_id, step), data)

    def get(self, step):
        return self.client.get(step_url(self.check_id, step))


@pytest.fixture
def journey(gp_client, policy_v1):
    """A GP with a referral check just started."""
    return Journey(gp_client)


def at(journey, *steps_done):
    for step in steps_done:
        answer(journey.client, journey.check_id, step)


def post(journey, step, data):
    response = journey.post(step, data)
    assert response.status_code == 200, "an invalid answer must re-show the page"
    return response.content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the patient&#x27;s NHS number"),
        ("943 476 591", "NHS number must be 10 digits"),
        ("94347659199", "NHS number must be 10 digits"),
        ("943476591A", "NHS number must only include numbers"),
        ("943 476 5918", "fails the check digit test"),
    ],
)
def test_nhs_number_errors_are_specific_and_keep_what_was_typed(journey, typed, message):
    body = post(journey, "patient", {"nhs_number": typed})
    assert message in body
    assert "There is a problem" in body
    assert 'href="#id_nhs_number"' in body
    assert f'value="{typed}"' in body or typed == ""
    assert "<title>Error: " in body


@pytest.mark.parametrize("typed", ["9434765919", "943 476 5919", " 943-476-5919 "])
def test_nhs_number_is_accepted_with_or_without_spaces(journey, typed):
    response = journey.post("patient", {"nhs_number": typed})
    assert response.status_code == 302
    assert 'value="943 476 5919"' in journey.get("patient").content.decode()


def test_red_flags_need_an_answer(journey):
    at(journey, "patient")
    body = post(journey, "red-flags", {})
    assert "Select the red flags the patient has, or select &#x27;None of these&#x27;" in body


def test_none_of_these_with_a_red_flag_is_refused(journey):
    at(journey, "patient")
    body = post(journey, "red-flags", {"red_flags": ["none", "cauda_equina"]})
    assert "not both" in body
    assert 'value="cauda_equina" checked' in body


def test_pain_location_needs_an_answer(journey):
    at(journey, "patient", "red-flags")
    assert "Select where the patient&#x27;s pain is" in post(journey, "pain", {})


def test_unknown_pain_location_is_refused(journey):
    at(journey, "patient", "red-flags")
    assert "Select a valid choice" in post(journey, "pain", {"pain_location": "neck"})


def test_none_of_these_with_a_condition_is_refused(journey):
    at(journey, "patient", "red-flags", "pain")
    body = post(journey, "conditions", {"conditions": ["none", "scoliosis"]})
    assert "not both" in body


def test_conditions_need_an_answer(journey):
    at(journey, "patient", "red-flags", "pain")
    assert "or select &#x27;None of these&#x27;" in post(journey, "conditions", {})


def test_decompression_needs_an_answer(journey):
    at(journey, "patient", "red-flags", "pain", "conditions")
    assert "Select yes if decompression surgery is planned" in post(journey, "decompression", {})


def test_missing_conditional_answer_is_asked_for(journey):
    at(journey, "patient", "red-flags", "pain", "conditions")
    body = post(journey, "decompression", {"decompression_planned": "yes"})
    assert "Select yes if the exposure needed would render the spine unstable" in body
    assert 'value="yes" checked' in body


def test_hidden_conditional_answer_is_never_stored(journey):
    at(journey, "patient", "red-flags", "pain", "conditions")
    journey.post(
        "decompression", {"decompression_planned": "no", "decompression_destabilising": "yes"}
    )
    answers = ReferralCheck.objects.get(pk=journey.check_id).answers
    assert answers["decompression_planned"] is False
    assert answers["decompression_destabilising"] is None
