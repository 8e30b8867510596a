"""Impact replay: what a draft would decide for the stored decisions of a period."""

import csv
import datetime
import io
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from policy import engine
from policy.services import DraftChanges, policy_version_draft_start, policy_version_draft_update
from triage.models import Decision
from triage.services.impact import impact_affected, impact_period_default, impact_replay

RECATEGORISED_2024 = ("serious_pathology", "scoliosis", "sacroiliac_joint_dysfunction")


@pytest.fixture
def seeded(policy_v1):
    """600 synthetic decisions over 18 months, through the real engine and chain."""
    from review.services.demo import demo_decisions_add, demo_users_ensure

    demo_users_ensure()
    demo_decisions_add(count=600, seed=12)
    return Decision.objects.count()


@pytest.fixture
def draft_2024(policy_admin, policy_v1):
    """The 2024 national guidance change as a draft: three conditions become exceptions."""
    draft = policy_version_draft_start(user=policy_admin)
    policy_version_draft_update(
        version=draft,
        user=policy_admin,
        changes=DraftChanges(
            sections={},
            criteria={code: {"category": "exception"} for code in RECATEGORISED_2024},
            questions={},
        ),
    )
    draft.refresh_from_db()
    return draft


def independent_moves(draft, start, end) -> Counter:
    """Every decision in the period evaluated one by one (no grouping, no cache)."""
    rules = engine.parse_rules(draft.rules)
    moves = Counter()
    for decision in Decision.objects.all():
        day = timezone.localdate(decision.created_at)
        if start <= day <= end:
            new = engine.evaluate(rules, engine.parse_answers(decision.answers)).outcome
            moves[(decision.outcome, str(new))] += 1
    return moves


def test_replay_counts_match_an_independent_count(seeded, draft_2024):
    start, end = impact_period_default()
    impact = impact_replay(version=draft_2024, start=start, end=end)
    expected = independent_moves(draft_2024, start, end)
    assert impact.moves == expected
    assert impact.total == sum(expected.values()) > 300
    assert impact.changed == sum(n for (a, b), n in expected.items() if a != b) > 0
    # Only outside_statement -> usual_pathway_exception can move under this change.
    assert {pair for pair, n in impact.moves.items() if pair[0] != pair[1]} == {
        ("outside_statement", "usual_pathway_exception")
    }
    affected = list(impact_affected(impact))
    assert len(affected) == impact.changed
    assert all(d.outcome == "outside_statement" for d in affected)
    assert all(set(d.answers["conditions"]) & set(RECATEGORISED_2024) for d in affected)


def test_identical_answers_are_grouped_in_sql_and_evaluated_once(seeded, draft_2024):
    start, end = impact_period_default()
    with CaptureQueriesContext(connection) as queries:
        impact = impact_replay(version=draft_2024, start=start, end=end)
    [query] = [q["sql"] for q in queries.captured_queries if "triage_decision" in q["sql"]]
    assert query.startswith('SELECT "triage_decision"."answers" AS "answers"')
    assert "GROUP BY 1, 2" in query  # answers, outcome
    assert impact.combinations < impact.total


