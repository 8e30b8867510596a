"""What a GP reads about referral checks: one of their own, and those still in progress."""

import uuid

from django.db.models import QuerySet

from policy.selectors import policy_version_heavy_fields, policy_version_whole
from triage.models import ReferralCheck


def check_get_for_clinician(*, check_id: uuid.UUID, user) -> ReferralCheck | None:
    """The check if this user started it; None for anyone else's, or one that is gone.

    Joins only the version, which every page of the check needs, without its large fields: the
    whole version comes from memory (policy_version_whole). The decision is read on the rare
    page that shows one. Unique lookup, so no ORDER BY (Django's first() would add one,
    and compiling it is a measurable share of a question page).
    """
    found = (
        ReferralCheck.objects.select_related("policy_version")
        .defer(*policy_version_heavy_fields("policy_version__"))
        .filter(pk=check_id, clinician=user)[:1]
    )
    check = next(iter(found), None)
    if check is not None:
        check.policy_version = policy_version_whole(check.policy_version)
    return check


def check_list_in_progress(*, user) -> QuerySet[ReferralCheck]:
    """The user's unsubmitted checks, most recently changed first."""
    return ReferralCheck.objects.filter(clinician=user, decision__isnull=True).order_by(
        "-updated_at"
    )
