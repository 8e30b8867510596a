"""The GP questionnaire end to end through Django's test client, to each of the six outcomes."""

import pytest
from django.urls import reverse

from tests.triage.support import answer, begin, check_url, step_url, submit
from triage.models import Decision


def walk(client, *, nhs="943 476 5919", flags=("none",), pain="back_only", conditions=("none",),
         planned="no", destabilising=None):  # fmt: skip
    check_id = begin(client)
    answer(client, check_id, "patient", {"nhs_number": nhs})
    response = answer(client, check_id, "red-flags", {"red_flags": list(flags)})
    if flags != ("none",):
        return response
    answer(client, check_id, "pain", {"pain_location": pain})
    answer(client, check_id, "conditions", {"conditions": list(conditions)})
    data = {"decompression_planned": planned}
    if destabilising:
        data["decompression_destabilising"] = destabilising
    answer(client, check_id, "decompression", data)
    assert client.get(check_url(check_id)).status_code == 200
    return submit(client, check_id)


@pytest.mark.parametrize(
    ("walk_kwargs", "outcome"),
    [
        ({"flags": ("cauda_equina",)}, "urgent_pathway"),
        ({"planned": "yes", "destabilising": "yes"}, "fusion_appropriate_with_decompression"),
        ({"conditions": ("sacroiliac_joint_dysfunction",)}, "outside_statement"),
        ({"conditions": ("instability",)}, "usual_pathway_exception"),
        ({"pain": "back_and_leg"}, "not_isolated_back_pain"),
        ({}, "not_routinely_commissioned"),
    ],
)
def test_gp_walks_the_questionnaire_to_each_outcome(gp_client, policy_v1, walk_kwargs, outcome):
    response = walk(gp_client, **walk_kwargs)
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert response["Location"] == reverse("triage:decision", args=[decision.reference])
    assert decision.outcome == outcome
    assert decision.nhs_number == "9434765919"
    assert decision.policy_version == policy_v1
    page = gp_client.get(response["Location"])
    assert page.status_code == 200
    assert decision.reference in page.content.decode()


def test_red_flag_goes_straight_to_urgent_decision_without_later_questions(gp_client, policy_v1):
    response = walk(gp_client, flags=("cauda_equina", "suspected_fracture"))
    decision = Decision.objects.get()
    assert decision.answers["pain_location"] is None
    assert decision.answers["red_flags"] == ["cauda_equina", "suspected_fracture"]
    body = gp_client.get(response["Location"]).content.decode()
    assert "Follow the urgent pathway now" in body
    assert "nhsuk-card--care--emergency" in body


def test_not_routinely_commissioned_shows_primary_care_advice_and_ifr(gp_client, policy_v1):
    response = walk(gp_client)
    body = gp_client.get(response["Location"]).content.decode()
    assert "STaRT Back" in body
    assert "Back Skills Training" in body
    assert "Individual Funding Request" in body


def test_decision_page_links_each_reason_to_its_clause(gp_client, policy_v1):
    response = walk(gp_client, conditions=("spondylolisthesis",))
    body = gp_client.get(response["Location"]).content.decode()
    assert f'{reverse("policy:version", args=[1])}#exclusions"' in body
    assert f'{reverse("policy:version", args=[1])}#statement"' in body


def test_changing_an_answer_from_the_check_page_returns_to_it(gp_client, policy_v1):
    check_id = begin(gp_client)
    for step in ("patient", "red-flags", "pain", "conditions", "decompression"):
        answer(gp_client, check_id, step)
    change = gp_client.get(step_url(check_id, "pain", change=True))
    assert 'value="back_only" checked' in change.content.decode()
    response = answer(gp_client, check_id, "pain", {"pain_location": "back_and_leg"}, change=True)
    assert response["Location"] == check_url(check_id)
    check = gp_client.get(check_url(check_id))
    assert "Low back and one or both legs" in check.content.decode()
    submit(gp_client, check_id)
    assert Decision.objects.get().outcome == "not_isolated_back_pain"


def test_check_page_has_a_change_link_for_every_answer(gp_client, policy_v1):
    check_id = begin(gp_client)
    for step in ("patient", "red-flags", "pain", "conditions"):
        answer(gp_client, check_id, step)
    answer(
        gp_client,
        check_id,
        "decompression",
        {"decompression_planned": "yes", "decompression_destabilising": "no"},
    )
    body = gp_client.get(check_url(check_id)).content.decode()
    for step in ("patient", "red-flags", "pain", "conditions", "decompression"):
        assert step_url(check_id, step, change=True) in body


def test_skipping_ahead_sends_the_gp_to_the_first_unanswered_question(gp_client, policy_v1):
    check_id = begin(gp_client)
    response = gp_client.get(step_url(check_id, "conditions"))
    assert response["Location"] == step_url(check_id, "patient")
    assert gp_client.get(check_url(check_id))["Location"] == step_url(check_id, "patient")


def test_answers_survive_going_back(gp_client, policy_v1):
    check_id = begin(gp_client)
    answer(gp_client, check_id, "patient")
    answer(gp_client, check_id, "red-flags")
    body = gp_client.get(step_url(check_id, "patient")).content.decode()
    assert 'value="943 476 5919"' in body
    body = gp_client.get(step_url(check_id, "red-flags")).content.decode()
    assert 'value="none" checked' in body


def test_questions_use_the_policy_versions_wording(gp_client, policy_v1):
    check_id = begin(gp_client)
    answer(gp_client, check_id, "patient")
    body = gp_client.get(step_url(check_id, "red-flags")).content.decode()
    assert policy_v1.questions["red_flags"]["legend"].replace("'", "&#x27;") in body
    for criterion in policy_v1.rules["criteria"]:
        if criterion["group"] == "red_flag":
            assert criterion["label"] in body


def test_unknown_step_is_404(gp_client, policy_v1):
    check_id = begin(gp_client)
    assert gp_client.get(step_url(check_id, "nope")).status_code == 404
