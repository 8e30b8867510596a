"""The dashboards' tables, rates and charts, folded from the selectors' few aggregate rows.

Small-number suppression happens here and only here (`suppress_count`, `rate`): a count from 1
to 4 is shown as "<5", and a rate worked out from such a count as "[c]", as NHS statistics do.
The page, its charts and the CSV downloads all show these same cells.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from django.utils import timezone

from core.charts import RateChart, StackedBarChart, rate_chart, series_list, stacked_bar_chart
from policy.engine import OUTCOME_CHOICES
from review.periods import Period
from review.selectors.dashboard import (
    clinician_names,
    decision_counts,
    entered_in_error_count,
    policy_version_numbers,
    practice_names,
    review_counts,
)

SUPPRESSION_THRESHOLD = 5
SUPPRESSED_COUNT = "<5"
SUPPRESSED_RATE = "[c]"  # the Government Statistical Service's shorthand for "confidential"
NO_RATE = "–"  # nothing to divide by

OUTCOME_SERIES = series_list(OUTCOME_CHOICES)


def _suppressed(n: int) -> bool:
    return 0 < n < SUPPRESSION_THRESHOLD


def suppress_count(n: int) -> str:
    """A count as shown anywhere on a dashboard: "<5" from 1 to 4, else the number (0 is 0)."""
    return SUPPRESSED_COUNT if _suppressed(n) else f"{n:,}"


def rate(part: int, whole: int) -> str:
    """part/whole as a percentage to one decimal place; "[c]" when either count is suppressed
    (a rate would give the small number away), "–" when there is nothing to divide by."""
    if whole == 0:
        return NO_RATE
    if _suppressed(part) or _suppressed(whole):
        return SUPPRESSED_RATE
    return f"{100 * part / whole:.1f}%"


def rate_value(part: int, whole: int) -> float | None:
    """The same rate as a number for a chart's bar, None when `rate` would not show it."""
    if whole == 0 or _suppressed(part) or _suppressed(whole):
        return None
    return round(100 * part / whole, 1)


@dataclass(frozen=True)
class DataTable:
    """One table of figures: shown on the page (one partial) and downloadable as CSV."""

    slug: str
    caption: str
    columns: tuple[str, ...]  # the first heads the row headers
    rows: tuple[tuple[str, ...], ...]  # each starts with its row header
    total: tuple[str, ...] | None = None
    heading: str = ""
    intro: str = ""

    def csv_rows(self) -> Iterator[list[str]]:
        yield list(self.columns)
        for row in self.rows:
            yield list(row)
        if self.total:
            yield list(self.total)


@dataclass(frozen=True)
class Dashboard:
    period: Period
    as_at: datetime.datetime
    decisions: str
    reviewed: str
    reviewed_rate: str
    agreed: str
    agreement_rate: str
    entered_in_error: int
    entered_in_error_shown: str
    monthly_chart: StackedBarChart
    agreement_chart: RateChart
    tables: tuple[DataTable, ...]

    def table(self, slug: str) -> DataTable | None:
        return next((t for t in self.tables if t.slug == slug), None)


@dataclass
class _Tally:
    decisions: int = 0
    reviewed: int = 0
    agreed: int = 0

    def cells(self, total_decisions: int) -> tuple[str, ...]:
        return (
            suppress_count(self.decisions),
            rate(self.decisions, total_decisions),
            suppress_count(self.reviewed),
            suppress_count(self.agreed),
            rate(self.agreed, self.reviewed),
        )


TALLY_COLUMNS = ("Decisions", "Share of decisions", "Reviewed", "Agreed", "Agreement rate")


def _tallies(counts: Iterable[dict], reviews: Iterable[dict], key: str) -> dict:
    tallies: dict = defaultdict(_Tally)
    for row in counts:
        tallies[row[key]].decisions += row["n"]
    for row in reviews:
        tallies[row[key]].reviewed += row["reviewed"]
        tallies[row[key]].agreed += row["agreed"]
    return tallies


