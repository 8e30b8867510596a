"""Worklists, the new filters, the correct outcome on disagree, and bad input."""

import datetime
import json
import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from review.models import Review
from review.services.reviews import review_record
from tests.review.conftest import days_ago
from triage.models import AccessEvent
from triage.nhs_number import nhs_number_format

pytestmark = pytest.mark.django_db
LIST = reverse("review:list")


def test_worklists_count_unreviewed_and_each_latest_verdict(
    reviewer_client, make_decision, make_review
):
    a, b, c, _ = make_decision(), make_decision(), make_decision(), make_decision()
    make_review(a, "more_information")
    make_review(b, "refer_ifr")
    make_review(c, "agree")
    make_review(c, "disagree")
    worklists = {w["key"]: w["count"] for w in reviewer_client.get(LIST).context["worklists"]}
    assert worklists == {
        "unreviewed": (1, False),
        "more_information": (1, False),
        "refer_ifr": (1, False),
        "disagree": (1, False),
    }


def _worklist_counts(client) -> dict:
    return {w["key"]: w["count"] for w in client.get(LIST).context["worklists"]}


def test_the_unreviewed_worklist_counts_up_to_the_cap(
    reviewer_client, make_decision, make_review, monkeypatch
):
    made = [make_decision() for _ in range(4)]
    monkeypatch.setattr("review.selectors.review.COUNT_CAP", 3)
    assert _worklist_counts(reviewer_client)["unreviewed"] == (3, True)
    make_review(made[0], "agree")
    assert _worklist_counts(reviewer_client)["unreviewed"] == (3, False)
    make_review(made[1], "disagree")
    assert _worklist_counts(reviewer_client)["unreviewed"] == (2, False)


def test_worklist_counts_follow_each_new_review_after_they_were_counted(
    reviewer_client, make_decision, make_review
):
    a, b = make_decision(), make_decision()
    make_review(a, "more_information")
    assert _worklist_counts(reviewer_client)["more_information"] == (1, False)
    make_review(a, "disagree")  # the latest verdict moves a to another worklist
    make_review(b, "more_information")
    counts = _worklist_counts(reviewer_client)
    assert counts["more_information"] == (1, False)
    assert counts["disagree"] == (1, False)
    assert counts["unreviewed"] == (0, False)


def _verdict_counting_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(LIST).status_code == 200
    return sum(1 for q in captured.captured_queries if 'AS "n"' in q["sql"])


def test_worklist_verdicts_are_counted_again_only_when_a_review_is_recorded(
    reviewer_client, make_decision, make_review
):
    decision = make_decision()
    make_review(decision, "refer_ifr")
    assert _verdict_counting_queries(reviewer_client) == 1
    assert _verdict_counting_queries(reviewer_client) == 0  # kept beside the chain's head
    make_review(decision, "agree")
    assert _verdict_counting_queries(reviewer_client) == 1


def test_verdict_filter_uses_the_latest_verdict_only(reviewer_client, make_decision, make_review):
    moved_on, waiting = make_decision(), make_decision()
    make_review(moved_on, "more_information")
    make_review(moved_on, "agree")
    make_review(waiting, "more_information")
    rows = reviewer_client.get(LIST, {"verdict": "more_information"}).context["page"].rows
    assert [d.reference for d in rows] == [waiting.reference]


