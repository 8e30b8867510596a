"""Public pages of the policy: the current version, the list of versions, one version."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from policy.presentation import criteria_by_category, rendered_sections
from policy.selectors import (
    policy_get,
    policy_version_get_published,
    policy_version_in_effect,
    policy_version_published_list,
    policy_version_state,
)


def _render_version(request: HttpRequest, version, *, is_current_page: bool) -> HttpResponse:
    current = version if is_current_page else policy_version_in_effect(policy=version.policy)
    return render(
        request,
        "policy/version_detail.html",
        {
            "version": version,
            "state": policy_version_state(version, current=current),
            "current": current,
            "sections": rendered_sections(version),
            "criteria_groups": criteria_by_category(version),
            "is_current_page": is_current_page,
        },
    )


@require_GET
def current(request: HttpRequest) -> HttpResponse:
    version = policy_version_in_effect(from_memory=True)
    if version is None:
        raise Http404("No policy version is in effect yet")
    return _render_version(request, version, is_current_page=True)


@require_GET
def version_list(request: HttpRequest) -> HttpResponse:
    policy = policy_get()
    current_version = policy_version_in_effect(policy=policy)
    versions = [
        (version, policy_version_state(version, current=current_version))
        for version in policy_version_published_list(policy=policy).select_related(
            "published_by", "withdrawal"
        )
    ]
    return render(request, "policy/version_list.html", {"policy": policy, "versions": versions})


@require_GET
def version_detail(request: HttpRequest, number: int) -> HttpResponse:
    return _render_version(
        request, policy_version_get_published(number=number), is_current_page=False
    )
