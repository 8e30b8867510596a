"""Reads for other apps: which decisions came through the API, and from which client."""

from collections.abc import Iterable

from fhir_api.models import ApiSubmission


def api_submission_for_decisions(decision_ids: Iterable[int]) -> dict[int, ApiSubmission]:
    """{decision id: its ApiSubmission} for those of `decision_ids` made through the API,
    in one query (for the reviewer's list: show "via API" and the client's name)."""
    return {
        s.decision_id: s for s in ApiSubmission.objects.filter(decision_id__in=list(decision_ids))
    }


def api_submission_for_decision(decision_id: int) -> ApiSubmission | None:
    """The ApiSubmission of one decision, or None when a GP made it through the web form."""
    return ApiSubmission.objects.filter(decision_id=decision_id).first()
