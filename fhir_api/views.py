"""The FHIR R4 API: Questionnaires, QuestionnaireResponse submission and evaluation, and
GuidanceResponses. Bearer tokens only (no session, so no CSRF); every error an OperationOutcome."""

import json
from collections.abc import Callable
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from fhir.resources.R4B.bundle import Bundle

from fhir_api.auth import ApiCaller, api_caller
from fhir_api.errors import FhirError, operation_outcome
from fhir_api.models import ApiSubmission
from fhir_api.resources import (
    QUESTIONNAIRE_SLUG,
    ParsedResponse,
    guidance_response_for,
    questionnaire_for,
    questionnaire_url,
    response_parse,
)
from fhir_api.services import api_response_record
from policy import engine
from policy.models import Policy, PolicyVersion
from policy.selectors import (
    POLICY_SLUG,
    policy_version_in_effect,
    policy_version_published_list,
)
from policy.services import policy_rules
from triage.models import Decision
from triage.presentation import clause_href

FHIR_JSON = "application/fhir+json"
OPENAPI_PATH = Path(__file__).resolve().parent / "openapi.json"


def _fhir(body: dict, status: int = 200, headers: dict | None = None) -> HttpResponse:
    return JsonResponse(body, status=status, content_type=FHIR_JSON, headers=headers)


def _error(error: FhirError) -> HttpResponse:
    headers = {}
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return _fhir(operation_outcome([error]), error.status, headers)


