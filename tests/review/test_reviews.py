"""Recording verdicts: each verdict, the reason rule, one-time tokens, the chain, append-only."""

import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from core.chain import GENESIS_HASH
from review.models import Review
from review.services.reviews import REVIEW_CHAIN


def post_verdict(client, decision, **data):
    data.setdefault("submission_key", str(uuid.uuid4()))
    return client.post(reverse("review:review", args=[decision.reference]), data)


@pytest.mark.parametrize(
    ("verdict", "label"),
    [
        ("agree", "Agree"),
        ("disagree", "Disagree"),
        ("refer_ifr", "Refer to individual funding request panel"),
        ("more_information", "More information needed"),
    ],
)
def test_reviewer_records_each_verdict(reviewer_client, reviewer, make_decision, verdict, label):
    decision = make_decision()
    response = post_verdict(
        reviewer_client,
        decision,
        verdict=verdict,
        reason="Leg pain",
        note="Checked the letter",
        correct_outcome="not_isolated_back_pain" if verdict == "disagree" else "",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("review:detail", args=[decision.reference])
    review = Review.objects.get()
    assert (review.decision, review.reviewer, review.verdict) == (decision, reviewer, verdict)
    assert review.note == "Checked the letter"
    page = reviewer_client.get(response["Location"]).content.decode()
    assert f"Verdict recorded: {label}" in page


def test_disagree_without_a_reason_is_refused_with_the_message(reviewer_client, make_decision):
    decision = make_decision()
    response = post_verdict(reviewer_client, decision, verdict="disagree", reason="   ")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter the reason you disagree" in body
    assert 'href="#id_reason"' in body  # the error summary links to the reason box
    assert "<title>Error: " in body
    assert not Review.objects.exists()


def test_a_verdict_is_required(reviewer_client, make_decision):
    response = post_verdict(reviewer_client, make_decision())
    assert "Select your verdict" in response.content.decode()
    assert not Review.objects.exists()


def test_the_database_also_refuses_disagree_without_a_reason(make_decision, reviewer):
    from django.db import IntegrityError

    decision = make_decision()
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(decision=decision, reviewer=reviewer, verdict="disagree", reason="",
                              created_at=decision.created_at, sequence=1,
                              previous_hash=GENESIS_HASH, content_hash="x" * 64)  # fmt: skip


def test_submitting_the_same_form_twice_records_one_review(reviewer_client, make_decision):
    decision = make_decision()
    key = str(uuid.uuid4())
    first = post_verdict(reviewer_client, decision, verdict="agree", submission_key=key)
    second = post_verdict(reviewer_client, decision, verdict="agree", submission_key=key)
    assert first.status_code == second.status_code == 302
    assert Review.objects.count() == 1


def test_the_form_carries_a_fresh_one_time_token(reviewer_client, make_decision):
    decision = make_decision()
    url = reverse("review:detail", args=[decision.reference])
    first = reviewer_client.get(url).context["form"]["submission_key"].value()
    second = reviewer_client.get(url).context["form"]["submission_key"].value()
    assert first != second


def test_a_later_verdict_supersedes_the_earlier_and_history_stays(reviewer_client, make_decision):
    decision = make_decision()
    post_verdict(reviewer_client, decision, verdict="more_information", note="Need the MRI")
    post_verdict(reviewer_client, decision, verdict="agree")
    response = reviewer_client.get(reverse("review:detail", args=[decision.reference]))
    verdicts = [r.verdict for r in response.context["reviews"]]
    assert verdicts == ["agree", "more_information"]
    listed = reviewer_client.get(reverse("review:list")).context["page"].rows[0]
    assert listed.latest_verdict == "agree"


def test_reviews_are_hash_chained_in_order(make_decision, make_review):
    decision, other = make_decision(), make_decision()
    first = make_review(decision, "agree")
    second = make_review(other, "refer_ifr")
    third = make_review(decision, "disagree", reason="Radicular pain")
    assert [r.sequence for r in (first, second, third)] == [1, 2, 3]
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.content_hash
    assert third.previous_hash == second.content_hash
    for review in (first, second, third):
        review.refresh_from_db()
        assert REVIEW_CHAIN.row_hash(review) == review.content_hash


@pytest.mark.parametrize(
    "statement",
    ["UPDATE triage_review SET verdict = 'disagree', reason = 'x'", "DELETE FROM triage_review"],
)
def test_reviews_cannot_be_changed_or_deleted_even_with_raw_sql(
    make_decision, make_review, statement
):
    make_review(make_decision(), "agree")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert Review.objects.get().verdict == "agree"


def test_reviewing_an_unknown_decision_is_404(reviewer_client, policy_v1):
    response = reviewer_client.post(
        reverse("review:review", args=["FT-AAAA-AAAA"]),
        {"verdict": "agree", "submission_key": str(uuid.uuid4())},
    )
    assert response.status_code == 404
