"""Policy versions as FHIR R4 Questionnaires, QuestionnaireResponses as engine answers, and
decisions as GuidanceResponses. Every resource in and out is validated with fhir.resources.

The R4B models are used: fhir.resources ships no plain R4 package, and Questionnaire,
QuestionnaireResponse, GuidanceResponse, Parameters and OperationOutcome are the same in R4B.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.conf import settings
from fhir.resources.R4B.guidanceresponse import GuidanceResponse
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from fhir_api.errors import FhirError, pydantic_expression
from policy import engine
from policy.engine import OUTCOME_LABELS
from policy.models import PolicyVersion
from policy.services import QUESTION_KEYS
from triage.nhs_number import NhsNumberError, nhs_number_normalise

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
QUESTIONNAIRE_SLUG = "lumbar-spinal-fusion"
CODED_ITEMS = {"red_flags": "red-flag", "conditions": "condition", "pain_location": "pain-location"}
REPEATING = {"red_flags", "conditions"}
BOOLEAN_ITEMS = {"decompression_planned", "decompression_destabilising"}
# A red flag ends the questionnaire (the GP journey asks nothing else), as enableWhen.
AFTER_RED_FLAGS = {"pain_location", "conditions", "decompression_planned"}


def questionnaire_url() -> str:
    return f"{settings.FHIR_CANONICAL_BASE}/Questionnaire/{QUESTIONNAIRE_SLUG}"


def code_system(item: str) -> str:
    return f"{settings.FHIR_CANONICAL_BASE}/CodeSystem/{CODED_ITEMS[item]}"


def questionnaire_id(version: PolicyVersion) -> str:
    return f"{QUESTIONNAIRE_SLUG}-v{version.number}"


def _options(version: PolicyVersion, key: str) -> list[tuple[str, str]]:
    """(code, the version's wording) for each answer option, in the engine's order."""
    if key == "pain_location":
        wording = version.questions[key].get("options", {})
        return [(code, wording.get(code, {}).get("label", code)) for code in engine.PAIN_LOCATIONS]
    labels = {c["code"]: c["label"] for c in version.rules["criteria"]}
    codes = engine.RED_FLAG_CODES if key == "red_flags" else engine.CONDITION_CODES
    return [(code, labels.get(code, code)) for code in codes]


def questionnaire_for(version: PolicyVersion) -> dict:
    """One published policy version as a Questionnaire in its own wording."""
    items = []
    for key in QUESTION_KEYS:
        wording = version.questions[key]
        item: dict = {
            "linkId": key,
            "text": wording["legend"],
            "type": "boolean" if key in BOOLEAN_ITEMS else "choice",
            "required": key not in REPEATING,
        }
        if key in REPEATING:
            item["repeats"] = True
        if key in CODED_ITEMS:
            item["answerOption"] = [
                {"valueCoding": {"system": code_system(key), "code": code, "display": label}}
                for code, label in _options(version, key)
            ]
        if key in AFTER_RED_FLAGS:
            item["enableWhen"] = [
                {"question": "red_flags", "operator": "exists", "answerBoolean": False}
            ]
        if key == "decompression_destabilising":
            item["enableWhen"] = [
                {"question": "decompression_planned", "operator": "=", "answerBoolean": True}
            ]
        if wording.get("hint"):
            item["item"] = [{"linkId": f"{key}.hint", "type": "display", "text": wording["hint"]}]
        items.append(item)
    body = {
        "resourceType": "Questionnaire",
        "id": questionnaire_id(version),
        "url": questionnaire_url(),
        "version": str(version.number),
        "name": "LumbarSpinalFusionTriage",
        "title": f"{version.policy.title} (version {version.number})",
        "status": "active",
        "date": version.published_at.isoformat(),
        "publisher": "NHS Derby and Derbyshire Integrated Care Board",
        "effectivePeriod": {"start": version.effective_from.isoformat()},
        "subjectType": ["Patient"],
        "item": items,
    }
    return Questionnaire.model_validate(body).model_dump(mode="json", exclude_none=True)


@dataclass(frozen=True)
class ParsedResponse:
    """What a QuestionnaireResponse says, checked: which version, which patient, the answers."""

    version: PolicyVersion
    nhs_number: str
    answers: dict
    identifier_system: str
    identifier_value: str
    author_ods: str | None


def response_parse(
    raw: bytes, *, version_for: Callable[[int], PolicyVersion | None]
) -> ParsedResponse:
    """Parse and check a posted QuestionnaireResponse, or raise FhirError naming the element."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FhirError(400, f"The body is not valid JSON: {exc}", code="structure") from exc
    if not isinstance(data, dict):
        raise FhirError(400, "The body must be a JSON object (a FHIR resource)", code="structure")
    if data.get("resourceType") != "QuestionnaireResponse":
        raise FhirError(
            400,
            f"Expected a QuestionnaireResponse, got {str(data.get('resourceType'))[:60]!r}",
            expression="resourceType",
            code="structure",
        )
    try:
        resource = QuestionnaireResponse.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise FhirError(
            400,
            f"Not a valid FHIR R4 QuestionnaireResponse: {first['msg']}",
            expression=pydantic_expression("QuestionnaireResponse", first["loc"]),
            code="structure",
        ) from exc
    if resource.status != "completed":
        raise FhirError(
            422,
            f"status must be 'completed', not {str(resource.status)!r}",
            expression="QuestionnaireResponse.status",
        )
    version = _version(resource, version_for)
    nhs_number = _nhs_number(resource)
    answers = _answers(resource)
    identifier = resource.identifier
    author_ods = None
    author = resource.author
    identifier_of_author = author.identifier if author is not None else None
    if (
        identifier_of_author is not None
        and identifier_of_author.system == ODS_SYSTEM
        and identifier_of_author.value
    ):
        author_ods = identifier_of_author.value.upper()
    return ParsedResponse(
        version=version,
        nhs_number=nhs_number,
        answers=answers,
        identifier_system=(identifier.system or "") if identifier else "",
        identifier_value=(identifier.value or "") if identifier else "",
        author_ods=author_ods,
    )


def _version(
    resource: QuestionnaireResponse, version_for: Callable[[int], PolicyVersion | None]
) -> PolicyVersion:
    expression = "QuestionnaireResponse.questionnaire"
    canonical = resource.questionnaire or ""
    url, _, number = canonical.partition("|")
    if url != questionnaire_url():
        raise FhirError(
            422, f"questionnaire must be {questionnaire_url()}|<version>", expression=expression
        )
    version = version_for(int(number)) if number.isdigit() and len(number) < 9 else None
    if version is None:
        raise FhirError(
            422,
            f"Questionnaire version {number[:20]!r} is not a published version of this policy",
            expression=expression,
            code="not-found",
        )
    return version


def _nhs_number(resource: QuestionnaireResponse) -> str:
    """The patient's NHS number: subject.identifier, or a contained Patient's identifier."""
    subject = resource.subject
    if subject is None:
        raise FhirError(
            422,
            "subject is required: the patient, identified by NHS number",
            expression="QuestionnaireResponse.subject",
            code="required",
        )
    identifiers = []
    expression = "QuestionnaireResponse.subject.identifier"
    if subject.identifier is not None:
        identifiers = [subject.identifier]
    elif subject.reference and subject.reference.startswith("#"):
        for i, contained in enumerate(resource.contained or []):
            if contained.get_resource_type() == "Patient" and contained.id == subject.reference[1:]:
                identifiers = list(contained.identifier or [])
                expression = f"QuestionnaireResponse.contained[{i}].identifier"
    numbers = [i.value for i in identifiers if i.system == NHS_NUMBER_SYSTEM]
    if len(numbers) != 1:
        raise FhirError(
            422,
            f"The patient must have exactly one identifier with system {NHS_NUMBER_SYSTEM}",
            expression=expression,
            code="required",
        )
    try:
        return nhs_number_normalise(numbers[0] or "")
    except NhsNumberError as exc:
        raise FhirError(422, str(exc), expression=f"{expression}.value", code="value") from exc


def _answers(resource: QuestionnaireResponse) -> dict:
    """The answers contract's dict, built from the items and checked by the engine."""
    positions: dict[str, int] = {}
    values: dict[str, object] = {}
    for i, item in enumerate(resource.item or []):
        where = f"QuestionnaireResponse.item[{i}]"
        if item.linkId not in QUESTION_KEYS:
            raise FhirError(
                422,
                f"Unknown question {item.linkId[:60]!r} (expected: {', '.join(QUESTION_KEYS)})",
                expression=f"{where}.linkId",
            )
        if item.linkId in positions:
            raise FhirError(422, f"{item.linkId} is answered twice", expression=f"{where}.linkId")
        if item.item:
            raise FhirError(422, "These questions have no nested items", expression=f"{where}.item")
        positions[item.linkId] = i
        values[item.linkId] = _item_value(item, where)
    answers = {
        "pain_location": values.get("pain_location"),
        "red_flags": values.get("red_flags", []),
        "conditions": values.get("conditions", []),
        "decompression_planned": values.get("decompression_planned"),
        "decompression_destabilising": values.get("decompression_destabilising"),
    }
    try:
        return engine.parse_answers(answers).to_dict()
    except engine.AnswersError as exc:
        at = positions.get(exc.field)
        expression = (
            f"QuestionnaireResponse.item[{at}]" if at is not None else "QuestionnaireResponse.item"
        )
        raise FhirError(422, f"{exc.field}: {exc.message}", expression=expression) from exc


def _item_value(item, where: str) -> object:
    key = item.linkId
    answers = item.answer or []
    if key not in REPEATING and len(answers) > 1:
        raise FhirError(422, f"{key} takes one answer", expression=f"{where}.answer")
    values = []
    for j, answer in enumerate(answers):
        at = f"{where}.answer[{j}]"
        if answer.item:
            raise FhirError(422, "Answers have no nested items", expression=f"{at}.item")
        if key in BOOLEAN_ITEMS:
            if answer.valueBoolean is None:
                raise FhirError(422, f"{key} is answered with valueBoolean", expression=at)
            values.append(answer.valueBoolean)
            continue
        coding = answer.valueCoding
        if coding is None or not coding.code:
            raise FhirError(422, f"{key} is answered with valueCoding", expression=at)
        if coding.system not in (None, code_system(key)):
            raise FhirError(
                422,
                f"{key} codes come from {code_system(key)}",
                expression=f"{at}.valueCoding.system",
            )
        values.append(coding.code)
    if key in REPEATING:
        return values
    return values[0] if values else None


def guidance_response_for(
    *,
    version: PolicyVersion,
    nhs_number: str,
    decision: Mapping,
    clause_url: Callable[[str], str],
    reference: str | None = None,
    created_at=None,
    request_identifier: tuple[str, str] | None = None,
) -> dict:
    """The engine's decision as a GuidanceResponse; the outcome, findings (each citing its clause
    URL) and advice are in a contained Parameters resource named by outputParameters."""
    outcome = decision["outcome"]
    parameters = [
        {
            "name": "outcome",
            "valueCoding": {
                "system": f"{settings.FHIR_CANONICAL_BASE}/CodeSystem/outcome",
                "code": outcome,
                "display": OUTCOME_LABELS[outcome],
            },
        },
        {"name": "policyVersion", "valueString": str(version.number)},
        {"name": "policyHash", "valueString": version.content_hash},
        {"name": "engineVersion", "valueString": decision["engine_version"]},
    ]
    for kind in ("findings", "advice"):
        for entry in decision[kind]:
            parts = [
                {"name": "code", "valueCode": entry["code"]},
                {"name": "clause", "valueUri": clause_url(entry["clause"])},
                {"name": "text", "valueString": entry["text"]},
            ]
            if kind == "findings":
                parts.append({"name": "decisive", "valueBoolean": bool(entry["decisive"])})
            parameters.append(
                {"name": "finding" if kind == "findings" else "advice", "part": parts}
            )
    body: dict = {
        "resourceType": "GuidanceResponse",
        "contained": [{"resourceType": "Parameters", "id": "result", "parameter": parameters}],
        "moduleUri": f"{questionnaire_url()}|{version.number}",
        "status": "success",
        "subject": {"identifier": {"system": NHS_NUMBER_SYSTEM, "value": nhs_number}},
        "outputParameters": {"reference": "#result"},
        "reasonCode": [
            {
                "coding": [
                    {
                        "system": f"{settings.FHIR_CANONICAL_BASE}/CodeSystem/outcome",
                        "code": outcome,
                        "display": OUTCOME_LABELS[outcome],
                    }
                ],
                "text": OUTCOME_LABELS[outcome],
            }
        ],
    }
    if request_identifier:
        body["requestIdentifier"] = {
            "system": request_identifier[0],
            "value": request_identifier[1],
        }
    if reference:
        body["id"] = reference
        body["identifier"] = [
            {"system": f"{settings.FHIR_CANONICAL_BASE}/decision-reference", "value": reference}
        ]
    if created_at:
        body["occurrenceDateTime"] = created_at.isoformat()
    return GuidanceResponse.model_validate(body).model_dump(mode="json", exclude_none=True)
