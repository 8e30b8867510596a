"""A GP's view of decisions: their practice's list, one decision, and its printable record."""

from urllib.parse import quote

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from triage.forms.startback import StartBackForm
from triage.journey import journey_get
from triage.nhs_number import nhs_number_format
from triage.presentation import decision_context, start_page_text, startback_context
from triage.selectors.practice import decision_get_for_practice, decision_list_for_practice
from triage.services.startback import startback_offered, startback_score_record
from triage.views.questionnaire import gp_view

PAGE_SIZE = 20


@gp_view
@require_GET
def start(request: HttpRequest, clinician) -> HttpResponse:
    """The GP's home: start a referral check, and the practice's decisions."""
    search = request.GET.get("q", "").strip()[:40]
    decisions = decision_list_for_practice(practice=clinician.practice, search=search)
    page = Paginator(decisions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = f"q={quote(search)}&" if search else ""
    return render(
        request,
        "triage/start.html",
        {
            "practice": clinician.practice,
            "page": page,
            "search": search,
            "journey": journey_get(request),
            **start_page_text(),
            "prev_url": f"?{query}page={page.previous_page_number()}#decisions"
            if page.has_previous()
            else "",
            "prev_label": f"Page {page.number - 1}",
            "next_url": f"?{query}page={page.next_page_number()}#decisions"
            if page.has_next()
            else "",
            "next_label": f"Page {page.number + 1}",
        },
    )


def _decision_context(decision, *, startback_form=None, offer_startback: bool = False) -> dict:
    return {
        **decision_context(decision, nhs_number=nhs_number_format(decision.nhs_number)),
        **startback_context(decision, form=startback_form, offer=offer_startback),
    }


@gp_view
@require_GET
def decision_detail(request: HttpRequest, clinician, reference: str) -> HttpResponse:
    decision = decision_get_for_practice(reference=reference, practice=clinician.practice)
    return render(
        request, "triage/decision.html", _decision_context(decision, offer_startback=True)
    )


@gp_view
@require_GET
def decision_print(request: HttpRequest, clinician, reference: str) -> HttpResponse:
    decision = decision_get_for_practice(reference=reference, practice=clinician.practice)
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
    return render(request, "triage/decision.html", {**context, "page_has_errors": True})
