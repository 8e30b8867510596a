"""Walking the GP pages under a version whose every text is marked: nothing unmarked is left.

The decision page, its print view and the start page are checked in test_version_wording.py;
this walks every question page and the check page too, through the test client, for answers
reaching each outcome, and then the decision page and print view the walk leads to.
"""

import re

import pytest
from django.urls import reverse

from tests.triage.support import PAGES, answer, begin, check_url, step_url, submit
from tests.triage.test_version_wording import MARK, _unmarked, marked_version, visible_text
from triage.models import Decision

NHS_NUMBER = "943 476 5919"

# Navigation only: the back link, the form's submit button and the check page's "Change" links
# move between pages.
NAVIGATION_CLASSES = ("nhsuk-back-link", "nhsuk-button")

WALKS = [
    pytest.param({"red_flags": ["cauda_equina"]}, id="urgent"),
    pytest.param(
        {"decompression_planned": "yes", "decompression_destabilising": "yes"}, id="adjunct"
    ),  # fmt: skip
    pytest.param(
        {"decompression_planned": "yes", "decompression_destabilising": "unknown"}, id="surgeon"
    ),  # fmt: skip
    pytest.param({"conditions": ["scoliosis"]}, id="outside"),
    pytest.param({"conditions": ["instability"]}, id="exception"),
    pytest.param({"pain_location": "back_and_leg"}, id="leg"),
    pytest.param({}, id="not-commissioned"),
    pytest.param(
        {"decompression_planned": "yes", "decompression_destabilising": "no"},
        id="stable-decompression",
    ),  # fmt: skip
]


def _without_navigation(html: str) -> str:
    """The page's <main> with the back link and buttons taken out (navigation, not content)."""
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r'<dd class="nhsuk-summary-list__actions">.*?</dd>', " ", main, flags=re.S)
    for css in NAVIGATION_CLASSES:
        main = re.sub(
            rf'<(a|button)[^>]*class="[^"]*\b{css}\b[^"]*"[^>]*>.*?</\1>', " ", main, flags=re.S
        )
    return main


def unmarked_on_page(html: str, *typed: str) -> str:
    """Visible text of the page's main content not marked as version wording, less what the GP
    typed (the NHS number) and the change links' targets."""
    text = visible_text("<body>" + _without_navigation(html))
    for value in typed:
        text = text.replace(value, " ")
    text = MARK.sub(" ", text)
    return " ".join(re.sub(r"[\s,.:;()·\-–0-9]+", " ", text).split())


def _walk(client, answers: dict):
    """Answer each page, reading it first; yields (step, html) for every page shown."""
    check_id = begin(client)
    data = {
        "patient": {"nhs_number": NHS_NUMBER},
        "red-flags": {"red_flags": answers.get("red_flags", ["none"])},
        "pain": {"pain_location": answers.get("pain_location", "back_only")},
        "conditions": {"conditions": answers.get("conditions", ["none"])},
        "decompression": {
            "decompression_planned": answers.get("decompression_planned", "no"),
            **(
                {"decompression_destabilising": answers["decompression_destabilising"]}
                if "decompression_destabilising" in answers
                else {}
            ),
        },
    }
    for step, posted in data.items():
        page = client.get(step_url(check_id, step))
        assert page.status_code == 200, step
        yield step, page.content.decode()
        response = answer(client, check_id, step, posted)
        assert response.status_code == 302, response.content.decode()[:1000]
        if step == "red-flags" and answers.get("red_flags"):
            return  # a red flag records the urgent decision at once
    page = client.get(check_url(check_id))
    assert page.status_code == 200
    yield "check", page.content.decode()
    response = submit(client, check_id)
    assert response.status_code == 302


@pytest.mark.parametrize("answers", WALKS)
def test_every_gp_page_on_the_way_to_each_outcome_shows_only_the_versions_words(
    gp_client, policy_v1, policy_admin, answers
):
    version = marked_version(policy_admin)
    problems = {}
    for step, html in _walk(gp_client, answers):
        left = unmarked_on_page(html, NHS_NUMBER)
        if left:
            problems[step] = left
    decision = Decision.objects.get()
    assert decision.policy_version == version
    for name in ("triage:decision", "triage:decision_print"):
        html = gp_client.get(reverse(name, args=[decision.reference])).content.decode()
        left = _unmarked(html, decision)
        if left:
            problems[name] = left
    assert not problems, "\n".join(f"{page}: {text}" for page, text in problems.items())


ERROR_MESSAGE = re.compile(r'<span class="nhsuk-error-message"[^>]*>(.*?)</span>\s*(?=<|$)', re.S)
SUMMARY_LINK = re.compile(r'<ul class="nhsuk-list nhsuk-error-summary__list">(.*?)</ul>', re.S)

# Each way a GP can get a question wrong, as posted to its page.
MISTAKES = [
    pytest.param("patient", {}, id="no-nhs-number"),
    pytest.param("red-flags", {}, id="no-red-flag-answer"),
    pytest.param("red-flags", {"red_flags": ["none", "cauda_equina"]}, id="red-flags-both"),
    pytest.param("pain", {}, id="no-pain-answer"),
    pytest.param("conditions", {}, id="no-condition-answer"),
    pytest.param("conditions", {"conditions": ["none", "scoliosis"]}, id="conditions-both"),
    pytest.param(
        "conditions", {"conditions": ["scoliosis", "symptomatic_deformity"]}, id="alternatives"
    ),  # fmt: skip
    pytest.param("decompression", {}, id="no-decompression-answer"),
    pytest.param("decompression", {"decompression_planned": "yes"}, id="no-exposure-answer"),
]


@pytest.mark.parametrize(("step", "posted"), MISTAKES)
def test_every_question_error_message_is_the_versions_words(
    gp_client, policy_v1, policy_admin, step, posted
):
    marked_version(policy_admin)
    check_id = begin(gp_client)
    for earlier in list(PAGES)[: list(PAGES).index(step)]:
        assert answer(gp_client, check_id, earlier).status_code == 302
    response = answer(gp_client, check_id, step, posted)
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    messages = [visible_text(f"<body><p>{m}</p></body>") for m in ERROR_MESSAGE.findall(html)]
    summary = SUMMARY_LINK.search(html)
    assert messages and summary, html[:2000]
    for text in [*messages, visible_text(f"<body><div>{summary[1]}</div></body>")]:
        assert "⟦questionnaire.error_" in text, text
        # Nothing but the version's words, the hidden "Error:" prefix and punctuation.
        assert not re.sub(r"[\s,.:;'()]+", "", MARK.sub("", text.replace("Error:", ""))), text
