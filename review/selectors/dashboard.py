"""Figures for the dashboards, each from one or two aggregate SQL queries over a period.

Decisions entered in error are left out of every count: they were corrected away, and any
replacement decision is counted instead.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from review.models import ChainVerification, Review
from review.selectors.practice import latest_reviews
from review.selectors.review import decision_entered_in_error, decision_reviewed
from triage.models import Decision, DecisionCorrection, Practice


def local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _bounds(
    first: datetime.date, last: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """Local midnight at the start of `first` and after `last`: a half-open range."""
    return local_midnight(first), local_midnight(last + datetime.timedelta(days=1))


def decision_counts(
    *, first: datetime.date, last: datetime.date, practice: Practice | None = None
) -> list[dict]:
    """[{month, practice_id, outcome, policy_version_id, clinician_id, n}] in two queries.

    Every table of decisions folds from these few rows. Clinicians are grouped only for one
    practice's own view (clinician_id is None otherwise): the ICB-wide page never splits by
    clinician. Decisions entered in error (rare) are counted on their own and taken away, so
    the big count is a plain index-only scan with no anti-join over every decision.
    """
    keys = ["month", "practice_id", "outcome", "policy_version_id"]
    if practice:
        keys.append("clinician_id")
    start, end = _bounds(first, last)
    decisions = Decision.objects.filter(created_at__gte=start, created_at__lt=end)
    if practice:
        decisions = decisions.filter(practice=practice)

    def grouped(queryset: QuerySet) -> dict[tuple, int]:
        rows = (
            queryset.annotate(month=TruncMonth("created_at"))
            .values(*keys)
            .annotate(n=Count("*"))
            .order_by()
        )
        return {tuple(row[k] for k in keys): row["n"] for row in rows}

    totals = grouped(decisions)
    for key, n in grouped(decisions.filter(decision_entered_in_error())).items():
        totals[key] -= n
    return [
        {"clinician_id": None, **dict(zip(keys, key, strict=True)), "n": n}
        | {"month": timezone.localdate(key[0])}
        for key, n in totals.items()
        if n
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
    corrected = DecisionCorrection.objects.filter(decision=OuterRef("decision"))
    reviews = latest_reviews().filter(
        ~Exists(corrected), decision__created_at__gte=start, decision__created_at__lt=end
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
    """Decisions nobody has reviewed: all decisions less those with a review (two counts that
    read indexes only), and the oldest of them (the first unreviewed one by date)."""
    reviewed = Review.objects.values("decision_id").distinct().count()
    oldest = (
        Decision.objects.filter(~decision_reviewed())
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return Backlog(Decision.objects.count() - reviewed, oldest)


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
