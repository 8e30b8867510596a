"""An ICB reviewer filters every decision, opens one, records a verdict and downloads the CSV."""

import csv
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import (
    active_element_id,
    decision_make,
    go,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def decisions(gp, practice, other_gp, other_practice, policy_v1):
    """Decisions at two practices: two outside the statement, two not routinely commissioned."""
    made = {}
    for user, surgery, nhs_number, answers in (
        (gp, practice, "9434765919", {"conditions": ["spondylolisthesis"]}),
        (gp, practice, "9434765870", {}),
        (other_gp, other_practice, "4010232137", {"conditions": ["scoliosis"]}),
        (other_gp, other_practice, "9434765919", {}),
    ):
        decision = decision_make(
            user=user, practice=surgery, version=policy_v1, nhs_number=nhs_number, **answers
        )
        made[decision.reference] = decision
    return made


def references_listed(page: Page) -> set[str]:
    return set(page.locator("#decisions tbody tr td:first-child a").all_inner_texts())


def test_reviewer_filters_opens_a_decision_records_a_verdict_and_downloads_csv(
    page: Page, reviewer, decisions
):
    sign_in(page, reviewer)
    expect(page).to_have_url(re.compile(r"/review/$"))
    assert references_listed(page) == set(decisions)
    screenshot(page, "review-list", docs=True)

    page.get_by_label("Outcome").select_option(label="Outside the position statement")
    page.get_by_label("Practice").select_option(value="C81001")
    go(page, page.get_by_role("button", name="Apply filters"))
    expect(page).to_have_url(re.compile(r"outcome=outside_statement"))
    expect(page.locator("#decisions caption")).to_contain_text("matching the filters")
    (reference,) = [
        ref
        for ref, d in decisions.items()
        if d.outcome == "outside_statement" and d.practice.ods_code == "C81001"
    ]
    assert references_listed(page) == {reference}

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these decisions (CSV)").click()
    download = download_info.value
    assert re.fullmatch(
        r"fusion-triage-decisions-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename
    )
    with open(download.path(), newline="", encoding="utf-8") as exported:
        rows = list(csv.DictReader(exported))
    assert [row["reference"] for row in rows] == [reference]
    assert rows[0]["outcome"] == "outside_statement"
    assert rows[0]["practice_ods_code"] == "C81001"

    go(page, page.get_by_role("link", name=reference))
    expect(page).to_have_url(re.compile(rf"/review/decisions/{reference}/(\?back=.*)?$"))
    expect(page.locator("#integrity")).to_contain_text("Verified")
    screenshot(page, "review-decision")

    verdicts = page.get_by_role("group", name="Your verdict")
    reason = page.get_by_label("Why do you disagree?")
    expect(reason).to_be_hidden()
    verdicts.get_by_label("Disagree with the decision").check()
    expect(reason).to_be_visible()
    go(page, page.get_by_role("button", name="Record verdict"))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    # Both disagree fields are required; each summary link moves focus to its field.
    summary.get_by_role("link").first.click()
    assert active_element_id(page) == "id_correct_outcome"
    summary.get_by_role("link").nth(1).click()
    assert active_element_id(page) == "id_reason"

    page.get_by_label("Why do you disagree?").fill("Spondylolisthesis here is instability.")
    page.get_by_label("Which outcome is correct?").select_option("usual_pathway_exception")
    go(page, page.get_by_role("button", name="Record verdict"))
    expect(page.locator(".nhsuk-notification-banner--success")).to_contain_text(
        "Verdict recorded: Disagree"
    )
    history = page.locator("#review-history")
    expect(history).to_contain_text("Spondylolisthesis here is instability.")
    expect(history).to_contain_text("Current verdict")
    assert decisions[reference].reviews.get().verdict == "disagree"


def test_reviewer_workspace_pages_are_accessible(page: Page, reviewer, decisions):
    sign_in(page, reviewer)
    nav = page.get_by_role("navigation", name="Reviewer workspace")
    for name, path, shot in (
        ("Review queue", r"/review/next/$", "review-queue"),
        ("Monthly audit sample", r"/review/sample/$", "review-sample"),
        ("Dashboard", r"/review/dashboard/$", "dashboard"),
    ):
        go(page, nav.get_by_role("link", name=name))
        expect(page).to_have_url(re.compile(path))
        screenshot(page, shot, docs=shot == "dashboard")
