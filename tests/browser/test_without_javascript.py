"""The GP journey with JavaScript turned off: every question, including the follow-up, works."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import (
    DESTABILISING,
    NHS_NUMBER,
    NONE_OF_THESE,
    PAIN_BACK_ONLY,
    assert_accessible,
    choice,
    continue_,
    expect_decision,
    expect_question,
    go,
    screenshot,
    sign_in,
    start_referral,
)

pytestmark = pytest.mark.browser


def to_decompression(page: Page, gp) -> None:
    sign_in(page, gp)
    start_referral(page)
    page.get_by_label("What is the patient's NHS number?").fill(NHS_NUMBER)
    continue_(page)
    page.get_by_label(NONE_OF_THESE, exact=True).check()
    continue_(page)
    page.get_by_label(PAIN_BACK_ONLY, exact=True).check()
    continue_(page)
    page.get_by_label(NONE_OF_THESE, exact=True).check()
    continue_(page)
    expect_question(page, 5)


def test_javascript_is_really_off(no_js_page: Page, gp, policy_v1):
    sign_in(no_js_page, gp)
    expect(no_js_page.locator("body")).not_to_have_class(re.compile("js-enabled"))


def test_follow_up_question_is_visible_and_usable_without_javascript(
    no_js_page: Page, gp, policy_v1
):
    page = no_js_page
    to_decompression(page, gp)
    follow_up = page.get_by_role("group", name=DESTABILISING)
    expect(follow_up).to_be_visible()
    screenshot(page, "question-decompression-no-js")

    choice(page, "decompression_planned", "yes").check()
    choice(page, "decompression_destabilising", "yes").check()
    continue_(page)
    expect(page).to_have_url(re.compile(r"/referrals/checks/[0-9a-f-]{36}/check/$"))
    expect(page.get_by_role("term").filter(has_text=DESTABILISING)).to_be_visible()
    go(page, page.get_by_role("button", name="Submit and get the decision"))
    expect_decision(page, "fusion_appropriate_with_decompression")


def test_follow_up_answer_is_ignored_when_no_decompression_is_planned(
    no_js_page: Page, gp, policy_v1
):
    page = no_js_page
    to_decompression(page, gp)
    choice(page, "decompression_planned", "no").check()
    choice(page, "decompression_destabilising", "yes").check()
    continue_(page)
    expect(page).to_have_url(re.compile(r"/referrals/checks/[0-9a-f-]{36}/check/$"))
    expect(page.get_by_role("term").filter(has_text=DESTABILISING)).to_have_count(0)
    go(page, page.get_by_role("button", name="Submit and get the decision"))
    expect_decision(page, "not_routinely_commissioned")


def test_error_summary_links_to_the_field_without_javascript(no_js_page: Page, gp, policy_v1):
    page = no_js_page
    to_decompression(page, gp)
    choice(page, "decompression_planned", "yes").check()
    continue_(page)
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    link = summary.get_by_role(
        "link", name="Select yes if the exposure needed would render the spine unstable"
    )
    expect(link).to_have_attribute("href", "#id_decompression_destabilising")
    link.click()
    expect(page).to_have_url(re.compile(r"#id_decompression_destabilising$"))
    expect(page.locator("#id_decompression_destabilising")).to_be_in_viewport()
    assert_accessible(page)
