"""The dashboard: monthly and per-practice charts with data tables, backlog, agreement, chain."""

import re

from django.urls import reverse
from django.utils import timezone

from review.selectors.dashboard import dashboard_months, latest_verdicts_by_outcome
from review.services.verify import chain_verify
from tests.review.conftest import days_ago

DASHBOARD = reverse("review:dashboard")


def test_dashboard_renders_charts_each_with_a_data_table(
    reviewer_client, make_decision, make_review, other_gp
):
    make_decision(created_at=days_ago(45))
    make_decision(user=other_gp, created_at=days_ago(1), pain_location="back_and_leg")
    response = reviewer_client.get(DASHBOARD)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="app-chart__svg"') == 3
    for chart in ("chart-monthly", "chart-practices", "chart-agreement"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in body
    assert body.count('<table class="nhsuk-table') == 3
    assert "Show the data for decisions per month" in body
    assert 'scope="col"' in body and "<caption" in body
    assert "style=" not in body  # the CSP forbids inline styles


def test_dashboard_counts_decisions_per_month_by_outcome_in_sql(
    reviewer_client, make_decision, other_gp
):
    make_decision(created_at=days_ago(0))
    make_decision(created_at=days_ago(0), pain_location="back_and_leg")
    make_decision(user=other_gp, created_at=days_ago(0))
    response = reviewer_client.get(DASHBOARD)
    rows = response.context["monthly"]["rows"]
    assert len(rows) == 18
    this_month = rows[-1]
    assert this_month["month"] == timezone.localdate().replace(day=1)
    assert this_month["total"] == 3
    practices = {row["ods_code"]: row["total"] for row in response.context["practices"]["rows"]}
    assert practices == {"C81001": 2, "C81002": 1}


def test_dashboard_months_are_the_last_eighteen_oldest_first():
    import datetime

    months = dashboard_months(today=datetime.date(2026, 3, 15))
    assert months[0] == datetime.date(2024, 10, 1)
    assert months[-1] == datetime.date(2026, 3, 1)
    assert len(months) == 18


def test_agreement_rate_counts_only_the_latest_verdict(reviewer_client, make_decision, make_review):
    a, b, c = make_decision(), make_decision(), make_decision(pain_location="back_and_leg")
    make_review(a, "disagree")
    make_review(a, "agree")  # supersedes the disagreement
    make_review(b, "more_information")
    make_review(c, "agree")
    assert latest_verdicts_by_outcome() == {
        "not_routinely_commissioned": (2, 1),
        "not_isolated_back_pain": (1, 1),
    }
    response = reviewer_client.get(DASHBOARD)
    agreement = response.context["agreement"]
    assert (agreement["reviewed"], agreement["agreed"], agreement["percent"]) == (3, 2, 66.7)
    assert "66.7%" in response.content.decode()


def test_dashboard_shows_the_unreviewed_backlog(reviewer_client, make_decision, make_review):
    oldest = make_decision(created_at=days_ago(30))
    make_decision(created_at=days_ago(3))
    make_review(make_decision(created_at=days_ago(2)), "agree")
    backlog = reviewer_client.get(DASHBOARD).context["backlog"]
    assert backlog.count == 2
    assert backlog.oldest == oldest.created_at


def test_dashboard_shows_the_last_chain_verification(reviewer_client, make_decision):
    make_decision()
    assert "Never run" in reviewer_client.get(DASHBOARD).content.decode()
    run = chain_verify(run_by="command")
    body = reviewer_client.get(DASHBOARD).content.decode()
    assert "Intact" in body
    assert re.search(r"1 decision and 0 reviews", body)
    assert f"{timezone.localtime(run.finished_at):%-d %B %Y}" in body


def test_dashboard_renders_with_no_decisions(reviewer_client, policy_v1):
    response = reviewer_client.get(DASHBOARD)
    assert response.status_code == 200
    assert "No decision has been reviewed yet" in response.content.decode()
