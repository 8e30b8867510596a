"""CSV export: columns, formula neutralising, streaming many rows, filters and the access log."""

import csv
import datetime
import io
import json
from datetime import UTC

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.csv_cells import csv_safe
from core.roles import GP
from policy.engine import CONDITION_CODES, RED_FLAG_CODES
from review.services.export import EXPORT_HEADER
from tests.conftest import make_user
from triage.models import AccessEvent, Practice
from triage.nhs_number import nhs_number_format

EXPORT = reverse("review:export")


def read_csv(response) -> list[dict]:
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_export_has_the_agreed_columns(reviewer_client, make_decision):
    make_decision()
    response = reviewer_client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    header = next(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert header == list(EXPORT_HEADER)
    for column in (
        "reference", "created_at (Europe/London)", "nhs_number", "practice_ods_code",
        "practice_name", "clinician_username", "policy_version", "policy_hash", "engine_version",
        "outcome", "outcome_label", "decisive_findings", "latest_verdict", "latest_verdict_label",
        "latest_verdict_reviewer", "latest_verdict_reason", "latest_verdict_correct_outcome",
        "latest_verdict_at (Europe/London)", "pain_location", "decompression_planned",
        "decompression_destabilising", "content_hash", "entered_in_error_at (Europe/London)",
    ):  # fmt: skip
        assert column in header
    for code in RED_FLAG_CODES:
        assert f"red_flag_{code}" in header
    for code in CONDITION_CODES:
        assert f"condition_{code}" in header


def test_export_flattens_answers_and_findings(reviewer_client, make_decision, make_review, gp):
    decision = make_decision(
        pain_location="back_only",
        conditions=["instability", "scoliosis"],
        decompression_planned=True,
        decompression_destabilising=False,
    )
    make_review(decision, "refer_ifr")
    (row,) = read_csv(reviewer_client.get(EXPORT))
    assert row["reference"] == decision.reference
    assert row["created_at (Europe/London)"] == (
        f"{timezone.localtime(decision.created_at):%Y-%m-%d %H:%M:%S}"
    )
    assert row["nhs_number"] == nhs_number_format(decision.nhs_number)
    assert row["practice_ods_code"] == "C81001"
    assert row["clinician_username"] == gp.username
    assert row["policy_version"] == "1"
    assert row["policy_hash"] == decision.policy_hash
    assert row["outcome"] == decision.outcome
    assert row["decisive_findings"] == ";".join(
        f["code"] for f in decision.findings if f["decisive"]
    )
    assert row["latest_verdict"] == "refer_ifr"
    assert row["condition_instability"] == row["condition_scoliosis"] == "1"
    assert row["condition_inflammatory"] == "0"
    assert all(row[f"red_flag_{code}"] == "0" for code in RED_FLAG_CODES)
    assert (row["decompression_planned"], row["decompression_destabilising"]) == ("1", "0")
    assert row["content_hash"] == decision.content_hash


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 1234", "'+44 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindented", "'\tindented"),
        ("\rreturn", "'\rreturn"),
        ("Peak View Surgery", "Peak View Surgery"),
        (None, ""),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_neutralised(value, expected):
    assert csv_safe(value) == expected


def test_export_neutralises_formulas_in_names(reviewer_client, make_decision, policy_v1):
    practice = Practice.objects.create(ods_code="C81099", name='=HYPERLINK("http://evil")')
    user = make_user("@attacker", GP, practice)
    make_decision(user=user)
    (row,) = read_csv(reviewer_client.get(EXPORT))
    assert row["practice_name"] == '\'=HYPERLINK("http://evil")'
    assert row["clinician_username"] == "'@attacker"


def test_export_streams_thousands_of_rows_from_a_server_side_cursor(
    reviewer_client, reviewer, policy_v1
):
    from review.services.demo import demo_decisions_add, demo_users_ensure

    demo_users_ensure()  # resets the demo "reviewer" password, so sign in again
    reviewer.refresh_from_db()
    reviewer_client.force_login(reviewer)
    demo_decisions_add(count=2500, seed=7)
    response = reviewer_client.get(EXPORT)
    with CaptureQueriesContext(connection) as queries:
        rows = read_csv(response)
    assert len(rows) == 2500
    assert len({row["reference"] for row in rows}) == 2500
    assert any("DECLARE" in q["sql"] for q in queries.captured_queries)


def test_export_applies_the_list_filters_and_sort(reviewer_client, make_decision, other_gp):
    mine = make_decision()
    make_decision(user=other_gp)
    rows = read_csv(reviewer_client.get(EXPORT, {"practice": "C81001"}))
    assert [row["reference"] for row in rows] == [mine.reference]
    both = read_csv(reviewer_client.get(EXPORT, {"sort": "practice"}))
    assert [row["practice_ods_code"] for row in both] == ["C81002", "C81001"]


def test_export_with_bad_filters_goes_back_to_the_list_with_the_errors(reviewer_client, policy_v1):
    response = reviewer_client.get(EXPORT, {"outcome": "nonsense"})
    assert response.status_code == 302
    assert response["Location"] == reverse("review:list") + "?outcome=nonsense"
    assert not AccessEvent.objects.exists()


def test_export_filename_includes_the_date(reviewer_client, policy_v1):
    response = reviewer_client.get(EXPORT)
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="fusion-triage-decisions-{today}.csv"'
    )


