"""The STarT Back scorer in Chromium: Keele's cut-offs give low, medium and high; an admin's
HTML in the wording is shown as text, never run."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import assert_accessible, decision_make, go, sign_in, visit
from tests.conftest import publish_now

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("agree", "bothersome", "risk"),
    [
        ({1, 2}, "slightly", "Low risk"),
        ({1, 2, 3, 4}, "moderately", "Medium risk"),
        ({5, 6, 7}, "extremely", "High risk"),
    ],
    ids=["low", "medium", "high"],
)
def test_startback_scores_low_medium_and_high_at_keeles_cut_offs(
    page: Page, gp, practice, policy_v1, agree, bothersome, risk
):
    decision = decision_make(user=gp, practice=practice, version=policy_v1)
    sign_in(page, gp)
    visit(page, f"/referrals/decisions/{decision.reference}/")
    for item in range(1, 9):
        value = "agree" if item in agree else "disagree"
        page.locator(f'input[name="item_{item}"][value="{value}"]').check()
    page.locator(f'input[name="item_9"][value="{bothersome}"]').check()
    go(page, page.get_by_role("button", name="Add the score to the record"))
    expect(page.locator("#startback + .nhsuk-inset-text strong")).to_have_text(risk)
    expect(page.get_by_text("© Keele University 01/08/07")).to_be_visible()
    assert_accessible(page)


def test_html_in_an_admins_wording_is_shown_as_text_and_never_run(
    page: Page, gp, practice, policy_v1, policy_admin
):

    from policy.services import policy_version_draft_start

    draft = policy_version_draft_start(user=policy_admin)
    payload = "<img src=x onerror=\"document.title='pwned'\">"
    draft.wording["outcomes"]["not_routinely_commissioned"]["headline"] = f"Headline {payload}"
    draft.wording["outcomes"]["not_routinely_commissioned"]["next_steps"] = f"- Step {payload}"
    draft.save()
    version = publish_now(draft, author=policy_admin)
    decision = decision_make(user=gp, practice=practice, version=version)
    sign_in(page, gp)
    visit(page, f"/referrals/decisions/{decision.reference}/")
    expect(page.locator(".decision-outcome h2")).to_contain_text("Headline <img src=x")
    assert page.title() != "pwned"
    assert page.locator(".decision-next-steps img[onerror]").count() == 0
