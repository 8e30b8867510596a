"""A policy admin drafts a new policy version, checks it and publishes it with a date."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.support import active_element_id, go, screenshot, sign_in

pytestmark = pytest.mark.browser

SI_JOINT = "sacroiliac_joint_dysfunction"


def follow(page: Page, name: str) -> None:
    go(page, page.get_by_role("link", name=name, exact=True))


def submit(page: Page, name: str) -> None:
    go(page, page.get_by_role("button", name=name))


def test_policy_admin_edits_previews_compares_and_publishes_a_draft(
    page: Page, policy_admin, policy_v1
):
    from policy.models import PolicyVersion

    sign_in(page, policy_admin)
    expect(page).to_have_url(re.compile(r"/policy/manage/$"))
    screenshot(page, "policy-manage")

    submit(page, "Start a new draft")
    expect(page).to_have_url(re.compile(r"/policy/manage/versions/2/edit/$"))
    category = page.get_by_role("group", name=f"Category of '{SI_JOINT}'")
    expect(category.get_by_label("Excluded indication (outside the statement)")).to_be_checked()
    category.get_by_label("Exception (usual clinical pathway)").check()
    # Its quote must then appear in the Exceptions section, or publishing is refused.
    exceptions_text = page.locator('textarea[name="section_exceptions"]')
    exceptions_text.fill(exceptions_text.input_value() + "\n- Sacroiliac joint dysfunction")
    submit(page, "Save draft")
    expect(page.locator(".nhsuk-notification-banner--success")).to_contain_text(
        "Draft version 2 saved"
    )
    expect(category.get_by_label("Exception (usual clinical pathway)")).to_be_checked()
    screenshot(page, "policy-draft-edit")

    follow(page, "Preview")
    expect(page).to_have_url(re.compile(r"/policy/manage/versions/2/preview/$"))
    exceptions = page.locator("h3", has_text="Exceptions (usual clinical pathway)")
    expect(exceptions.locator("xpath=following-sibling::ul[1]")).to_contain_text(
        "Sacroiliac joint dysfunction"
    )
    screenshot(page, "policy-draft-preview")

    follow(page, "Compare with the published version")
    expect(page.locator("#diff-criteria")).to_contain_text("Changed")
    expect(page.locator("#diff-statement")).to_contain_text("No change")
    expect(
        page.locator(".diff-table ins").filter(has_text=f"{SI_JOINT} [exception]")
    ).to_be_visible()
    expect(
        page.locator(".diff-table del").filter(has_text=f"{SI_JOINT} [excluded]")
    ).to_be_visible()
    screenshot(page, "policy-draft-compare")

    follow(page, "Publish")
    submit(page, "Publish version 2")  # without a date
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    summary.get_by_role("link", name="Enter the date this version takes effect").click()
    assert active_element_id(page) == "id_effective_from_0"

    today = timezone.localdate()
    effective = page.get_by_role("group", name="When does this version take effect?")
    effective.get_by_label("Day").fill(str(today.day))
    effective.get_by_label("Month").fill(str(today.month))
    effective.get_by_label("Year").fill(str(today.year))
    screenshot(page, "policy-draft-publish")
    submit(page, "Publish version 2")

    expect(page).to_have_url(re.compile(r"/policy/manage/$"))
    expect(page.locator(".nhsuk-notification-banner--success")).to_contain_text(
        f"Version 2 published. It takes effect on {today:%-d %B %Y}."
    )
    row = page.get_by_role("row").filter(has_text="Version 2")
    expect(row).to_contain_text("Current")
    version = PolicyVersion.objects.get(number=2)
    assert version.status == PolicyVersion.Status.PUBLISHED
    assert version.effective_from == today
    category_of = {c["code"]: c.get("category") for c in version.rules["criteria"]}
    assert category_of[SI_JOINT] == "exception"
