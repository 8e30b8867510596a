"""FHIR OperationOutcome errors: every refusal names the element at fault."""

from collections.abc import Iterable

from fhir.resources.R4B.operationoutcome import OperationOutcome


class FhirError(Exception):
    """A request the API refuses; becomes an OperationOutcome with `status`."""

    def __init__(
        self, status: int, diagnostics: str, *, expression: str | None = None, code: str = "invalid"
    ) -> None:
        super().__init__(diagnostics)
        self.status = status
        self.diagnostics = diagnostics
        self.expression = expression
        self.code = code


def operation_outcome(issues: Iterable[FhirError]) -> dict:
    body = {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": issue.code,
                "diagnostics": issue.diagnostics,
                **({"expression": [issue.expression]} if issue.expression else {}),
            }
            for issue in issues
        ],
    }
    return OperationOutcome.model_validate(body).model_dump(mode="json", exclude_none=True)


def pydantic_expression(resource_type: str, loc: tuple) -> str:
    """A pydantic error location as a FHIRPath, e.g. QuestionnaireResponse.item[0].answer[1]."""
    path = resource_type
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path
