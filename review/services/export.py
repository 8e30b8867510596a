"""CSV export of decisions: streamed from a server-side cursor, one flat row per decision.

Memory stays constant whatever the row count: rows come from `.values_list().iterator()` in
chunks and each line is written out as soon as it is made.
"""

import csv
from collections.abc import Iterable, Iterator

from django.db.models import OuterRef, QuerySet, Subquery

from policy.engine import CONDITION_CODES, RED_FLAG_CODES
from review.selectors.review import latest_review
from triage.models import StartBackScore

CHUNK_SIZE = 2000
# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

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


def csv_safe(value: object) -> str:
    """The cell as text, with a leading quote if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


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
        elif field == "created_at":
            cells.append(value.isoformat())
        else:
            cells.append(value)
    return [csv_safe(cell) for cell in cells]


def decision_export_rows(decisions: QuerySet) -> Iterator[list[str]]:
    """The header, then one row per decision in the queryset's order, streamed."""
    yield list(EXPORT_HEADER)
    if "latest_verdict" not in decisions.query.annotations:
        decisions = decisions.annotate(latest_verdict=latest_review("verdict"))
    decisions = decisions.annotate(
        **{f"startback_{column}": _latest_startback(column) for column in STARTBACK_COLUMNS}
    )
    rows = decisions.values_list(*(field for field, _ in _COLUMNS)).iterator(chunk_size=CHUNK_SIZE)
    for row in rows:
        yield _cells(row)


def _latest_startback(column: str) -> Subquery:
    scores = StartBackScore.objects.filter(decision=OuterRef("pk")).order_by("-sequence")
    return Subquery(scores.values(column)[:1])


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow(row)
