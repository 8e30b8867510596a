"""Pages anyone reaches: sign-in and its errors, the policy, the accessibility statement."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import (
    active_element_id,
    assert_accessible,
    decision_make,
    go,
    screenshot,
    sign_in,
    visit,
)

pytestmark = pytest.mark.browser


def test_sign_in_errors_are_summarised_and_linked_to_each_field(page: Page, gp):
    visit(page, "/sign-in/")
    screenshot(page, "sign-in")
    go(page, page.get_by_role("button", name="Sign in"))
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    summary = page.locator(".nhsuk-error-summary")
    summary.get_by_role("link", name="Enter your password").click()
    assert active_element_id(page) == "id_password"
    summary.get_by_role("link", name="Enter your username").click()
    assert active_element_id(page) == "id_username"

    page.get_by_label("Username").fill(gp.username)
    page.get_by_label("Password").fill("not-the-password")
    go(page, page.get_by_role("button", name="Sign in"))
    expect(summary).to_contain_text("Enter a correct username and password")
    expect(page.get_by_label("Username")).to_have_value(gp.username)


def test_footer_pages_and_published_policy_are_accessible_to_anyone(page: Page, policy_v1):
    visit(page, "/sign-in/")
    footer = page.get_by_role("contentinfo")
    go(page, footer.get_by_role("link", name="Accessibility statement"))
    expect(page).to_have_url(re.compile(r"/accessibility/$"))

    go(page, footer.get_by_role("link", name="The policy"))
    expect(page).to_have_url(re.compile(r"/policy/$"))
    screenshot(page, "policy-current")
    page.get_by_role("link", name="Criteria", exact=True).click()
    expect(page.locator("#criteria")).to_be_in_viewport()

    visit(page, "/policy/versions/")
    go(page, page.get_by_role("link", name="Version 1"))
    expect(page).to_have_url(re.compile(r"/policy/versions/1/$"))


def test_gp_start_page_lists_and_searches_the_practice_decisions(
    page: Page, gp, practice, policy_v1
):
    first = decision_make(user=gp, practice=practice, version=policy_v1, nhs_number="9434765919")
    second = decision_make(user=gp, practice=practice, version=policy_v1, nhs_number="9434765870")
    sign_in(page, gp)
    screenshot(page, "gp-start")
    table = page.get_by_role("table")
    expect(table).to_contain_text(first.reference)
    expect(table).to_contain_text(second.reference)

    page.get_by_label("Search by reference or NHS number").fill("943 476 5870")
    go(page, page.get_by_role("button", name="Search"))
    expect(table).to_contain_text(second.reference)
    expect(table).not_to_contain_text(first.reference)


def test_missing_page_is_accessible(page: Page, gp):
    sign_in(page, gp)
    response = visit(page, "/referrals/decisions/FT-2222-2222/")
    assert response.status == 404


def test_page_for_another_role_is_accessible(page: Page, gp):
    sign_in(page, gp)
    response = visit(page, "/policy/manage/")
    assert response.status == 403


def test_transparency_page_shows_the_signed_checkpoint_to_anyone(
    page: Page, checkpoints, gp, practice, policy_v1
):
    from django.core.management import call_command

    decision_make(user=gp, practice=practice, version=policy_v1, nhs_number="9434765919")
    call_command("chain_checkpoint")
    visit(page, "/sign-in/")
    go(page, page.get_by_role("contentinfo").get_by_role("link", name="Transparency"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Transparency: checking that no record was changed"
    )
    expect(page.get_by_text("Number 1, signed")).to_be_visible()
    page.get_by_text("Show the checkpoint file and its signature").click()
    expect(page.get_by_text('"signature":')).to_be_visible()
    assert_accessible(page)
    screenshot(page, "transparency")