def _monthly(period: Period, counts: list[dict]) -> tuple[StackedBarChart, DataTable]:
    values: dict[tuple, int] = defaultdict(int)
    for row in counts:
        values[(row["month"].isoformat(), row["outcome"])] += row["n"]
    months = period.months
    categories = [
        (m.isoformat(), (f"{m:%b}", f"{m:%Y}" if m.month == 1 or i == 0 else ""))
        for i, m in enumerate(months)
    ]
    chart = stacked_bar_chart(
        chart_id="chart-monthly",
        title=f"Decisions per month by outcome, {period.label}",
        desc="Stacked bars, one per month, with the month's total above each; each outcome "
        "has its own pattern and colour, as in the key. The table below gives the figures.",
        categories=categories,
        series=OUTCOME_SERIES,
        values=values,
        label=suppress_count,
    )
    rows = []
    for m in months:
        counts_in_month = [values.get((m.isoformat(), s.key), 0) for s in OUTCOME_SERIES]
        rows.append(
            (
                f"{m:%B %Y}",
                *map(suppress_count, counts_in_month),
                suppress_count(sum(counts_in_month)),
            )
        )
    by_outcome = [
        sum(values.get((m.isoformat(), s.key), 0) for m in months) for s in OUTCOME_SERIES
    ]
    table = DataTable(
        slug="monthly",
        heading="Decisions per month",
        intro="How many decisions were made each month, by outcome.",
        caption=f"Decisions per month by outcome, {period.label}",
        columns=("Month", *(s.label for s in OUTCOME_SERIES), "Total"),
        rows=tuple(rows),
        total=("All months", *map(suppress_count, by_outcome), suppress_count(sum(by_outcome))),
    )
    return chart, table


def _outcomes(period: Period, counts, reviews, total: int) -> tuple[RateChart, DataTable]:
    tallies = _tallies(counts, reviews, "outcome")
    rows = [(label, *tallies[value].cells(total)) for value, label in OUTCOME_CHOICES]
    chart = rate_chart(
        chart_id="chart-agreement",
        title=f"Agreement rate by outcome, decisions made in {period.label}",
        desc="One bar per outcome: the share of reviewed decisions whose latest verdict is "
        "agree, with the figure written beside it. The table below gives the figures.",
        rows=[
            (
                label,
                rate_value(tallies[value].agreed, tallies[value].reviewed),
                _rate_detail(tallies[value]),
            )
            for value, label in OUTCOME_CHOICES
        ],
    )
    table = DataTable(
        slug="outcomes",
        heading="Outcomes and agreement",
        intro="For each outcome: how many decisions gave it, their share of all decisions, how "
        "many a reviewer has reviewed, and how often the latest verdict agrees with the decision.",
        caption=f"Decisions and agreement by outcome, {period.label}",
        columns=("Outcome", *TALLY_COLUMNS),
        rows=tuple(rows),
        total=("All outcomes", *_sum(tallies.values()).cells(total)),
    )
    return chart, table


def _rate_detail(tally: _Tally) -> str:
    if tally.reviewed == 0:
        return "Not reviewed yet"
    shown = rate(tally.agreed, tally.reviewed)
    if shown == SUPPRESSED_RATE:
        reviewed, agreed = suppress_count(tally.reviewed), suppress_count(tally.agreed)
        return f"Not shown: {reviewed} reviewed, {agreed} agreed"
    return f"{shown} of {suppress_count(tally.reviewed)} reviewed"


def _sum(tallies: Iterable[_Tally]) -> _Tally:
    total = _Tally()
    for t in tallies:
        total.decisions += t.decisions
        total.reviewed += t.reviewed
        total.agreed += t.agreed
    return total


