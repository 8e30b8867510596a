"""The access log for reviewers: who viewed, listed, searched or exported which decisions, when."""

import datetime

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Row
from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.csv_cells import csv_lines, csv_safe
from core.roles import REVIEWER, role_required
from nhsuk.layout import HTML, ButtonGroup, Field, Layout
from review.filters import _date_filter, _local_midnight
from review.forms.review import SUBMIT_BUTTON, search_parse
from review.selectors.review import keyset_page
from review.services.access_log import access_detail, access_query
from review.views.review import _pagination, _query
from triage.models import AccessEvent
from triage.services.access import access_event_record, nhs_number_search_hash

ORDER = (("at", True), ("id", True))
CSV_CHUNK = 2000


class AccessLogFilterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "filters"
        self.helper.show_error_summary = False
        self.helper.layout = Layout(
            Row(
                Column(Field("user", width=20), css_class="nhsuk-grid-column-one-half"),
                Column(Field("reference", width=20), css_class="nhsuk-grid-column-one-half"),
            ),
            Field("nhs_number", width=10),
            Row(
                Column("date_from", css_class="nhsuk-grid-column-one-half"),
                Column("date_to", css_class="nhsuk-grid-column-one-half"),
            ),
            ButtonGroup(
                HTML(SUBMIT_BUTTON.format(text="Apply filters")),
                HTML('<a class="nhsuk-link" href="?">Clear filters</a>'),
            ),
        )

    def clean_reference(self) -> str:
        raw = (self.cleaned_data.get("reference") or "").strip()
        if not raw:
            return ""
        kind, value = search_parse(raw)
        if kind != "reference":
            raise forms.ValidationError("Enter a reference in the format FT-7K3Q-9M2D")
        return value

    def clean_nhs_number(self) -> str:
        raw = (self.cleaned_data.get("nhs_number") or "").strip()
        if not raw:
            return ""
        kind, value = search_parse(raw) if any(c.isdigit() for c in raw) else ("", "")
        if kind != "nhs_number":
            raise forms.ValidationError("NHS number must be 10 digits")
        return value

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return cleaned


class AccessEventFilter(django_filters.FilterSet):
    user = django_filters.CharFilter(
        label="Username", field_name="user__username", lookup_expr="iexact", max_length=150
    )
    reference = django_filters.CharFilter(
        label="Decision reference",
        help_text="Views of it, and list pages that showed it",
        method="filter_reference",
        max_length=40,
    )
    nhs_number = django_filters.CharFilter(
        label="NHS number searched for",
        help_text="Finds searches for this number (the log keeps only a keyed hash of it)",
        method="filter_nhs_number",
        max_length=20,
    )
    date_from = _date_filter("On or after", "filter_from")
    date_to = _date_filter("On or before", "filter_to")

    class Meta:
        model = AccessEvent
        fields = ["user", "reference", "nhs_number", "date_from", "date_to"]
        form = AccessLogFilterForm

    def filter_reference(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(decision__reference=value) | Q(query__contains=f'"{value}"'))

    def filter_nhs_number(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(query__contains=nhs_number_search_hash(value))

    def filter_from(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(at__gte=_local_midnight(value))

    def filter_to(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(at__lt=_local_midnight(value + datetime.timedelta(days=1)))


def _events() -> QuerySet[AccessEvent]:
    return AccessEvent.objects.select_related("user", "decision").only(
        "at", "action", "query", "user__username", "user__first_name", "user__last_name",
        "decision__reference",
    )  # fmt: skip


def _roles(user) -> str:
    return ", ".join(sorted(g.name for g in user.groups.all())) or "No role"


@role_required(REVIEWER)
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    filterset = AccessEventFilter(request.GET or None, queryset=_events())
    valid = not filterset.is_bound or filterset.is_valid()
    page = None
    if valid:
        page = keyset_page(
            filterset.qs.prefetch_related("user__groups"),
            order=ORDER,
            cursor=request.GET.get("cursor", ""),
            page_size=50,
        )
        rows = [
            {"event": e, "detail": access_detail(e), "roles": _roles(e.user)} for e in page.rows
        ]
    return render(
        request,
        "review/access_log.html",
        {
            "form": filterset.form,
            "page": page,
            "rows": rows if page else [],
            "export_url": reverse("review:access_log_export") + _query(request.GET, cursor=""),
            **(_pagination(request.GET, page) if page else {}),
        },
    )


ACCESS_CSV_HEADER = [
    "when_local",
    "username",
    "roles",
    "action",
    "decision_reference",
    "references_listed",
    "filters",
    "rows",
    "nhs_number_search_hash",
]


def access_log_rows(events: QuerySet[AccessEvent]):
    yield ACCESS_CSV_HEADER
    for event in events.prefetch_related("user__groups").iterator(chunk_size=CSV_CHUNK):
        detail = access_detail(event)
        yield [
            csv_safe(cell)
            for cell in (
                timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S %Z"),
                event.user.username,
                _roles(event.user),
                detail.label,
                event.decision.reference if event.decision else "",
                " ".join(detail.references),
                detail.filters,
                "" if detail.rows is None else detail.rows,
                detail.search_hash,
            )
        ]


@role_required(REVIEWER)
@require_GET
def access_log_export(request: HttpRequest) -> HttpResponse:
    filterset = AccessEventFilter(request.GET or None, queryset=_events())
    if filterset.is_bound and not filterset.is_valid():
        return redirect(reverse("review:access_log") + _query(request.GET, cursor=""))
    access_event_record(
        user=request.user,
        action=AccessEvent.Action.EXPORT,
        query=access_query(kind="export", filters=request.GET.urlencode(), table="access_log"),
    )
    response = StreamingHttpResponse(
        csv_lines(access_log_rows(filterset.qs.order_by("-at", "-id"))),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"fusion-triage-access-log-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
