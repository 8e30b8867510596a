"""What a GP reads about referral checks: one of their own, and those still in progress."""

import uuid

from django.db.models import QuerySet

from triage.models import ReferralCheck


def check_get_for_clinician(*, check_id: uuid.UUID, user) -> ReferralCheck | None:
    """The check if this user started it; None for anyone else's, or one that is gone.

    Joins only the version, which every page of the check needs; the decision is read on the
    rare page that shows one. Unique lookup, so no ORDER BY (Django's first() would add one,
    and compiling it is a measurable share of a question page).
    """
    found = ReferralCheck.objects.select_related("policy_version").filter(
        pk=check_id, clinician=user
    )[:1]
    return next(iter(found), None)


def check_list_in_progress(*, user) -> QuerySet[ReferralCheck]:
    """The user's unsubmitted checks, most recently changed first."""
    return ReferralCheck.objects.filter(clinician=user, decision__isnull=True).order_by(
        "-updated_at"
    )