def _by(
    key: str,
    *,
    slug: str,
    heading: str,
    intro: str,
    caption: str,
    column: str,
    names: Mapping,
    counts,
    reviews,
    total: int,
    sort_key=None,
) -> DataTable:
    """A tally table by `key`: most decisions first (then by name), or in `sort_key` order."""
    tallies = _tallies(counts, reviews, key)
    keys = sorted(
        tallies, key=sort_key or (lambda k: (-tallies[k].decisions, str(names.get(k, ""))))
    )
    return DataTable(
        slug=slug,
        heading=heading,
        intro=intro,
        caption=caption,
        columns=(column, *TALLY_COLUMNS),
        rows=tuple((str(names.get(k, "Unknown")), *tallies[k].cells(total)) for k in keys),
    )


def dashboard_present(
    *,
    period: Period,
    as_at: datetime.datetime,
    counts: list[dict],
    reviews: list[dict],
    entered_in_error: int,
    practices: Mapping[int, str] | None,
    versions: Mapping[int, int],
    clinicians: Mapping[int, str] | None,
) -> Dashboard:
    """Every table and chart of one dashboard. `practices` (the ICB-wide page) and `clinicians`
    (a practice's own page) each add their table when given."""
    total = sum(row["n"] for row in counts)
    monthly_chart, monthly = _monthly(period, counts)
    agreement_chart, outcomes = _outcomes(period, counts, reviews, total)
    tables = [monthly, outcomes]
    if practices is not None:
        tables.append(
            _by(
                "practice_id",
                slug="practices",
                heading="Practices",
                intro="Each practice with decisions in the period, the practice with most "
                "decisions first.",
                caption=f"Decisions and agreement by practice, most first, {period.label}",
                column="Practice",
                names=practices,
                counts=counts,
                reviews=reviews,
                total=total,
            )
        )
    if clinicians is not None:
        tables.append(
            _by(
                "clinician_id",
                slug="clinicians",
                heading="Clinicians at this practice",
                intro="Each of the practice's clinicians with decisions in the period, most "
                "decisions first. Only the practice's own GPs see this table.",
                caption=f"Decisions and agreement by clinician at this practice, {period.label}",
                column="Clinician",
                names=clinicians,
                counts=counts,
                reviews=reviews,
                total=total,
            )
        )
    tables.append(
        _by(
            "policy_version_id",
            slug="versions",
            heading="Policy versions",
            intro="Decisions under each version of the policy, and how often reviewers agreed.",
            caption=f"Decisions and agreement by policy version, {period.label}",
            column="Policy version",
            names={pk: f"Version {number}" for pk, number in versions.items()},
            counts=counts,
            reviews=reviews,
            total=total,
            sort_key=lambda pk: versions.get(pk, 0),
        )
    )
    overall = _sum(_tallies(counts, reviews, "outcome").values())
    return Dashboard(
        period=period,
        as_at=as_at,
        decisions=suppress_count(total),
        reviewed=suppress_count(overall.reviewed),
        reviewed_rate=rate(overall.reviewed, total),
        agreed=suppress_count(overall.agreed),
        agreement_rate=rate(overall.agreed, overall.reviewed),
        entered_in_error=entered_in_error,
        entered_in_error_shown=suppress_count(entered_in_error),
        monthly_chart=monthly_chart,
        agreement_chart=agreement_chart,
        tables=tuple(tables),
    )


def dashboard_for(*, period: Period, practice=None, now: datetime.datetime | None = None):
    """The ICB-wide dashboard, or with `practice` that practice's own (split by clinician)."""
    span = {"first": period.first, "last": period.last, "practice": practice}
    counts = decision_counts(**span)
    return dashboard_present(
        period=period,
        as_at=timezone.localtime(now),
        counts=counts,
        reviews=review_counts(**span),
        entered_in_error=entered_in_error_count(**span),
        practices=None if practice else practice_names(r["practice_id"] for r in counts),
        versions=policy_version_numbers(r["policy_version_id"] for r in counts),
        clinicians=clinician_names(r["clinician_id"] for r in counts) if practice else None,
    )
