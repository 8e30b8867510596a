"""A reviewer asks a practice for more information; the email reaches a real SMTP server; the
practice's GP sees the request and replies; the reply shows in the review history."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.support import decision_make, go, sign_in

pytestmark = pytest.mark.browser


def run_worker() -> None:
    """What `manage.py db_worker` does in production: run every queued task once."""
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def test_reviewer_works_the_more_information_worklist_and_the_gp_replies(
    page: Page, browser, browser_context_args, reviewer, gp, practice, policy_v1, smtp_server
):
    from review.models import PracticeContact

    PracticeContact.objects.create(practice=practice, email="peakview.referrals@nhs.net")
    decision = decision_make(user=gp, practice=practice, version=policy_v1)

    # The reviewer asks for more information from the decision's page.
    sign_in(page, reviewer)
    go(page, page.get_by_role("link", name=decision.reference))
    page.get_by_label("More information needed").check()
    page.get_by_label("Note (optional)").fill("Please send the latest MRI report.")
    go(page, page.get_by_role("button", name="Record verdict"))
    expect(page.locator(".nhsuk-notification-banner--success")).to_contain_text(
        "Verdict recorded: More information needed"
    )

    # The worker sends the email to the practice's address through the SMTP server.
    run_worker()
    [email] = smtp_server
    assert email["To"] == "peakview.referrals@nhs.net"
    assert decision.reference in email["Subject"]
    body = email.get_payload(decode=True).decode()
    assert f"/review/practice/decisions/{decision.reference}/" in body
    assert decision.nhs_number not in email.as_string() and "MRI" not in email.as_string()

    # The decision is on the reviewer's "more information needed" worklist.
    go(page, page.get_by_role("link", name="All decisions"))
    worklist = page.locator("#worklists").get_by_role("link", name="More information needed")
    go(page, worklist)
    expect(page).to_have_url(re.compile(r"verdict=more_information"))
    expect(page.locator("#decisions")).to_contain_text(decision.reference)

    # The practice's GP sees the request on their decisions list and replies.
    gp_context = browser.new_context(**browser_context_args)
    gp_page = gp_context.new_page()
    sign_in(gp_page, gp)
    request = gp_page.get_by_role("link", name="More information requested")
    expect(request).to_be_visible()
    go(gp_page, request)
    expect(gp_page.locator(".nhsuk-inset-text")).to_contain_text("Please send the latest MRI")
    gp_page.get_by_label("Your reply").fill("MRI from 3 March attached to the referral letter.")
    go(gp_page, gp_page.get_by_role("button", name="Send reply"))
    expect(gp_page.locator("#history")).to_contain_text("MRI from 3 March")
    gp_context.close()

    # The reply is in the review history the reviewer sees.
    go(page, page.get_by_role("link", name=decision.reference))
    expect(page.locator("#review-history")).to_contain_text("MRI from 3 March attached")
