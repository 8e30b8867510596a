"""The dashboard's period selector: a month, a quarter, a financial year or a custom range."""

import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from nhsuk.dates import DateField
from nhsuk.layout import HTML, Field, Layout, Radios
from nhsuk.renderers import FAST_WIDGETS
from review.forms.review import EARLIEST_YEAR, LATEST_YEAR, SUBMIT_BUTTON
from review.periods import (
    CUSTOM,
    MONTH,
    QUARTER,
    YEAR,
    Period,
    financial_year_label,
    period_custom,
    period_financial_year,
    period_month,
    period_quarter,
    recent_financial_years,
    recent_months,
    recent_quarters,
)

# A custom period longer than this is almost always a typing mistake, and its monthly chart
# would have too many bars to read.
CUSTOM_MAX_YEARS = 5
DEFAULT_PERIOD = YEAR


def _date_field(label: str) -> DateField:
    return DateField(
        label=label,
        label_lower=f"the {label.lower()}",
        required=False,
        min_year=EARLIEST_YEAR,
        max_year=LATEST_YEAR,
        help_text="For example, 1 4 2025",
    )


class DashboardPeriodForm(forms.Form):
    """Validates the query string of the dashboard and its CSV downloads; `period` is the result."""

    default_renderer = FAST_WIDGETS

    period = forms.ChoiceField(
        label="Period",
        required=False,
        initial=DEFAULT_PERIOD,
        choices=[
            (MONTH, "A month"),
            (QUARTER, "A quarter (of the financial year)"),
            (YEAR, "A financial year (April to March)"),
            (CUSTOM, "Dates I choose"),
        ],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select a period from the list"},
    )
    month = forms.ChoiceField(
        label="Month",
        required=False,
        error_messages={"invalid_choice": "Select a month from the list"},
    )
    quarter = forms.ChoiceField(
        label="Quarter",
        required=False,
        error_messages={"invalid_choice": "Select a quarter from the list"},
    )
    year = forms.ChoiceField(
        label="Financial year",
        required=False,
        error_messages={"invalid_choice": "Select a financial year from the list"},
    )
    date_from = _date_field("Start date")
    date_to = _date_field("End date")

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["month"].choices = [
            (f"{p.first:%Y-%m}", p.label) for p in recent_months(self.today)
        ]
        self.fields["quarter"].choices = [
            (f"{y}-Q{q}", period_quarter(y, q).label) for y, q in recent_quarters(self.today)
        ]
        self.fields["year"].choices = [
            (str(y), f"{financial_year_label(y)}{' (to date)' if n == 0 else ''}")
            for n, y in enumerate(recent_financial_years(self.today))
        ]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "period"
        self.helper.show_error_summary = False  # the page shows it above the <h1>
        self.helper.layout = Layout(
            Radios(
                "period",
                size="s",
                conditional={
                    MONTH: ["month"],
                    QUARTER: ["quarter"],
                    YEAR: ["year"],
                    CUSTOM: [Field("date_from"), Field("date_to")],
                },
            ),
            HTML(SUBMIT_BUTTON.format(text="Show figures")),
        )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("period") or DEFAULT_PERIOD
        cleaned["period"] = kind
        if kind == CUSTOM:
            self._clean_custom(cleaned)
        return cleaned

    def _clean_custom(self, cleaned: dict) -> None:
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        for name, label in (("date_from", "start"), ("date_to", "end")):
            day = cleaned.get(name)
            if name in self.errors:
                first = last = None
            elif day is None:
                self.add_error(name, f"Enter the {label} date of the period")
                first = last = None
            elif not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
                self.add_error(
                    name, f"The {label} date must be between {EARLIEST_YEAR} and {LATEST_YEAR}"
                )
                first = last = None
        if first and last and last < first:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        elif first and last and (last - first).days > 366 * CUSTOM_MAX_YEARS:
            self.add_error("date_to", f"The period can be at most {CUSTOM_MAX_YEARS} years long")

    @property
    def result(self) -> Period:
        """The chosen period; call after is_valid(). Unbound forms give this financial year."""
        cleaned = self.cleaned_data if self.is_bound else {"period": DEFAULT_PERIOD}
        kind = cleaned["period"]
        if kind == MONTH:
            value = cleaned.get("month") or f"{self.today:%Y-%m}"
            return period_month(datetime.date.fromisoformat(f"{value}-01"))
        if kind == QUARTER:
            value = cleaned.get("quarter") or self.fields["quarter"].choices[0][0]
            year, quarter = value.split("-Q")
            return period_quarter(int(year), int(quarter))
        if kind == CUSTOM:
            return period_custom(cleaned["date_from"], cleaned["date_to"])
        value = cleaned.get("year") or self.fields["year"].choices[0][0]
        return period_financial_year(int(value))
