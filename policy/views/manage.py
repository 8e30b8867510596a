"""The policy admin's pages: start, edit, preview, compare and publish drafts."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.roles import POLICY_ADMIN, role_required
from policy.diff import version_diff
from policy.forms import DraftForm, PublishForm
from policy.presentation import criteria_by_category, rendered_sections
from policy.selectors import (
    policy_edit_events,
    policy_get,
    policy_version_current,
    policy_version_get,
    policy_version_state,
)
from policy.services import (
    PolicyError,
    policy_version_discard,
    policy_version_draft_start,
    policy_version_draft_update,
    policy_version_publish,
    publish_problems,
)


def _draft_or_404(number: int):
    version = policy_version_get(number=number)
    if not version.is_draft:
        raise Http404("Only drafts can be changed")
    return version


@role_required(POLICY_ADMIN)
@require_http_methods(["GET"])
def manage(request: HttpRequest) -> HttpResponse:
    policy = policy_get()
    current = policy_version_current(policy=policy)
    versions = [
        (version, policy_version_state(version, current=current))
        for version in policy.versions.select_related("created_by", "published_by")
    ]
    return render(
        request,
        "policy/manage.html",
        {
            "policy": policy,
            "versions": versions,
            "has_draft": any(v.is_draft for v, _ in versions),
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
    return redirect("policy:draft_edit", number=draft.number)


@role_required(POLICY_ADMIN)
@require_http_methods(["GET", "POST"])
def draft_edit(request: HttpRequest, number: int) -> HttpResponse:
    version = _draft_or_404(number)
    form = DraftForm(request.POST or None, version=version)
    if request.method == "POST" and form.is_valid():
        changed = policy_version_draft_update(
            version=version, user=request.user, changes=form.changes()
        )
        if changed:
            messages.success(request, f"Draft version {number} saved ({len(changed)} changes).")
        else:
            messages.info(request, "No changes to save.")
        return redirect("policy:draft_edit", number=number)
    return render(
        request,
        "policy/draft_edit.html",
        {
            "version": version,
            "form": form,
            "events": policy_edit_events(number=number),
        },
    )


@role_required(POLICY_ADMIN)
@require_http_methods(["GET"])
def draft_preview(request: HttpRequest, number: int) -> HttpResponse:
    version = policy_version_get(number=number)
    return render(
        request,
        "policy/draft_preview.html",
        {
            "version": version,
            "sections": rendered_sections(version),
            "criteria_groups": criteria_by_category(version),
        },
    )


@role_required(POLICY_ADMIN)
@require_http_methods(["GET"])
def draft_diff(request: HttpRequest, number: int) -> HttpResponse:
    version = policy_version_get(number=number)
    # Compare with the published version the draft was copied from.
    base = version.based_on
    if base is None:
        raise Http404("There is no published version to compare with")
    return render(
        request,
        "policy/draft_diff.html",
        {"version": version, "base": base, "diffs": version_diff(base, version)},
    )


@role_required(POLICY_ADMIN)
@require_http_methods(["GET", "POST"])
def draft_publish(request: HttpRequest, number: int) -> HttpResponse:
    version = _draft_or_404(number)
    form = PublishForm(request.POST or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            policy_version_publish(
                version=version,
                user=request.user,
                effective_from=form.cleaned_data["effective_from"],
                review_due=form.cleaned_data["review_due"],
            )
        except PolicyError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                f"Version {number} published. It takes effect on "
                f"{form.cleaned_data['effective_from']:%-d %B %Y}.",
            )
            return redirect("policy:manage")
    elif request.method == "GET":
        # Show content problems before the admin picks a date.
        problems = [
            p
            for p in publish_problems(version, effective_from=None, review_due=None, today=None)
            if "takes effect" not in p
        ]
    return render(
        request,
        "policy/draft_publish.html",
        {"version": version, "form": form, "problems": problems, "page_has_errors": bool(problems)},
    )


@role_required(POLICY_ADMIN)
@require_POST
def draft_discard(request: HttpRequest, number: int) -> HttpResponse:
    version = _draft_or_404(number)
    policy_version_discard(version=version, user=request.user)
    messages.success(request, f"Draft version {number} discarded.")
    return redirect("policy:manage")
