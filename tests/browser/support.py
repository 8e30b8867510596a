"""Helpers the browser journeys share: axe checks, screenshots, sign-in, questionnaire steps."""

import os
import re
import shutil
import weakref
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_22_AA},
    "resultTypes": ["violations"],
}
_axe = Axe()


def _nhsuk_conditional_reveal_aria_expanded(rule: str, node: dict) -> bool:
    """aria-expanded on a radio or checkbox that reveals a conditional question.

    Reason: nhsuk-frontend's own JavaScript (static/nhsuk, vendored unchanged) sets it on
    purpose. ARIA 1.2 does not list it for radios, so axe reports aria-allowed-attr, but the
    GOV.UK and NHS.UK design systems keep it because screen readers announce the reveal with
    it and user research found no harm: alphagov/govuk-frontend#979 (their documented known
    issue) and w3c/aria#1404 (extending aria-expanded to radios). Only that attribute on those
    inputs is excused; any other attribute, element or rule still fails.
    """
    if rule != "aria-allowed-attr":
        return False
    html = node.get("html", "")
    if not re.match(r'<input class="nhsuk-(radios|checkboxes)__input"', html):
        return False
    if "aria-controls=" not in html:
        return False
    data = [item for check in node["all"] + node["any"] + node["none"] for item in check["data"]]
    return bool(data) and all(str(item).startswith("aria-expanded=") for item in data)


# Violations accepted on purpose, each with its reason in the function's docstring.
ACCEPTED = (_nhsuk_conditional_reveal_aria_expanded,)


def _unexcused(violations: list[dict]) -> list[dict]:
    remaining = []
    for violation in violations:
        nodes = [
            node
            for node in violation["nodes"]
            if not any(accept(violation["id"], node) for accept in ACCEPTED)
        ]
        if nodes:
            remaining.append({**violation, "nodes": nodes})
    return remaining


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation['helpUrl']}]"
        )
        for node in violation["nodes"]:
            target = " ".join(map(str, node["target"]))
            lines.append(f"    target: {target}  {node.get('html', '')[:160]}")
    return "\n".join(lines)


# Pages with JavaScript off, each with a page in a JavaScript-enabled context to check it in.
_axe_copies: "weakref.WeakKeyDictionary[Page, Page]" = weakref.WeakKeyDictionary()


def check_without_javascript(page: Page, copy: Page) -> None:
    """Record that `page` runs with JavaScript off, and that `copy` is where axe checks it."""
    _axe_copies[page] = copy


def _axe_violations(page: Page) -> list[dict]:
    copy = _axe_copies.get(page)
    if copy is None:
        return _axe.run(page, options=AXE_OPTIONS).response["violations"]
    # axe-core is asynchronous, and with JavaScript off Chromium never runs its callbacks.
    # So the page's HTML, exactly as served, is shown at the same address in a context
    # where axe can run, with every script of the page blocked so it stays the no-JS page.
    html = page.content()
    url = page.url.split("#", 1)[0]
    copy.unroute_all()
    copy.route("**/*.js", lambda route: route.abort())
    copy.route(
        lambda address: address == url,
        lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"),
    )
    copy.goto(url)
    return _axe.run(copy, options=AXE_OPTIONS).response["violations"]


def assert_accessible(page: Page) -> None:
    """Fail on any axe-core violation of WCAG 2.2 A or AA on the page as it is now."""
    violations = _unexcused(_axe_violations(page))
    assert not violations, (
        f"{len(violations)} WCAG 2.2 A/AA violations on {page.url}:\n"
        + describe_violations(violations)
    )


