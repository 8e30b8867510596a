"""The policy admin's page for a draft's wording, and the comparison with the version it is
based on. Kept apart from manage.py so that page can change without touching this one."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from core.roles import POLICY_ADMIN, role_required
from policy.selectors import policy_version_get
from policy.views.draft_saving import draft_save
from policy.views.manage import draft_closed_response
from policy.wording import (
    policy_version_wording_update,
    version_questions,
    version_wording,
    wording_get,
)
from policy.wording_forms import WordingForm, editable_fields


def wording_changes(version, base) -> list[dict]:
    """Each text that differs from the version the draft is based on, with both wordings."""
    if base is None:
        return []
    rows = []
    for field in editable_fields(version):
        is_question = field.path[0] == "questions"
        path = field.path[1:] if is_question else field.path
        new = wording_get(
            version_questions(version) if is_question else version_wording(version), path
        )
        old = wording_get(version_questions(base) if is_question else version_wording(base), path)
        if new != old:
            rows.append({"title": field.title, "old": old or "", "new": new or ""})
    return rows


@role_required(POLICY_ADMIN)
@require_http_methods(["GET", "POST"])
def draft_wording(request: HttpRequest, pk: int) -> HttpResponse:
    version = policy_version_get(pk=pk)
    if not version.is_draft:
        if request.method == "POST":
            form = WordingForm(request.POST, version=version)
            return draft_closed_response(request, version, form)
        messages.error(request, "This version is no longer a draft, so its wording cannot change.")
        return redirect("policy:manage")
    form = WordingForm(request.POST or None, version=version)
    stale: list[str] = []
    if request.method == "POST" and form.is_valid():
        result = draft_save(
            request,
            version,
            form,
            save=lambda: policy_version_wording_update(
                version=version,
                user=request.user,
                texts=form.texts(),
                base_revision=form.base_revision(),
            ),
            field_name_for=lambda posted, description: posted.field_name_for(description),
            closed=lambda closed_version, posted: draft_closed_response(
                request, closed_version, posted
            ),
            saved_url=reverse("policy:draft_wording", args=[pk]),
        )
        if isinstance(result, HttpResponse):
            return result
        version, form, stale = result
    return render(
        request,
        "policy/draft_wording.html",
        {
            "version": version,
            "form": form,
            "stale": stale,
            "changes": wording_changes(version, version.based_on),
        },
        status=409 if stale else 200,
    )
