"""Parse and validate the reviewer's decision filters (django-filter), shared by list and export."""

import copy
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_filters.constants import EMPTY_VALUES

from core.memo import Kept
from nhsuk.dates import DateField
from policy.engine import CONDITION_CODES, OUTCOME_CHOICES
from review.forms.review import EARLIEST_YEAR, LATEST_YEAR, DecisionFilterForm
from review.models import Review
from review.selectors.filter_choices import (
    CLINICIANS,
    PRACTICES,
    REVIEWERS,
    VERSIONS,
    Listed,
    filter_choice_lists,
)
from review.selectors.practice import latest_reviews
from review.selectors.review import DEFAULT_SORT, decision_entered_in_error, decision_reviewed
from triage.models import Decision

SORT_CHOICES = [
    ("-date", "Date, newest first"),
    ("date", "Date, oldest first"),
    ("reference", "Reference, A to Z"),
    ("-reference", "Reference, Z to A"),
    ("outcome", "Outcome, A to Z"),
    ("-outcome", "Outcome, Z to A"),
    ("practice", "Practice, A to Z"),
    ("-practice", "Practice, Z to A"),
]
REVIEWED_CHOICES = [("no", "Not reviewed yet"), ("yes", "Reviewed")]
ENTERED_IN_ERROR_CHOICES = [("yes", "Entered in error"), ("no", "Not entered in error")]
CONDITION_CHOICES = [(code, code.replace("_", " ").capitalize()) for code in CONDITION_CODES]


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def decided_from(day: datetime.date) -> datetime.datetime:
    """The first moment a "decided on or after" date takes in: local midnight at its start."""
    return _local_midnight(day)


def decided_before(day: datetime.date) -> datetime.datetime:
    """The first moment a "decided on or before" date leaves out: local midnight after it."""
    return _local_midnight(day + datetime.timedelta(days=1))


# The moment each date filter compares created_at with (filter_from, filter_to).
DATE_BOUNDS = {"date_from": decided_from, "date_to": decided_before}

# Stand-in values for compiling the list's SQL once per combination of filters: values no
# other part of the query sends (text with a control character, ids two billion on, days a
# thousand years ago), so core.rows.Compiled finds where each real value goes.
STAND_IN_TEXT = "\x1fstand-in"
STAND_IN_ID = 2_000_000_100  # inside an integer column's range (the ORM drops lookups outside)
STAND_IN_DAY = datetime.date(1001, 1, 1)

# Form classes kept, one for each content of the select lists (DecisionFilter.get_form_class).
FORM_CLASSES_KEPT = 8
_form_classes: Kept[type] = Kept(FORM_CLASSES_KEPT)

# Filters whose value chooses the SQL's text rather than a parameter's value.
SHAPING = ("reviewed", "entered_in_error", "sort")
# A condition is sent as JSON (answers @> '{"conditions": [...]}'), which a compiled query
# cannot place, so a list filtered by condition is compiled by the ORM on every request.
NOT_COMPILED = ("condition",)


@dataclass(frozen=True)
class CompiledFilters:
    """A valid request's filters as review.selectors.decision_list compiles them: `key` names
    the SQL up to its values (which filters, and what of their values chooses the text);
    `stand_ins` are cleaned values to compile it with; `sent` maps each filter to the SQL value
    its stand-in sends (`sent[name][0]`) and the one the real value sends (`sent[name][1]`)."""

    key: tuple
    stand_ins: dict[str, Any]
    sent: dict[str, tuple[Any, Any]]


class ListedChoiceField(django_filters.fields.ChoiceField):
    """A choice from a list read once per request (review.selectors.filter_choices). It cleans
    to the chosen row's primary key, checked against that list rather than by a second query.

    `normalise` turns what was typed into an option's value the way the database compared it
    for the ModelChoiceField this replaces ("01" was version 1).
    """

    def __init__(self, *, listed: Sequence[Listed] = (), normalise=str, **kwargs) -> None:
        self.pk_by_value = {item.value: item.pk for item in listed}
        self.normalise = normalise
        super().__init__(choices=[(item.value, item.label) for item in listed], **kwargs)

    def to_python(self, value) -> int | None:
        if value in self.empty_values:
            return None
        try:
            pk = self.pk_by_value.get(self.normalise(value))
        except (TypeError, ValueError):
            pk = None
        if pk is None:
            message = self.error_messages["invalid_choice"]
            raise forms.ValidationError(message, code="invalid_choice", params={"value": value})
        return pk

    def validate(self, value) -> None:
        forms.Field.validate(self, value)  # to_python has checked the choice


