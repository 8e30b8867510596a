"""The reviewers' dashboard: activity, backlog, agreement and chain integrity at a glance."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.charts import Series, rate_chart, stacked_bar_chart
from core.roles import REVIEWER, role_required
from policy.engine import OUTCOME_CHOICES
from policy.selectors import policy_version_review_reminders_all
from review.selectors.dashboard import (
    chain_verification_latest,
    counts_by_month_and_outcome,
    counts_by_practice_and_outcome,
    dashboard_months,
    decision_counts_since,
    entered_in_error_count_since,
    latest_verdicts_by_outcome,
    unreviewed_backlog,
)

OUTCOME_SERIES = tuple(Series(value, label) for value, label in OUTCOME_CHOICES)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _monthly(months, counts: list[dict]) -> dict:
    values = counts_by_month_and_outcome(counts)
    categories = [
        (m.isoformat(), (f"{m:%b}", f"{m:%Y}" if m.month == 1 or i == 0 else ""))
        for i, m in enumerate(months)
    ]
    chart = stacked_bar_chart(
        chart_id="chart-monthly",
        title=f"Decisions per month by outcome, {months[0]:%B %Y} to {months[-1]:%B %Y}",
        desc="Stacked bars, one per month; each colour is an outcome, as in the key. "
        "The table below gives the figures.",
        categories=categories,
        series=OUTCOME_SERIES,
        values={(m.isoformat(), o): n for (m, o), n in values.items()},
    )
    rows = [
        {
            "month": m,
            "counts": [values.get((m, s.key), 0) for s in OUTCOME_SERIES],
            "total": sum(values.get((m, s.key), 0) for s in OUTCOME_SERIES),
        }
        for m in months
    ]
    return {"chart": chart, "rows": rows, "total": sum(r["total"] for r in rows)}


def _by_practice(months, counts: list[dict]) -> dict:
    practices = counts_by_practice_and_outcome(counts)
    rows = [
        {
            **p,
            "cells": [p["counts"].get(s.key, 0) for s in OUTCOME_SERIES],
            "total": sum(p["counts"].values()),
        }
        for p in practices
    ]
    chart = stacked_bar_chart(
        chart_id="chart-practices",
        title=f"Decisions by practice and outcome since {months[0]:%B %Y}",
        desc="Stacked bars, one per practice, labelled with its ODS code; each colour is an "
        "outcome, as in the key. The table below names each practice and gives the figures.",
        categories=[(r["ods_code"], (r["ods_code"],)) for r in rows],
        series=OUTCOME_SERIES,
        values={(r["ods_code"], o): n for r in rows for o, n in r["counts"].items()},
    )
    return {"chart": chart, "rows": rows}


def _agreement() -> dict:
    by_outcome = latest_verdicts_by_outcome()
    rows = []
    for value, label in OUTCOME_CHOICES:
        reviewed, agreed = by_outcome.get(value, (0, 0))
        rows.append(
            {
                "outcome": label,
                "reviewed": reviewed,
                "agreed": agreed,
                "percent": _percent(agreed, reviewed),
            }
        )
    reviewed = sum(r["reviewed"] for r in rows)
    agreed = sum(r["agreed"] for r in rows)
    chart = rate_chart(
        chart_id="chart-agreement",
        title="Agreement rate by outcome",
        desc="One bar per outcome: the share of reviewed decisions whose latest verdict is "
        "agree. The table below gives the figures.",
        rows=[
            (
                r["outcome"],
                r["percent"],
                f"{r['percent']}% of {r['reviewed']}" if r["reviewed"] else "Not reviewed yet",
            )
            for r in rows
        ],
    )
    return {
        "rows": rows,
        "chart": chart,
        "reviewed": reviewed,
        "agreed": agreed,
        "percent": _percent(agreed, reviewed),
    }


@role_required(REVIEWER)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    months = dashboard_months()
    counts = decision_counts_since(since=months[0])
    return render(
        request,
        "review/dashboard.html",
        {
            "months": months,
            "series": OUTCOME_SERIES,
            "monthly": _monthly(months, counts),
            "practices": _by_practice(months, counts),
            "agreement": _agreement(),
            "backlog": unreviewed_backlog(),
            "entered_in_error": entered_in_error_count_since(since=months[0]),
            "verification": chain_verification_latest(),
            "review_due": policy_version_review_reminders_all(),
        },
    )
