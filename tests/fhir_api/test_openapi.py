"""The hand-written OpenAPI document covers the API, and the live API keeps to it (schemathesis)."""

import json

import pytest
import schemathesis
from django.urls import get_resolver
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fhir_api import urls as fhir_urls
from fhir_api.views import OPENAPI_PATH
from tests.oidc_provider import cis2_claims


def _as_openapi_path(route: str) -> str:
    return "/" + route.replace("<str:", "{").replace(">", "}").replace("resource_id", "id")


def test_every_url_in_fhir_urls_is_in_the_openapi_document():
    paths = set(json.loads(OPENAPI_PATH.read_text())["paths"])
    routes = {_as_openapi_path(str(p.pattern)) for p in fhir_urls.urlpatterns}
    assert routes == paths


def test_openapi_document_is_served(client):
    response = client.get("/fhir/openapi.json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_openapi_paths_resolve():
    resolver = get_resolver()
    for path in json.loads(OPENAPI_PATH.read_text())["paths"]:
        concrete = path.replace("{id}", "x").replace("{reference}", "FT-2222-2222")
        resolver.resolve(f"/fhir{concrete}")


@pytest.fixture
def live_api(live_server, oidc, transactional_db):
    """The API on a live server with the policy loaded and a GP's bearer token."""
    from policy.services import policy_seed
    from triage.models import Practice

    policy_seed()
    Practice.objects.create(ods_code="C81001", name="Peak View Surgery")
    oidc.add_user("fuzz-gp", cis2_claims(ods_code="C81001"))
    token = oidc.tokens("fuzz-gp")["id_token"]
    schema = schemathesis.openapi.from_dict(json.loads(OPENAPI_PATH.read_text()))
    return schema, f"{live_server.url}/fhir", {"Authorization": f"Bearer {token}"}


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(live_api):
    """Generated requests for every operation: never a 5xx, every response as documented."""
    schema, base_url, headers = live_api
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @hypothesis_settings(
            max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def run(case):
            case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)

        strategy = operation.as_strategy()
        from hypothesis import given

        try:
            given(strategy)(run)()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
