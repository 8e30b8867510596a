"""What only a browser shows on the questionnaire: reveals, focus, error links, keyboard use."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.support import (
    DESTABILISING,
    NHS_NUMBER,
    NONE_OF_THESE,
    PAIN_BACK_AND_LEG,
    PAIN_BACK_ONLY,
    active_element_id,
    assert_accessible,
    choice,
    continue_,
    expect_decision,
    expect_question,
    go,
    screenshot,
    sign_in,
    start_referral,
    visit,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def answer_up_to_decompression(page: Page) -> None:
    page.get_by_label("What is the patient's NHS number?").fill(NHS_NUMBER)
    continue_(page)
    screenshot(page, "question-red-flags", docs=True)
    page.get_by_label(NONE_OF_THESE, exact=True).check()
    continue_(page)
    page.get_by_label(PAIN_BACK_ONLY, exact=True).check()
    continue_(page)
    page.get_by_label(NONE_OF_THESE, exact=True).check()
    continue_(page)
    expect_question(page, 5)


def test_decompression_follow_up_reveals_on_yes_and_hides_on_no(page: Page, gp, policy_v1):
    sign_in(page, gp)
    start_referral(page)
    answer_up_to_decompression(page)
    follow_up = page.get_by_role("group", name=DESTABILISING)
    planned_yes = choice(page, "decompression_planned", "yes")
    expect(follow_up).to_be_hidden()
    expect(planned_yes).to_have_attribute("aria-expanded", "false")

    planned_yes.check()
    expect(follow_up).to_be_visible()
    expect(planned_yes).to_have_attribute("aria-expanded", "true")
    assert_accessible(page)
    screenshot(page, "question-decompression-revealed")

    choice(page, "decompression_planned", "no").check()
    expect(follow_up).to_be_hidden()
    expect(planned_yes).to_have_attribute("aria-expanded", "false")


def to_red_flags(page: Page) -> None:
    page.get_by_label("What is the patient's NHS number?").fill(NHS_NUMBER)
    continue_(page)


def to_decompression_with_yes(page: Page) -> None:
    answer_up_to_decompression(page)
    choice(page, "decompression_planned", "yes").check()


@pytest.mark.parametrize(
    ("reach", "message", "target"),
    [
        (lambda page: None, "Enter the patient's NHS number", "id_nhs_number"),
        (
            to_red_flags,
            "Select the red flags the patient has, or select 'None of these'",
            "id_red_flags",
        ),
        (
            to_decompression_with_yes,
            "Select yes if the exposure needed would render the spine unstable",
            "id_decompression_destabilising",
        ),
    ],
    ids=["nhs-number", "red-flags", "decompression-follow-up"],
)
def test_error_summary_link_moves_focus_to_the_field(
    page: Page, gp, policy_v1, reach, message, target
):
    sign_in(page, gp)
    start_referral(page)
    reach(page)
    continue_(page)  # without answering

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    # nhsuk-frontend moves focus to the summary so screen readers announce it at once.
    assert page.evaluate(
        "document.activeElement === document.querySelector('.nhsuk-error-summary')"
    )
    screenshot(page, f"error-summary-{target}")

    summary.get_by_role("link", name=message).click()
    assert active_element_id(page) == target
    expect(page.locator(f"#{target}")).to_be_in_viewport()


def test_gp_can_change_each_answer_from_the_check_page(page: Page, gp, policy_v1):
    sign_in(page, gp)
    start_referral(page)
    answer_up_to_decompression(page)
    choice(page, "decompression_planned", "no").check()
    continue_(page)
    expect(page).to_have_url(re.compile(r"/referrals/checks/[0-9a-f-]{36}/check/$"))
    screenshot(page, "check-answers")

    steps = {
        "NHS number": "patient",
        "Does the patient have any of these red flag symptoms?": "red-flags",
        "Where is the patient's low back pain felt?": "pain",
        "Has the patient been diagnosed with any of these conditions?": "conditions",
        "Is spinal decompression surgery for nerve compression planned?": "decompression",
    }
    for question, step in steps.items():
        # The hidden text keeps an acronym's capitals: "Change NHS number".
        hidden = question if question.startswith("NHS") else question[0].lower() + question[1:]
        go(page, page.get_by_role("link", name=f"Change {hidden}"))
        expect(page).to_have_url(
            re.compile(rf"/referrals/checks/[0-9a-f-]{{36}}/{step}/\?change=1$")
        )
        go(page, page.get_by_role("link", name="Back", exact=True))
        expect(page).to_have_url(re.compile(r"/referrals/checks/[0-9a-f-]{36}/check/$"))

    go(page, page.get_by_role("link", name="Change where is the patient's low back pain felt?"))
    expect(page.get_by_label(PAIN_BACK_ONLY, exact=True)).to_be_checked()
    page.get_by_label(PAIN_BACK_AND_LEG, exact=True).check()
    continue_(page)
    expect(page).to_have_url(re.compile(r"/referrals/checks/[0-9a-f-]{36}/check/$"))
    pain_row = page.locator(
        ".nhsuk-summary-list__row", has_text="Where is the patient's low back pain felt?"
    )
    expect(pain_row.locator(".nhsuk-summary-list__value")).to_have_text(PAIN_BACK_AND_LEG)

    go(page, page.get_by_role("button", name="Submit and get the decision"))
    expect_decision(page, "not_isolated_back_pain")


def tab_to(page: Page, target: str | Locator, *, limit: int = 60) -> None:
    """Press Tab until `target` (a CSS selector or a locator) has focus, as a keyboard user."""
    locator = page.locator(target) if isinstance(target, str) else target
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} was not reached with Tab on {page.url}")


def press(page: Page, key: str) -> None:
    """A key that submits a form or follows a link; then the page it leads to is checked."""
    with page.expect_navigation():
        page.keyboard.press(key)
    assert_accessible(page)


def test_gp_completes_a_referral_check_with_the_keyboard_only(page: Page, gp, policy_v1):
    visit(page, "/sign-in/")
    tab_to(page, "#id_username")
    page.keyboard.type(gp.username)
    tab_to(page, "#id_password")
    page.keyboard.type(PASSWORD)
    press(page, "Enter")
    expect(page).to_have_url(re.compile(r"/referrals/$"))

    tab_to(page, page.get_by_role("button", name="Start a new referral check"))
    press(page, "Enter")
    expect_question(page, 1)
    tab_to(page, "#id_nhs_number")
    page.keyboard.type(NHS_NUMBER)
    press(page, "Enter")

    expect_question(page, 2)
    tab_to(page, "input[name=red_flags][value=none]")
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Continue"))
    press(page, "Enter")

    expect_question(page, 3)
    tab_to(page, "input[name=pain_location][value=back_only]")
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Continue"))
    press(page, "Enter")

    expect_question(page, 4)
    tab_to(page, "input[name=conditions][value=none]")
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Continue"))
    press(page, "Enter")

    expect_question(page, 5)
    tab_to(page, "input[name=decompression_planned][value=yes]")
    page.keyboard.press("Space")
    # The revealed follow-up comes next in the tab order, straight after "Yes".
    page.keyboard.press("Tab")
    assert active_element_id(page) == "id_decompression_destabilising"
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Continue"))
    press(page, "Enter")

    expect(page).to_have_url(re.compile(r"/referrals/checks/[0-9a-f-]{36}/check/$"))
    tab_to(page, page.get_by_role("button", name="Submit and get the decision"))
    press(page, "Enter")
    expect_decision(page, "fusion_appropriate_with_decompression")
