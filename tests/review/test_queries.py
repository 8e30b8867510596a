"""The list and the detail cost the same number of queries with 5 decisions or 50."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def queries_for(client, url: str, params: dict | None = None) -> int:
    client.get(url, params)  # warm the session and any lazy caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured.captured_queries)


def add_decisions(make_decision, make_review, other_gp, count: int) -> list:
    made = []
    for i in range(count):
        decision = make_decision(user=other_gp if i % 2 else None)
        for verdict in ("more_information", "agree", "disagree")[: i % 4]:
            make_review(decision, verdict)
        made.append(decision)
    return made


def test_list_uses_a_fixed_number_of_queries_however_many_decisions_and_reviews(
    reviewer_client, make_decision, make_review, other_gp
):
    url = reverse("review:list")
    add_decisions(make_decision, make_review, other_gp, 5)
    with_five = queries_for(reviewer_client, url)
    filtered_five = queries_for(reviewer_client, url, {"reviewed": "yes", "sort": "practice"})
    add_decisions(make_decision, make_review, other_gp, 45)
    assert queries_for(reviewer_client, url) == with_five
    assert queries_for(reviewer_client, url, {"reviewed": "yes", "sort": "practice"}) == (
        filtered_five
    )
    # The session with the user, the page (with its sources, "via API") and its capped count in
    # one round trip, the access log's chained append (lock and tail, then insert), the worklists
    # (the review chain's head and the unreviewed count in one round trip) and the four select
    # lists of the filters in one query.
    assert with_five == 6
    # Sorted by practice: the practices in name order with the capped count (one round trip),
    # then each one's rows (two practices here).
    assert filtered_five == 8


def test_detail_uses_a_fixed_number_of_queries_however_many_decisions_and_reviews(
    reviewer_client, make_decision, make_review, other_gp
):
    first = add_decisions(make_decision, make_review, other_gp, 5)[3]
    url = reverse("review:detail", args=[first.reference])
    with_five = queries_for(reviewer_client, url)
    more = add_decisions(make_decision, make_review, other_gp, 45)
    for verdict in ("agree", "refer_ifr", "agree", "disagree"):
        make_review(first, verdict)
    assert queries_for(reviewer_client, url) == with_five
    assert queries_for(reviewer_client, reverse("review:detail", args=[more[-1].reference])) == (
        with_five
    )
    # The session with the user; the decision with its practice, GP, version, policy and
    # correction, the link to the decision before, its source ("via API") and its latest STarT
    # Back score (one round trip); the access log's chained append (lock and tail, then
    # insert); the reviews with their notifications, the replies and the access log shown (one
    # round trip); the version in effect.
    assert with_five == 6


def test_dashboards_use_a_fixed_number_of_queries_however_many_decisions_and_practices(
    reviewer_client, gp_client, make_decision, make_review, other_gp
):
    from tests.conftest import make_user
    from triage.models import Practice

    url, practice_url = reverse("review:dashboard"), reverse("review:practice_dashboard")
    add_decisions(make_decision, make_review, other_gp, 5)
    icb, own = queries_for(reviewer_client, url), queries_for(gp_client, practice_url)
    third = make_user("thirdgp", "GP", Practice.objects.create(ods_code="C81003", name="Third"))
    add_decisions(make_decision, make_review, third, 45)
    assert queries_for(reviewer_client, url) == icb
    assert queries_for(gp_client, practice_url) == own


def test_list_rows_read_only_what_the_table_shows(
    reviewer_client, make_decision, make_review, other_gp
):
    add_decisions(make_decision, make_review, other_gp, 3)
    url = reverse("review:list")
    reviewer_client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert reviewer_client.get(url).status_code == 200
    rows = [q["sql"] for q in captured.captured_queries if "LIMIT 26" in q["sql"]]
    assert len(rows) == 1
    for column in ("answers", "findings", "advice", "clinician_id", "policy_version_id"):
        assert f'"triage_decision"."{column}"' not in rows[0]
    assert "auth_user" not in rows[0]
    assert "policy_policyversion" not in rows[0]
