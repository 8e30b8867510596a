"""Record a decision posted through the API: the same engine and decision chain as the web form,
plus an append-only note of which client sent it."""

import uuid

from django.db import transaction

from fhir_api.auth import ApiCaller
from fhir_api.errors import FhirError
from fhir_api.models import ApiSubmission
from fhir_api.resources import ParsedResponse
from triage.models import Decision
from triage.services.decisions import decision_record

# Fixed namespace: the same client and response identifier always give the same key.
SUBMISSION_NAMESPACE = uuid.UUID("5f0d9a3c-43a1-4b8e-9d0b-7c1f2e6a8b41")


def api_submission_key(*, client_id: str, system: str, value: str) -> uuid.UUID:
    return uuid.uuid5(SUBMISSION_NAMESPACE, f"{client_id}\n{system}\n{value}")


@transaction.atomic
def api_response_record(*, caller: ApiCaller, parsed: ParsedResponse) -> tuple[Decision, bool]:
    """(decision, created). A repeat of the same response identifier from the same client
    returns the decision already recorded and stores nothing."""
    if not parsed.identifier_value:
        raise FhirError(
            422,
            "identifier.value is required, so that a repeated submission records one decision",
            expression="QuestionnaireResponse.identifier",
            code="required",
        )
    if len(parsed.identifier_value) > 500 or len(parsed.identifier_system) > 500:
        raise FhirError(
            422,
            "identifier is too long (500 characters at most)",
            expression="QuestionnaireResponse.identifier",
        )
    key = api_submission_key(
        client_id=caller.client_id,
        system=parsed.identifier_system,
        value=parsed.identifier_value,
    )
    decision, created = decision_record(
        user=caller.user,
        practice=caller.practice,
        nhs_number=parsed.nhs_number,
        answers=parsed.answers,
        submission_key=key,
        version=parsed.version,
    )
    if not created:
        if decision.practice_id != caller.practice.pk:
            raise FhirError(
                409,
                "This response identifier was already used by another practice",
                expression="QuestionnaireResponse.identifier",
                code="duplicate",
            )
        return decision, False
    submission = ApiSubmission(
        decision=decision,
        client_id=caller.client_id,
        client_name=caller.client_name,
        response_system=parsed.identifier_system,
        response_identifier=parsed.identifier_value,
    )
    submission.full_clean(exclude=["decision"], validate_unique=False)
    submission.save(force_insert=True)
    return decision, True
