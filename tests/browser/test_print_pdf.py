"""The printed record as Chromium prints it: one A4 page for the common case, the reference and
NHS number on every page, the urgent cue kept."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import decision_make, sign_in, visit

pytestmark = pytest.mark.browser
ALTERNATIVES = ("symptomatic_deformity", "instability")


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_print_view_of_the_common_case_is_one_a4_page(page: Page, gp, practice, policy_v1):
    decision = decision_make(user=gp, practice=practice, version=policy_v1)
    sign_in(page, gp)
    visit(page, f"/referrals/decisions/{decision.reference}/print/")
    page.emulate_media(media="print")
    header = page.locator(".app-print-running-header")
    expect(header).to_be_visible()
    expect(header).to_contain_text(decision.reference)
    expect(header).to_contain_text("943 476 5919")
    pdf = page.pdf(format="A4", print_background=False, prefer_css_page_size=True)
    assert pdf_pages(pdf) == 1


def test_a_long_record_repeats_reference_and_nhs_number_and_keeps_the_urgent_cue(
    page: Page, gp, practice, policy_v1
):
    from policy.engine import CONDITION_CODES

    decision = decision_make(
        user=gp,
        practice=practice,
        version=policy_v1,
        pain_location="back_and_leg",
        red_flags=["cauda_equina", "suspected_infection", "suspected_fracture"],
        conditions=[
            c for c in CONDITION_CODES if c not in ("symptomatic_deformity", "instability")
        ],
        decompression_planned=True,
        decompression_destabilising=True,
    )
    sign_in(page, gp)
    visit(page, f"/referrals/decisions/{decision.reference}/print/")
    page.emulate_media(media="print")
    expect(page.locator(".decision-urgent-cue")).to_have_text("Immediate action required")
    expect(page.locator(".decision-urgent-cue")).to_be_visible()
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    pages = pdf_pages(pdf)
    assert pages >= 2
    # position: fixed repeats the running header on every page; its text is in each page's stream.
    assert header_fixed(page)


def header_fixed(page: Page) -> bool:
    return (
        page.locator(".app-print-running-header").evaluate("e => getComputedStyle(e).position")
        == "fixed"
    )
