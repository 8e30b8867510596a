"""The GP questionnaire: one question per page, each check at its own address, then submit.

Every page lives under /referrals/checks/<id>/ and every POST is applied to that check only.
"""

import logging
import uuid
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from core.roles import GP, role_required
from core.views import keeps_answers
from triage.forms.questionnaire import (
    ConditionsForm,
    DecompressionForm,
    PainLocationForm,
    PatientForm,
    RedFlagsForm,
)
from triage.models import ReferralCheck
from triage.nhs_number import nhs_number_format
from triage.presentation import answer_rows, questionnaire_page_text
from triage.selectors.checks import check_get_for_clinician
from triage.selectors.practice import clinician_for_user
from triage.services.checks import (
    CHECK,
    STEP_TITLES,
    STEPS,
    CheckAlreadySubmitted,
    CheckGone,
    StepNotReached,
    check_answer,
    check_can_visit,
    check_delete,
    check_full_answers,
    check_next_step,
    check_page_after,
    check_start,
    check_submit,
)
from triage.services.decisions import NoPolicyInEffect

logger = logging.getLogger(__name__)

FORMS = {
    "patient": PatientForm,
    "red-flags": RedFlagsForm,
    "pain": PainLocationForm,
    "conditions": ConditionsForm,
    "decompression": DecompressionForm,
}
NO_POLICY = (
    "Referral checks are unavailable: no version of the policy is in effect yet. "
    "Contact the ICB clinical policy team."
)


def gp_view(view: Callable) -> Callable:
    """GP role required, and the GP must belong to a practice; passes the clinician on."""

    @role_required(GP)
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        clinician = clinician_for_user(request.user)
        if clinician is None:
            raise PermissionDenied("Your account is not linked to a GP practice.")
        return view(request, clinician, *args, **kwargs)

    return wrapped


def step_url(check: ReferralCheck, step: str, *, change: bool = False) -> str:
    if step == CHECK:
        return reverse("triage:check", args=[check.pk])
    url = reverse("triage:step", args=[check.pk, step])
    return f"{url}?change=1" if change else url


def check_gone(request: HttpRequest) -> HttpResponse:
    """The page for a check that is not there (deleted in another tab, purged, someone
    else's, or a mistyped address): the same 404 in every case, so nothing leaks."""
    return render(request, "triage/check_gone.html", status=404)


def _get_check(request: HttpRequest, check_id: uuid.UUID) -> ReferralCheck:
    check = check_get_for_clinician(check_id=check_id, user=request.user)
    if check is None:
        raise CheckGone(CheckGone.__doc__)
    return check


def check_view(view: Callable) -> Callable:
    """A GP view of one of their own checks: 404 for anyone else's or one that is gone."""

    @gp_view
    @wraps(view)
    def wrapped(request: HttpRequest, clinician, check_id: uuid.UUID, *args, **kwargs):
        try:
            return view(request, clinician, _get_check(request, check_id), *args, **kwargs)
        except CheckGone:
            return check_gone(request)

    return wrapped


def _already_recorded(request: HttpRequest, error: CheckAlreadySubmitted) -> HttpResponse:
    messages.info(
        request,
        f"This referral check was already recorded as {error.decision.reference}. "
        "Nothing new was stored.",
    )
    return redirect("triage:decision", reference=error.decision.reference)


def _submit(request: HttpRequest, check: ReferralCheck, *, urgent: bool = False) -> HttpResponse:
    """Record the check's decision; on a database fault keep the check and say nothing was lost."""
    try:
        result = check_submit(check_id=check.pk, user=request.user, urgent=urgent)
    except StepNotReached as error:
        return redirect(step_url(check, error.next_step))
    except DatabaseError:
        logger.exception("Storing a decision failed; the referral check is kept")
        return render(request, "triage/submission_failed.html", {"check": check}, status=503)
    if result.policy_changed_to is not None:
        messages.warning(
            request,
            f"The policy changed to version {result.policy_changed_to.number} while you were "
            "answering. Check the answers against its wording, then submit again.",
        )
        return redirect(step_url(check, CHECK))
    if not result.created:
        return _already_recorded(request, CheckAlreadySubmitted(result.decision))
    return redirect("triage:decision", reference=result.decision.reference)


