"""Where a decision came from, for pages that must not import the app that recorded it.

The FHIR API sits above the reviewer's workspace, so review cannot ask it directly which
decisions it made. Instead, an app that records decisions through another channel registers a
source here (in its AppConfig.ready) and review asks this registry (dependency inversion). A
source is an SQL expression, so a list reads each decision's source with its rows.
"""

from collections.abc import Callable

from django.db.models import CharField, Expression, Value
from django.db.models.functions import Coalesce

from triage.models import Decision

DecisionSourceLabel = Callable[[], Expression]

_labels: list[DecisionSourceLabel] = []


def register_decision_source(label: DecisionSourceLabel) -> None:
    """Add `label`: a function returning an expression that gives, on a decision's row
    (OuterRef("pk")), how that decision was made ("via API: <client name>"), or NULL when this
    channel did not make it. Registering the same function twice has no effect."""
    if label not in _labels:
        _labels.append(label)


def decision_source_label() -> Expression:
    """How each decision was made, as an annotation for a decision queryset: the first
    registered source's label that is not NULL, or "" for the web form."""
    blank = Value("", output_field=CharField())
    if not _labels:
        return blank
    return Coalesce(*(label() for label in _labels), blank, output_field=CharField())


def decision_source(decision_id: int) -> str:
    """How one decision was made ("via API: <client name>"), or "" for the web form."""
    found = (
        Decision.objects.filter(pk=decision_id)
        .annotate(source=decision_source_label())
        .values_list("source", flat=True)
    )
    return next(iter(found), "")
