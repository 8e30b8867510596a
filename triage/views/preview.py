"""Questionnaire preview for policy admins: the GP pages in a draft's wording, then the outcome
the draft's rules give. Answers live in the admin's session under their own key; nothing is
recorded."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from core.roles import POLICY_ADMIN, role_required
from policy import engine
from policy.selectors import policy_version_get
from triage.forms.questionnaire import (
    ConditionsForm,
    DecompressionForm,
    PainLocationForm,
    RedFlagsForm,
)
from triage.presentation import outcome_display_for

STEPS = ("red-flags", "pain", "conditions", "decompression")
FORMS = {
    "red-flags": RedFlagsForm,
    "pain": PainLocationForm,
    "conditions": ConditionsForm,
    "decompression": DecompressionForm,
}
SESSION_KEY = "policy_preview"


def _answers(request: HttpRequest, pk: int) -> dict:
    stored = request.session.get(SESSION_KEY, {})
    return stored.get("answers", {}) if stored.get("version") == pk else {}


@role_required(POLICY_ADMIN)
@require_http_methods(["GET", "POST"])
def preview_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    version = policy_version_get(pk=pk)
    if step not in FORMS:
        raise Http404("No such question")
    answers = _answers(request, pk) if step != STEPS[0] or request.method == "POST" else {}
    form_class = FORMS[step]
    form = form_class(
        request.POST or None, version=version, initial=form_class.initial_from(answers)
    )
    if request.method == "POST" and form.is_valid():
        answers.update(form.answers())
        request.session[SESSION_KEY] = {"version": pk, "answers": answers}
        index = STEPS.index(step)
        if (step == "red-flags" and answers["red_flags"]) or index == len(STEPS) - 1:
            return redirect("preview:outcome", pk=pk)
        return redirect("preview:step", pk=pk, step=STEPS[index + 1])
    index = STEPS.index(step)
    back = (
        reverse("preview:step", args=[pk, STEPS[index - 1]])
        if index
        else reverse("policy:draft_preview", args=[pk])
    )
    return render(
        request,
        "triage/preview_step.html",
        {
            "version": version,
            "form": form,
            "step_number": index + 1,
            "step_count": len(STEPS),
            "back_url": back,
        },
    )


@role_required(POLICY_ADMIN)
@require_http_methods(["GET"])
def preview_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    version = policy_version_get(pk=pk)
    answers = _answers(request, pk)
    full = {
        "pain_location": None,
        "red_flags": [],
        "conditions": [],
        "decompression_planned": None,
        "decompression_destabilising": None,
        **answers,
    }
    try:
        decision = engine.evaluate(engine.parse_rules(version.rules), engine.parse_answers(full))
    except engine.EngineError:
        return redirect("preview:step", pk=pk, step=STEPS[0])
    return render(
        request,
        "triage/preview_outcome.html",
        {
            "version": version,
            "outcome": outcome_display_for(
                version=version,
                outcome=str(decision.outcome),
                findings=decision.to_dict()["findings"],
                red_flags=full["red_flags"],
            ),
            "decision": decision,
        },
    )