def screenshot(page: Page, name: str, *, docs: bool = False, full_page: bool = True) -> Path:
    """A full-page PNG (or the window only, for very long pages) in test-artifacts/screenshots/
    (git-ignored).

    With FUSION_UPDATE_SCREENSHOTS=1, pages marked `docs` are also copied to docs/screenshots/
    for the README; otherwise the committed images are left alone.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=full_page)
    if docs and os.environ.get("FUSION_UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOTS / f"{name}.png")
    return path


def visit(page: Page, path: str):
    """Open a page by its address, then check it with axe; returns the response."""
    response = page.goto(path)
    assert_accessible(page)
    return response


def go(page: Page, target: Locator) -> None:
    """Click a link or button that loads a new page, wait for it, then check it with axe."""
    with page.expect_navigation():
        target.click()
    assert_accessible(page)


def active_element_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def sign_in(page: Page, user) -> None:
    """Sign in through the real sign-in page; each role lands on its own start page, which is
    checked with axe like the sign-in page."""
    visit(page, "/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page)


# The questionnaire, one page at a time, as the policy seed words it.
NHS_NUMBER = "943 476 5919"
RED_FLAG = "Cauda equina syndrome symptoms"
NONE_OF_THESE = "None of these"
PAIN_BACK_ONLY = "Low back only"
PAIN_BACK_AND_LEG = "Low back and one or both legs"
PLANNED = "Is spinal decompression surgery for nerve compression planned?"
DESTABILISING = (
    "Would the decompression need a more extensive exposure that would otherwise render "
    "the spine unstable?"
)
OUTCOME_TITLES = {
    "urgent_pathway": "Follow the urgent pathway now",
    "fusion_appropriate_with_decompression": "Fusion is appropriate as an adjunct to decompression",
    "surgeon_to_assess": (
        "The operating surgeon decides whether fusion is needed with the decompression"
    ),
    "outside_statement": "Outside the position statement",
    "usual_pathway_exception": "Exception: manage through the usual clinical pathway",
    "not_isolated_back_pain": (
        "The position statement does not apply: pain is not isolated to the back"
    ),
    "not_routinely_commissioned": "Spinal fusion is not routinely commissioned for this patient",
}


def continue_(page: Page) -> None:
    go(page, page.get_by_role("button", name="Continue"))


def expect_question(page: Page, number: int) -> None:
    expect(page.get_by_text(f"question {number} of 5")).to_be_visible()


def start_referral(page: Page) -> None:
    """From the GP's start page, begin a new check: lands on the NHS number question."""
    go(page, page.get_by_role("button", name="Start a new referral check"))
    expect(page).to_have_url(re.compile(r"/referrals/checks/[0-9a-f-]{36}/patient/$"))


def choice(page: Page, name: str, value: str):
    """A radio by field name and value: the nested decompression questions both say Yes/No."""
    return page.locator(f'input[name="{name}"][value="{value}"]')


def answer_questionnaire(
    page: Page,
    *,
    red_flags: tuple[str, ...] = (),
    pain: str = PAIN_BACK_ONLY,
    conditions: tuple[str, ...] = (),
    planned: bool = False,
    destabilising: bool | str | None = None,
    nhs_number: str = NHS_NUMBER,
    submit: bool = True,
) -> None:
    """Answer every question with the mouse, then (unless `submit` is False) submit from the
    check page."""
    expect_question(page, 1)
    page.get_by_label("What is the patient's NHS number?").fill(nhs_number)
    continue_(page)
    expect_question(page, 2)
    for flag in red_flags or (NONE_OF_THESE,):
        page.get_by_label(flag, exact=True).check()
    if red_flags:
        continue_(page)
        return  # A red flag ends the questionnaire at once.
    continue_(page)
    expect_question(page, 3)
    page.get_by_label(pain, exact=True).check()
    continue_(page)
    expect_question(page, 4)
    for condition in conditions or (NONE_OF_THESE,):
        page.get_by_label(condition, exact=True).check()
    continue_(page)
    expect_question(page, 5)
    choice(page, "decompression_planned", "yes" if planned else "no").check()
    if destabilising is not None:
        value = destabilising if isinstance(destabilising, str) else ("no", "yes")[destabilising]
        choice(page, "decompression_destabilising", value).check()
    continue_(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before getting the decision"
    )
    if submit:
        go(page, page.get_by_role("button", name="Submit and get the decision"))


def decision_make(*, user, practice, version, nhs_number: str = "9434765919", **answers):
    """A stored decision, made through the service as the questionnaire would make it."""
    import uuid

    from tests.conftest import answers_for
    from triage.services.decisions import decision_record

    decision, _ = decision_record(
        user=user,
        practice=practice,
        nhs_number=nhs_number,
        answers=answers_for(**answers),
        submission_key=uuid.uuid4(),
        version=version,
    )
    return decision


def expect_decision(page: Page, outcome: str) -> str:
    """On the decision page with this outcome; returns the decision's reference."""
    expect(page).to_have_url(re.compile(r"/referrals/decisions/FT-[^/]+/$"))
    expect(page.locator(".decision-outcome h2")).to_contain_text(OUTCOME_TITLES[outcome])
    return page.locator(".decision-reference").inner_text()
