"""The GP's decision page and its printable record, on screen and as printed."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import (
    OUTCOME_TITLES,
    assert_accessible,
    decision_make,
    go,
    screenshot,
    sign_in,
    visit,
)

pytestmark = pytest.mark.browser

# Interface chrome that must not appear on paper (static/css/print.css).
SCREEN_ONLY = {
    "skip link": ".nhsuk-skip-link",
    "account menu": ".nhsuk-header__account",
    "header navigation": ".nhsuk-header__navigation",
    "phase banner": ".app-phase-banner",
    "back link": ".nhsuk-back-link",
    "printable record button": ".nhsuk-button-group",
    "footer": ".nhsuk-footer",
}


@pytest.fixture
def decision(gp, practice, policy_v1):
    """An outside-the-statement decision: the patient has spondylolisthesis."""
    return decision_make(
        user=gp, practice=practice, version=policy_v1, conditions=["spondylolisthesis"]
    )


def test_decision_page_shows_outcome_reasons_and_record(page: Page, gp, decision):
    sign_in(page, gp)
    visit(page, f"/referrals/decisions/{decision.reference}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Decision {decision.reference}")
    expect(page).to_have_title(re.compile(rf"^{OUTCOME_TITLES[decision.outcome]}: Decision"))
    expect(page.locator(".decision-outcome")).to_contain_text(OUTCOME_TITLES[decision.outcome])
    clause = page.get_by_role("link", name="Policy version 1: Exclusion criteria")
    expect(clause).to_have_attribute("href", re.compile(r"/policy/versions/1/#exclusions$"))
    screenshot(page, "decision", docs=True)


def test_decision_page_prints_without_interface_chrome(page: Page, gp, decision):
    sign_in(page, gp)
    visit(page, f"/referrals/decisions/{decision.reference}/")
    for name, selector in SCREEN_ONLY.items():
        if name != "skip link":  # shown only when it has focus
            expect(page.locator(selector).first, name).to_be_visible()

    page.emulate_media(media="print")
    for name, selector in SCREEN_ONLY.items():
        expect(page.locator(selector).first, f"{name} printed").to_be_hidden()
    expect(page.get_by_role("link", name="Start another referral check")).to_be_hidden()
    # The header keeps only the NHS logo and service name, black on white.
    expect(page.locator(".nhsuk-header__service-logo")).to_be_visible()
    expect(page.locator(".decision-outcome")).to_be_visible()
    expect(page.locator(".decision-reference")).to_have_text(decision.reference)
    screenshot(page, "decision-as-printed")


def test_printable_record_has_no_header_or_footer_and_prints_clause_addresses(
    page: Page, gp, decision
):
    sign_in(page, gp)
    visit(page, f"/referrals/decisions/{decision.reference}/")
    print_link = page.get_by_role("link", name="Print this record")
    expect(print_link).to_have_attribute(
        "href", f"/referrals/decisions/{decision.reference}/print/?print=1"
    )
    visit(page, f"/referrals/decisions/{decision.reference}/print/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Decision record {decision.reference}"
    )
    expect(page.locator("header")).to_have_count(0)
    expect(page.locator("footer")).to_have_count(0)
    instructions = page.get_by_text("Print the record, or save it as a PDF")
    back = page.get_by_role("link", name="Back to the decision")
    expect(instructions).to_be_visible()
    expect(back).to_be_visible()
    screenshot(page, "decision-print-view")

    page.emulate_media(media="print")
    expect(instructions).to_be_hidden()
    expect(back).to_be_hidden()
    expect(page.locator(".decision-outcome")).to_be_visible()
    clause = page.get_by_role("link", name="Policy version 1: Exclusion criteria")
    printed_after = clause.evaluate("a => getComputedStyle(a, '::after').content")
    assert re.search(r"https?://[^ ]+/policy/versions/1/#exclusions", printed_after), printed_after
    screenshot(page, "decision-print-view-as-printed")

    page.emulate_media(media="screen")
    go(page, back)
    expect(page).to_have_url(re.compile(rf"/referrals/decisions/{decision.reference}/$"))


@pytest.mark.parametrize("path", ["", "print/"], ids=["decision-page", "print-view"])
def test_printed_decision_record_passes_axe(page: Page, gp, decision, path):
    sign_in(page, gp)
    visit(page, f"/referrals/decisions/{decision.reference}/{path}")
    page.emulate_media(media="print")
    assert_accessible(page)
