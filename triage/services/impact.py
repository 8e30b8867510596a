"""Impact replay: what a policy version (usually a draft) would have decided for stored decisions.

The answer space is small, so identical answers are grouped in SQL (GROUP BY answers, outcome)
and each distinct combination is evaluated once by the engine; the from -> to counts are the
group counts summed. Nothing is recorded.
"""

import datetime
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core.charts import CountChart, count_bar_chart
from core.csv_cells import csv_safe
from policy import engine
from policy.engine import OUTCOME_LABELS
from policy.models import Policy, PolicyVersion
from policy.selectors import policy_version_in_effect
from policy.services import policy_rules
from triage.models import Decision

MAX_PERIOD_DAYS = 366 * 10
EARLIEST = datetime.date(2000, 1, 1)


class PeriodError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def impact_period_default(
    today: datetime.date | None = None,
) -> tuple[datetime.date, datetime.date]:
    """The last 12 months, today included."""
    today = today or timezone.localdate()
    try:
        start = today.replace(year=today.year - 1) + datetime.timedelta(days=1)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - 1, day=28) + datetime.timedelta(days=1)
    return start, today


def impact_period_check(start: datetime.date, end: datetime.date, *, today=None) -> None:
    """Refuse a period that ends before it starts, lies outside the service's life, or is
    absurdly long; PeriodError names the field."""
    today = today or timezone.localdate()
    if start < EARLIEST:
        raise PeriodError("start", f"The start date must be on or after {EARLIEST:%-d %B %Y}")
    if end > today:
        raise PeriodError("end", "The end date must be today or in the past")
    if end < start:
        raise PeriodError("end", "The end date must be the same as or after the start date")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise PeriodError("start", "The period can be at most 10 years")


def _decisions_in(start: datetime.date, end: datetime.date) -> QuerySet[Decision]:
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, zone)
    return Decision.objects.filter(created_at__gte=since, created_at__lt=until)


@dataclass
class Impact:
    start: datetime.date
    end: datetime.date
    total: int = 0
    combinations: int = 0
    moves: Counter = field(default_factory=Counter)  # (from, to) -> count
    # to outcome -> the answers (as stored) that the version decides as `to`
    answers_by_outcome: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return sum(n for (old, new), n in self.moves.items() if old != new)

    def rows(self) -> list[dict]:
        """One row per from -> to pair, changes first, largest first."""
        return sorted(
            (
                {
                    "from": old,
                    "to": new,
                    "from_label": OUTCOME_LABELS[old],
                    "to_label": OUTCOME_LABELS[new],
                    "count": n,
                    "changed": old != new,
                }
                for (old, new), n in self.moves.items()
            ),
            key=lambda row: (not row["changed"], -row["count"], row["from"], row["to"]),
        )


def impact_chart(impact: Impact) -> CountChart:
    """The from -> to table as a bar chart: one bar per row, changes first, each labelled in
    words ("… to …" or "no change"), solid for a change and hatched for none."""
    rows = [
        (
            f"{row['from_label']} to {row['to_label']}"
            if row["changed"]
            else f"{row['from_label']}: no change",
            row["count"],
            f"{row['count']} decision{'s' if row['count'] != 1 else ''}",
            "changed" if row["changed"] else "same",
        )
        for row in impact.rows()
    ]
    return count_bar_chart(
        chart_id="impact-chart",
        title="Decisions by outcome given and outcome under this version",
        desc=(
            f"{impact.changed} of {impact.total} decisions would change outcome. "
            "The same figures are in the table below."
        ),
        rows=rows,
    )


def impact_replay(*, version: PolicyVersion, start: datetime.date, end: datetime.date) -> Impact:
    """Replay `version`'s rules over the stored answers of every decision made in the period."""
    rules = engine.parse_rules(version.rules)
    impact = Impact(start, end)
    groups = (
        _decisions_in(start, end)
        .order_by()
        .values_list("answers", "outcome")
        .annotate(n=Count("id"))
    )
    decided: dict[str, str] = {}
    stored: dict[str, dict] = {}
    for answers, outcome, n in groups:
        key = json.dumps(answers, sort_keys=True)
        new = decided.get(key)
        if new is None:
            new = str(engine.evaluate(rules, engine.parse_answers(answers)).outcome)
            decided[key] = new
            stored[key] = answers
            impact.answers_by_outcome.setdefault(new, []).append(answers)
        impact.moves[(outcome, new)] += n
        impact.total += n
    impact.combinations = len(decided)
    return impact


def impact_affected(impact: Impact) -> QuerySet[Decision]:
    """The decisions whose outcome the version would change, newest first."""
    condition = Q(pk__in=[])
    for new, answers in impact.answers_by_outcome.items():
        condition |= Q(answers__in=answers) & ~Q(outcome=new)
    return (
        _decisions_in(impact.start, impact.end)
        .filter(condition)
        .select_related("practice")
        .order_by("-created_at", "-id")
    )


def impact_outcome_after(impact: Impact, answers: dict) -> str | None:
    for new, items in impact.answers_by_outcome.items():
        if answers in items:
            return new
    return None


def impact_csv_rows(impact: Impact) -> Iterator[list[str]]:
    """Header, then one row per affected decision (reference, date, practice, from, to)."""
    lookup = {
        json.dumps(answers, sort_keys=True): new
        for new, items in impact.answers_by_outcome.items()
        for answers in items
    }
    yield ["reference", "created_at", "practice", "outcome_now", "outcome_under_version"]
    rows = (
        impact_affected(impact)
        .values_list("reference", "created_at", "practice__ods_code", "outcome", "answers")
        .iterator(chunk_size=2000)
    )
    for reference, created_at, practice, outcome, answers in rows:
        new = lookup[json.dumps(answers, sort_keys=True)]
        yield [csv_safe(v) for v in (reference, created_at.isoformat(), practice, outcome, new)]


@dataclass(frozen=True)
class TodayReplay:
    """What the version in effect today would decide for one stored decision's answers."""

    version: PolicyVersion
    outcome: str
    outcome_label: str
    same_version: bool
    changed: bool


def impact_decision_today(*, decision: Decision) -> TodayReplay | None:
    """Replay one decision's stored answers under today's policy (nothing is recorded)."""
    # Scoped by the decision's policy id: one query, no lookup of the policy by slug.
    policy = Policy(pk=decision.policy_version.policy_id)
    current = policy_version_in_effect(policy=policy, from_memory=True)
    if current is None:
        return None
    new = str(
        engine.evaluate(policy_rules(current), engine.parse_answers(decision.answers)).outcome
    )
    return TodayReplay(
        version=current,
        outcome=new,
        outcome_label=OUTCOME_LABELS[new],
        same_version=current.pk == decision.policy_version_id,
        changed=new != decision.outcome,
    )
