"""Forms of the reviewer workspace: the decision filters, a verdict, and the audit sample."""

import datetime
import re
import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Row
from django import forms
from django.utils.safestring import SafeString

from nhsuk.form_body import KeptLayoutHelper
from nhsuk.layout import HTML, ButtonGroup, Field, Fieldset, Layout, Radios, Submit
from nhsuk.renderers import FAST_WIDGETS, input_value_put_back
from review.models import Review
from review.services.reviews import DISAGREE_NEEDS_OUTCOME, DISAGREE_NEEDS_REASON
from triage.references import ALPHABET, PREFIX, reference_normalise

REFERENCE_PATTERN = re.compile(rf"^{PREFIX}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")
SEARCH_SEPARATORS = re.compile(r"[\s-]+")
# GET forms submit with an unnamed button, so the query string holds only the filters.
SUBMIT_BUTTON = (
    '<button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" '
    'type="submit">{text}</button>'
)


def search_parse(raw: str) -> tuple[str, str]:
    """("nhs_number", digits) or ("reference", FT-XXXX-XXXX); ValidationError otherwise."""
    compact = SEARCH_SEPARATORS.sub("", raw)
    if compact.isdigit() and compact.isascii():
        if len(compact) != 10:
            raise forms.ValidationError("NHS number must be 10 digits")
        return "nhs_number", compact
    reference = reference_normalise(raw)
    if not REFERENCE_PATTERN.match(reference):
        raise forms.ValidationError(
            "Enter a reference in the format FT-7K3Q-9M2D, or a 10-digit NHS number"
        )
    return "reference", reference


# Dates outside these years are typing mistakes; refusing them also keeps date arithmetic
# (the day after, the month after) far from datetime's year-9999 limit.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def _hashable(value):
    """A field's raw value (a date input sends a list of its boxes) as a key part."""
    return tuple(value) if isinstance(value, list) else value


class DecisionFilterForm(forms.Form):
    """Base form of review.filters.DecisionFilter: cross-field checks and the layout.

    django-filter adds the fields; this class only validates and lays them out.
    """

    default_renderer = FAST_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "filters"
        self.helper.show_error_summary = False  # the page shows it above the <h1>
        self.helper.layout = Layout(
            Field("q", width=20, spellcheck="false", autocomplete="off"),
            Row(
                Column("outcome", css_class="nhsuk-grid-column-one-half"),
                Column("practice", css_class="nhsuk-grid-column-one-half"),
            ),
            Row(
                Column("date_from", css_class="nhsuk-grid-column-one-half"),
                Column("date_to", css_class="nhsuk-grid-column-one-half"),
            ),
            Row(
                Column("policy_version", css_class="nhsuk-grid-column-one-half"),
                Column("reviewed", css_class="nhsuk-grid-column-one-half"),
            ),
            Row(
                Column("verdict", css_class="nhsuk-grid-column-one-half"),
                Column("reviewer", css_class="nhsuk-grid-column-one-half"),
            ),
            Row(
                Column("clinician", css_class="nhsuk-grid-column-one-half"),
                Column("condition", css_class="nhsuk-grid-column-one-half"),
            ),
            Row(Column("entered_in_error", css_class="nhsuk-grid-column-one-half")),
            "sort",
            ButtonGroup(
                HTML(SUBMIT_BUTTON.format(text="Apply filters")),
                HTML('<a class="nhsuk-link" href="?">Clear filters</a>'),
            ),
        )

    # A valid reference nobody searches for: kept markup holds it where a search was typed.
    SEARCH_STAND_IN = "FT-AAAA-AAAA"

    def fragment_key(self) -> tuple | None:
        """The markup depends only on the fields' choices and, bound, on what was sent for each
        field (nhsuk.form_body keeps it): the select lists are read on every request, so a new
        practice or user makes a new key. A valid bound form shows no errors, only the values
        sent, so paging through a filtered list renders its form once. A search (it may be an
        NHS number) is kept as SEARCH_STAND_IN and put back by fragment_fill; a form with
        errors is rendered every time, and never kept."""
        if self.is_bound and not self.is_valid():
            return None
        choices = (
            (name, tuple(field.choices))
            for name, field in self.fields.items()
            if isinstance(field, forms.ChoiceField)
        )
        sent = ()
        if self.is_bound:
            sent = tuple(
                self.SEARCH_STAND_IN
                if name == "q" and self._searched()
                else _hashable(self[name].data)
                for name in self.fields
            )
        return ("review-filters", tuple(self.fields), *choices, sent)

    def _searched(self) -> bool:
        return bool(self.is_bound and self.data.get("q"))

    def fragment_form(self) -> forms.Form:
        """The form whose markup is kept for fragment_key: this one, with a search replaced by
        SEARCH_STAND_IN."""
        if not self._searched():
            return self
        data = self.data.copy()
        data["q"] = self.SEARCH_STAND_IN
        return type(self)(data, prefix=self.prefix)

    def fragment_fill(self, html: str) -> SafeString | None:
        """The kept markup with the search typed in place of SEARCH_STAND_IN (None if the
        stand-in is not in it exactly once)."""
        if not self._searched():
            return html
        return input_value_put_back(
            html, self.fields["q"].widget, self.SEARCH_STAND_IN, self["q"].value()
        )

    def clean_q(self) -> tuple[str, str] | None:
        raw = (self.cleaned_data.get("q") or "").strip()
        return search_parse(raw) if raw else None

    def clean(self):
        cleaned = super().clean()
        # Each date field refuses years outside EARLIEST_YEAR..LATEST_YEAR itself.
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return cleaned