def test_reviewer_clinician_and_condition_filters(
    reviewer_client, reviewer, make_decision, make_review, other_gp
):
    mine = make_decision(conditions=["scoliosis"])
    theirs = make_decision(user=other_gp)
    make_review(mine, "agree")

    def refs(**params):
        return [d.reference for d in reviewer_client.get(LIST, params).context["page"].rows]

    assert refs(reviewer="reviewer") == [mine.reference]
    assert refs(clinician="othergp") == [theirs.reference]
    assert refs(condition="scoliosis") == [mine.reference]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"verdict": "maybe"}, "Select a verdict from the list"),
        ({"reviewer": "nobody"}, "Select a reviewer from the list"),
        ({"clinician": "nobody"}, "Select a clinician from the list"),
        ({"condition": "gout"}, "Select a condition from the list"),
        ({"date_from_day": "1", "date_from_month": "13", "date_from_year": "2025"}, "a real date"),
        ({"date_from_day": "1", "date_from_month": "1", "date_from_year": "99999"},
         "between 2000 and 2100"),
        (
            {"date_from_day": "1", "date_from_month": "1", "date_from_year": "1066"},
            "&#x27;Decided on or after&#x27; must be between 2000 and 2100",
        ),
        (
            {"date_to_day": "1", "date_to_month": "1", "date_to_year": "2999"},
            "&#x27;Decided on or before&#x27; must be between 2000 and 2100",
        ),
        (
            {"date_from_day": "2", "date_from_month": "3", "date_from_year": "2025",
             "date_to_day": "1", "date_to_month": "3", "date_to_year": "2025"},
            "The &#x27;to&#x27; date must be the same as or after the &#x27;from&#x27; date",
        ),
    ],
)  # fmt: skip
def test_unknown_filter_values_get_a_clear_message_not_a_500(
    reviewer_client, policy_v1, params, message
):
    response = reviewer_client.get(LIST, params)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_cursor_past_the_end_shows_no_rows_rather_than_an_error(reviewer_client, make_decision):
    make_decision()
    response = reviewer_client.get(LIST, {"cursor": "forged-or-stale"})
    assert response.status_code == 200


def test_a_page_past_the_end_says_so_and_links_to_the_first_page(
    reviewer_client, make_decision, monkeypatch
):
    """Page 2's link, followed after the filters narrowed the list to one page."""
    monkeypatch.setattr("review.selectors.review.PAGE_SIZE", 2)
    make_decision(created_at=days_ago(0, 11))
    make_decision(created_at=days_ago(0, 10))
    make_decision(created_at=days_ago(40))
    page_two = reviewer_client.get(LIST).context["next_url"]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = reviewer_client.get(
        f"{LIST}{page_two}&date_from_day={yesterday.day}&date_from_month={yesterday.month}"
        f"&date_from_year={yesterday.year}"
    )
    assert response.status_code == 200
    assert response.context["page"].number == 2 and response.context["page"].rows == []
    body = response.content.decode()
    assert "There are no decisions on page 2" in body
    link = re.search(r'<p id="past-the-end">.*?<a href="([^"]+)">Go to the first page</a>', body)
    assert link and "cursor" not in link.group(1) and "date_from_day" in link.group(1)


def test_disagree_records_the_correct_outcome(reviewer_client, make_decision):
    decision = make_decision()
    reviewer_client.post(
        reverse("review:review", args=[decision.reference]),
        {"verdict": "disagree", "reason": "Leg pain too",
         "correct_outcome": "not_isolated_back_pain", "submission_key": str(uuid.uuid4())},
    )  # fmt: skip
    assert Review.objects.get().correct_outcome == "not_isolated_back_pain"


@pytest.mark.parametrize(
    ("correct_outcome", "message"),
    [
        ("", "Select the outcome you believe is correct"),
        ("made_up", "Select an outcome from the list"),
        ("not_routinely_commissioned", "Select an outcome from the list"),  # the decision's own
    ],
)
def test_disagree_with_a_missing_or_invalid_outcome_is_refused_keeping_the_reason(
    reviewer_client, make_decision, correct_outcome, message
):
    decision = make_decision()
    response = reviewer_client.post(
        reverse("review:review", args=[decision.reference]),
        {"verdict": "disagree", "reason": "Leg pain too", "correct_outcome": correct_outcome,
         "submission_key": str(uuid.uuid4())},
    )  # fmt: skip
    body = response.content.decode()
    assert message in body and "Leg pain too" in body
    assert not Review.objects.exists()


def test_service_refuses_an_outcome_not_in_the_decisions_version(make_decision, reviewer):
    decision = make_decision()
    with pytest.raises(ValidationError, match="not an outcome of policy version 1"):
        review_record(
            decision=decision, reviewer=reviewer, verdict="disagree", reason="x",
            correct_outcome="no_such_outcome", submission_key=uuid.uuid4(),
        )  # fmt: skip


def test_database_refuses_a_correct_outcome_on_an_agree_verdict(make_decision, make_review):
    from django.db import DatabaseError, connection, transaction

    make_review(make_decision(), "agree")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE triage_review DISABLE TRIGGER USER")
        cursor.execute("UPDATE triage_review SET correct_outcome = 'urgent_pathway'")


