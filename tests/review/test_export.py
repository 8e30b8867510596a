"""CSV export: columns, formula neutralising, streaming many rows, filters and the access log."""

import csv
import io
import json

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
        "reference", "created_at", "nhs_number", "practice_ods_code", "practice_name",
        "clinician_username", "policy_version", "policy_hash", "engine_version", "outcome",
        "decisive_findings", "latest_verdict", "pain_location", "decompression_planned",
        "decompression_destabilising", "content_hash",
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
    assert row["created_at"] == decision.created_at.isoformat()
    assert row["nhs_number"] == decision.nhs_number
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
