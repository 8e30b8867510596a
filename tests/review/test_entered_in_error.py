"""Reviewers see decisions entered in error everywhere: list, filter, detail, CSV, dashboard."""

import csv
import io

import pytest
from django.urls import reverse

from tests.review.conftest import days_ago
from triage.models import ReferralCheck
from triage.services.checks import check_start, check_submit
from triage.services.corrections import decision_correct

REASON = "Wrong patient: NHS number typed from the previous consultation"


@pytest.fixture
def corrected(make_decision, gp):
    """A decision marked entered in error by `gp`, and the replacement from a corrected check."""
    original = make_decision(created_at=days_ago(0))
    decision_correct(decision=original, user=gp, reason=REASON)
    check = check_start(user=gp, practice=gp.clinician.practice, corrects=original)
    ReferralCheck.objects.filter(pk=check.pk).update(nhs_number="4010232137")
    replacement = check_submit(check_id=check.pk, user=gp).decision
    return original, replacement


def test_reviewer_list_tags_entered_in_error_and_filters_by_it(reviewer_client, corrected):
    original, replacement = corrected
    body = reviewer_client.get(reverse("review:list")).content.decode()
    row = body[body.index(original.reference) :].split("</tr>")[0]
    assert "Entered in error" in row
    only = reviewer_client.get(reverse("review:list"), {"entered_in_error": "yes"})
    text = only.content.decode()
    assert original.reference in text and replacement.reference not in text
    rest = reviewer_client.get(reverse("review:list"), {"entered_in_error": "no"}).content.decode()
    assert replacement.reference in rest and f">{original.reference}<" not in rest


def test_bad_entered_in_error_filter_is_a_form_error(reviewer_client, corrected):
    response = reviewer_client.get(reverse("review:list"), {"entered_in_error": "maybe"})
    assert response.status_code == 200
    assert "Select whether the decision was entered in error" in response.content.decode()


def test_reviewer_detail_shows_who_when_why_and_links_the_replacement(reviewer_client, corrected):
    original, replacement = corrected
    body = reviewer_client.get(reverse("review:detail", args=[original.reference])).content.decode()
    assert "Entered in error" in body and "Wrong patient" in body
    assert "Gp Tester marked it as entered in error" in body
    assert f'href="{reverse("review:detail", args=[replacement.reference])}"' in body


def test_csv_export_carries_the_correction_and_replacement(reviewer_client, corrected):
    original, replacement = corrected
    response = reviewer_client.get(reverse("review:export"))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_reference = {row["reference"]: row for row in rows}
    marked = by_reference[original.reference]
    assert marked["entered_in_error_by"] == "gp"
    assert marked["entered_in_error_reason"] == REASON
    assert marked["entered_in_error_at (Europe/London)"]
    assert marked["replaced_by"] == replacement.reference
    assert by_reference[replacement.reference]["entered_in_error_at (Europe/London)"] == ""


def test_dashboard_leaves_corrected_decisions_out_of_outcome_counts(reviewer_client, corrected):
    response = reviewer_client.get(reverse("review:dashboard"))
    figures = response.context["figures"]
    assert figures.table("monthly").total[-1] == "<5"  # one decision, suppressed
    assert figures.entered_in_error == 1
    body = response.content.decode()
    assert "Counts leave out decisions marked as entered in error" in body
    assert "Left out in this period: &lt;5." in body
