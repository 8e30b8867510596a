"""The policy admin's pages: the timeline, drafts (edit, preview, compare, send for approval,
publish, discard) and withdrawing a scheduled version."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.roles import POLICY_ADMIN, role_required
from policy.checks import consistency_warnings, content_problems, publish_check
from policy.diff import version_diff
from policy.forms import DraftForm, PublishForm, WithdrawForm
from policy.models import PolicyVersion
from policy.presentation import criteria_by_category, rendered_sections
from policy.scenarios import policy_scenario_results
from policy.selectors import (
    IN_EFFECT_RULE,
    policy_edit_events,
    policy_get,
    policy_timeline,
    policy_version_get,
    policy_version_get_published,
    policy_version_in_effect,
    policy_version_people,
    policy_version_review_reminders,
    policy_version_scheduled_list,
)
from policy.services import (
    Approval,
    DraftClosedError,
    PolicyError,
    PublishConfirmations,
    changed_field_name,
    policy_version_discard,
    policy_version_draft_start,
    policy_version_draft_update,
    policy_version_mark_ready,
    policy_version_publish,
    policy_version_withdraw,
)
from policy.views.draft_saving import draft_save
from policy.wording_compare import wording_diff, wording_groups


def draft_closed_response(request: HttpRequest, version: PolicyVersion, form=None) -> HttpResponse:
    """The draft was published or discarded meanwhile: say so, and show the admin's unsaved
    text so it can be copied (status 409, never a bare 404)."""
    unsaved = []
    if form is not None and form.is_bound:
        for name, field in form.fields.items():
            value = form.data.get(name, "")
            if name != "revision" and value and str(value) != str(field.initial or ""):
                unsaved.append({"label": field.label, "text": value})
    return render(
        request,
        "policy/draft_closed.html",
        {"version": version, "message": DraftClosedError(version).problems[0], "unsaved": unsaved},
        status=409,
    )


@role_required(POLICY_ADMIN)
@require_http_methods(["GET"])
def manage(request: HttpRequest) -> HttpResponse:
    policy = policy_get()
    timeline = policy_timeline(policy=policy)
    return render(
        request,
        "policy/manage.html",
        {
            "policy": policy,
            "timeline": timeline,
            "rule": IN_EFFECT_RULE,
            "has_draft": any(entry.version.is_draft for entry in timeline),
            "reminders": policy_version_review_reminders(policy=policy),
            "today": timezone.localdate(),
            "events": policy_edit_events(policy=policy)[:50],
        },
    )


@role_required(POLICY_ADMIN)
@require_POST
def draft_start(request: HttpRequest) -> HttpResponse:
    try:
        draft = policy_version_draft_start(user=request.user)
    except PolicyError as error:
        messages.error(request, " ".join(error.problems))
        return redirect("policy:manage")
    return redirect("policy:draft_edit", pk=draft.pk)


@role_required(POLICY_ADMIN)
@require_http_methods(["GET", "POST"])
def draft_edit(request: HttpRequest, pk: int) -> HttpResponse:
    version = policy_version_get(pk=pk)
    form = DraftForm(request.POST or None, version=version)
    stale: list[str] = []
    if not version.is_draft:
        return draft_closed_response(request, version, form if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        result = draft_save(
            request,
            version,
            form,
            save=lambda: policy_version_draft_update(
                version=version,
                user=request.user,
                changes=form.changes(),
                base_revision=form.base_revision(),
            ),
            field_name_for=lambda _form, description: changed_field_name(description),
            closed=lambda closed_version, posted: draft_closed_response(
                request, closed_version, posted
            ),
            saved_url=reverse("policy:draft_edit", args=[pk]),
        )
        if isinstance(result, HttpResponse):
            return result
        version, form, stale = result
    return render(
        request,
        "policy/draft_edit.html",
        {
            "version": version,
            "form": form,
            "stale": stale,
            "warnings": consistency_warnings(version),
            "events": policy_edit_events(version=version),
            "people": policy_version_people(version),
        },
        status=409 if stale else 200,
    )


@role_required(POLICY_ADMIN)
@require_http_methods(["GET"])
def draft_preview(request: HttpRequest, pk: int) -> HttpResponse:
    version = policy_version_get(pk=pk)
    return render(
        request,
        "policy/draft_preview.html",
        {
            "version": version,
            "sections": rendered_sections(version),
            "criteria_groups": criteria_by_category(version),
            "wording_groups": wording_groups(version),
            "events": policy_edit_events(version=version),
            "people": policy_version_people(version),
        },
    )


@role_required(POLICY_ADMIN)
@require_http_methods(["GET"])
def draft_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """Compare with the version in effect today, or (?against=N) a scheduled version."""
    version = policy_version_get(pk=pk)
    in_effect = policy_version_in_effect(policy=version.policy)
    scheduled = policy_version_scheduled_list(policy=version.policy)
    base = in_effect
    against = request.GET.get("against", "")
    if against:
        if not against.isdigit():
            raise Http404("Unknown version")
        base = policy_version_get_published(number=int(against), policy=version.policy)
    if base is None:
        raise Http404("There is no published version to compare with")
    return render(
        request,
        "policy/draft_diff.html",
        {
            "version": version,
            "base": base,
            "in_effect": in_effect,
            "scheduled": scheduled,
            "diffs": version_diff(base, version),
            "wording_diffs": wording_diff(base, version),
        },
    )


@role_required(POLICY_ADMIN)
@require_POST
def draft_ready(request: HttpRequest, pk: int) -> HttpResponse:
    version = policy_version_get(pk=pk)
    if not version.is_draft:
        return draft_closed_response(request, version)
    revision = request.POST.get("revision", "")
    try:
        policy_version_mark_ready(
            version=version,
            user=request.user,
            base_revision=int(revision) if revision.isdigit() else None,
        )
    except DraftClosedError as error:
        return draft_closed_response(request, error.version)
    except PolicyError as error:
        for problem in error.problems:
            messages.error(request, problem)
        return redirect("policy:draft_edit", pk=pk)
    messages.success(
        request, "Draft sent for approval. A second policy admin can now approve and publish it."
    )
    return redirect("policy:manage")


def _publish_form(request: HttpRequest, version: PolicyVersion, check) -> PublishForm:
    return PublishForm(
        request.POST or None,
        scheduled=check.scheduled_after,
        warnings=check.warnings,
        failing=check.failing_scenarios,
    )


@role_required(POLICY_ADMIN)
@require_http_methods(["GET", "POST"])
def draft_publish(request: HttpRequest, pk: int) -> HttpResponse:
    version = policy_version_get(pk=pk)
    if not version.is_draft:
        return draft_closed_response(request, version)
    today = timezone.localdate()

    def check_for(form: PublishForm | None):
        data = form.cleaned_data if form is not None and hasattr(form, "cleaned_data") else {}
        return publish_check(
            version,
            user=request.user,
            effective_from=data.get("effective_from"),
            review_due=data.get("review_due"),
            approval=Approval(data.get("approval_body", ""), data.get("approval_date")),
            today=today,
        )

    # A first pass without confirmation fields validates the dates; the check on those dates
    # decides which confirmations the form must ask for.
    probe = PublishForm(request.POST or None)
    probe.is_valid()
    check = check_for(probe if request.method == "POST" else None)
    form = _publish_form(request, version, check)
    edit_problems = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            published = policy_version_publish(
                version=version,
                user=request.user,
                effective_from=data["effective_from"],
                review_due=data["review_due"],
                approval=Approval(
                    data["approval_body"], data["approval_date"], data["approval_reference"]
                ),
                confirm=PublishConfirmations(
                    withdraw_scheduled=data.get("scheduled") == "withdraw",
                    keep_scheduled=data.get("scheduled") == "keep",
                    withdraw_reason=data.get("withdraw_reason", ""),
                    warnings_read=data.get("warnings_read", False),
                    failing_scenarios=data.get("failing_scenarios", False),
                ),
                today=today,
            )
        except DraftClosedError as error:
            return draft_closed_response(request, error.version)
        except PolicyError as error:
            edit_problems = form.add_problems(error.items)
        else:
            messages.success(
                request,
                f"Version {published.number} published. It takes effect on "
                f"{published.effective_from:%-d %B %Y}.",
            )
            return redirect("policy:manage")
    elif request.method == "GET":
        edit_problems = form.add_problems(content_problems(version))
    return render(
        request,
        "policy/draft_publish.html",
        {
            "version": version,
            "form": form,
            "check": check,
            "edit_problems": edit_problems,
            "scenario_results": policy_scenario_results(version),
            "in_effect": policy_version_in_effect(policy=version.policy),
        },
        status=200 if request.method == "GET" or form.is_valid() else 400,
    )


@role_required(POLICY_ADMIN)
@require_http_methods(["GET", "POST"])
def draft_discard(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST discards. The draft stays in the history, read-only."""
    version = policy_version_get(pk=pk)
    if not version.is_draft:
        return draft_closed_response(request, version)
    if request.method == "POST":
        try:
            policy_version_discard(version=version, user=request.user)
        except DraftClosedError as error:
            return draft_closed_response(request, error.version)
        messages.success(request, "Draft discarded. It stays in the history, read-only.")
        return redirect("policy:manage")
    return render(request, "policy/draft_discard.html", {"version": version})


@role_required(POLICY_ADMIN)
@require_http_methods(["GET", "POST"])
def version_withdraw(request: HttpRequest, number: int) -> HttpResponse:
    version = policy_version_get_published(number=number)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            policy_version_withdraw(
                version=version, user=request.user, reason=form.cleaned_data["reason"]
            )
        except PolicyError as error:
            for problem in error.items:
                form.add_error(problem.field or None, problem.message)
        else:
            messages.success(request, f"Version {number} withdrawn. It will not take effect.")
            return redirect("policy:manage")
    return render(
        request,
        "policy/version_withdraw.html",
        {"version": version, "form": form},
        status=400 if form.errors else 200,
    )
