"""The ICB reviewer's workspace: decision list, one decision, verdicts, queue, sample, export."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.csv_cells import csv_lines
from core.roles import REVIEWER, role_required
from review.filters import DecisionFilter
from review.forms.review import ReviewForm, SampleForm
from review.selectors.decision_list import decision_list_page
from review.selectors.review import (
    QUEUE_ORDER,
    SORTS,
    DecisionForReview,
    count_capped,
    decision_for_review_page,
    decision_history_and_access_log,
    decision_sample_for_month,
    keyset_page,
    unreviewed_queue,
    worklist_counts,
)
from review.services.access_log import access_query
from review.services.export import decision_export_rows
from review.services.jobs import decision_export_job_queue
from review.services.reviews import outcomes_in_version, review_record
from review.services.verify import decision_verify
from triage.models import AccessEvent, Decision
from triage.nhs_number import nhs_number_format
from triage.presentation import decision_context, decisions_linked, startback_context
from triage.services.access import access_event_record, nhs_number_search_hash
from triage.services.impact import impact_decision_today

# Column headings that sort the list, and the order a first click gives.
SORTABLE_COLUMNS = (
    ("reference", "Reference", "reference"),
    ("date", "Date", "-date"),
    ("practice", "Practice", "practice"),
    ("outcome", "Outcome", "outcome"),
)


def _query(params: QueryDict, **changes: str) -> str:
    """The query string with `changes` applied; an empty value removes the key."""
    params = params.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


def _sort_headers(params: QueryDict, current: str) -> list[dict]:
    headers = []
    for column, label, first in SORTABLE_COLUMNS:
        if current.lstrip("-") == column:
            state = "descending" if current.startswith("-") else "ascending"
            target = column if current.startswith("-") else f"-{column}"
        else:
            state, target = "none", first
        headers.append(
            {"label": label, "state": state, "href": _query(params, sort=target, cursor="")}
        )
    return headers


def _pagination(params: QueryDict, page) -> dict:
    return {
        "prev_url": _query(params, cursor=page.prev_cursor) if page.prev_cursor else "",
        "prev_label": f"Page {page.number - 1}",
        "next_url": _query(params, cursor=page.next_cursor) if page.next_cursor else "",
        "next_label": f"Page {page.number + 1}",
    }


WORKLISTS = (
    ("unreviewed", "Not reviewed yet", "reviewed=no&sort=date"),
    ("more_information", "More information needed", "verdict=more_information"),
    ("refer_ifr", "Referred to the IFR panel", "verdict=refer_ifr"),
    ("disagree", "Disagreed", "verdict=disagree"),
)


def _searched_nhs_number(filterset: DecisionFilter) -> str:
    search = filterset.form.cleaned_data.get("q") if filterset.is_bound else None
    return search[1] if search and search[0] == "nhs_number" else ""


def _logged_filters(params: QueryDict, nhs_number: str) -> str:
    """The query string for the access log, with a searched NHS number left out."""
    return _query(params, q="" if nhs_number else params.get("q", ""), cursor="").lstrip("?")


def _list_log(request: HttpRequest, filterset: DecisionFilter, page) -> None:
    """Record which decisions a list page showed (and a hashed NHS number searched for)."""
    nhs_number = _searched_nhs_number(filterset)
    access_event_record(
        user=request.user,
        action=AccessEvent.Action.VIEW,
        query=access_query(
            kind="search" if nhs_number else "list",
            references=[row.reference for row in page.rows],
            filters=_logged_filters(request.GET, nhs_number),
            search_hash=nhs_number_search_hash(nhs_number) if nhs_number else "",
            page=page.number,
        ),
    )


@role_required(REVIEWER)
@require_GET
def decision_list(request: HttpRequest) -> HttpResponse:
    """Every decision, filtered, searched and sorted; keyset pages with previous/next links."""
    # decision_list_page reads decision_list_for_review(), not the filterset's queryset.
    filterset = DecisionFilter(request.GET or None)
    valid = not filterset.is_bound or filterset.is_valid()
    sort = filterset.sort_key
    page, count = None, None
    if valid:
        page, count = decision_list_page(filterset, cursor=request.GET.get("cursor", ""))
        decisions_linked(page.rows, "review:detail")
        if page.rows:
            _list_log(request, filterset, page)
    counts = worklist_counts()
    back = _query(request.GET).lstrip("?")
    return render(
        request,
        "review/list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "page": page,
            "count": count,
            "export_stream_limit": settings.EXPORT_STREAM_LIMIT,
            "back": back,
            "worklists": [
                {"key": key, "label": label, "href": f"?{query}", "count": counts[key]}
                for key, label, query in WORKLISTS
            ],
            "headers": _sort_headers(request.GET, sort),
            "export_url": reverse("review:export") + _query(request.GET, cursor=""),
            "first_page_url": _query(request.GET, cursor=""),
            **(_pagination(request.GET, page) if page else {}),
        },
    )


def _detail(request: HttpRequest, found: DecisionForReview, form: ReviewForm) -> HttpResponse:
    decision = found.decision
    history, log, log_truncated = decision_history_and_access_log(decision=decision)
    reviews = sorted(
        (item["row"] for item in history if item["kind"] == "review"),
        key=lambda review: review.sequence,
        reverse=True,
    )
    return render(
        request,
        "review/detail.html",
        {
            "back_url": back_to_list(request),
            "back": request.GET.get("back", "")[:2000],
            **decision_context(decision, nhs_number=nhs_number_format(decision.nhs_number)),
            **startback_context(decision, offer=False),
            "integrity": decision_verify(decision=decision, previous_hash=found.previous_hash),
            "source": found.source,
            "today": impact_decision_today(decision=decision),
            "reviews": reviews,
            "history": history,
            "access_log": log,
            "access_log_truncated": log_truncated,
            "form": form,
        },
    )


def _review_form(decision: Decision, data=None) -> ReviewForm:
    outcomes = [(v, label) for v, label in outcomes_in_version(decision) if v != decision.outcome]
    return ReviewForm(
        data, action=reverse("review:review", args=[decision.reference]), outcomes=outcomes
    )


@role_required(REVIEWER)
@require_GET
def decision_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """What was decided, for whom, under which policy, on which answers; and is it intact."""
    found = decision_for_review_page(reference=reference)
    access_event_record(user=request.user, action=AccessEvent.Action.VIEW, decision=found.decision)
    return _detail(request, found, _review_form(found.decision))


def back_to_list(request: HttpRequest) -> str:
    """The list's address with the filters the reviewer came from (`?back=` holds them)."""
    back = request.GET.get("back", "")
    params = QueryDict(back[:2000]) if back else QueryDict()
    return reverse("review:list") + (
        _query(params, cursor=params.get("cursor", "")) if back else ""
    )