@gp_view
@require_POST
def check_begin(request: HttpRequest, clinician) -> HttpResponse:
    try:
        check = check_start(user=request.user, practice=clinician.practice)
    except NoPolicyInEffect:
        messages.error(request, NO_POLICY)
        return redirect("triage:start")
    return redirect(step_url(check, STEPS[0]))


@check_view
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, clinician, check: ReferralCheck, step: str) -> HttpResponse:
    if step not in FORMS:
        raise Http404("No such question")
    if check.decision_id:
        if request.method == "POST":
            return _already_recorded(request, CheckAlreadySubmitted(check.decision))
        return render(request, "triage/check_recorded.html", {"check": check})
    if not check_can_visit(check, step):
        return redirect(step_url(check, check_next_step(check)))
    changing = request.GET.get("change") == "1"
    form_class = FORMS[step]
    if request.method == "POST":
        form = form_class(request.POST, version=check.policy_version)
        if form.is_valid():
            try:
                check = check_answer(
                    check_id=check.pk,
                    user=request.user,
                    step=step,
                    nhs_number=form.cleaned_data.get("nhs_number"),
                    answers=form.answers() if step != "patient" else None,
                    seen=check,
                )
            except CheckAlreadySubmitted as error:
                return _already_recorded(request, error)
            except StepNotReached as error:
                return redirect(step_url(check, error.next_step))
            if step == "red-flags" and check.answers["red_flags"]:
                # Never delay an emergency: go straight to the urgent-pathway decision.
                return _submit(request, check, urgent=True)
            if changing and check_can_visit(check, CHECK):
                return redirect(step_url(check, CHECK))
            return redirect(step_url(check, check_page_after(check, step)))
    else:
        initial = (
            form_class.initial_from(check.nhs_number)
            if step == "patient"
            else form_class.initial_from(check.answers)
        )
        form = form_class(initial=initial, version=check.policy_version)
    index = STEPS.index(step)
    if changing:
        back_url = step_url(check, CHECK)
    elif index:
        back_url = step_url(check, STEPS[index - 1])
    else:
        back_url = reverse("triage:start")
    return render(
        request,
        "triage/step.html",
        {
            "form": form,
            "check": check,
            "step": step,
            "title": STEP_TITLES[step],
            "back_url": back_url,
            "step_number": index + 1,
            "step_count": len(STEPS),
            "text": questionnaire_page_text(
                check.policy_version, step_number=index + 1, step_count=len(STEPS)
            ),
        },
    )


@keeps_answers
@check_view
@require_http_methods(["GET", "POST"])
def check_answers(request: HttpRequest, clinician, check: ReferralCheck) -> HttpResponse:
    if check.decision_id:
        if request.method == "POST":
            return _already_recorded(request, CheckAlreadySubmitted(check.decision))
        return render(request, "triage/check_recorded.html", {"check": check})
    if not check_can_visit(check, CHECK):
        return redirect(step_url(check, check_next_step(check)))
    if request.method == "POST":
        return _submit(request, check)
    rows = answer_rows(
        version=check.policy_version,
        answers=check_full_answers(check),
        nhs_number=nhs_number_format(check.nhs_number),
    )
    return render(
        request,
        "triage/check.html",
        {
            "rows": [
                (row, step_url(check, row.change_step, change=True) if row.change_step else None)
                for row in rows
            ],
            "check": check,
            "version": check.policy_version,
            "text": questionnaire_page_text(check.policy_version),
            "back_url": step_url(check, STEPS[-1]),
        },
    )


@check_view
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, clinician, check: ReferralCheck) -> HttpResponse:
    if check.decision_id:
        return render(request, "triage/check_recorded.html", {"check": check})
    if request.method == "POST":
        try:
            check_delete(check_id=check.pk, user=request.user)
        except CheckAlreadySubmitted as error:
            return _already_recorded(request, error)
        label = (
            f"for NHS number {nhs_number_format(check.nhs_number)}"
            if check.nhs_number
            else "with no NHS number yet"
        )
        messages.success(request, f"The referral check {label} was deleted.")
        return redirect("triage:start")
    return render(
        request,
        "triage/check_delete.html",
        {
            "check": check,
            "nhs_number": nhs_number_format(check.nhs_number) if check.nhs_number else "",
        },
    )