def test_export_is_recorded_in_the_access_log_with_its_filters(
    reviewer_client, reviewer, make_decision
):
    make_decision()
    read_csv(reviewer_client.get(EXPORT, {"outcome": "urgent_pathway", "reviewed": "no"}))
    event = AccessEvent.objects.get()
    assert (event.user, event.action, event.decision) == (reviewer, "export", None)
    assert json.loads(event.query) == {
        "kind": "export",
        "filters": "outcome=urgent_pathway&reviewed=no",
        "rows": 0,
    }


def test_export_gives_outcome_and_latest_verdict_with_labels_reviewer_reason_and_date(
    reviewer_client, make_decision, make_review, reviewer
):
    decision = make_decision()
    make_review(decision, "agree", created_at=datetime.datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    make_review(
        decision,
        "disagree",
        reason="Leg pain was recorded",
        correct_outcome="not_isolated_back_pain",
        created_at=datetime.datetime(2026, 7, 1, 13, 30, tzinfo=UTC),
    )
    (row,) = read_csv(reviewer_client.get(EXPORT))
    assert (row["outcome"], row["outcome_label"]) == (
        "not_routinely_commissioned", "Not routinely commissioned",
    )  # fmt: skip
    assert (row["latest_verdict"], row["latest_verdict_label"]) == ("disagree", "Disagree")
    assert row["latest_verdict_reviewer"] == reviewer.username
    assert row["latest_verdict_reason"] == "Leg pain was recorded"
    assert row["latest_verdict_correct_outcome"] == "not_isolated_back_pain"
    # 13:30 UTC on 1 July is 14:30 in London (British Summer Time), and the heading says so.
    assert row["latest_verdict_at (Europe/London)"] == "2026-07-01 14:30:00"


def test_export_of_an_unreviewed_decision_says_so(reviewer_client, make_decision):
    make_decision()
    (row,) = read_csv(reviewer_client.get(EXPORT))
    assert row["latest_verdict"] == "" and row["latest_verdict_label"] == "Not reviewed"
    assert row["latest_verdict_reviewer"] == row["latest_verdict_at (Europe/London)"] == ""


def test_export_writes_times_in_london_time_winter_and_summer(reviewer_client, make_decision):
    make_decision(created_at=datetime.datetime(2026, 1, 15, 23, 30, tzinfo=UTC))
    make_decision(created_at=datetime.datetime(2026, 6, 15, 23, 30, tzinfo=UTC))
    rows = read_csv(reviewer_client.get(EXPORT))
    times = sorted(row["created_at (Europe/London)"] for row in rows)
    assert times == ["2026-01-15 23:30:00", "2026-06-16 00:30:00"]


def test_export_writes_the_nhs_number_3_3_4_so_a_leading_zero_survives(
    reviewer_client, make_decision
):
    make_decision(nhs_number="0123456789")
    (row,) = read_csv(reviewer_client.get(EXPORT))
    assert row["nhs_number"] == "012 345 6789"


def test_export_query_count_does_not_grow_with_the_rows(
    reviewer_client, make_decision, make_review, monkeypatch
):
    """Labels, reviewer and STarT Back come from subqueries in the one server-side cursor query
    (whose chunks are FETCHed from it), so twice the rows take no more queries."""
    monkeypatch.setattr("review.services.export.CHUNK_SIZE", 2)

    def queries_for_export() -> int:
        response = reviewer_client.get(EXPORT)
        with CaptureQueriesContext(connection) as queries:
            read_csv(response)
        return len(queries.captured_queries)

    for _ in range(4):
        make_review(make_decision(), "agree")
    four = queries_for_export()
    for _ in range(4):
        make_review(make_decision(), "disagree")
    assert queries_for_export() == four
