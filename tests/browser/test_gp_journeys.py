"""A GP signs in and walks the questionnaire in Chromium to each of the seven outcomes."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import (
    PAIN_BACK_AND_LEG,
    RED_FLAG,
    answer_questionnaire,
    expect_decision,
    screenshot,
    sign_in,
    start_referral,
)

pytestmark = pytest.mark.browser

OUTCOMES = [
    ("urgent_pathway", {"red_flags": (RED_FLAG,)}),
    ("fusion_appropriate_with_decompression", {"planned": True, "destabilising": True}),
    ("surgeon_to_assess", {"planned": True, "destabilising": "unknown"}),
    ("outside_statement", {"conditions": ("Sacroiliac joint dysfunction",)}),
    (
        "usual_pathway_exception",
        {
            "conditions": (
                "Spinal instability, for example a spondylolisthesis that moves, "
                "or instability after trauma",
            )
        },
    ),
    ("not_isolated_back_pain", {"pain": PAIN_BACK_AND_LEG}),
    ("not_routinely_commissioned", {}),
]


@pytest.mark.parametrize(("outcome", "answers"), OUTCOMES, ids=[o for o, _ in OUTCOMES])
def test_gp_reaches_each_outcome(page: Page, gp, policy_v1, outcome, answers):
    from triage.models import Decision

    sign_in(page, gp)
    expect(page).to_have_url(re.compile(r"/referrals/$"))
    start_referral(page)
    answer_questionnaire(page, **answers)
    reference = expect_decision(page, outcome)
    assert Decision.objects.get(reference=reference).outcome == outcome
    expect(page.get_by_role("heading", level=2, name="What to do next")).to_be_visible()
    expect(page.locator(".decision-next-steps li").first).to_be_visible()
    screenshot(page, f"decision-{outcome}")
