"""CSV export of decisions: streamed from a server-side cursor, one flat row per decision.

Memory stays constant whatever the row count: rows come from `.values_list().iterator()` in
chunks and each line is written out as soon as it is made.
"""

from collections.abc import Iterator

from django.db.models import OuterRef, QuerySet, Subquery

from core.csv_cells import csv_safe
from policy.engine import CONDITION_CODES, RED_FLAG_CODES
from review.selectors.review import decision_replaced_by, latest_review
from triage.models import StartBackScore

CHUNK_SIZE = 2000

_COLUMNS = (
    ("reference", "reference"),
    ("created_at", "created_at"),
    ("nhs_number", "nhs_number"),
    ("practice__ods_code", "practice_ods_code"),
    ("practice__name", "practice_name"),
    ("clinician__username", "clinician_username"),
    ("policy_version__number", "policy_version"),
    ("policy_hash", "policy_hash"),
    ("engine_version", "engine_version"),
    ("outcome", "outcome"),
    ("findings", "decisive_findings"),
    ("latest_verdict", "latest_verdict"),
    ("answers", None),
    ("startback_risk", "startback_risk"),
    ("startback_total", "startback_total"),
    ("startback_psychosocial", "startback_psychosocial"),
    ("content_hash", "content_hash"),
    ("correction__created_at", "entered_in_error_at"),
    ("correction__corrected_by__username", "entered_in_error_by"),
    ("correction__reason", "entered_in_error_reason"),
    ("replaced_by", "replaced_by"),
)
# The latest STarT Back score appended to each decision (blank when none was added).
STARTBACK_COLUMNS = ("risk", "total", "psychosocial")
ANSWER_COLUMNS = (
    "pain_location",
    *(f"red_flag_{code}" for code in RED_FLAG_CODES),
    *(f"condition_{code}" for code in CONDITION_CODES),
    "decompression_planned",
    "decompression_destabilising",
)
EXPORT_HEADER = tuple(
    column for _, name in _COLUMNS for column in ((name,) if name else ANSWER_COLUMNS)
)


def _flag(value: bool | str | None) -> str:
    if isinstance(value, str):
        return value  # "unknown": the exposure not yet judged by the operating surgeon
    return "" if value is None else str(int(value))


def _answer_cells(answers: dict) -> list[str]:
    flags, conditions = set(answers.get("red_flags") or ()), set(answers.get("conditions") or ())
    return [
        answers.get("pain_location") or "",
        *("1" if code in flags else "0" for code in RED_FLAG_CODES),
        *("1" if code in conditions else "0" for code in CONDITION_CODES),
        _flag(answers.get("decompression_planned")),
        _flag(answers.get("decompression_destabilising")),
    ]


def _cells(row: tuple) -> list[str]:
    cells: list[object] = []
    for (field, _), value in zip(_COLUMNS, row, strict=True):
        if field == "answers":
            cells.extend(_answer_cells(value))
        elif field == "findings":
            cells.append(";".join(f["code"] for f in value if f.get("decisive")))
        elif field in ("created_at", "correction__created_at"):
            cells.append(value.isoformat() if value else "")
        else:
            cells.append(value)
    return [csv_safe(cell) for cell in cells]


def decision_export_rows(decisions: QuerySet) -> Iterator[list[str]]:
    """The header, then one row per decision in the queryset's order, streamed."""
    yield list(EXPORT_HEADER)
    if "latest_verdict" not in decisions.query.annotations:
        decisions = decisions.annotate(latest_verdict=latest_review("verdict"))
    if "replaced_by" not in decisions.query.annotations:
        decisions = decisions.annotate(replaced_by=decision_replaced_by())
    decisions = decisions.annotate(
        **{f"startback_{column}": _latest_startback(column) for column in STARTBACK_COLUMNS}
    )
    rows = decisions.values_list(*(field for field, _ in _COLUMNS)).iterator(chunk_size=CHUNK_SIZE)
    for row in rows:
        yield _cells(row)


def _latest_startback(column: str) -> Subquery:
    scores = StartBackScore.objects.filter(decision=OuterRef("pk")).order_by("-sequence")
    return Subquery(scores.values(column)[:1])
