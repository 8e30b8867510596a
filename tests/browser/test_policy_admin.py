"""Policy admins: two of them on one draft, a stale save refused, two-person sign-off,
the timeline and the impact replay."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.support import active_element_id, go, screenshot, sign_in, visit

pytestmark = pytest.mark.browser

SI_JOINT = "sacroiliac_joint_dysfunction"


def follow(page: Page, name: str) -> None:
    go(page, page.get_by_role("link", name=name, exact=True))


def submit(page: Page, name: str) -> None:
    go(page, page.get_by_role("button", name=name, exact=True))


def fill_date(page: Page, group: str, day) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))


@pytest.fixture
def second_page(browser, browser_context_args: dict):
    """A second browser, for a second policy admin signed in at the same time."""
    context = browser.new_context(**browser_context_args)
    yield context.new_page()
    context.close()


def test_two_admins_one_draft_stale_save_refused_then_second_admin_approves_and_publishes(
    page: Page, second_page: Page, policy_admin, second_policy_admin, policy_v1
):
    from policy.models import PolicyVersion
    from review.services.demo import demo_decisions_add, demo_users_ensure

    demo_users_ensure()
    demo_decisions_add(count=300, seed=5)

    # Admin A starts a draft; admin B opens the same draft.
    sign_in(page, policy_admin)
    expect(page).to_have_url(re.compile(r"/policy/manage/$"))
    submit(page, "Start a new draft")
    expect(page).to_have_url(re.compile(r"/policy/manage/drafts/\d+/edit/$"))
    edit_url = page.url
    sign_in(second_page, second_policy_admin)
    visit(second_page, edit_url)

    # B re-categorises sacroiliac joint dysfunction and saves first.
    category = second_page.get_by_role("group", name=f"Category of '{SI_JOINT}'")
    category.get_by_label("Exception (usual clinical pathway)").check()
    # Its quote must then appear in the Exceptions section, or publishing is refused.
    exceptions_text = page.locator('textarea[name="section_exceptions"]')
    exceptions_text.fill(exceptions_text.input_value() + "\n- Sacroiliac joint dysfunction")
    submit(second_page, "Save draft")
    expect(second_page.locator(".nhsuk-notification-banner--success")).to_contain_text(
        "Draft saved (1 changes)"
    )

    # A saves from the older copy: refused, B's change named, A's text kept.
    page.get_by_label("Rationale").fill("A's new rationale.")
    submit(page, "Save draft")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Your changes were not saved")
    expect(summary).to_contain_text(f"Secondadmin Tester changed criterion {SI_JOINT} category")
    expect(page.get_by_label("Rationale")).to_have_value("A's new rationale.")
    screenshot(page, "policy-stale-save")
    # Saving again, now informed, applies A's text on top of B's revision.
    page.get_by_role("group", name=f"Category of '{SI_JOINT}'").get_by_label(
        "Exception (usual clinical pathway)"
    ).check()
    submit(page, "Save draft")
    expect(page.locator(".nhsuk-notification-banner--success")).to_contain_text("Draft saved")
    draft = PolicyVersion.objects.get(status="draft")
    assert draft.rationale == "A's new rationale."
    assert {c["code"]: c["category"] for c in draft.rules["criteria"]}[SI_JOINT] == "exception"

    # Compare with the version in effect, and see what would change.
    follow(page, "Compare with the version in effect")
    expect(page.locator("h1")).to_contain_text("Compare with version 1 (in effect now)")
    expect(
        page.locator(".diff-table ins").filter(has_text=f"{SI_JOINT} [exception]")
    ).to_be_visible()
    expect(page.locator("h2").filter(has_text="Outcomes and next steps")).to_contain_text(
        "No change"
    )
    follow(page, "Preview")
    expect(page.locator("#wording-2")).to_have_text("Outcomes and next steps")
    follow(page, "What would change")
    expect(page.locator("h2").first).to_contain_text("decisions would change outcome")
    screenshot(page, "policy-impact", docs=True)

    # The outcomes, next steps and page texts: grouped as the preview and compare show them.
    follow(page, "Outcomes and next steps")
    expect(page.locator("h1")).to_have_text("Outcomes, next steps and page texts")
    expect(page.locator("h2").filter(has_text="Outcomes and next steps")).to_be_visible()
    page.evaluate("document.getElementById('group-2').scrollIntoView()")
    screenshot(page, "policy-wording", docs=True, full_page=False)

    # A sends it for approval, and cannot approve it.
    follow(page, "Edit")
    submit(page, "Send for approval")
    expect(page.get_by_role("row").filter(has_text=f"Draft {draft.pk}").first).to_contain_text(
        "Ready for approval"
    )
    follow(page, f"Approve and publish draft {draft.pk}")
    today = timezone.localdate()
    fill_date(page, "When does this version take effect?", today)
    page.get_by_label("Who approved this version?").fill("CPAG")
    fill_date(page, "When was it approved?", today)
    page.get_by_label("I have read the warnings and want to publish this version anyway").check()
    submit(page, "Approve and publish")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "You wrote this draft, so a second policy admin must approve and publish it"
    )

    # B approves and publishes; errors first link to the field on the same page.
    visit(second_page, "/policy/manage/")
    follow(second_page, f"Approve and publish draft {draft.pk}")
    submit(second_page, "Approve and publish")
    summary = second_page.locator(".nhsuk-error-summary").first
    summary.get_by_role("link", name="Enter the date this version takes effect").click()
    assert active_element_id(second_page) == "id_effective_from-day"
    fill_date(second_page, "When does this version take effect?", today)
    second_page.get_by_label("Who approved this version?").fill("CPAG")
    fill_date(second_page, "When was it approved?", today)
    second_page.get_by_label("Approval reference (optional)").fill("CPAG minute 7.3")
    second_page.get_by_label(
        "I have read the warnings and want to publish this version anyway"
    ).check()
    submit(second_page, "Approve and publish")
    expect(second_page).to_have_url(re.compile(r"/policy/manage/$"))
    expect(second_page.locator(".nhsuk-notification-banner--success")).to_contain_text(
        f"Version 2 published. It takes effect on {today:%-d %B %Y}."
    )
    row = second_page.get_by_role("row").filter(has_text="Version 2").first
    expect(row).to_contain_text("In effect now")
    screenshot(second_page, "policy-timeline", docs=True)
    version = PolicyVersion.objects.get(number=2)
    assert (version.approved_by, version.approval_reference) == (
        second_policy_admin,
        "CPAG minute 7.3",
    )
