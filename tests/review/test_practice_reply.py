"""The practice sees the ICB's request for more information and replies into the history."""

import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from review.models import PracticeReply

pytestmark = pytest.mark.django_db


def reply_url(decision) -> str:
    return reverse("review:practice_reply", args=[decision.reference])


def post_reply(client, decision, text="MRI shows L4/5 instability", key=None):
    return client.post(
        reply_url(decision), {"text": text, "submission_key": str(key or uuid.uuid4())}
    )


def test_gp_sees_more_information_requested_on_their_list_and_decision(
    gp_client, make_decision, make_review
):
    asked, other = make_decision(), make_decision()
    make_review(asked, "more_information", note="Please send the MRI report")
    make_review(other, "agree")
    start = gp_client.get(reverse("triage:start")).content.decode()
    assert start.count("More information requested") == 1
    assert reply_url(asked) in start
    page = gp_client.get(reverse("triage:decision", args=[asked.reference])).content.decode()
    assert "More information requested" in page
    reply_page = gp_client.get(reply_url(asked)).content.decode()
    assert "Please send the MRI report" in reply_page


def test_gp_reply_is_appended_to_the_review_history_and_closes_the_request(
    gp_client, reviewer_client, make_decision, make_review
):
    decision = make_decision()
    make_review(decision, "more_information")
    response = post_reply(gp_client, decision)
    assert response.status_code == 302
    reply = PracticeReply.objects.get()
    assert (reply.decision, reply.text, reply.sequence) == (
        decision,
        "MRI shows L4/5 instability",
        1,
    )
    detail = reviewer_client.get(
        reverse("review:detail", args=[decision.reference])
    ).content.decode()
    assert "MRI shows L4/5 instability" in detail and "Practice reply" in detail
    assert (
        "More information requested" not in gp_client.get(reverse("triage:start")).content.decode()
    )


def test_double_submitted_reply_is_recorded_once(gp_client, make_decision, make_review):
    decision = make_decision()
    make_review(decision, "more_information")
    key = uuid.uuid4()
    post_reply(gp_client, decision, key=key)
    post_reply(gp_client, decision, key=key)
    assert PracticeReply.objects.count() == 1


def test_empty_reply_is_refused_with_a_message(gp_client, make_decision, make_review):
    decision = make_decision()
    make_review(decision, "more_information")
    response = post_reply(gp_client, decision, text="   ")
    assert response.status_code == 400
    assert "Enter your reply" in response.content.decode()
    assert not PracticeReply.objects.exists()


def test_reply_without_an_open_request_is_refused(gp_client, make_decision, make_review):
    decision = make_decision()
    make_review(decision, "agree")
    response = post_reply(gp_client, decision)
    assert response.status_code == 400
    assert "Nobody has asked for more information about this decision" in response.content.decode()
    assert not PracticeReply.objects.exists()


def test_other_practices_gp_gets_404(other_gp_client, make_decision, make_review):
    decision = make_decision()
    make_review(decision, "more_information")
    assert other_gp_client.get(reply_url(decision)).status_code == 404
    assert post_reply(other_gp_client, decision).status_code == 404


def test_reply_page_needs_the_gp_role(reviewer_client, client, make_decision):
    decision = make_decision()
    assert reviewer_client.get(reply_url(decision)).status_code == 403
    assert client.get(reply_url(decision)).status_code == 302


@pytest.mark.parametrize(
    "statement",
    ["UPDATE review_practicereply SET text = 'x'", "DELETE FROM review_practicereply"],
)
def test_replies_cannot_be_changed_or_deleted_even_with_raw_sql(
    gp_client, make_decision, make_review, statement
):
    decision = make_decision()
    make_review(decision, "more_information")
    post_reply(gp_client, decision)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)


def test_chain_verification_walks_the_replies(gp_client, make_decision, make_review):
    from review.services.verify import chain_verify

    decision = make_decision()
    make_review(decision, "more_information")
    post_reply(gp_client, decision)
    run = chain_verify(run_by="test")
    assert run.ok and run.replies_checked == 1
