"""Figures for the dashboards, each aggregated in one SQL query over a period.

Decisions entered in error are left out of every count: they were corrected away, and any
replacement decision is counted instead.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from review.models import ChainVerification
from review.selectors.practice import latest_reviews
from review.selectors.review import decision_reviewed
from triage.models import Decision, Practice


def local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _bounds(
    first: datetime.date, last: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """Local midnight at the start of `first` and after `last`: a half-open range."""
    return local_midnight(first), local_midnight(last + datetime.timedelta(days=1))


def _decisions_in(first, last, practice: Practice | None) -> QuerySet[Decision]:
    start, end = _bounds(first, last)
    decisions = Decision.objects.filter(
        created_at__gte=start, created_at__lt=end, correction__isnull=True
    )
    return decisions.filter(practice=practice) if practice else decisions


def decision_counts(
    *, first: datetime.date, last: datetime.date, practice: Practice | None = None
) -> list[dict]:
    """[{month, practice_id, outcome, policy_version_id, clinician_id, n}] in one query.

    Every table of decisions folds from these few rows. Clinicians are grouped only for one
    practice's own view (clinician_id is None otherwise): the ICB-wide page never splits by
    clinician.
    """
    keys = ["month", "practice_id", "outcome", "policy_version_id"]
    if practice:
        keys.append("clinician_id")
    rows = (
        _decisions_in(first, last, practice)
        .annotate(month=TruncMonth("created_at"))
        .values(*keys)
        .annotate(n=Count("*"))
        .order_by()
    )
    return [
        {"clinician_id": None, **row, "month": timezone.localdate(row["month"])} for row in rows
    ]


def review_counts(
    *, first: datetime.date, last: datetime.date, practice: Practice | None = None
) -> list[dict]:
    """[{outcome, practice_id, policy_version_id, clinician_id, reviewed, agreed}] in one query.

    For the decisions made in the period: how many have been reviewed, and of those how many
    have "agree" as their latest verdict (a later verdict replaces an earlier one).
    """
    keys = ["decision__outcome", "decision__practice_id", "decision__policy_version_id"]
    if practice:
        keys.append("decision__clinician_id")
    start, end = _bounds(first, last)
    reviews = latest_reviews().filter(
        decision__created_at__gte=start,
        decision__created_at__lt=end,
        decision__correction__isnull=True,
    )
    # A join, not `decision__in` a subquery: the planner then starts from the (far fewer)
    # reviews instead of probing the reviews of every decision in the period.
    rows = (
        (reviews.filter(decision__practice=practice) if practice else reviews)
        .values(*keys)
        .annotate(reviewed=Count("id"), agreed=Count("id", filter=Q(verdict="agree")))
        .order_by()
    )
    return [
        {
            "outcome": row["decision__outcome"],
            "practice_id": row["decision__practice_id"],
            "policy_version_id": row["decision__policy_version_id"],
            "clinician_id": row.get("decision__clinician_id"),
            "reviewed": row["reviewed"],
            "agreed": row["agreed"],
        }
        for row in rows
    ]


def entered_in_error_count(
    *, first: datetime.date, last: datetime.date, practice: Practice | None = None
) -> int:
    """How many decisions in the period were marked entered in error (not in the counts)."""
    start, end = _bounds(first, last)
    decisions = Decision.objects.filter(
        created_at__gte=start, created_at__lt=end, correction__isnull=False
    )
    return (decisions.filter(practice=practice) if practice else decisions).count()


@dataclass(frozen=True)
class Backlog:
    count: int
    oldest: datetime.datetime | None


def unreviewed_backlog() -> Backlog:
    figures = Decision.objects.filter(~decision_reviewed()).aggregate(
        n=Count("id"), oldest=Min("created_at")
    )
    return Backlog(figures["n"], figures["oldest"])


def chain_verification_latest() -> ChainVerification | None:
    return ChainVerification.objects.order_by("-finished_at", "-id").first()


def practice_names(ids) -> dict[int, str]:
    """{practice id: "Name (ODS code)"}."""
    return {p.pk: f"{p.name} ({p.ods_code})" for p in Practice.objects.filter(pk__in=set(ids))}


def policy_version_numbers(ids) -> dict[int, int]:
    from policy.models import PolicyVersion

    return dict(PolicyVersion.objects.filter(pk__in=set(ids)).values_list("pk", "number"))


def clinician_names(ids) -> dict[int, str]:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk__in={i for i in ids if i is not None})
    return {u.pk: u.get_full_name() or u.username for u in users}
