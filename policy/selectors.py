"""Reads of policies and their versions."""

import datetime

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from policy.models import Policy, PolicyEditEvent, PolicyVersion

POLICY_SLUG = "lumbar-spinal-fusion"


def policy_get() -> Policy:
    """The fusion policy; 404 until `manage.py seed_policy` has loaded it."""
    return get_object_or_404(Policy, slug=POLICY_SLUG)


def policy_version_published_list(*, policy: Policy | None = None) -> QuerySet[PolicyVersion]:
    policy = policy or policy_get()
    return policy.versions.filter(status=PolicyVersion.Status.PUBLISHED).order_by("-number")


def policy_version_current(
    *, policy: Policy | None = None, on: datetime.date | None = None
) -> PolicyVersion | None:
    """The latest published version whose effective date has passed (on `on`, default today)."""
    on = on or timezone.localdate()
    policy = policy or Policy.objects.filter(slug=POLICY_SLUG).first()
    if policy is None:
        return None
    return (
        policy_version_published_list(policy=policy)
        .filter(effective_from__lte=on)
        .order_by("-effective_from", "-number")
        .first()
    )


def policy_version_get_published(*, number: int, policy: Policy | None = None) -> PolicyVersion:
    return get_object_or_404(policy_version_published_list(policy=policy), number=number)


def policy_version_get(*, number: int, policy: Policy | None = None) -> PolicyVersion:
    policy = policy or policy_get()
    return get_object_or_404(policy.versions.all(), number=number)


def policy_version_draft(*, policy: Policy | None = None) -> PolicyVersion | None:
    policy = policy or policy_get()
    return policy.versions.filter(status=PolicyVersion.Status.DRAFT).first()


def policy_version_state(version: PolicyVersion, *, current: PolicyVersion | None) -> str:
    """draft, scheduled, current or superseded: how a version stands today."""
    if version.is_draft:
        return "draft"
    if current is not None and version.pk == current.pk:
        return "current"
    if version.effective_from > timezone.localdate():
        return "scheduled"
    return "superseded"


def policy_edit_events(*, policy: Policy | None = None, number: int | None = None):
    policy = policy or policy_get()
    events = PolicyEditEvent.objects.filter(policy=policy).select_related("user")
    if number is not None:
        events = events.filter(version_number=number)
    return events
