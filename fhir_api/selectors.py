"""Reads for other apps: which decisions came through the API, and from which client."""

import functools
from collections.abc import Iterable

from django.db.models.expressions import RawSQL

from core import rows
from fhir_api.models import ApiSubmission


def api_submission_for_decisions(decision_ids: Iterable[int]) -> dict[int, ApiSubmission]:
    """{decision id: its ApiSubmission} for those of `decision_ids` made through the API,
    in one query."""
    return {
        s.decision_id: s for s in ApiSubmission.objects.filter(decision_id__in=list(decision_ids))
    }


def api_client_names_for_decisions(decision_ids: Iterable[int]) -> dict[int, str]:
    """{decision id: the API client's name} for those of `decision_ids` made through the API,
    in one query compiled once (core.rows.Compiled): the reviewer's list asks on every page,
    and the decision page for its decision."""
    ids = list(decision_ids)
    if not ids:
        return {}
    return dict(_client_names_among().rows(ids=ids))


_IDS: list[int] = []  # placeholder for the ids, by identity (core.rows.Compiled)


@functools.cache
def _client_names_among() -> rows.Compiled:
    among = RawSQL("SELECT unnest(%s::bigint[])", (_IDS,))  # noqa: S611 (no value is spliced)
    query = ApiSubmission.objects.filter(decision_id__in=among).values_list(
        "decision_id", "client_name"
    )
    return rows.Compiled(query.order_by(), ids=_IDS)
