"""The GP questionnaire: one question per page, state in the session, then check and submit."""

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
from policy.models import PolicyVersion
from policy.selectors import policy_version_current
from triage.forms.questionnaire import (
    ConditionsForm,
    DecompressionForm,
    PainLocationForm,
    PatientForm,
    RedFlagsForm,
)
from triage.journey import (
    CHECK,
    STEPS,
    Journey,
    journey_clear,
    journey_get,
    journey_save,
    journey_start,
)
from triage.models import Decision
from triage.nhs_number import nhs_number_format
from triage.presentation import answer_rows
from triage.selectors.practice import clinician_for_user
from triage.services.decisions import decision_record

logger = logging.getLogger(__name__)

FORMS = {
    "patient": PatientForm,
    "red-flags": RedFlagsForm,
    "pain": PainLocationForm,
    "conditions": ConditionsForm,
    "decompression": DecompressionForm,
}
TITLES = {
    "patient": "Patient's NHS number",
    "red-flags": "Red flags",
    "pain": "Where the pain is",
    "conditions": "Diagnosed conditions",
    "decompression": "Planned decompression",
}


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


def _step_url(step: str, *, change: bool = False) -> str:
    url = reverse("triage:check") if step == CHECK else reverse("triage:step", args=[step])
    return f"{url}?change=1" if change and step != CHECK else url


def _record(request: HttpRequest, clinician, journey: Journey) -> HttpResponse:
    """Store the decision; on a database fault keep the journey and say nothing was lost."""
    version = PolicyVersion.objects.get(pk=journey.policy_version_id)
    try:
        decision, _ = decision_record(
            user=request.user,
            practice=clinician.practice,
            nhs_number=journey.nhs_number,
            answers=journey.full_answers(),
            submission_key=uuid.UUID(journey.submission_key),
            version=version,
        )
    except DatabaseError:
        logger.exception("Storing a decision failed; the journey is kept in the session")
        return render(request, "triage/submission_failed.html", status=503)
    journey_clear(request)
    return redirect("triage:decision", reference=decision.reference)


@gp_view
@require_POST
def journey_begin(request: HttpRequest, clinician) -> HttpResponse:
    version = policy_version_current()
    if version is None:
        messages.error(
            request,
            "Referral checks are unavailable: no version of the policy is in effect yet. "
            "Contact the ICB clinical policy team.",
        )
        return redirect("triage:start")
    journey_start(request, policy_version_id=version.pk)
    return redirect(_step_url("patient"))


@gp_view
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, clinician, step: str) -> HttpResponse:
    if step not in FORMS:
        raise Http404("No such question")
    journey = journey_get(request)
    if journey is None:
        messages.info(request, "Start a new referral check.")
        return redirect("triage:start")
    if not journey.can_visit(step):
        return redirect(_step_url(journey.next_step()))
    changing = request.GET.get("change") == "1"
    version = PolicyVersion.objects.get(pk=journey.policy_version_id)
    form_class = FORMS[step]
    if request.method == "POST":
        form = form_class(request.POST, version=version)
        if form.is_valid():
            if step == "patient":
                journey.nhs_number = form.cleaned_data["nhs_number"]
            else:
                journey.answers.update(form.answers())
            journey_save(request, journey)
            if step == "red-flags" and journey.answers["red_flags"]:
                # Never delay an emergency: go straight to the urgent-pathway decision.
                return _record(request, clinician, journey)
            return redirect(_step_url(CHECK if changing else journey.next_step()))
    else:
        initial = (
            form_class.initial_from(journey.nhs_number)
            if step == "patient"
            else form_class.initial_from(journey.answers)
        )
        form = form_class(initial=initial, version=version)
    previous = STEPS[STEPS.index(step) - 1] if STEPS.index(step) else None
    back_url = (
        _step_url(CHECK)
        if changing
        else (_step_url(previous) if previous else reverse("triage:start"))
    )
    return render(
        request,
        "triage/step.html",
        {
            "form": form,
            "step": step,
            "title": TITLES[step],
            "back_url": back_url,
            "step_number": STEPS.index(step) + 1,
            "step_count": len(STEPS),
        },
    )


@gp_view
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, clinician) -> HttpResponse:
    journey = journey_get(request)
    if request.method == "POST":
        posted_key = request.POST.get("submission_key", "")
        done = Decision.objects.filter(
            submission_key=_uuid_or_none(posted_key), practice=clinician.practice
        ).first()
        if done:
            # A double click, or the back button and submit again: show the first decision.
            return redirect("triage:decision", reference=done.reference)
    if journey is None:
        messages.info(request, "Start a new referral check.")
        return redirect("triage:start")
    if not journey.can_visit(CHECK):
        return redirect(_step_url(journey.next_step()))
    current = policy_version_current()
    if request.method == "POST":
        if current is not None and current.pk != journey.policy_version_id:
            journey.policy_version_id = current.pk
            journey_save(request, journey)
            messages.warning(
                request,
                f"The policy changed to version {current.number} while you were answering. "
                "Check the answers against its wording, then submit again.",
            )
            return redirect("triage:check")
        return _record(request, clinician, journey)
    version = PolicyVersion.objects.get(pk=journey.policy_version_id)
    rows = answer_rows(
        version=version,
        answers=journey.full_answers(),
        nhs_number=nhs_number_format(journey.nhs_number),
    )
    return render(
        request,
        "triage/check.html",
        {
            "rows": [
                (row, _step_url(row.change_step, change=True) if row.change_step else None)
                for row in rows
            ],
            "journey": journey,
            "version": version,
        },
    )


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
