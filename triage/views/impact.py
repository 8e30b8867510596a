"""'What would change': replay a draft's rules over stored decisions (policy admins), and
'what would today's policy decide' for one decision (reviewers)."""

from django import forms
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.csv_cells import csv_lines
from core.roles import POLICY_ADMIN, role_required
from nhsuk.dates import DateField
from policy.selectors import policy_version_get, policy_version_in_effect
from triage.services.impact import (
    PeriodError,
    impact_affected,
    impact_chart,
    impact_csv_rows,
    impact_period_check,
    impact_period_default,
    impact_replay,
)

AFFECTED_SHOWN = 200


def _period_end(label: str, label_lower: str, example: str) -> DateField:
    # Any year a date can have: impact_period_check says what this service's period allows.
    return DateField(
        label=label, label_lower=label_lower, help_text=example, min_year=1, max_year=9999
    )


class PeriodForm(forms.Form):
    start = _period_end("From", "the start date", "For example, 1 4 2026")
    end = _period_end("To", "the end date", "For example, 31 3 2027")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end"):
            try:
                impact_period_check(data["start"], data["end"])
            except PeriodError as error:
                self.add_error(error.field, str(error))
        return data


def _period(request: HttpRequest) -> tuple[PeriodForm, tuple | None]:
    start, end = impact_period_default()
    if "start_day" in request.GET or "end_day" in request.GET:
        form = PeriodForm(request.GET)
        if form.is_valid():
            return form, (form.cleaned_data["start"], form.cleaned_data["end"])
        return form, None
    return PeriodForm(initial={"start": start, "end": end}), (start, end)


@role_required(POLICY_ADMIN)
@require_GET
def draft_impact(request: HttpRequest, pk: int) -> HttpResponse:
    version = policy_version_get(pk=pk)
    form, period = _period(request)
    impact = affected = chart = None
    if period is not None:
        impact = impact_replay(version=version, start=period[0], end=period[1])
        affected = list(impact_affected(impact)[:AFFECTED_SHOWN])
        chart = impact_chart(impact) if impact.total else None
    return render(
        request,
        "triage/impact.html",
        {
            "version": version,
            "in_effect": policy_version_in_effect(policy=version.policy),
            "form": form,
            "impact": impact,
            "chart": chart,
            "affected": affected,
            "shown": AFFECTED_SHOWN,
            "query": request.GET.urlencode(),
        },
        status=200 if period is not None else 400,
    )


@role_required(POLICY_ADMIN)
@require_GET
def draft_impact_csv(request: HttpRequest, pk: int) -> HttpResponse:
    version = policy_version_get(pk=pk)
    form, period = _period(request)
    if period is None:
        return render(
            request,
            "triage/impact.html",
            {"version": version, "form": form, "impact": None},
            status=400,
        )
    impact = impact_replay(version=version, start=period[0], end=period[1])
    response = StreamingHttpResponse(
        csv_lines(impact_csv_rows(impact)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="impact-draft-{version.pk}.csv"'
    return response
