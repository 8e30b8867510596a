"""The rows of the GP start page's table of decisions, written in Python.

Through Django's template engine each row cost about 0.1 ms (five cells of text, each value
looked up through the engine's generic resolution and its filters): 20 rows were a third of the
start page's CPU (issue #15, round 6). The markup is the NHS.UK responsive table's, exactly as
templates/triage/start.html wrote it; tests/triage/test_decision_rows.py compares the two
byte for byte. Every value is escaped as Django's `escape` does (`html.escape`, which Django
calls), without `format_html`'s per-argument checks for lazy strings: 20 rows cost 1 ms that way.
Another app's tag is text (triage.notices.DecisionTag), escaped like everything else: nothing
here writes markup it was given.
"""

from collections.abc import Mapping, Sequence
from html import escape

from django.utils.safestring import SafeString
from django.utils.timezone import localtime

from nhsuk.date_text import date_text
from policy.engine import OUTCOME_LABELS
from triage.models import Decision
from triage.nhs_number import nhs_number_format
from triage.notices import DecisionTag

CELL = (
    '<td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading" '
    'aria-hidden="true">{} </span>'
)
ROW = (
    '\n    <tr class="nhsuk-table__row">\n'
    f"      {CELL.format('Reference')}" '<a href="{}">{}</a>{}</td>\n'
    f"      {CELL.format('Date')}" "{}</td>\n"
    f"      {CELL.format('NHS number')}" "{}</td>\n"
    f"      {CELL.format('Outcome')}" "{}</td>\n"
    f"      {CELL.format('Clinician')}" "{}</td>\n"
    "    </tr>\n    "
)  # fmt: skip
TAG = ' <a class="nhsuk-tag nhsuk-tag--yellow app-tag-link" href="{}">{}</a>'
ENTERED_IN_ERROR = (
    '<strong class="nhsuk-tag nhsuk-tag--red">Entered in error</strong> <del>{}</del>'
)


def decision_rows(
    decisions: Sequence[Decision], tags: Mapping[int, Sequence[DecisionTag]]
) -> SafeString:
    """One `<tr>` per decision (each with `url`, from triage.presentation.decisions_linked),
    with other apps' tags (triage.notices) after its reference."""
    return SafeString("".join(_row(decision, tags.get(decision.pk, ())) for decision in decisions))


def _row(decision: Decision, tags: Sequence[DecisionTag]) -> str:
    outcome = escape(OUTCOME_LABELS.get(decision.outcome, decision.outcome))
    clinician = decision.clinician
    return ROW.format(
        escape(decision.url),
        escape(decision.reference),
        "".join(TAG.format(escape(tag.url), escape(tag.text)) for tag in tags),
        escape(date_text(localtime(decision.created_at), "j M Y, H:i")),
        escape(nhs_number_format(decision.nhs_number)) if decision.nhs_number else "",
        ENTERED_IN_ERROR.format(outcome) if decision.marked_entered_in_error else outcome,
        escape(clinician.get_full_name() or clinician.username),
    )