class ReviewForm(forms.Form):
    """One verdict on a decision. `submission_key` is a one-time token against double submits."""

    default_renderer = FAST_WIDGETS

    verdict = forms.ChoiceField(
        label="Your verdict",
        choices=Review.Verdict.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select your verdict"},
    )
    correct_outcome = forms.ChoiceField(
        label="Which outcome is correct?",
        help_text="An outcome the decision's policy version can give",
        required=False,
        error_messages={"invalid_choice": "Select an outcome from the list"},
    )
    reason = forms.CharField(
        label="Why do you disagree?",
        help_text="Say which answer or clause the decision got wrong",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    # A submission key no form is given: kept markup holds it where the form's own key goes.
    SUBMISSION_KEY_STAND_IN = uuid.UUID(int=0)

    def __init__(self, *args, action: str = "", outcomes=(), **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.action, self.outcomes = action, tuple(outcomes)
        self.fields["correct_outcome"].choices = [("", "Select an outcome"), *outcomes]
        self.fields["verdict"].choices = [
            (Review.Verdict.AGREE, "Agree with the decision"),
            (Review.Verdict.DISAGREE, "Disagree with the decision"),
            (Review.Verdict.REFER_IFR, "Refer to the individual funding request (IFR) panel"),
            (Review.Verdict.MORE_INFORMATION, "More information needed"),
        ]
        self.helper = KeptLayoutHelper()
        self.helper.form_action = action
        self.helper.form_id = "record-verdict"
        self.helper.show_error_summary = False  # the page shows it above the <h1>
        self.helper.layout = Layout(
            Radios(
                "verdict",
                size="m",
                conditional={Review.Verdict.DISAGREE: ["correct_outcome", "reason"]},
            ),
            Field("note"),
            "submission_key",
            Submit("record", "Record verdict", prevent_double_click=True),
        )

    def fragment_key(self) -> tuple | None:
        """Unbound, the layout's markup depends only on the outcomes offered (the decision's
        version and outcome) and the submission key, kept as SUBMISSION_KEY_STAND_IN and put
        back by fragment_fill (nhsuk.form_body.KeptLayoutHelper). A bound form (what was
        typed, its errors) is rendered every time."""
        if self.is_bound:
            return None
        return ("review-verdict", self.outcomes)

    def fragment_form(self) -> "ReviewForm":
        initial = {"submission_key": self.SUBMISSION_KEY_STAND_IN}
        return ReviewForm(action=self.action, outcomes=self.outcomes, initial=initial)

    def fragment_fill(self, html: str) -> SafeString | None:
        return input_value_put_back(
            html,
            self.fields["submission_key"].widget,
            str(self.SUBMISSION_KEY_STAND_IN),
            self["submission_key"].value(),
        )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("verdict") == Review.Verdict.DISAGREE
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error("reason", DISAGREE_NEEDS_REASON)
        if cleaned.get("verdict") == Review.Verdict.DISAGREE and not cleaned.get("correct_outcome"):
            self.add_error("correct_outcome", DISAGREE_NEEDS_OUTCOME)
        if cleaned.get("verdict") != Review.Verdict.DISAGREE:
            cleaned["correct_outcome"] = None
        return cleaned


MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


class SampleForm(forms.Form):
    """Which month to sample, and how many decisions."""

    default_renderer = FAST_WIDGETS

    month = forms.CharField(
        label="Month",
        help_text="For example, 2025-03",
        required=False,
        max_length=7,
    )
    size = forms.IntegerField(
        label="Sample size",
        required=False,
        min_value=1,
        max_value=500,
        error_messages={
            "invalid": "Sample size must be a whole number",
            "min_value": "Sample size must be 1 or more",
            "max_value": "Sample size must be 500 or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.show_error_summary = False
        self.helper.layout = Layout(
            Fieldset(
                "Choose a sample",
                Row(
                    Column(Field("month", width=10), css_class="nhsuk-grid-column-one-half"),
                    Column(Field("size", width=3), css_class="nhsuk-grid-column-one-half"),
                ),
                size="s",
            ),
            HTML(SUBMIT_BUTTON.format(text="Show sample")),
        )

    def clean_month(self) -> datetime.date | None:
        raw = (self.cleaned_data.get("month") or "").strip()
        if not raw:
            return None
        match = MONTH_PATTERN.match(raw)
        if not match or not 1 <= int(match[2]) <= 12:
            raise forms.ValidationError("Enter the month as a year and month, like 2025-03")
        if not EARLIEST_YEAR <= int(match[1]) <= LATEST_YEAR:
            raise forms.ValidationError(
                f"The month must be between {EARLIEST_YEAR} and {LATEST_YEAR}"
            )
        return datetime.date(int(match[1]), int(match[2]), 1)
