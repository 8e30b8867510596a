"""Referral checks in a real browser: two tabs never mix patients, checks in progress are
listed, the timeout warning works from the keyboard, and a decision entered in error says so."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import (
    PAIN_BACK_AND_LEG,
    answer_questionnaire,
    assert_accessible,
    continue_,
    expect_decision,
    expect_question,
    go,
    screenshot,
    sign_in,
    start_referral,
    visit,
)

pytestmark = pytest.mark.browser

SPONDYLOLISTHESIS = "Spondylolisthesis without instability"


def test_two_tabs_each_decision_carries_its_own_patient_and_answers(page: Page, gp, policy_v1):
    from triage.models import Decision

    sign_in(page, gp)
    tab_b = page.context.new_page()  # a second tab in the same browser, same session
    # Tab A: patient 943 476 5919, back pain only, up to the check page.
    start_referral(page)
    answer_questionnaire(page, nhs_number="943 476 5919", submit=False)
    # Tab B: patient 401 023 2137, back and leg, spondylolisthesis, up to the check page.
    tab_b.goto("/referrals/")
    start_referral(tab_b)
    answer_questionnaire(
        tab_b,
        nhs_number="401 023 2137",
        pain=PAIN_BACK_AND_LEG,
        conditions=(SPONDYLOLISTHESIS,),
        submit=False,
    )
    # Submit in tab A first: the defect stored tab B's patient and answers here.
    go(page, page.get_by_role("button", name="Submit and get the decision"))
    reference_a = expect_decision(page, "not_routinely_commissioned")
    expect(page.get_by_text("943 476 5919").first).to_be_visible()
    go(tab_b, tab_b.get_by_role("button", name="Submit and get the decision"))
    reference_b = expect_decision(tab_b, "outside_statement")
    a = Decision.objects.get(reference=reference_a)
    b = Decision.objects.get(reference=reference_b)
    assert (a.nhs_number, a.answers["pain_location"], a.answers["conditions"]) == (
        "9434765919",
        "back_only",
        [],
    )
    assert (b.nhs_number, b.answers["pain_location"], b.answers["conditions"]) == (
        "4010232137",
        "back_and_leg",
        ["spondylolisthesis"],
    )
    # The back button in tab A shows the check page as recorded, not a blank journey.
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"This check was recorded as {reference_a}"
    )


def test_checks_in_progress_are_listed_and_can_be_continued_or_deleted(page: Page, gp, policy_v1):
    sign_in(page, gp)
    start_referral(page)
    page.get_by_label("What is the patient's NHS number?").fill("943 476 5919")
    continue_(page)
    page.get_by_label("None of these", exact=True).check()
    continue_(page)
    visit(page, "/referrals/")
    start_referral(page)
    page.get_by_label("What is the patient's NHS number?").fill("401 023 2137")
    continue_(page)
    visit(page, "/referrals/")
    expect(page.get_by_role("heading", name="Checks in progress")).to_be_visible()
    rows = page.locator("#in-progress + p + table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("401 023 2137")
    expect(rows.nth(1)).to_contain_text("Red flags")
    screenshot(page, "checks-in-progress", docs=True)
    go(page, rows.nth(1).get_by_role("link", name=re.compile("^Continue")))
    expect_question(page, 3)
    visit(page, "/referrals/")
    go(page, rows.first.get_by_role("link", name=re.compile("^Delete")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete this referral check?")
    go(page, page.get_by_role("button", name="Delete the check"))
    expect(
        page.get_by_text("The referral check for NHS number 401 023 2137 was deleted")
    ).to_be_visible()
    expect(page.locator("#in-progress + p + table tbody tr")).to_have_count(1)


def test_timeout_warning_opens_takes_focus_and_stay_signed_in_keeps_the_session(
    page: Page, gp, policy_v1, settings
):
    # Idle sign-out in 1 hour, warning 3597 seconds before it: the dialog opens at once.
    settings.SESSION_COOKIE_AGE = 3600
    settings.SESSION_WARNING_SECONDS = 3597
    sign_in(page, gp)
    dialog = page.locator("#timeout-warning")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("You're about to be signed out")
    expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()
    expect(dialog.locator("[data-timeout-announce]")).to_contain_text("You will be signed out in")
    assert_accessible(page)
    with page.expect_response("**/session/keep-alive/") as pinged:
        page.keyboard.press("Escape")
    assert pinged.value.status == 204
    expect(dialog).to_be_hidden()
    expect(dialog).to_be_visible()  # the timer starts again, and warns again
    with page.expect_response("**/session/keep-alive/") as pinged:
        page.get_by_role("button", name="Stay signed in").click()
    assert pinged.value.status == 204
    expect(page).to_have_url(re.compile(r"/referrals/$"))


def test_decision_entered_in_error_shows_who_when_why(page: Page, gp, policy_v1):
    sign_in(page, gp)
    start_referral(page)
    answer_questionnaire(page)
    reference = expect_decision(page, "not_routinely_commissioned")
    go(page, page.get_by_role("link", name="mark it as entered in error"))
    go(page, page.get_by_role("button", name="Mark as entered in error"))
    expect(page.get_by_text("Enter why the decision was entered in error").first).to_be_visible()
    page.get_by_label("Why was this decision entered in error?").fill(
        "Wrong patient: the NHS number was from the previous consultation"
    )
    go(page, page.get_by_role("button", name="Mark as entered in error"))
    banner = page.locator("#entered-in-error")
    expect(banner).to_contain_text("Entered in error")
    expect(banner).to_contain_text("Gp Tester marked it as entered in error")
    expect(banner).to_contain_text("Wrong patient")
    screenshot(page, "decision-entered-in-error", docs=True)
    go(page, page.get_by_role("button", name="Start a corrected check"))
    expect_question(page, 1)
    expect(page.get_by_label("What is the patient's NHS number?")).to_have_value("943 476 5919")
    page.get_by_label("What is the patient's NHS number?").fill("401 023 2137")
    for _ in range(5):
        continue_(page)
    go(page, page.get_by_role("button", name="Submit and get the decision"))
    replacement = expect_decision(page, "not_routinely_commissioned")
    visit(page, f"/referrals/decisions/{reference}/")
    expect(page.locator("#entered-in-error")).to_contain_text(f"Replaced by {replacement}")
