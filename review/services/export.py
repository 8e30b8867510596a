"""CSV export of decisions: streamed from a server-side cursor, one flat row per decision.

Memory stays constant whatever the row count: rows come from `.values_list().iterator()` in
chunks (one query per chunk: the latest review and STarT Back score are correlated subqueries
in that query) and each line is written out as soon as it is made.

Made for spreadsheets: outcomes and verdicts carry their labels beside their codes; times are
local (the zone is named in the column heading); the NHS number is written 3-3-4 ("943 476
5919"), which a spreadsheet keeps as text with its leading zero; and a cell that would run as a
formula is neutralised (core.csv_cells).
"""

import datetime
from collections.abc import Iterator

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from core.csv_cells import csv_safe
from policy.engine import CONDITION_CODES, OUTCOME_CHOICES, RED_FLAG_CODES
from review.models import Review
from review.selectors.review import decision_replaced_by, latest_review
from triage.models import StartBackScore
from triage.nhs_number import nhs_number_format

CHUNK_SIZE = 2000
ZONE = f"({settings.TIME_ZONE})"
OUTCOME_LABELS = dict(OUTCOME_CHOICES)
VERDICT_LABELS = dict(Review.Verdict.choices)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

_COLUMNS = (
    ("reference", "reference"),
    ("created_at", f"created_at {ZONE}"),
    ("nhs_number", "nhs_number"),
    ("practice__ods_code", "practice_ods_code"),
    ("practice__name", "practice_name"),
    ("clinician__username", "clinician_username"),
    ("policy_version__number", "policy_version"),
    ("policy_hash", "policy_hash"),
    ("engine_version", "engine_version"),
    ("outcome", "outcome"),
    ("outcome_label", "outcome_label"),
    ("findings", "decisive_findings"),
    ("latest_verdict", "latest_verdict"),
    ("latest_verdict_label", "latest_verdict_label"),
    ("latest_verdict_reviewer", "latest_verdict_reviewer"),
    ("latest_verdict_reason", "latest_verdict_reason"),
    ("latest_verdict_correct_outcome", "latest_verdict_correct_outcome"),
    ("latest_verdict_at", f"latest_verdict_at {ZONE}"),
    ("answers", None),
    ("startback_risk", "startback_risk"),
    ("startback_total", "startback_total"),
    ("startback_psychosocial", "startback_psychosocial"),
    ("content_hash", "content_hash"),
    ("correction__created_at", f"entered_in_error_at {ZONE}"),
    ("correction__corrected_by__username", "entered_in_error_by"),
    ("correction__reason", "entered_in_error_reason"),
    ("replaced_by", "replaced_by"),
)
# Labels worked out from the codes as each row is written, not read from the database.
_DERIVED = ("outcome_label", "latest_verdict_label")
_QUERIED = tuple(field for field, _ in _COLUMNS if field not in _DERIVED)
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


def _local(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime(TIME_FORMAT) if value else ""


def _cells(row: tuple) -> list[str]:
    cells: list[object] = []
    values = dict(zip(_QUERIED, row, strict=True))
    for field, _ in _COLUMNS:
        value = values.get(field)
        if field == "answers":
            cells.extend(_answer_cells(value))
        elif field == "findings":
            cells.append(";".join(f["code"] for f in value if f.get("decisive")))
        elif field in ("created_at", "correction__created_at", "latest_verdict_at"):
            cells.append(_local(value))
        elif field == "nhs_number":
            cells.append(nhs_number_format(value))
        elif field == "outcome_label":
            cells.append(OUTCOME_LABELS.get(values["outcome"], values["outcome"]))
        elif field == "latest_verdict_label":
            verdict = values["latest_verdict"]
            cells.append(VERDICT_LABELS.get(verdict, verdict) if verdict else "Not reviewed")
        else:
            cells.append(value)
    return [csv_safe(cell) for cell in cells]


def decision_export_rows(decisions: QuerySet) -> Iterator[list[str]]:
    """The header, then one row per decision in the queryset's order, streamed."""
    yield list(EXPORT_HEADER)
    if "latest_verdict" not in decisions.query.annotations:
        decisions = decisions.annotate(latest_verdict=latest_review("verdict"))
    decisions = decisions.annotate(
        latest_verdict_reviewer=latest_review("reviewer__username"),
        latest_verdict_reason=latest_review("reason"),
        latest_verdict_correct_outcome=latest_review("correct_outcome"),
        latest_verdict_at=latest_review("created_at"),
    )
    if "replaced_by" not in decisions.query.annotations:
        decisions = decisions.annotate(replaced_by=decision_replaced_by())
    decisions = decisions.annotate(
        **{f"startback_{column}": _latest_startback(column) for column in STARTBACK_COLUMNS}
    )
    rows = decisions.values_list(*_QUERIED).iterator(chunk_size=CHUNK_SIZE)
    for row in rows:
        yield _cells(row)


def _latest_startback(column: str) -> Subquery:
    scores = StartBackScore.objects.filter(decision=OuterRef("pk")).order_by("-sequence")
    return Subquery(scores.values(column)[:1])
