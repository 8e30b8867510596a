"""Every bad request is refused with a 4xx OperationOutcome naming the reason; nothing is stored."""

import base64
import json

import pytest
from django.test import Client
from joserfc import jwt
from joserfc.jwk import RSAKey

from fhir_api.models import ApiSubmission
from tests.fhir_api.conftest import post, response_for
from tests.oidc_provider import cis2_claims
from triage.models import Decision

ENDPOINTS = ["/fhir/QuestionnaireResponse", "/fhir/QuestionnaireResponse/$evaluate"]


def refused(response, status: int, expression: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/fhir+json"
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    issue = body["issue"][0]
    assert issue["diagnostics"]
    if expression:
        assert issue["expression"] == [expression]
    assert Decision.objects.count() == 0
    assert ApiSubmission.objects.count() == 0
    return issue


def claims_of(token: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))


@pytest.mark.parametrize("path", ENDPOINTS)
def test_malformed_json(api, path):
    refused(post(api, b'{"resourceType": "QuestionnaireResponse",', path), 400)


@pytest.mark.parametrize("path", ENDPOINTS)
def test_resource_of_the_wrong_type(api, path):
    body = {**response_for(), "resourceType": "Patient"}
    issue = refused(post(api, body, path), 400, "resourceType")
    assert "Patient" in issue["diagnostics"]


def test_body_that_is_not_a_resource(api):
    refused(post(api, b"[1, 2]"), 400)


def test_invalid_fhir_structure_names_the_element(api):
    body = response_for()
    body["item"][0]["answer"][0] = {"valueFoo": 1}
    refused(post(api, body), 400, "QuestionnaireResponse.item[0].answer[0].valueFoo")


@pytest.mark.parametrize("path", ENDPOINTS)
def test_unknown_answer_code(api, path):
    items = [
        {"linkId": "pain_location", "answer": [{"valueCoding": {"code": "back_only"}}]},
        {"linkId": "decompression_planned", "answer": [{"valueBoolean": False}]},
        {"linkId": "conditions", "answer": [{"valueCoding": {"code": "sore_toe"}}]},
    ]
    issue = refused(
        post(api, response_for(items=items), path), 422, "QuestionnaireResponse.item[2]"
    )
    assert "sore_toe" in issue["diagnostics"]


def test_unknown_question(api):
    items = [{"linkId": "favourite_colour", "answer": [{"valueString": "blue"}]}]
    refused(post(api, response_for(items=items)), 422, "QuestionnaireResponse.item[0].linkId")


def test_missing_required_answer_names_it(api):
    items = [{"linkId": "decompression_planned", "answer": [{"valueBoolean": False}]}]
    issue = refused(post(api, response_for(items=items)), 422, "QuestionnaireResponse.item")
    assert issue["diagnostics"].startswith("pain_location:")


def test_follow_up_answer_without_decompression_is_refused(api):
    items = [
        {"linkId": "pain_location", "answer": [{"valueCoding": {"code": "back_only"}}]},
        {"linkId": "decompression_planned", "answer": [{"valueBoolean": False}]},
        {"linkId": "decompression_destabilising", "answer": [{"valueBoolean": True}]},
    ]
    refused(post(api, response_for(items=items)), 422, "QuestionnaireResponse.item[2]")


def test_wrong_answer_type(api):
    items = [{"linkId": "pain_location", "answer": [{"valueString": "back_only"}]}]
    refused(post(api, response_for(items=items)), 422, "QuestionnaireResponse.item[0].answer[0]")


@pytest.mark.parametrize("path", ENDPOINTS)
def test_questionnaire_version_that_is_not_published(api, path, policy_admin):
    from policy.services import policy_version_draft_start

    draft = policy_version_draft_start(user=policy_admin)
    body = response_for(version=str(draft.number))
    issue = refused(post(api, body, path), 422, "QuestionnaireResponse.questionnaire")
    assert "not a published version" in issue["diagnostics"]


def test_another_questionnaire(api):
    body = {**response_for(), "questionnaire": "https://x.example/Questionnaire/q|1"}
    refused(post(api, body), 422, "QuestionnaireResponse.questionnaire")


@pytest.mark.parametrize("path", ENDPOINTS)
def test_nhs_number_that_fails_validation(api, path):
    issue = refused(
        post(api, response_for(nhs_number="9434765918"), path),
        422,
        "QuestionnaireResponse.subject.identifier.value",
    )
    assert "check digit" in issue["diagnostics"]


def test_nhs_number_with_another_system(api):
    body = response_for()
    body["subject"]["identifier"]["system"] = "https://example.org/mrn"
    refused(post(api, body), 422, "QuestionnaireResponse.subject.identifier")


def test_response_not_completed(api):
    refused(post(api, response_for(status="in-progress")), 422, "QuestionnaireResponse.status")


