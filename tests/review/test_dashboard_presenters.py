"""The dashboards' presenter: small-number suppression, rates and the tables, without a database."""

import datetime

import pytest

from review.periods import period_month, period_quarter
from review.presenters import (
    NO_RATE,
    SUPPRESSED_COUNT,
    SUPPRESSED_RATE,
    dashboard_present,
    rate,
    suppress_count,
)

MARCH = datetime.date(2026, 3, 1)
AS_AT = datetime.datetime(2026, 3, 20, 9, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("n", "shown"),
    [(0, "0"), (1, "<5"), (4, "<5"), (5, "5"), (1234, "1,234")],
)
def test_counts_from_1_to_4_are_shown_as_less_than_5(n, shown):
    assert suppress_count(n) == shown


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (0, 0, NO_RATE),
        (5, 10, "50.0%"),
        (0, 10, "0.0%"),
        (20, 30, "66.7%"),
        (3, 10, SUPPRESSED_RATE),  # the numerator would be given away
        (4, 4, SUPPRESSED_RATE),  # so would the denominator
        (7, 4, SUPPRESSED_RATE),
    ],
)
def test_rates_from_a_suppressed_count_are_suppressed_too(part, whole, shown):
    assert rate(part, whole) == shown


def _row(practice=1, outcome="not_routinely_commissioned", version=10, clinician=None, n=1,
         month=MARCH):  # fmt: skip
    return {"month": month, "practice_id": practice, "outcome": outcome,
            "policy_version_id": version, "clinician_id": clinician, "n": n}  # fmt: skip


def _review(practice=1, outcome="not_routinely_commissioned", version=10, clinician=None,
            reviewed=0, agreed=0):  # fmt: skip
    return {"practice_id": practice, "outcome": outcome, "policy_version_id": version,
            "clinician_id": clinician, "reviewed": reviewed, "agreed": agreed}  # fmt: skip


def _present(counts, reviews, *, practices=None, clinicians=None, period=None, versions=None):
    return dashboard_present(
        period=period or period_month(MARCH),
        as_at=AS_AT,
        counts=counts,
        reviews=reviews,
        entered_in_error=0,
        practices=practices,
        versions=versions or {10: 1, 11: 2},
        clinicians=clinicians,
    )


def test_practices_are_named_and_sorted_by_volume():
    figures = _present(
        [_row(practice=1, n=6), _row(practice=2, n=40), _row(practice=3, n=2)],
        [_review(practice=2, reviewed=20, agreed=15)],
        practices={1: "Alpha Surgery (C1)", 2: "Zeta Practice (C2)", 3: "Mid Surgery (C3)"},
    )
    table = figures.table("practices")
    assert [row[0] for row in table.rows] == [
        "Zeta Practice (C2)", "Alpha Surgery (C1)", "Mid Surgery (C3)",
    ]  # fmt: skip
    assert table.columns == (
        "Practice", "Decisions", "Share of decisions", "Reviewed", "Agreed", "Agreement rate",
    )  # fmt: skip
    assert table.rows[0] == ("Zeta Practice (C2)", "40", "83.3%", "20", "15", "75.0%")
    assert table.rows[2] == (
        "Mid Surgery (C3)",
        SUPPRESSED_COUNT,
        SUPPRESSED_RATE,
        "0",
        "0",
        NO_RATE,
    )


def test_the_icb_wide_figures_have_no_clinician_table():
    figures = _present([_row(n=9)], [], practices={1: "Alpha (C1)"})
    assert [t.slug for t in figures.tables] == ["monthly", "outcomes", "practices", "versions"]


def test_a_practice_figures_split_by_clinician_and_not_by_practice():
    figures = _present(
        [_row(clinician=7, n=12), _row(clinician=8, n=3)],
        [_review(clinician=7, reviewed=10, agreed=9)],
        clinicians={7: "Dr Ada Lovelace", 8: "Dr Alan Turing"},
    )
    assert [t.slug for t in figures.tables] == ["monthly", "outcomes", "clinicians", "versions"]
    rows = figures.table("clinicians").rows
    assert rows[0] == ("Dr Ada Lovelace", "12", "80.0%", "10", "9", "90.0%")
    assert rows[1] == ("Dr Alan Turing", SUPPRESSED_COUNT, SUPPRESSED_RATE, "0", "0", NO_RATE)


def test_agreement_by_outcome_with_totals_and_rates():
    figures = _present(
        [_row(n=30), _row(outcome="urgent_pathway", n=10)],
        [_review(reviewed=10, agreed=6), _review(outcome="urgent_pathway", reviewed=5, agreed=5)],
    )
    table = figures.table("outcomes")
    by_outcome = {row[0]: row[1:] for row in table.rows}
    assert by_outcome["Not routinely commissioned"] == ("30", "75.0%", "10", "6", "60.0%")
    assert by_outcome["Follow the urgent pathway"] == ("10", "25.0%", "5", "5", "100.0%")
    assert by_outcome["Not isolated back pain"] == ("0", "0.0%", "0", "0", NO_RATE)
    assert table.total == ("All outcomes", "40", "100.0%", "15", "11", "73.3%")
    assert (figures.decisions, figures.reviewed_rate, figures.agreement_rate) == (
        "40", "37.5%", "73.3%",
    )  # fmt: skip


def test_agreement_by_policy_version_in_version_order():
    figures = _present(
        [_row(version=11, n=50), _row(version=10, n=8)],
        [_review(version=10, reviewed=8, agreed=8)],
    )
    rows = figures.table("versions").rows
    assert [r[0] for r in rows] == ["Version 1", "Version 2"]
    assert rows[0][1:] == ("8", "13.8%", "8", "8", "100.0%")


def test_monthly_table_covers_every_month_of_the_period_with_suppression():
    quarter = period_quarter(2025, 4)  # January to March 2026
    figures = _present(
        [_row(n=3, month=datetime.date(2026, 1, 1)), _row(n=12, month=MARCH)], [], period=quarter
    )
    table = figures.table("monthly")
    assert [row[0] for row in table.rows] == ["January 2026", "February 2026", "March 2026"]
    assert table.rows[0][-1] == SUPPRESSED_COUNT and table.rows[2][-1] == "12"
    assert table.total[-1] == "15"
    bars = {bar.label: bar.total_text for bar in figures.monthly_chart.bars}
    assert bars == {"Jan 2026": SUPPRESSED_COUNT, "Feb": "0", "Mar": "12"}


def test_the_agreement_chart_hides_a_suppressed_rate_and_says_why():
    figures = _present([_row(n=20)], [_review(reviewed=3, agreed=2)])
    row = next(r for r in figures.agreement_chart.rows if r.label == "Not routinely commissioned")
    assert row.percent is None and row.bar_width == 0
    assert row.detail == "Not shown: <5 reviewed, <5 agreed"


def test_csv_rows_are_the_same_cells_as_the_page():
    figures = _present([_row(n=2)], [], practices={1: "Alpha (C1)"})
    table = figures.table("practices")
    assert list(table.csv_rows()) == [list(table.columns), list(table.rows[0])]
    assert table.rows[0][1] == SUPPRESSED_COUNT