class ListedChoiceFilter(django_filters.ChoiceFilter):
    """A select list of rows (practices, versions, users); DecisionFilter fills in its options."""

    field_class = ListedChoiceField

    def __init__(self, *args, list_name: str, **kwargs) -> None:
        self.list_name = list_name
        super().__init__(*args, **kwargs)


def _version_number(value: str) -> str:
    return str(int(value))


class NHSDateFilter(django_filters.Filter):
    """A date typed into the NHS.UK date input (day, month and year boxes)."""

    field_class = DateField


def _date_filter(label: str, method: str) -> NHSDateFilter:
    return NHSDateFilter(
        label=label,
        label_lower=f"'{label}'",
        method=method,
        help_text="For example, 31 3 2025",
        min_year=EARLIEST_YEAR,
        max_year=LATEST_YEAR,
    )


class DecisionFilter(django_filters.FilterSet):
    """The query string of /review/ and /review/export.csv. Bad values become form errors."""

    q = django_filters.CharFilter(
        label="Reference or NHS number",
        help_text="For example, FT-7K3Q-9M2D or 943 476 5919",
        method="filter_search",
        max_length=40,
    )
    outcome = django_filters.ChoiceFilter(
        label="Outcome",
        choices=OUTCOME_CHOICES,
        empty_label="Any outcome",
        error_messages={"invalid_choice": "Select an outcome from the list"},
    )
    practice = ListedChoiceFilter(
        label="Practice",
        list_name=PRACTICES,
        empty_label="Any practice",
        error_messages={"invalid_choice": "Select a practice from the list"},
    )
    date_from = _date_filter("Decided on or after", "filter_from")
    date_to = _date_filter("Decided on or before", "filter_to")
    policy_version = ListedChoiceFilter(
        label="Policy version",
        list_name=VERSIONS,
        normalise=_version_number,
        empty_label="Any version",
        error_messages={"invalid_choice": "Select a policy version from the list"},
    )
    reviewed = django_filters.ChoiceFilter(
        label="Reviewed",
        choices=REVIEWED_CHOICES,
        empty_label="Reviewed or not",
        method="filter_reviewed",
        error_messages={"invalid_choice": "Select whether the decision has been reviewed"},
    )
    entered_in_error = django_filters.ChoiceFilter(
        label="Entered in error",
        choices=ENTERED_IN_ERROR_CHOICES,
        empty_label="Entered in error or not",
        method="filter_entered_in_error",
        error_messages={"invalid_choice": "Select whether the decision was entered in error"},
    )
    verdict = django_filters.ChoiceFilter(
        label="Latest verdict",
        choices=Review.Verdict.choices,
        empty_label="Any verdict",
        method="filter_verdict",
        error_messages={"invalid_choice": "Select a verdict from the list"},
    )
    reviewer = ListedChoiceFilter(
        label="Reviewer (latest verdict)",
        list_name=REVIEWERS,
        empty_label="Any reviewer",
        method="filter_reviewer",
        error_messages={"invalid_choice": "Select a reviewer from the list"},
    )
    clinician = ListedChoiceFilter(
        label="Referring clinician",
        list_name=CLINICIANS,
        empty_label="Any clinician",
        error_messages={"invalid_choice": "Select a clinician from the list"},
    )
    condition = django_filters.ChoiceFilter(
        label="Condition in the answers",
        choices=CONDITION_CHOICES,
        empty_label="Any condition",
        method="filter_condition",
        error_messages={"invalid_choice": "Select a condition from the list"},
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=SORT_CHOICES,
        method="filter_nothing",  # the list pages by this order; see sort_key
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Choose a sort order from the column headings"},
    )

    class Meta:
        model = Decision
        fields = [
            "q", "outcome", "practice", "date_from", "date_to", "policy_version", "clinician",
        ]  # fmt: skip
        form = DecisionFilterForm

    def get_form_class(self):
        """The form, its select lists read once for this request (one query). The class and its
        fields are made once for each content of those lists: a new or renamed practice or user
        makes a new one at once."""
        lists = filter_choice_lists()
        key = tuple((name, tuple(items)) for name, items in sorted(lists.items()))

        def make() -> type:
            for filter_ in self.filters.values():
                if isinstance(filter_, ListedChoiceFilter):
                    filter_.extra["listed"] = lists[filter_.list_name]
            return super(DecisionFilter, self).get_form_class()

        return _form_classes.get_or_make(key, make)

    @property
    def sort_key(self) -> str:
        """The validated sort order (the default when it is missing or bad)."""
        if self.is_bound and self.form.is_valid():
            return self.form.cleaned_data.get("sort") or DEFAULT_SORT
        return DEFAULT_SORT

    @property
    def active(self) -> bool:
        """Whether any filter (not just the sort order) is in the query string."""
        return any(self.data.get(name) for name in self.data if name not in ("sort", "cursor"))

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        return self.filter_values(queryset, self.form.cleaned_data)

    def filter_values(self, queryset: QuerySet, cleaned: dict[str, Any]) -> QuerySet:
        """`queryset` filtered by `cleaned` (cleaned values by filter name), as django-filter
        filters it by the form's: each filter in turn, an empty value leaving it as it was."""
        for name, value in cleaned.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def cleaned_values(self) -> dict[str, Any]:
        """The valid request's cleaned values by filter name ({} unbound: every decision)."""
        return self.form.cleaned_data if self.is_bound else {}

    def compiled_filters(self) -> CompiledFilters | None:
        """This valid request's filters with stand-ins for their values (CompiledFilters), or
        None when one of them cannot be compiled once (NOT_COMPILED)."""
        key, stand_ins, sent = [], {}, {}
        for position, (name, value) in enumerate(self.cleaned_values().items()):
            if value in EMPTY_VALUES:
                continue
            if name in NOT_COMPILED:
                return None
            if name in SHAPING:
                key.append((name, value))
                stand_ins[name] = value
            elif name == "q":
                kind, term = value
                key.append((name, kind))
                stand_ins[name] = (kind, STAND_IN_TEXT)
                sent[name] = (STAND_IN_TEXT, term)
            elif isinstance(self.filters[name], NHSDateFilter):
                key.append((name,))
                day = STAND_IN_DAY + datetime.timedelta(days=2 * position)
                stand_ins[name] = day
                bound = DATE_BOUNDS[name]
                sent[name] = (bound(day), bound(value))
            elif isinstance(self.filters[name], ListedChoiceFilter):
                key.append((name,))
                stand_ins[name] = STAND_IN_ID - position
                sent[name] = (stand_ins[name], value)
            else:
                key.append((name,))
                stand_ins[name] = f"{STAND_IN_TEXT}-{name}"
                sent[name] = (stand_ins[name], value)
        return CompiledFilters(key=tuple(key), stand_ins=stand_ins, sent=sent)

    def filter_search(self, queryset: QuerySet, name: str, value) -> QuerySet:
        kind, term = value
        return queryset.filter(Q(**{kind: term}))

    def filter_from(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(created_at__gte=DATE_BOUNDS[name](value))

    def filter_to(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(created_at__lt=DATE_BOUNDS[name](value))

    def filter_reviewed(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(decision_reviewed() if value == "yes" else ~decision_reviewed())

    def filter_entered_in_error(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        marked = decision_entered_in_error()
        return queryset.filter(marked if value == "yes" else ~marked)

    def filter_verdict(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        latest = latest_reviews().filter(verdict=value).values("decision_id")
        return queryset.filter(pk__in=latest)

    def filter_reviewer(self, queryset: QuerySet, name: str, value) -> QuerySet:
        latest = latest_reviews().filter(reviewer=value).values("decision_id")
        return queryset.filter(pk__in=latest)

    def filter_condition(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(answers__conditions__contains=[value])

    def filter_nothing(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset


def _filter_copy(filter_: django_filters.Filter) -> django_filters.Filter:
    """A filter for one request: what django-filter's deep copy gives, without copying its
    choice lists again (about 900 copies a request, half a millisecond). Nothing is shared that
    a request changes: `extra` is its own dict, and a filter method is bound to the copy (its
    FilterMethod finds the request's filterset through the copy's `parent`)."""
    copied = copy.copy(filter_)
    copied.extra = dict(filter_.extra)
    if filter_.method is not None:
        copied.method = filter_.method
    return copied


class _CopiedPerRequest(dict):
    """DecisionFilter.base_filters: django-filter's FilterSet.__init__ deep-copies it for every
    request, and this makes that copy with _filter_copy."""

    def __deepcopy__(self, memo) -> dict:
        return {name: _filter_copy(filter_) for name, filter_ in self.items()}


DecisionFilter.base_filters = _CopiedPerRequest(DecisionFilter.base_filters)
