"""A GP's view of decisions: their practice's list, one decision, and its printable record."""

import json
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from triage.decision_rows import decision_rows
from triage.forms.startback import StartBackForm
from triage.models import AccessEvent
from triage.nhs_number import nhs_number_format
from triage.notices import decision_tags
from triage.presentation import (
    decision_context,
    decisions_linked,
    start_page_text,
    startback_context,
)
from triage.selectors.practice import decision_get_for_practice, start_page_lists
from triage.services.access import access_event_record, nhs_number_search_hash
from triage.services.checks import STEP_TITLES, check_next_step
from triage.services.corrections import correction_allowed
from triage.services.startback import startback_offered, startback_score_record
from triage.views.questionnaire import gp_view, step_url

PAGE_SIZE = 20


@gp_view
@require_GET
def start(request: HttpRequest, clinician) -> HttpResponse:
    """The GP's home: start a referral check, and the practice's decisions."""
    search = request.GET.get("q", "").strip()[:40]
    page, checks = start_page_lists(
        practice=clinician.practice,
        user=request.user,
        search=search,
        page=request.GET.get("page"),
        size=PAGE_SIZE,
    )
    _log_search(request, search, page)
    decisions_linked(page.object_list, "triage:decision")
    tags = decision_tags(page.object_list) if page.object_list else {}
    rows = decision_rows(page.object_list, tags)
    query = f"q={quote(search)}&" if search else ""
    return render(
        request,
        "triage/start.html",
        {
            "practice": clinician.practice,
            "page": page,
            "decision_rows": rows,
            "search": search,
            "draft_days": settings.REFERRAL_DRAFT_DAYS,
            "checks_in_progress": [
                {
                    "check": check,
                    "nhs_number": nhs_number_format(check.nhs_number) if check.nhs_number else "",
                    "last_answered": STEP_TITLES.get(check.last_step, ""),
                    "continue_url": step_url(check, check_next_step(check)),
                }
                for check in checks
            ],
            **start_page_text(request.user),
            "prev_url": f"?{query}page={page.number - 1}#decisions" if page.has_previous else "",
            "prev_label": f"Page {page.number - 1}",
            "next_url": f"?{query}page={page.number + 1}#decisions" if page.has_next else "",
            "next_label": f"Page {page.number + 1}",
        },
    )


def _log_search(request: HttpRequest, search: str, page) -> None:
    """A GP's search goes in the access log: the references found, and any NHS number searched
    for only as a keyed hash (the log's `query` holds JSON; see review.services.access_log)."""
    if not search:
        return
    digits = "".join(ch for ch in search if ch.isdigit())
    by_number = len(digits) == 10
    detail = {
        "kind": "search" if by_number else "gp_list",
        "references": [decision.reference for decision in page.object_list],
    }
    if by_number:
        detail["search_hash"] = nhs_number_search_hash(digits)
    else:
        detail["filters"] = f"q={search}"
    access_event_record(user=request.user, action=AccessEvent.Action.VIEW, query=json.dumps(detail))


def _log_view(request: HttpRequest, decision, kind: str) -> None:
    access_event_record(
        user=request.user,
        action=AccessEvent.Action.VIEW,
        decision=decision,
        query=json.dumps({"kind": kind}),
    )


def _decision_context(decision, *, startback_form=None, offer_startback: bool = False) -> dict:
    return {
        **decision_context(decision, nhs_number=nhs_number_format(decision.nhs_number)),
        **startback_context(decision, form=startback_form, offer=offer_startback),
    }


@gp_view
@require_GET
def decision_detail(request: HttpRequest, clinician, reference: str) -> HttpResponse:
    decision = decision_get_for_practice(
        reference=reference, practice=clinician.practice, user=request.user
    )
    _log_view(request, decision, "gp_view")
    return render(
        request,
        "triage/decision.html",
        {
            **_decision_context(decision, offer_startback=True),
            "can_correct": correction_allowed(decision=decision, user=request.user),
        },
    )


@gp_view
@require_GET
def decision_print(request: HttpRequest, clinician, reference: str) -> HttpResponse:
    decision = decision_get_for_practice(reference=reference, practice=clinician.practice)
    _log_view(request, decision, "gp_print")
    return render(request, "triage/decision_print.html", _decision_context(decision))


@gp_view
@require_POST
def decision_startback(request: HttpRequest, clinician, reference: str) -> HttpResponse:
    """Add a STarT Back score to the decision (appended, never an edit of the decision)."""
    decision = decision_get_for_practice(reference=reference, practice=clinician.practice)
    if not startback_offered(decision):
        raise Http404("The STarT Back tool is not on offer for this decision")
    form = StartBackForm(
        request.POST,
        version=decision.policy_version,
        action=reverse("triage:decision_startback", args=[reference]),
    )
    if form.is_valid():
        startback_score_record(decision=decision, user=request.user, responses=form.responses())
        return redirect(reverse("triage:decision", args=[reference]) + "#startback")
    context = _decision_context(decision, startback_form=form, offer_startback=True)
    context["can_correct"] = correction_allowed(decision=decision, user=request.user)
    return render(request, "triage/decision.html", {**context, "page_has_errors": True})
