"""Posting and evaluating QuestionnaireResponses, and reading GuidanceResponses."""

import pytest
from django.db import DatabaseError, connection
from django.test import Client
from fhir.resources.R4B.guidanceresponse import GuidanceResponse

from fhir_api.models import ApiSubmission
from fhir_api.selectors import api_submission_for_decisions
from review.services.verify import chain_verify
from tests.fhir_api.conftest import post, response_for
from tests.oidc_provider import API_CLIENT_NAME
from triage.models import Decision


def parameters(guidance: dict) -> dict:
    [contained] = guidance["contained"]
    return {p["name"]: p for p in contained["parameter"]}


def test_submit_records_a_decision_and_returns_201_guidance(api, practice):
    response = post(api, response_for())
    assert response.status_code == 201
    guidance = GuidanceResponse.model_validate(response.json())
    decision = Decision.objects.get()
    assert guidance.identifier[0].value == decision.reference
    assert response["Location"].endswith(f"/fhir/GuidanceResponse/{decision.reference}")
    assert decision.practice == practice
    assert decision.outcome == "not_routinely_commissioned"
    found = parameters(response.json())
    assert found["outcome"]["valueCoding"]["code"] == "not_routinely_commissioned"
    assert found["policyVersion"]["valueString"] == "1"
    clause = {p["name"]: p for p in found["finding"]["part"]}["clause"]["valueUri"]
    assert clause == "http://testserver/policy/versions/1/#statement"


def test_api_decision_is_in_the_chain_and_marked_with_the_client(api):
    post(api, response_for())
    decision = Decision.objects.get()
    submission = api_submission_for_decisions([decision.pk])[decision.pk]
    assert submission.client_name == API_CLIENT_NAME
    assert submission.response_identifier == "resp-1"
    assert chain_verify(run_by="test").ok


def test_api_decision_appears_in_the_reviewers_list(api, reviewer_client):
    post(api, response_for())
    reference = Decision.objects.get().reference
    assert reference in reviewer_client.get("/review/").content.decode()


def test_repeat_submission_returns_200_with_the_same_decision(api):
    first = post(api, response_for())
    again = post(api, response_for())
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["identifier"] == again.json()["identifier"]
    assert Decision.objects.count() == 1
    assert ApiSubmission.objects.count() == 1


def test_another_identifier_records_another_decision(api):
    post(api, response_for(identifier="a"))
    post(api, response_for(identifier="b"))
    assert Decision.objects.count() == 2


def test_red_flag_gives_urgent_pathway_without_later_answers(api):
    items = [{"linkId": "red_flags", "answer": [{"valueCoding": {"code": "cauda_equina"}}]}]
    response = post(api, response_for(items=items))
    assert response.status_code == 201
    assert parameters(response.json())["outcome"]["valueCoding"]["code"] == "urgent_pathway"


def test_patient_in_a_contained_resource_is_accepted(api):
    body = response_for()
    body["contained"] = [
        {
            "resourceType": "Patient",
            "id": "p",
            "identifier": [body["subject"]["identifier"]],
        }
    ]
    body["subject"] = {"reference": "#p"}
    assert post(api, body).status_code == 201


def test_evaluate_returns_the_outcome_and_stores_nothing(api):
    items = [
        {"linkId": "pain_location", "answer": [{"valueCoding": {"code": "back_only"}}]},
        {"linkId": "decompression_planned", "answer": [{"valueBoolean": True}]},
        {"linkId": "decompression_destabilising", "answer": [{"valueBoolean": True}]},
    ]
    response = post(api, response_for(items=items), "/fhir/QuestionnaireResponse/$evaluate")
    assert response.status_code == 200
    code = parameters(response.json())["outcome"]["valueCoding"]["code"]
    assert code == "fusion_appropriate_with_decompression"
    assert "identifier" not in response.json()
    assert Decision.objects.count() == 0


def test_read_guidance_response_of_own_practice(api):
    reference = post(api, response_for()).json()["id"]
    response = api.get(f"/fhir/GuidanceResponse/{reference}")
    assert response.status_code == 200
    assert response.json()["requestIdentifier"]["value"] == "resp-1"


def test_another_practices_guidance_response_is_404(api, other_gp_token):
    reference = post(api, response_for()).json()["id"]
    other = Client(HTTP_AUTHORIZATION=f"Bearer {other_gp_token}")
    response = other.get(f"/fhir/GuidanceResponse/{reference}")
    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"


def test_web_form_decisions_are_readable_too(api, gp, practice, policy_v1):
    import uuid

    from tests.conftest import answers_for
    from triage.services.decisions import decision_record

    decision, _ = decision_record(
        user=gp,
        practice=practice,
        nhs_number="9434765919",
        answers=answers_for(),
        submission_key=uuid.uuid4(),
    )
    response = api.get(f"/fhir/GuidanceResponse/{decision.reference}")
    assert response.status_code == 200
    assert "requestIdentifier" not in response.json()


@pytest.mark.parametrize(
    "sql",
    ["UPDATE fhir_api_apisubmission SET client_name = 'x'", "DELETE FROM fhir_api_apisubmission"],
)
def test_raw_sql_cannot_change_or_delete_an_api_submission(api, sql):
    post(api, response_for())
    with pytest.raises(DatabaseError, match="api_submission_append_only"):
        with connection.cursor() as cursor:
            cursor.execute(sql)
