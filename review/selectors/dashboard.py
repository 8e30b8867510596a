"""Figures for the reviewers' dashboard, each aggregated in one SQL query."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from review.models import ChainVerification, Review
from review.selectors.review import decision_reviewed, month_bounds
from triage.models import Decision, Practice

DASHBOARD_MONTHS = 18


def dashboard_months(*, count: int = DASHBOARD_MONTHS, today: datetime.date | None = None):
    """The first day of each of the last `count` months, oldest first, this month last."""
    month = (today or timezone.localdate()).replace(day=1)
    months = [month]
    for _ in range(count - 1):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        months.append(month)
    return months[::-1]


def decision_counts_since(*, since: datetime.date) -> list[dict]:
    """[{month, practice_id, outcome, n}] from `since` (a 1st of the month) on, in one query.

    Both the monthly and the per-practice figures fold from these few rows.
    Decisions entered in error are left out: they were corrected away.
    """
    start, _ = month_bounds(since)
    rows = (
        Decision.objects.filter(created_at__gte=start, correction__isnull=True)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "practice_id", "outcome")
        .annotate(n=Count("*"))
        .order_by()
    )
    return [{**row, "month": timezone.localdate(row["month"])} for row in rows]


def counts_by_month_and_outcome(counts: list[dict]) -> dict[tuple, int]:
    """{(first day of month, outcome): decisions}."""
    totals: dict[tuple, int] = {}
    for row in counts:
        key = (row["month"], row["outcome"])
        totals[key] = totals.get(key, 0) + row["n"]
    return totals


def counts_by_practice_and_outcome(counts: list[dict]) -> list[dict]:
    """[{ods_code, name, counts: {outcome: n}}] for practices with decisions, by name."""
    by_practice: dict[int, dict[str, int]] = {}
    for row in counts:
        outcomes = by_practice.setdefault(row["practice_id"], {})
        outcomes[row["outcome"]] = outcomes.get(row["outcome"], 0) + row["n"]
    practices = Practice.objects.filter(pk__in=by_practice).order_by("name")
    return [
        {"ods_code": p.ods_code, "name": p.name, "counts": by_practice[p.pk]} for p in practices
    ]


def entered_in_error_count_since(*, since: datetime.date) -> int:
    """How many decisions from `since` on were marked entered in error (not in the counts)."""
    start, _ = month_bounds(since)
    return Decision.objects.filter(created_at__gte=start, correction__isnull=False).count()


@dataclass(frozen=True)
class Backlog:
    count: int
    oldest: datetime.datetime | None


def unreviewed_backlog() -> Backlog:
    figures = Decision.objects.filter(~decision_reviewed()).aggregate(
        n=Count("id"), oldest=Min("created_at")
    )
    return Backlog(figures["n"], figures["oldest"])


def latest_verdicts_by_outcome() -> dict[str, tuple[int, int]]:
    """{decision outcome: (decisions reviewed, of which the latest verdict is agree)}."""
    later = Review.objects.filter(decision=OuterRef("decision"), sequence__gt=OuterRef("sequence"))
    rows = (
        Review.objects.filter(~Exists(later))
        .values("decision__outcome")
        .annotate(reviewed=Count("id"), agreed=Count("id", filter=Q(verdict="agree")))
        .order_by()
    )
    return {row["decision__outcome"]: (row["reviewed"], row["agreed"]) for row in rows}


def chain_verification_latest() -> ChainVerification | None:
    return ChainVerification.objects.order_by("-finished_at", "-id").first()
