"""Reporting periods for the dashboard: a month, an NHS financial-year quarter, a financial year
(1 April to 31 March) or a custom range of days. Standard library only."""

import datetime
from dataclasses import dataclass

MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
# Quarters of the NHS financial year: Q1 is April to June.
QUARTER_FIRST_MONTHS = {1: 4, 2: 7, 3: 10, 4: 1}


@dataclass(frozen=True)
class Period:
    kind: str
    first: datetime.date  # the first day in the period
    last: datetime.date  # the last day in the period (inclusive)
    label: str

    @property
    def months(self) -> list[datetime.date]:
        """The first day of each calendar month the period touches, oldest first."""
        month, months = self.first.replace(day=1), []
        while month <= self.last:
            months.append(month)
            month = _add_months(month, 1)
        return months

    @property
    def slug(self) -> str:
        """A short name for file names: 2025-04-01_to_2026-03-31."""
        return f"{self.first:%Y-%m-%d}_to_{self.last:%Y-%m-%d}"


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def financial_year_of(day: datetime.date) -> int:
    """The calendar year the financial year containing `day` starts in (2025 for 2025/26)."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def period_month(month: datetime.date) -> Period:
    first = month.replace(day=1)
    return Period(
        MONTH, first, _add_months(first, 1) - datetime.timedelta(days=1), f"{first:%B %Y}"
    )


def period_quarter(start_year: int, quarter: int) -> Period:
    """Quarter 1 to 4 of the financial year that starts in April of `start_year`."""
    if quarter not in QUARTER_FIRST_MONTHS:
        raise ValueError("A quarter is 1, 2, 3 or 4")
    year = start_year + 1 if quarter == 4 else start_year
    first = datetime.date(year, QUARTER_FIRST_MONTHS[quarter], 1)
    last = _add_months(first, 3) - datetime.timedelta(days=1)
    return Period(
        QUARTER,
        first,
        last,
        f"Q{quarter} {financial_year_label(start_year)} ({first:%B} to {last:%B %Y})",
    )


def period_financial_year(start_year: int) -> Period:
    first = datetime.date(start_year, 4, 1)
    last = datetime.date(start_year + 1, 3, 31)
    return Period(
        YEAR,
        first,
        last,
        f"Financial year {financial_year_label(start_year)} (April {start_year} to March "
        f"{start_year + 1})",
    )


def period_custom(first: datetime.date, last: datetime.date) -> Period:
    if last < first:
        raise ValueError("The end of a period cannot be before its start")
    return Period(CUSTOM, first, last, f"{first:%-d %B %Y} to {last:%-d %B %Y}")


def recent_months(today: datetime.date, count: int = 24) -> list[Period]:
    """This month and the `count - 1` before it, newest first."""
    this_month = today.replace(day=1)
    return [period_month(_add_months(this_month, -n)) for n in range(count)]


def recent_quarters(today: datetime.date, count: int = 8) -> list[tuple[int, int]]:
    """(financial year, quarter) for this quarter and the `count - 1` before it, newest first."""
    year, quarter = financial_year_of(today), (today.month - 4) % 12 // 3 + 1
    quarters = []
    for _ in range(count):
        quarters.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return quarters


def recent_financial_years(today: datetime.date, count: int = 5) -> list[int]:
    """This financial year and the `count - 1` before it, newest first."""
    year = financial_year_of(today)
    return [year - n for n in range(count)]
