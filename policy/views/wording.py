"""The policy admin's page for a draft's wording, and the comparison with the version it is
based on. Kept apart from manage.py so that page can change without touching this one."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.roles import POLICY_ADMIN, role_required
from policy.selectors import policy_version_get
from policy.services import DraftClosedError, StaleDraftError
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


def _stale_form(request: HttpRequest, version, error: StaleDraftError) -> WordingForm:
    """The admin's own text, now based on the latest revision, with each text someone else
    changed meanwhile marked and their saved text quoted (as the main edit page does)."""
    data = request.POST.copy()
    data["revision"] = str(version.revision)
    form = WordingForm(data, version=version)
    form.is_valid()
    for event in error.since:
        for description in event.changed:
            name = form.field_name_for(description)
            if not name:
                continue
            saved = str(form.fields[name].initial or "")
            excerpt = saved if len(saved) <= 160 else saved[:160] + "…"
            who = event.user.get_full_name() or event.user.get_username()
            form.add_error(
                name,
                f"{who} changed this at {timezone.localtime(event.at):%H:%M} after you opened "
                f"the draft. Saved text: “{excerpt}”. Your text is in the box.",
            )
    return form


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
        try:
            changed = policy_version_wording_update(
                version=version,
                user=request.user,
                texts=form.texts(),
                base_revision=form.base_revision(),
            )
        except DraftClosedError as error:
            return draft_closed_response(request, error.version, form)
        except StaleDraftError as error:
            version = error.version
            form = _stale_form(request, version, error)
            stale = error.problems
        else:
            if changed:
                messages.success(request, f"Draft saved ({len(changed)} changes).")
            else:
                messages.info(request, "No changes to save.")
            return redirect("policy:draft_wording", pk=pk)
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