def test_submission_key_reused_on_another_decision_is_an_error_not_success(
    reviewer_client, make_decision
):
    first, second = make_decision(), make_decision()
    key = str(uuid.uuid4())
    reviewer_client.post(
        reverse("review:review", args=[first.reference]),
        {"verdict": "agree", "submission_key": key},
    )
    response = reviewer_client.post(
        reverse("review:review", args=[second.reference]),
        {"verdict": "agree", "submission_key": key},
    )
    assert response.status_code == 200
    assert f"already used for decision {first.reference}" in response.content.decode()
    assert Review.objects.count() == 1 and not second.reviews.exists()


def test_detail_back_link_keeps_the_list_filters(reviewer_client, make_decision):
    decision = make_decision()
    page = reviewer_client.get(LIST, {"outcome": "not_routinely_commissioned"}).content.decode()
    assert f"{decision.reference}/?back=outcome%3Dnot_routinely_commissioned" in page
    detail = reviewer_client.get(
        reverse("review:detail", args=[decision.reference]),
        {"back": "outcome=not_routinely_commissioned"},
    )
    assert detail.context["back_url"] == f"{LIST}?outcome=not_routinely_commissioned"


def test_list_shows_the_result_count(reviewer_client, make_decision):
    make_decision(), make_decision()
    assert "2 decisions" in reviewer_client.get(LIST).content.decode()


def test_list_page_logs_the_references_it_showed(reviewer_client, make_decision):
    decision = make_decision()
    reviewer_client.get(LIST)
    detail = json.loads(AccessEvent.objects.get().query)
    assert (detail["kind"], detail["references"]) == ("list", [decision.reference])


def test_nhs_number_search_is_logged_as_a_keyed_hash_never_plain(reviewer_client, make_decision):
    from triage.services.access import nhs_number_search_hash

    decision = make_decision()
    reviewer_client.get(LIST, {"q": nhs_number_format(decision.nhs_number)})
    event = AccessEvent.objects.get()
    assert decision.nhs_number not in event.query
    detail = json.loads(event.query)
    assert detail["kind"] == "search"
    assert detail["search_hash"] == nhs_number_search_hash(decision.nhs_number)
    assert detail["search_hash"] != nhs_number_search_hash("9434765870")


def test_gp_views_and_searches_are_logged(gp_client, gp, make_decision):
    decision = make_decision()
    gp_client.get(reverse("triage:decision", args=[decision.reference]))
    gp_client.get(reverse("triage:start"), {"q": decision.nhs_number})
    view, search = AccessEvent.objects.order_by("id")
    assert (view.user, view.decision, json.loads(view.query)["kind"]) == (gp, decision, "gp_view")
    assert decision.nhs_number not in search.query
    assert json.loads(search.query)["references"] == [decision.reference]


def test_access_log_viewer_filters_by_user_and_decision_and_exports_csv(
    reviewer_client, gp_client, make_decision
):
    decision = make_decision()
    gp_client.get(reverse("triage:decision", args=[decision.reference]))
    reviewer_client.get(LIST)
    page = reviewer_client.get(reverse("review:access_log"), {"user": "gp"})
    assert [r["detail"].kind for r in page.context["rows"]] == ["gp_view"]
    by_ref = reviewer_client.get(reverse("review:access_log"), {"reference": decision.reference})
    assert {r["detail"].kind for r in by_ref.context["rows"]} == {"gp_view", "list"}
    csv_text = b"".join(
        reviewer_client.get(reverse("review:access_log_export"), {"user": "gp"}).streaming_content
    ).decode()
    assert "GP viewed decision" in csv_text and decision.reference in csv_text


def test_access_log_viewer_refuses_bad_filters_with_messages(reviewer_client, policy_v1):
    response = reviewer_client.get(
        reverse("review:access_log"), {"reference": "nonsense", "nhs_number": "12"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter a reference in the format FT-7K3Q-9M2D" in body
    assert "NHS number must be 10 digits" in body


def test_access_log_needs_the_reviewer_role(gp_client):
    assert gp_client.get(reverse("review:access_log")).status_code == 403
