"""Mark a decision "entered in error", and start a corrected check pre-filled from it."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from triage.forms.correction import CorrectionForm
from triage.models import DecisionCorrection
from triage.selectors.practice import decision_get_for_practice
from triage.services.checks import STEPS, check_start
from triage.services.corrections import CorrectionRefused, decision_correct
from triage.services.decisions import NoPolicyInEffect
from triage.views.questionnaire import NO_POLICY, gp_view, step_url


@gp_view
@require_http_methods(["GET", "POST"])
def mark_entered_in_error(request: HttpRequest, clinician, reference: str) -> HttpResponse:
    # Another practice's decision is a 404 (decision_get_for_practice); the service checks
    # the rule again, so nothing depends on this view alone.
    decision = decision_get_for_practice(reference=reference, practice=clinician.practice)
    already = DecisionCorrection.objects.filter(decision=decision).exists()
    form = CorrectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not already and form.is_valid():
        try:
            decision_correct(
                decision=decision, user=request.user, reason=form.cleaned_data["reason"]
            )
        except CorrectionRefused as error:
            form.add_error("reason", str(error))
        else:
            messages.success(
                request, f"Decision {decision.reference} is marked as entered in error."
            )
            return redirect("triage:decision", reference=decision.reference)
    if already and request.method == "POST":
        messages.error(
            request, f"Decision {decision.reference} was already marked as entered in error."
        )
        return redirect("triage:decision", reference=decision.reference)
    return render(
        request,
        "triage/decision_correct.html",
        {"decision": decision, "form": form, "already": already},
    )


@gp_view
@require_POST
def corrected_check_begin(request: HttpRequest, clinician, reference: str) -> HttpResponse:
    """A new draft pre-filled from the original's answers, starting at the NHS number."""
    decision = decision_get_for_practice(reference=reference, practice=clinician.practice)
    if not DecisionCorrection.objects.filter(decision=decision).exists():
        messages.error(
            request,
            f"Mark decision {decision.reference} as entered in error before starting a "
            "corrected check.",
        )
        return redirect("triage:decision", reference=decision.reference)
    try:
        check = check_start(user=request.user, practice=clinician.practice, corrects=decision)
    except NoPolicyInEffect:
        messages.error(request, NO_POLICY)
        return redirect("triage:decision", reference=decision.reference)
    return redirect(step_url(check, STEPS[0]))
