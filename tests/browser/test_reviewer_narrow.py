"""At 320 px (WCAG 1.4.10 reflow) the reviewer's list and the dashboards do not scroll sideways:
only a table's own labelled scroll area may. The dashboards are axe clean at that width too."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import assert_accessible, decision_make, sign_in, visit

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 800}


@pytest.fixture
def decisions(gp, practice, other_gp, other_practice, policy_v1):
    """Six decisions at two practices, so the list and every dashboard table have rows."""
    made = []
    for index in range(6):
        user, surgery = (gp, practice) if index % 2 else (other_gp, other_practice)
        made.append(
            decision_make(user=user, practice=surgery, version=policy_v1, nhs_number="9434765919")
        )
    return made


def page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def assert_no_sideways_scroll(page: Page) -> None:
    width = page_width(page)
    if width > NARROW["width"]:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 321
                        && !e.closest('.app-table-scroll'))
                .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + e.id)"""
        )
        pytest.fail(f"{page.url} is {width} px wide at 320 px; too wide: {wide}")


def test_reviewer_list_and_dashboard_fit_320_px(page: Page, reviewer, decisions):
    page.set_viewport_size(NARROW)
    sign_in(page, reviewer)
    expect(page).to_have_url(re.compile(r"/review/$"))
    assert_no_sideways_scroll(page)
    visit(page, "/review/?sort=practice")
    assert_no_sideways_scroll(page)

    visit(page, "/review/dashboard/")  # visit() runs axe on the page
    expect(page.locator("#as-at")).to_contain_text("Figures as at")
    assert_no_sideways_scroll(page)
    # Each table scrolls inside its own region, which a keyboard user can focus and scroll.
    regions = page.locator(".app-table-scroll[role=region][tabindex='0']")
    assert regions.count() == 4
    for index in range(regions.count()):
        assert regions.nth(index).get_attribute("aria-labelledby")

    page.get_by_label("Dates I choose").check()
    page.locator("#id_date_from-day").fill("10")
    page.locator("#id_date_from-month").fill("5")
    page.locator("#id_date_from-year").fill("2026")
    page.locator("#id_date_to-day").fill("1")
    page.locator("#id_date_to-month").fill("5")
    page.locator("#id_date_to-year").fill("2026")
    page.get_by_role("button", name="Show figures").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "The end date must be the same as or after the start date"
    )
    assert_accessible(page)
    assert_no_sideways_scroll(page)


def test_practice_dashboard_fits_320_px_and_is_accessible(page: Page, gp, decisions):
    page.set_viewport_size(NARROW)
    sign_in(page, gp)
    visit(page, "/review/practice/dashboard/")
    expect(page.locator("#section-clinicians")).to_be_visible()
    assert_no_sideways_scroll(page)