@role_required(REVIEWER)
@require_POST
def review_create(request: HttpRequest, reference: str) -> HttpResponse:
    found = decision_for_review_page(reference=reference)
    decision = found.decision
    form = _review_form(decision, request.POST)
    if form.is_valid():
        try:
            review, created = review_record(
                decision=decision,
                reviewer=request.user,
                verdict=form.cleaned_data["verdict"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                correct_outcome=form.cleaned_data["correct_outcome"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if created:
                messages.success(request, f"Verdict recorded: {review.get_verdict_display()}")
            return redirect("review:detail", reference=decision.reference)
    return _detail(request, found, form)


@role_required(REVIEWER)
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """Unreviewed decisions, oldest first."""
    page = keyset_page(unreviewed_queue(), order=QUEUE_ORDER, cursor=request.GET.get("cursor", ""))
    decisions_linked(page.rows, "review:detail")
    return render(request, "review/queue.html", {"page": page, **_pagination(request.GET, page)})


@role_required(REVIEWER)
@require_GET
def audit_sample(request: HttpRequest) -> HttpResponse:
    """A reproducible random sample of one month's decisions for audit."""
    form = SampleForm(request.GET or None)
    sample, month, size = None, None, settings.AUDIT_SAMPLE_SIZE
    if not form.is_bound or form.is_valid():
        cleaned = form.cleaned_data if form.is_bound else {}
        this_month = timezone.localdate().replace(day=1)
        month = cleaned.get("month") or (this_month - datetime.timedelta(days=1)).replace(day=1)
        size = cleaned.get("size") or settings.AUDIT_SAMPLE_SIZE
        sample = decision_sample_for_month(month=month, size=size)
        decisions_linked(sample, "review:detail")
    return render(
        request,
        "review/sample.html",
        {
            "form": form,
            "sample": sample,
            "month": month,
            "size": size,
            "reviewed": sum(1 for d in sample or () if d.latest_verdict),
            "caption": f"Sample of {len(sample or ())} decisions from {month:%B %Y}"
            if month
            else "",
        },
    )


@role_required(REVIEWER)
@require_GET
def decision_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV: streamed when small, written by the worker when large.

    Either way the export goes in the access log with its filters and row count.
    """
    filterset = DecisionFilter(request.GET or None, queryset=Decision.objects.all())
    if filterset.is_bound and not filterset.is_valid():
        return redirect(reverse("review:list") + _query(request.GET, cursor=""))
    rows, more = count_capped(filterset.qs, cap=settings.EXPORT_STREAM_LIMIT)
    nhs_number = _searched_nhs_number(filterset)
    filters = _logged_filters(request.GET, nhs_number)
    search_hash = nhs_number_search_hash(nhs_number) if nhs_number else ""
    if more:
        job = decision_export_job_queue(
            user=request.user, query=_query(request.GET, cursor="").lstrip("?")
        )
        access_event_record(
            user=request.user,
            action=AccessEvent.Action.EXPORT,
            query=access_query(
                kind="export_queued", filters=filters, search_hash=search_hash, job=job.pk
            ),
        )
        messages.info(
            request,
            f"More than {settings.EXPORT_STREAM_LIMIT} decisions match, so the file is being "
            "made in the background. Download it from this page when it is ready.",
        )
        return redirect("review:job", job_id=job.pk)
    order = [f"{'-' if desc else ''}{field}" for field, desc in SORTS[filterset.sort_key]]
    access_event_record(
        user=request.user,
        action=AccessEvent.Action.EXPORT,
        query=access_query(kind="export", filters=filters, search_hash=search_hash, rows=rows),
    )
    response = StreamingHttpResponse(
        csv_lines(decision_export_rows(filterset.qs.order_by(*order))),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"fusion-triage-decisions-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
