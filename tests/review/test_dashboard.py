"""The dashboards: a period's figures with rates, suppression, CSV of every table, bad periods."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from review.forms.dashboard import DashboardPeriodForm
from review.services.verify import chain_verify
from tests.conftest import make_user
from tests.review.conftest import days_ago

DASHBOARD = reverse("review:dashboard")
PRACTICE_DASHBOARD = reverse("review:practice_dashboard")


def _month(day) -> dict:
    return {"period": "month", "month": f"{day:%Y-%m}"}


def _custom(first, last) -> dict:
    return {
        "period": "custom",
        "date_from_day": str(first.day), "date_from_month": str(first.month),
        "date_from_year": str(first.year),
        "date_to_day": str(last.day), "date_to_month": str(last.month),
        "date_to_year": str(last.year),
    }  # fmt: skip


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def busy_month(make_decision, make_review, other_gp):
    """Seven decisions at Peak View and two at Derwent Bank today; six of Peak View's reviewed,
    five of those agreed."""
    peak = [make_decision(created_at=days_ago(0, 9)) for _ in range(7)]
    for decision in peak[:5]:
        make_review(decision, "agree")
    make_review(peak[5], "disagree")
    derwent = [make_decision(user=other_gp, created_at=days_ago(0, 9)) for _ in range(2)]
    return peak, derwent


def test_dashboard_renders_charts_each_with_its_data_table(reviewer_client, busy_month):
    response = reviewer_client.get(DASHBOARD)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="app-chart__svg"') == 2
    for chart in ("chart-monthly", "chart-agreement"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in body
    # Every table comes from the one partial, in a labelled, focusable scroll area.
    assert body.count("<table") == 4
    assert body.count('class="nhsuk-table-container app-table-scroll" role="region"') == 4
    assert 'scope="col"' in body and "<caption" in body
    assert "style=" not in body  # the CSP forbids inline styles


def test_chart_series_have_patterns_and_bars_carry_their_totals(reviewer_client, busy_month):
    body = reviewer_client.get(DASHBOARD, _month(timezone.localdate())).content.decode()
    assert '<pattern id="chart-monthly-not_routinely_commissioned"' in body
    assert 'class="app-chart__hatch"' in body
    assert re.search(r'<text class="app-chart__label app-chart__label--strong"[^>]*>9</text>', body)


def test_dashboard_says_when_its_figures_were_taken(reviewer_client, busy_month):
    body = reviewer_client.get(DASHBOARD).content.decode()
    now = timezone.localtime()
    assert re.search(rf"Figures as at \d\d:\d\d on {now:%-d %B %Y} \(UK time, (GMT|BST)\)", body)


def test_default_period_is_this_financial_year(reviewer_client, busy_month):
    figures = reviewer_client.get(DASHBOARD).context["figures"]
    today = timezone.localdate()
    start_year = today.year if today.month >= 4 else today.year - 1
    assert figures.period.kind == "year"
    assert figures.period.first.isoformat() == f"{start_year}-04-01"
    assert figures.decisions == "9"


def test_practices_are_named_sorted_by_volume_with_rates_and_suppression(
    reviewer_client, busy_month
):
    figures = reviewer_client.get(DASHBOARD, _month(timezone.localdate())).context["figures"]
    rows = figures.table("practices").rows
    assert rows[0] == ("Peak View Surgery (C81001)", "7", "77.8%", "6", "5", "83.3%")
    assert rows[1] == ("Derwent Bank Medical Centre (C81002)", "<5", "[c]", "0", "0", "–")


def test_the_icb_wide_dashboard_never_splits_by_clinician(reviewer_client, busy_month):
    response = reviewer_client.get(DASHBOARD)
    assert response.context["figures"].table("clinicians") is None
    assert "by clinician" not in response.content.decode()
    assert (
        reviewer_client.get(reverse("review:dashboard_csv", args=["clinicians"])).status_code == 404
    )


def test_agreement_by_policy_version(reviewer_client, busy_month, policy_v1):
    rows = reviewer_client.get(DASHBOARD).context["figures"].table("versions").rows
    assert rows == ((f"Version {policy_v1.number}", "9", "100.0%", "6", "5", "83.3%"),)


def test_a_month_counts_only_that_month(reviewer_client, make_decision):
    this_month = timezone.localdate().replace(day=1)
    for _ in range(5):
        make_decision(created_at=days_ago(0))
    make_decision(created_at=days_ago(70))
    figures = reviewer_client.get(DASHBOARD, _month(this_month)).context["figures"]
    assert figures.period.first == this_month
    assert figures.decisions == "5"
    assert [row[0] for row in figures.table("monthly").rows] == [f"{this_month:%B %Y}"]


def test_a_custom_period_counts_the_days_it_covers_inclusive(reviewer_client, make_decision):
    for days in (10, 10, 10, 10, 10, 3, 30):
        make_decision(created_at=days_ago(days))
    first = timezone.localdate() - timezone.timedelta(days=10)
    last = timezone.localdate() - timezone.timedelta(days=3)
    figures = reviewer_client.get(DASHBOARD, _custom(first, last)).context["figures"]
    assert figures.decisions == "6"
    assert figures.period.label == f"{first:%-d %B %Y} to {last:%-d %B %Y}"


def test_decisions_entered_in_error_are_left_out_and_said(reviewer_client, make_decision, gp):
    from triage.services.corrections import decision_correct

    kept = [make_decision(created_at=days_ago(0)) for _ in range(5)]
    decision_correct(decision=kept[0], user=gp, reason="Wrong patient")
    figures = reviewer_client.get(DASHBOARD).context["figures"]
    assert (figures.decisions, figures.entered_in_error) == ("<5", 1)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "fortnight"}, "Select a period from the list"),
        ({"period": "month", "month": "1999-01"}, "Select a month from the list"),
        ({"period": "quarter", "quarter": "2025-Q7"}, "Select a quarter from the list"),
        ({"period": "year", "year": "3025"}, "Select a financial year from the list"),
        ({"period": "custom"}, "Enter the start date of the period"),
        (
            {"period": "custom", "date_from_day": "31", "date_from_month": "2",
             "date_from_year": "2025", "date_to_day": "1", "date_to_month": "3",
             "date_to_year": "2025"},
            "The start date must be a real date",
        ),
        (
            {"period": "custom", "date_from_day": "1", "date_from_month": "1",
             "date_from_year": "1066", "date_to_day": "1", "date_to_month": "1",
             "date_to_year": "2025"},
            "The start date must be between 2000 and 2100",
        ),
        (
            {"period": "custom", "date_from_day": "1", "date_from_month": "1",
             "date_from_year": "2001", "date_to_day": "1", "date_to_month": "1",
             "date_to_year": "2099"},
            "The period can be at most 5 years long",
        ),
        (
            {"period": "custom", "date_from_day": "10", "date_from_month": "5",
             "date_from_year": "2026", "date_to_day": "1", "date_to_month": "5",
             "date_to_year": "2026"},
            "The end date must be the same as or after the start date",
        ),
        (
            {"period": "custom", "date_from_day": "1", "date_from_month": "1",
             "date_from_year": "99999999", "date_to_day": "1", "date_to_month": "1",
             "date_to_year": "2025"},
            "The start date must be between 2000 and 2100",
        ),
    ],
)  # fmt: skip
def test_a_bad_period_is_a_form_error_not_a_500(reviewer_client, busy_month, params, message):
    response = reviewer_client.get(DASHBOARD, params)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert "<title>Error: " in body
    assert response.context["figures"] is None
    assert "Correct the period to see the figures" in body


def test_what_was_typed_stays_in_the_boxes_after_an_error(reviewer_client, busy_month):
    params = {"period": "custom", "date_from_day": "10", "date_from_month": "5",
              "date_from_year": "2026", "date_to_day": "1", "date_to_month": "5",
              "date_to_year": "2026"}  # fmt: skip
    body = reviewer_client.get(DASHBOARD, params).content.decode()
    assert re.search(r'name="date_from_day"[^>]*value="10"', body)
    assert re.search(r'name="date_to_year"[^>]*value="2026"', body)
    assert re.search(r'value="custom"[^>]*checked', body)


def test_every_table_downloads_as_csv_with_the_same_suppression(reviewer_client, busy_month):
    period = _month(timezone.localdate())
    figures = reviewer_client.get(DASHBOARD, period).context["figures"]
    for table in figures.tables:
        response = reviewer_client.get(reverse("review:dashboard_csv", args=[table.slug]), period)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert table.slug in response["Content-Disposition"]
        assert _csv(response) == list(table.csv_rows())
    practices = reviewer_client.get(reverse("review:dashboard_csv", args=["practices"]), period)
    rows = _csv(practices)
    assert rows[2] == ["Derwent Bank Medical Centre (C81002)", "<5", "[c]", "0", "0", "–"]


def test_the_page_links_each_table_to_its_csv_for_the_same_period(reviewer_client, busy_month):
    body = reviewer_client.get(DASHBOARD, {"period": "month", "month": "2026-11"}).content.decode()
    for slug in ("monthly", "outcomes", "practices", "versions"):
        assert f'href="/review/dashboard/{slug}.csv?period=month&amp;month=2026-11"' in body


def test_a_csv_for_a_bad_period_goes_back_to_the_form(reviewer_client, busy_month):
    response = reviewer_client.get(
        reverse("review:dashboard_csv", args=["outcomes"]), {"period": "fortnight"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{DASHBOARD}?period=fortnight"


def test_an_unknown_table_is_not_found(reviewer_client, busy_month):
    assert reviewer_client.get(reverse("review:dashboard_csv", args=["nope"])).status_code == 404


def test_dashboard_and_csv_are_for_reviewers_only(client, gp_client, busy_month):
    for url in (DASHBOARD, reverse("review:dashboard_csv", args=["outcomes"])):
        assert client.get(url).status_code == 302  # to sign in
        assert gp_client.get(url).status_code == 403


def test_dashboard_refuses_post(reviewer_client, busy_month):
    assert reviewer_client.post(DASHBOARD).status_code == 405


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
    body = response.content.decode()
    assert "No decisions in this period." in body


def test_the_period_form_lists_recent_choices_newest_first():
    import datetime

    form = DashboardPeriodForm(today=datetime.date(2026, 2, 14))
    assert form.fields["month"].choices[0] == ("2026-02", "February 2026")
    assert form.fields["quarter"].choices[0][0] == "2025-Q4"
    assert form.fields["year"].choices[0] == ("2025", "2025/26 (to date)")


# The practice's own dashboard ------------------------------------------------------------------


def test_a_practice_sees_its_own_figures_split_by_its_clinicians(
    gp_client, gp, practice, busy_month, make_decision
):
    colleague = make_user("colleague", "GP", practice)
    for _ in range(5):
        make_decision(user=colleague, created_at=days_ago(0, 9))
    response = gp_client.get(PRACTICE_DASHBOARD)
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.decisions == "12"  # Derwent Bank's two are not here
    assert figures.table("practices") is None
    rows = figures.table("clinicians").rows
    assert rows[0] == ("Gp Tester", "7", "58.3%", "6", "5", "83.3%")
    assert rows[1] == ("Colleague Tester", "5", "41.7%", "0", "0", "–")
    body = response.content.decode()
    assert "Derwent Bank" not in body and "Othergp" not in body


def test_a_practice_downloads_its_clinician_table(gp_client, busy_month):
    response = gp_client.get(reverse("review:practice_dashboard_csv", args=["clinicians"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="c81001-clinicians-')
    assert _csv(response)[1] == ["Gp Tester", "7", "100.0%", "6", "5", "83.3%"]


def test_the_practice_dashboard_is_for_the_practices_gps_only(client, reviewer_client, busy_month):
    for url in (PRACTICE_DASHBOARD, reverse("review:practice_dashboard_csv", args=["outcomes"])):
        assert client.get(url).status_code == 302
        assert reviewer_client.get(url).status_code == 403


def test_the_practice_dashboard_rejects_a_bad_period(gp_client, busy_month):
    response = gp_client.get(PRACTICE_DASHBOARD, {"period": "custom"})
    assert response.status_code == 200
    assert "Enter the start date of the period" in response.content.decode()
    assert gp_client.post(PRACTICE_DASHBOARD).status_code == 405


def test_the_gp_start_page_links_to_the_practice_figures(gp_client, policy_v1):
    body = gp_client.get(reverse("triage:start")).content.decode()
    assert f'href="{PRACTICE_DASHBOARD}" id="practice-figures"' in body


def test_a_reviewed_decision_entered_in_error_leaves_the_agreement_figures_too(
    reviewer_client, make_decision, make_review, gp
):
    from triage.services.corrections import decision_correct

    made = [make_decision(created_at=days_ago(0)) for _ in range(7)]
    for decision in made:
        make_review(decision, "agree")
    decision_correct(decision=made[0], user=gp, reason="Wrong patient")
    figures = reviewer_client.get(DASHBOARD).context["figures"]
    assert (figures.decisions, figures.reviewed, figures.agreed) == ("6", "6", "6")
    assert figures.table("outcomes").total == ("All outcomes", "6", "100.0%", "6", "6", "100.0%")
