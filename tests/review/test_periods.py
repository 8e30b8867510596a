"""Reporting periods: months, financial-year quarters, financial years (April to March), custom."""

import datetime

import pytest

from review.periods import (
    financial_year_of,
    period_custom,
    period_financial_year,
    period_month,
    period_quarter,
    recent_financial_years,
    recent_months,
    recent_quarters,
)

D = datetime.date


def test_financial_year_runs_from_1_april_to_31_march():
    year = period_financial_year(2025)
    assert (year.first, year.last) == (D(2025, 4, 1), D(2026, 3, 31))
    assert year.label == "Financial year 2025/26 (April 2025 to March 2026)"
    assert len(year.months) == 12


@pytest.mark.parametrize(
    ("day", "year"), [(D(2026, 3, 31), 2025), (D(2026, 4, 1), 2026), (D(2026, 1, 15), 2025)]
)
def test_financial_year_of_a_day(day, year):
    assert financial_year_of(day) == year


@pytest.mark.parametrize(
    ("quarter", "first", "last"),
    [
        (1, D(2025, 4, 1), D(2025, 6, 30)),
        (2, D(2025, 7, 1), D(2025, 9, 30)),
        (3, D(2025, 10, 1), D(2025, 12, 31)),
        (4, D(2026, 1, 1), D(2026, 3, 31)),
    ],
)
def test_quarters_are_those_of_the_financial_year(quarter, first, last):
    period = period_quarter(2025, quarter)
    assert (period.first, period.last) == (first, last)
    assert period.label.startswith(f"Q{quarter} 2025/26")


def test_a_quarter_other_than_1_to_4_is_refused():
    with pytest.raises(ValueError, match="A quarter is 1, 2, 3 or 4"):
        period_quarter(2025, 5)


def test_a_month_ends_on_its_last_day_leap_years_included():
    assert period_month(D(2028, 2, 10)).last == D(2028, 2, 29)
    assert period_month(D(2025, 12, 1)).last == D(2025, 12, 31)


def test_a_custom_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="before its start"):
        period_custom(D(2025, 5, 2), D(2025, 5, 1))
    assert period_custom(D(2025, 5, 1), D(2025, 5, 1)).months == [D(2025, 5, 1)]


def test_recent_periods_are_newest_first():
    today = D(2026, 2, 14)
    assert recent_months(today, 3)[0].first == D(2026, 2, 1)
    assert recent_months(today, 3)[-1].first == D(2025, 12, 1)
    assert recent_quarters(today, 3) == [(2025, 4), (2025, 3), (2025, 2)]
    assert recent_quarters(D(2026, 4, 1), 2) == [(2026, 1), (2025, 4)]
    assert recent_financial_years(today, 2) == [2025, 2024]