def test_impact_page_shows_the_table_and_affected_decisions_and_exports_csv(
    seeded, draft_2024, policy_admin_client
):
    start, end = impact_period_default()
    impact = impact_replay(version=draft_2024, start=start, end=end)
    response = policy_admin_client.get(reverse("impact:draft", args=[draft_2024.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert f"{impact.changed} of {impact.total} decisions would change outcome" in body
    first = impact_affected(impact).first()
    assert reverse("review:detail", args=[first.reference]) in body

    export = policy_admin_client.get(reverse("impact:draft_csv", args=[draft_2024.pk]))
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert len(rows) == impact.changed
    assert {row["outcome_under_version"] for row in rows} == {"usual_pathway_exception"}


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (("1", "6", "2026"), ("1", "5", "2026"), "The end date must be the same as or after"),
        (("1", "1", "1066"), ("1", "5", "2026"), "The start date must be on or after"),
        (("1", "1", "2020"), ("1", "1", "9999"), "The end date must be today or in the past"),
        (("31", "2", "2026"), ("1", "5", "2026"), "The start date must be a real date"),
    ],
)
def test_an_impossible_period_is_refused_next_to_the_field(
    policy_v1, draft_2024, policy_admin_client, start, end, message
):
    query = {
        **dict(zip(("start_day", "start_month", "start_year"), start, strict=True)),
        **dict(zip(("end_day", "end_month", "end_year"), end, strict=True)),
    }
    response = policy_admin_client.get(reverse("impact:draft", args=[draft_2024.pk]), query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_impact_pages_are_for_policy_admins_only(reviewer_client, policy_v1, draft_2024, client):
    assert reviewer_client.get(reverse("impact:draft", args=[draft_2024.pk])).status_code == 403
    assert client.get(reverse("impact:draft_csv", args=[draft_2024.pk])).status_code == 302


def test_the_default_period_is_the_last_12_months():
    assert impact_period_default(datetime.date(2026, 11, 30)) == (
        datetime.date(2025, 12, 1),
        datetime.date(2026, 11, 30),
    )


def test_reviewer_sees_what_todays_policy_would_decide_for_an_old_decision(
    reviewer_client, reviewer, seeded, policy_v1
):
    import copy

    reviewer.refresh_from_db()  # seeding reset the demo reviewer's password: sign in again
    reviewer_client.force_login(reviewer)

    from tests.policy.test_timeline import published

    decision = (
        Decision.objects.filter(
            outcome="outside_statement", answers__conditions=["sacroiliac_joint_dysfunction"]
        ).first()
        or Decision.objects.filter(outcome="not_routinely_commissioned").first()
    )
    url = reverse("review:detail", args=[decision.reference])
    same = reviewer_client.get(url).content.decode()
    assert "which is still in effect: the outcome would be the same" in same

    rules = copy.deepcopy(policy_v1.rules)
    for criterion in rules["criteria"]:
        if criterion["code"] == "sacroiliac_joint_dysfunction":
            criterion["category"] = "exception"
    published(policy_v1, 2, timezone.localdate(), rules=rules)
    body = reviewer_client.get(url).content.decode()
    assert "What would today's policy decide?" in body
    assert "Under version 2, in effect today, these answers would give a different" in body
    assert "Exception: usual clinical pathway" in body


def test_reviewer_dashboard_lists_a_policy_version_due_for_review(policy_v1, reviewer_client):
    from tests.policy.test_timeline import published

    today = timezone.localdate()
    published(policy_v1, 2, today, review_due=today + datetime.timedelta(days=10))
    body = reviewer_client.get(reverse("review:dashboard")).content.decode()
    assert "Policy review due" in body
    assert (
        f"Version 2 of the policy is due for review on "
        f"{today + datetime.timedelta(days=10):%-d %B %Y}" in body
    )


def test_impact_page_draws_the_moves_as_a_labelled_chart_beside_its_data_table(
    seeded, draft_2024, policy_admin_client
):
    start, end = impact_period_default()
    impact = impact_replay(version=draft_2024, start=start, end=end)
    body = policy_admin_client.get(reverse("impact:draft", args=[draft_2024.pk])).content.decode()
    start_at = body.index('<figure class="app-chart">')
    chart = body[start_at : body.index("</figure>", start_at)]
    assert 'role="img"' in chart
    assert 'aria-labelledby="impact-chart-title impact-chart-desc"' in chart
    assert f"{impact.changed} of {impact.total} decisions would change outcome." in chart
    rows = impact.rows()
    # One bar per row of the table, labelled in words: the change, or "no change".
    assert chart.count('class="app-chart__count"') == len(rows)
    assert chart.count("app-chart__count-bar--changed") == sum(r["changed"] for r in rows)
    assert chart.count('fill="url(#impact-chart-hatch)"') == sum(not r["changed"] for r in rows)
    assert f"{rows[0]['from_label']} to {rows[0]['to_label']}" in chart
    assert f"{rows[-1]['from_label']}: no change" in chart
    assert f"{rows[0]['count']} decisions" in chart
    assert "Outcome given, and outcome under this version</caption>" in body  # table kept
    assert "/static/css/charts." in body


def test_impact_chart_scales_bars_to_the_largest_count():
    from collections import Counter

    from triage.services.impact import Impact, impact_chart

    impact = Impact(
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 12, 31),
        total=30,
        moves=Counter(
            {
                ("outside_statement", "usual_pathway_exception"): 10,
                ("not_routinely_commissioned", "not_routinely_commissioned"): 20,
            }
        ),
    )
    chart = impact_chart(impact)
    changed, same = chart.rows
    assert (changed.kind, changed.value, changed.detail) == ("changed", 10, "10 decisions")
    labels = engine.OUTCOME_LABELS
    assert changed.label == (
        f"{labels['outside_statement']} to {labels['usual_pathway_exception']}"
    )
    assert (same.kind, same.bar_width) == ("same", chart.track)
    assert changed.bar_width == chart.track / 2
    assert same.label.endswith(": no change")