def fhir_endpoint(*methods: str) -> Callable:
    """Allow `methods`, exempt from CSRF (no cookie is ever read), errors as OperationOutcome."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @never_cache
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in methods:
                response = _error(
                    FhirError(405, f"{request.method} is not allowed here", code="not-supported")
                )
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, **kwargs)
            except FhirError as error:
                return _error(error)

        return wrapped

    return decorator


def _body(request: HttpRequest) -> bytes:
    too_big = FhirError(
        413, f"The body is larger than {settings.FHIR_MAX_BODY_BYTES} bytes", code="too-costly"
    )
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > settings.FHIR_MAX_BODY_BYTES:
        raise too_big
    try:
        body = request.body
    except RequestDataTooBig as exc:
        raise too_big from exc
    if len(body) > settings.FHIR_MAX_BODY_BYTES:
        raise too_big
    return body


def _version_for(number: int) -> PolicyVersion | None:
    """Only the version in effect today: a superseded or scheduled version's questions would
    give an answer the web form would not."""
    current = policy_version_in_effect()
    if current is None or current.number != number:
        return None
    return current


def _clause_url(request: HttpRequest, version: PolicyVersion) -> Callable[[str], str]:
    return lambda clause: request.build_absolute_uri(clause_href(version.number, clause))


@fhir_endpoint("GET")
def questionnaire_search(request: HttpRequest) -> HttpResponse:
    """Bundle of every published version; ?url= and ?version= narrow it."""
    versions = PolicyVersion.objects.none()
    url = request.GET.get("url")
    wanted = request.GET.get("version")
    if url in (None, questionnaire_url()):
        versions = policy_version_published_list_or_none()
        if wanted is not None:
            versions = versions.filter(number=int(wanted)) if wanted.isdigit() else []
    entries = [
        {
            "fullUrl": request.build_absolute_uri(
                reverse("fhir_api:questionnaire", args=[resource["id"]])
            ),
            "resource": resource,
            "search": {"mode": "match"},
        }
        for resource in (questionnaire_for(v) for v in versions)
    ]
    bundle = {"resourceType": "Bundle", "type": "searchset", "total": len(entries)}
    if entries:
        bundle["entry"] = entries
    return _fhir(Bundle.model_validate(bundle).model_dump(mode="json", exclude_none=True))


def policy_version_published_list_or_none():
    policy = Policy.objects.filter(slug=POLICY_SLUG).first()
    if policy is None:
        return PolicyVersion.objects.none()
    return policy_version_published_list(policy=policy).select_related("policy")


@fhir_endpoint("GET")
def questionnaire_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    prefix = f"{QUESTIONNAIRE_SLUG}-v"
    number = resource_id[len(prefix) :] if resource_id.startswith(prefix) else ""
    version = None
    if number.isdigit() and len(number) < 9:
        version = policy_version_published_list_or_none().filter(number=int(number)).first()
    if version is None:
        raise FhirError(404, f"No Questionnaire {resource_id[:80]!r}", code="not-found")
    return _fhir(questionnaire_for(version))


def _parsed(request: HttpRequest) -> tuple[ApiCaller, ParsedResponse]:
    caller = api_caller(request)
    parsed = response_parse(_body(request), version_for=_version_for)
    if parsed.author_ods and parsed.author_ods != caller.practice.ods_code:
        raise FhirError(
            403,
            f"The response's author is {parsed.author_ods[:10]}, but the token is for "
            f"{caller.practice.ods_code}",
            expression="QuestionnaireResponse.author.identifier",
            code="forbidden",
        )
    return caller, parsed


def _request_identifier(parsed: ParsedResponse) -> tuple[str, str] | None:
    if parsed.identifier_system and parsed.identifier_value:
        return parsed.identifier_system, parsed.identifier_value
    return None


def _decision_guidance(request: HttpRequest, decision: Decision, submission=None) -> dict:
    identifier = None
    if submission is not None and submission.response_system:
        identifier = (submission.response_system, submission.response_identifier)
    return guidance_response_for(
        version=decision.policy_version,
        nhs_number=decision.nhs_number,
        decision={
            "outcome": decision.outcome,
            "findings": decision.findings,
            "advice": decision.advice,
            "engine_version": decision.engine_version,
        },
        clause_url=_clause_url(request, decision.policy_version),
        reference=decision.reference,
        created_at=decision.created_at,
        request_identifier=identifier,
    )


@fhir_endpoint("POST")
def response_submit(request: HttpRequest) -> HttpResponse:
    """Evaluate and record; 201 with the GuidanceResponse, or 200 with the one already made."""
    caller, parsed = _parsed(request)
    decision, created = api_response_record(caller=caller, parsed=parsed)
    submission = ApiSubmission.objects.filter(decision=decision).first()
    location = request.build_absolute_uri(
        reverse("fhir_api:guidance_response", args=[decision.reference])
    )
    return _fhir(
        _decision_guidance(request, decision, submission),
        201 if created else 200,
        {"Location": location},
    )


@fhir_endpoint("POST")
def response_evaluate(request: HttpRequest) -> HttpResponse:
    """The same outcome without recording anything."""
    _, parsed = _parsed(request)
    result = engine.evaluate(
        policy_rules(parsed.version), engine.parse_answers(parsed.answers)
    ).to_dict()
    return _fhir(
        guidance_response_for(
            version=parsed.version,
            nhs_number=parsed.nhs_number,
            decision=result,
            clause_url=_clause_url(request, parsed.version),
            request_identifier=_request_identifier(parsed),
        )
    )


@fhir_endpoint("GET")
def guidance_response_read(request: HttpRequest, reference: str) -> HttpResponse:
    """One of the caller's practice's decisions; any other reference is a 404."""
    caller = api_caller(request)
    decision = (
        Decision.objects.filter(reference=reference, practice=caller.practice)
        .select_related("policy_version")
        .first()
    )
    if decision is None:
        raise FhirError(404, f"No GuidanceResponse {reference[:40]!r}", code="not-found")
    submission = ApiSubmission.objects.filter(decision=decision).first()
    return _fhir(_decision_guidance(request, decision, submission))


@fhir_endpoint("GET")
def openapi(request: HttpRequest) -> HttpResponse:
    return JsonResponse(json.loads(OPENAPI_PATH.read_text()))
