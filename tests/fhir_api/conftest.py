"""A GP system calling the API for a GP at Peak View Surgery, with a mock-provider token."""

import json

import pytest
from django.test import Client

from tests.conftest import VALID_NHS_NUMBERS
from tests.oidc_provider import cis2_claims

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
QUESTIONNAIRE = "https://fusion-triage.derbyshire.nhs.uk/fhir/Questionnaire/lumbar-spinal-fusion"


@pytest.fixture
def gp_token(oidc, practice, policy_v1) -> str:
    """A bearer token (the provider's signed JWT) for a GP at C81001, issued to the test client."""
    oidc.add_user("api-gp", cis2_claims(ods_code="C81001"))
    return oidc.tokens("api-gp")["id_token"]


@pytest.fixture
def other_gp_token(oidc, other_practice, policy_v1) -> str:
    """A bearer token for a GP at Derwent Bank (C81002)."""
    oidc.add_user("api-gp2", cis2_claims(ods_code="C81002", given_name="Omar"))
    return oidc.tokens("api-gp2")["id_token"]


@pytest.fixture
def api(gp_token) -> Client:
    """A client that sends the GP system's bearer token and no cookie."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {gp_token}")


def response_for(
    *,
    identifier: str = "resp-1",
    nhs_number: str = VALID_NHS_NUMBERS[0],
    version: str = "1",
    items: list | None = None,
    **extra,
) -> dict:
    """A completed QuestionnaireResponse: isolated back pain, nothing else."""
    if items is None:
        items = [
            {"linkId": "pain_location", "answer": [{"valueCoding": {"code": "back_only"}}]},
            {"linkId": "decompression_planned", "answer": [{"valueBoolean": False}]},
        ]
    return {
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": "https://gp-system.example/responses", "value": identifier},
        "questionnaire": f"{QUESTIONNAIRE}|{version}",
        "status": "completed",
        "subject": {"identifier": {"system": NHS_NUMBER_SYSTEM, "value": nhs_number}},
        "item": items,
        **extra,
    }


def post(client: Client, body, path: str = "/fhir/QuestionnaireResponse"):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(path, data=data, content_type="application/fhir+json")
