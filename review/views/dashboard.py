"""The dashboards: the ICB-wide one for reviewers, and each practice's own for its GPs.

Both show the same figures for a chosen period (review.presenters builds them); only a
practice's own page splits them by clinician.
"""

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.csv_cells import csv_lines, csv_safe
from core.roles import REVIEWER, role_required
from policy.selectors import policy_version_review_reminders_all
from review.forms.dashboard import DashboardPeriodForm
from review.periods import Period
from review.presenters import SUPPRESSED_COUNT, SUPPRESSED_RATE, DataTable, dashboard_for
from review.selectors.dashboard import chain_verification_latest, unreviewed_backlog
from triage.views.questionnaire import gp_view


def _period(request: HttpRequest) -> tuple[DashboardPeriodForm, Period | None]:
    """The period form and its period (None when the query string is wrong)."""
    form = DashboardPeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    return form, form.result


def _query(request: HttpRequest) -> str:
    return f"?{request.GET.urlencode()}" if request.GET else ""


def _figures_context(request: HttpRequest, form, figures, csv_view: str) -> dict:
    return {
        "form": form,
        "figures": figures,
        "csv_view": csv_view,
        "period_query": _query(request),
        "suppressed_count": SUPPRESSED_COUNT,
        "suppressed_rate": SUPPRESSED_RATE,
    }


def _csv_response(table: DataTable, period: Period, *, prefix: str) -> HttpResponse:
    rows = ([csv_safe(cell) for cell in row] for row in table.csv_rows())
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    filename = f"{prefix}-{table.slug}-{period.slug}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@role_required(REVIEWER)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form, period = _period(request)
    figures = dashboard_for(period=period) if period else None
    return render(
        request,
        "review/dashboard.html",
        {
            **_figures_context(request, form, figures, "review:dashboard_csv"),
            "backlog": unreviewed_backlog(),
            "verification": chain_verification_latest(),
            "review_due": policy_version_review_reminders_all(),
        },
    )


@role_required(REVIEWER)
@require_GET
def dashboard_csv(request: HttpRequest, table: str) -> HttpResponse:
    """One of the dashboard's tables as CSV, for the same period and with the same suppression."""
    form, period = _period(request)
    if period is None:
        return redirect(reverse("review:dashboard") + _query(request))
    data = dashboard_for(period=period).table(table)
    if data is None:
        raise Http404("The dashboard has no table of that name")
    return _csv_response(data, period, prefix="fusion-triage")


@gp_view
@require_GET
def practice_dashboard(request: HttpRequest, clinician) -> HttpResponse:
    """The practice's own figures, split by its clinicians: for its GPs only."""
    form, period = _period(request)
    figures = dashboard_for(period=period, practice=clinician.practice) if period else None
    return render(
        request,
        "review/practice_dashboard.html",
        {
            **_figures_context(request, form, figures, "review:practice_dashboard_csv"),
            "practice": clinician.practice,
        },
    )


@gp_view
@require_GET
def practice_dashboard_csv(request: HttpRequest, clinician, table: str) -> HttpResponse:
    form, period = _period(request)
    if period is None:
        return redirect(reverse("review:practice_dashboard") + _query(request))
    data = dashboard_for(period=period, practice=clinician.practice).table(table)
    if data is None:
        raise Http404("The dashboard has no table of that name")
    return _csv_response(data, period, prefix=clinician.practice.ods_code.lower())
