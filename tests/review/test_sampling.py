"""Audit sampling: the unreviewed queue, oldest first, and the reproducible monthly sample."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.review.conftest import days_ago

QUEUE = reverse("review:next")
SAMPLE = reverse("review:sample")


def test_queue_lists_unreviewed_decisions_oldest_first(reviewer_client, make_decision, make_review):
    first, second, third = (make_decision() for _ in range(3))
    make_review(second, "agree")
    response = reviewer_client.get(QUEUE)
    assert [d.reference for d in response.context["page"].rows] == [
        first.reference,
        third.reference,
    ]
    body = response.content.decode()
    assert reverse("review:detail", args=[first.reference]) in body
    assert "Review the oldest decision" in body


def test_queue_pages_with_next_links(reviewer_client, make_decision, monkeypatch):
    monkeypatch.setattr("review.selectors.review.PAGE_SIZE", 2)
    made = [make_decision() for _ in range(3)]
    response = reviewer_client.get(QUEUE)
    assert response.context["next_url"]
    following = reviewer_client.get(QUEUE + response.context["next_url"])
    assert [d.reference for d in following.context["page"].rows] == [made[2].reference]


def test_queue_says_when_everything_is_reviewed(reviewer_client, make_decision, make_review):
    make_review(make_decision(), "agree")
    assert "Every decision has been reviewed" in reviewer_client.get(QUEUE).content.decode()


@pytest.fixture
def month_of_decisions(make_decision):
    """Twelve decisions this month and two last month."""
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    zone = timezone.get_current_timezone()
    made = [
        make_decision(created_at=datetime.datetime.combine(this_month, datetime.time(9, i), zone))
        for i in range(12)
    ]
    for hour in (9, 10):
        make_decision(created_at=datetime.datetime.combine(last_month, datetime.time(hour), zone))
    return this_month, made


def sample_refs(client, **params) -> list[str]:
    response = client.get(SAMPLE, params)
    assert response.status_code == 200
    return [d.reference for d in response.context["sample"]]


def test_monthly_sample_is_the_same_every_time_and_within_the_month(
    reviewer_client, month_of_decisions, settings
):
    settings.AUDIT_SAMPLE_SIZE = 5
    month, made = month_of_decisions
    first = sample_refs(reviewer_client, month=f"{month:%Y-%m}")
    again = sample_refs(reviewer_client, month=f"{month:%Y-%m}")
    assert first == again
    assert len(first) == 5
    assert set(first) <= {d.reference for d in made}


def test_monthly_sample_order_is_shuffled_not_chronological(reviewer_client, month_of_decisions):
    month, made = month_of_decisions
    everything = sample_refs(reviewer_client, month=f"{month:%Y-%m}", size=12)
    assert sorted(everything) == sorted(d.reference for d in made)
    assert everything != [d.reference for d in made]


def test_sample_size_can_be_overridden(reviewer_client, month_of_decisions):
    month, _ = month_of_decisions
    assert len(sample_refs(reviewer_client, month=f"{month:%Y-%m}", size=3)) == 3


def test_sample_defaults_to_last_month(reviewer_client, month_of_decisions):
    response = reviewer_client.get(SAMPLE)
    assert len(response.context["sample"]) == 2


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"month": "2025-13"}, "Enter the month as a year and month, like 2025-03"),
        ({"month": "March"}, "Enter the month as a year and month, like 2025-03"),
        ({"size": "0"}, "Sample size must be 1 or more"),
        ({"size": "lots"}, "Sample size must be a whole number"),
    ],
)
def test_bad_sample_parameters_show_an_error(reviewer_client, policy_v1, params, message):
    response = reviewer_client.get(SAMPLE, params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["sample"] is None


def test_sample_of_an_empty_month_says_so(reviewer_client, make_decision):
    make_decision(created_at=days_ago(1))
    body = reviewer_client.get(SAMPLE, {"month": "2020-01"}).content.decode()
    assert "There are no decisions in January 2020" in body
