"""Signing in with NHS CIS2 in a real browser, through the mock provider's own pages."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import assert_accessible, screenshot, visit
from tests.oidc_provider import ICB_ODS, cis2_claims

pytestmark = pytest.mark.browser


def sign_in_with_cis2(page: Page, live_server, sub: str, lands_on: str) -> None:
    visit(page, "/sign-in/")
    page.get_by_role("link", name="Sign in with NHS CIS2").click()
    # The provider's page (not ours, so not checked with axe): sign in as `sub`.
    page.locator("input[name=sub]").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    # Back through the callback to a page of ours.
    page.wait_for_url(f"{live_server.url}{lands_on}")
    page.wait_for_load_state()
    assert_accessible(page)


@pytest.mark.parametrize(
    ("sub", "claims", "lands_on", "heading"),
    [
        ("gp-c81001", cis2_claims(ods_code="C81001"), "/referrals/", "referral"),
        (
            "reviewer-15m",
            cis2_claims(ods_code=ICB_ODS, role_code="S0:G0:R0", activity_codes=("B0380",)),
            "/review/",
            "Decisions",
        ),
        (
            "admin-15m",
            cis2_claims(ods_code=ICB_ODS, role_code="S0:G0:R0", activity_codes=("B0370",)),
            "/policy/manage/",
            "policy",
        ),
    ],
)
def test_each_role_signs_in_through_the_provider(
    page: Page, live_server, oidc, practice, policy_v1, sub, claims, lands_on, heading
):
    oidc.add_user(sub, claims)
    sign_in_with_cis2(page, live_server, sub, lands_on)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading, ignore_case=True)
    page.get_by_role("button", name="Sign out").click()
    # The provider asks to confirm ending its session, then returns to the sign-in page.
    page.wait_for_url(f"{oidc.issuer}/oauth2/end_session?**")


def test_unknown_practice_sees_the_no_access_page(page: Page, live_server, oidc, practice):
    oidc.add_user("gp-y99999", cis2_claims(ods_code="Y99999"))
    page.route("**/sign-in/nhs/callback/**", lambda route: route.continue_())
    visit(page, "/sign-in/")
    page.get_by_role("link", name="Sign in with NHS CIS2").click()
    page.locator("input[name=sub]").fill("gp-y99999")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url("**/sign-in/nhs/callback/**")
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You do not have access to this service"
    )
    expect(page.get_by_text("(Y99999) does not use this service")).to_be_visible()
    screenshot(page, "cis2-no-access")