def test_submission_without_identifier(api):
    body = response_for()
    del body["identifier"]
    refused(post(api, body), 422, "QuestionnaireResponse.identifier")


@pytest.mark.parametrize("path", ENDPOINTS)
def test_response_authored_by_another_practice(api, path):
    body = response_for(
        author={
            "identifier": {
                "system": "https://fhir.nhs.uk/Id/ods-organization-code",
                "value": "C81002",
            }
        }
    )
    refused(post(api, body, path), 403, "QuestionnaireResponse.author.identifier")


def test_token_for_an_organisation_that_does_not_use_the_service(oidc, practice, policy_v1):
    oidc.add_user("api-stranger", cis2_claims(ods_code="Y99999"))
    token = oidc.tokens("api-stranger")["id_token"]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    issue = refused(post(client, response_for()), 403)
    assert "Y99999" in issue["diagnostics"]


def test_token_issued_to_another_client(oidc, practice, policy_v1):
    oidc.add_user("api-gp", cis2_claims(ods_code="C81001"))
    token = oidc.tokens("api-gp", client_id="fusion-triage")["id_token"]
    refused(post(Client(HTTP_AUTHORIZATION=f"Bearer {token}"), response_for()), 401)


@pytest.mark.parametrize("path", ENDPOINTS)
def test_expired_token(settings, expired_token_provider, practice, policy_v1, path):
    from tests.oidc_provider import use_provider

    use_provider(settings, expired_token_provider)
    expired_token_provider.add_user("api-late", cis2_claims(ods_code="C81001"))
    token = expired_token_provider.tokens("api-late")["id_token"]
    response = post(Client(HTTP_AUTHORIZATION=f"Bearer {token}"), response_for(), path)
    issue = refused(response, 401)
    assert "expired" in issue["diagnostics"]
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("path", ENDPOINTS)
def test_token_signed_by_another_key(api, gp_token, path):
    claims = claims_of(gp_token)
    header = json.loads(base64.urlsafe_b64decode(gp_token.split(".")[0] + "=="))
    forged_header = {"alg": "RS256", **({"kid": header["kid"]} if "kid" in header else {})}
    forged = jwt.encode(forged_header, claims, RSAKey.generate_key(2048))
    issue = refused(post(Client(HTTP_AUTHORIZATION=f"Bearer {forged}"), response_for(), path), 401)
    assert "signed" in issue["diagnostics"]


def test_tampered_token(gp_token, other_practice):
    """The practice in a signed token is changed to another one: the signature no longer holds."""
    head, payload, signature = gp_token.split(".")
    claims = claims_of(gp_token)
    claims["nhsid_nrbac_roles"][0]["org_code"] = "C81002"
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {head}.{payload}.{signature}")
    refused(post(client, response_for()), 401)


@pytest.mark.parametrize("header", ["", "Basic Z3A6eA==", "Bearer ", "Bearer not-a-jwt"])
def test_missing_or_malformed_authorisation(gp_token, header):
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()
    refused(post(client, response_for()), 401)


def test_session_sign_in_is_not_accepted(gp_client, gp_token):
    """A signed-in browser session (cookie) is not an API credential, and needs no CSRF token."""
    refused(post(gp_client, response_for()), 401)
    assert gp_client.get("/fhir/GuidanceResponse/FT-2222-2222").status_code == 401


@pytest.mark.parametrize("path", ENDPOINTS)
def test_body_over_64_kb(api, path):
    body = response_for(text={"status": "generated", "div": "x" * (65 * 1024)})
    refused(post(api, body, path), 413)


def test_post_without_csrf_token_is_checked_not_forbidden(api):
    csrf_client = Client(
        enforce_csrf_checks=True, HTTP_AUTHORIZATION=api.defaults["HTTP_AUTHORIZATION"]
    )
    assert post(csrf_client, response_for()).status_code == 201


def test_submit_rejects_get(api):
    response = api.get("/fhir/QuestionnaireResponse")
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_superseded_version_is_refused_once_a_newer_one_is_in_effect(api, policy_admin):
    from django.utils import timezone

    from core.roles import POLICY_ADMIN
    from policy.services import (
        DraftChanges,
        policy_version_draft_start,
        policy_version_draft_update,
    )
    from tests.conftest import make_user, publish_draft

    draft = policy_version_draft_start(user=policy_admin)
    policy_version_draft_update(
        version=draft,
        user=policy_admin,
        changes=DraftChanges(
            sections={"background": draft.background + "\n\nRevised."}, criteria={}, questions={}
        ),
    )
    draft = publish_draft(
        draft,
        author=policy_admin,
        approver=make_user("approver", POLICY_ADMIN),
        effective_from=timezone.localdate(),
    )
    issue = refused(
        post(api, response_for(version="1")), 422, "QuestionnaireResponse.questionnaire"
    )
    assert "'1'" in issue["diagnostics"]
    assert post(api, response_for(version=str(draft.number))).status_code == 201
