"""Every word a GP reads on the decision record comes from the decision's own policy version."""

import copy
import re
import uuid
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from policy import engine
from policy.models import SECTION_FIELDS, SECTIONS
from policy.quotes import finding_is_quote
from policy.services import policy_rules, policy_version_draft_start
from policy.wording import seed_wording, version_wording, wording_fields, wording_get
from tests.conftest import VALID_NHS_NUMBERS, answers_for, publish_now
from triage.nhs_number import nhs_number_format
from triage.services.decisions import decision_record

MARK = re.compile(r"⟦[^⟧]*⟧")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


class _VisibleText(HTMLParser):
    """Text a person sees in the page body, leaving out the site's header, banner and footer,
    the sign-out warning, and the record's service actions (entered in error), which are the
    service's own operations on a record, not policy content."""

    SKIPPED_TAGS = {"header", "footer", "script", "style", "title"}
    SKIPPED_CLASSES = {
        "app-phase-banner",
        "nhsuk-skip-link",
        "nhsuk-u-visually-hidden-never",
        "app-timeout-dialog",
        "app-record-actions",
    }

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"br", "img", "input", "meta", "link", "hr"}:
            return
        classes = set((dict(attrs).get("class") or "").split())
        skipped = tag in self.SKIPPED_TAGS or bool(classes & self.SKIPPED_CLASSES)
        self.stack.append(skipped or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag):
        if tag in {"br", "img", "input", "meta", "link", "hr"}:
            return
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def visible_text(html: str) -> str:
    body = html[html.index("<body") :]
    parser = _VisibleText()
    parser.feed(body)
    return " ".join(" ".join(parser.parts).split())


def _mark(text: str, name: str) -> str:
    return f"⟦{name}⟧ " + " ".join(PLACEHOLDER.findall(text))


def marked_version(policy_admin):
    """A published version 2 whose wording, answer labels and criterion labels are all marked."""
    draft = policy_version_draft_start(user=policy_admin)
    wording = copy.deepcopy(draft.wording)
    for field in wording_fields():
        node = wording
        for key in field.path[:-1]:
            node = node[key]
        node[field.path[-1]] = _mark(node[field.path[-1]], ".".join(field.path))
    questions = copy.deepcopy(draft.questions)
    for key, question in questions.items():
        for part in ("legend", "hint", "none_label"):
            if part in question:
                question[part] = _mark(question[part], f"{key}.{part}")
        for option, text in question.get("options", {}).items():
            text["label"] = _mark(text["label"], f"{key}.{option}")
            if text.get("hint"):
                text["hint"] = _mark(text["hint"], f"{key}.{option}.hint")
    rules = copy.deepcopy(draft.rules)
    for criterion in rules["criteria"]:
        criterion["label"] = _mark(criterion["label"], criterion["code"])
        criterion["hint"] = _mark(criterion["hint"], f"{criterion['code']}.hint")
    draft.wording, draft.questions, draft.rules = wording, questions, rules
    draft.save()
    return publish_now(draft, author=policy_admin)


def _record(gp, practice, version, **answers):
    decision, _ = decision_record(
        user=gp,
        practice=practice,
        nhs_number=VALID_NHS_NUMBERS[0],
        answers=answers_for(**answers),
        submission_key=uuid.uuid4(),
        version=version,
    )
    return decision


def _unmarked(html: str, decision) -> str:
    """What is left of the visible text once version wording and record data are taken out."""
    text = visible_text(html)
    version = decision.policy_version
    record_values = [
        decision.reference,
        decision.content_hash,
        decision.practice.name,
        decision.practice.ods_code,
        decision.clinician.get_full_name() or decision.clinician.username,
        nhs_number_format(decision.nhs_number),
        version.policy.title,
        timezone.localtime(decision.created_at).strftime("%-d %B %Y, %H:%M"),
        version.effective_from.strftime("%-d %B %Y"),
    ]
    quotes = [f["text"] for f in decision.findings + decision.advice]
    # The statement's own section headings name the clause a quote comes from.
    record_values += [title for _, title in SECTIONS]
    for value in sorted(quotes + record_values, key=len, reverse=True):
        text = text.replace(" ".join(value.split()), " ")
    text = MARK.sub(" ", text)
    # Printed clause addresses are URLs built from the version number and section anchors.
    text = re.sub(r"\(?https?://\S+\)?", " ", text)
    return " ".join(re.sub(r"[\s,.:;()·\-–0-9]+", " ", text).split())


OUTCOME_ANSWERS = [
    pytest.param({"red_flags": ["cauda_equina"]}, id="urgent"),
    pytest.param(
        {"decompression_planned": True, "decompression_destabilising": True}, id="adjunct"
    ),
    pytest.param(
        {"decompression_planned": True, "decompression_destabilising": "unknown"},
        id="surgeon",
    ),
    pytest.param({"conditions": ["scoliosis"]}, id="outside"),
    pytest.param({"conditions": ["instability"]}, id="exception"),
    pytest.param({"pain_location": "back_and_leg"}, id="leg"),
    pytest.param({}, id="not-commissioned"),
    pytest.param(
        {"decompression_planned": True, "decompression_destabilising": False},
        id="stable-decompression",
    ),
]


@pytest.mark.parametrize("answers", OUTCOME_ANSWERS)
def test_decision_page_and_print_show_no_word_that_is_not_the_versions(
    gp, gp_client, practice, policy_v1, policy_admin, answers
):
    version = marked_version(policy_admin)
    decision = _record(gp, practice, version, **answers)
    for name in ("triage:decision", "triage:decision_print"):
        response = gp_client.get(reverse(name, args=[decision.reference]))
        assert response.status_code == 200
        assert _unmarked(response.content.decode(), decision) == "", name


def test_reviewer_sees_the_record_in_the_decisions_own_wording(
    gp, practice, policy_v1, policy_admin, reviewer_client
):
    version = marked_version(policy_admin)
    decision = _record(gp, practice, version)
    html = reviewer_client.get(reverse("review:detail", args=[decision.reference])).content
    assert "⟦outcomes.not_routinely_commissioned.headline⟧" in html.decode()
    assert "⟦outcomes.not_routinely_commissioned.next_steps⟧" in html.decode()


def test_start_page_shows_no_word_that_is_not_the_versions(gp_client, policy_v1, policy_admin):
    marked_version(policy_admin)
    html = gp_client.get(reverse("triage:start")).content.decode()
    start = html[html.index("<main") : html.index('id="decisions"')]
    text = MARK.sub(" ", visible_text("<body>" + start)).replace("Peak View Surgery (C81001)", "")
    assert " ".join(re.sub(r"[\s,.:;()]+", " ", text).split()) == ""


@pytest.mark.parametrize("answers", OUTCOME_ANSWERS)
def test_every_outcome_shows_what_to_do_next(gp, gp_client, practice, policy_v1, answers):
    decision = _record(gp, practice, policy_v1, **answers)
    html = gp_client.get(reverse("triage:decision", args=[decision.reference])).content.decode()
    assert '<h2 id="next-steps">What to do next</h2>' in html


def test_urgent_decision_says_immediate_action_and_what_to_do_per_red_flag(
    gp, gp_client, practice, policy_v1
):
    decision = _record(gp, practice, policy_v1, red_flags=["cauda_equina", "suspected_infection"])
    for name in ("triage:decision", "triage:decision_print"):
        html = gp_client.get(reverse(name, args=[decision.reference])).content.decode()
        assert '<strong class="decision-urgent-cue">Immediate action required</strong>' in html
        assert "send the patient for same-day emergency assessment" in html
        assert "Suspected spinal infection: refer urgently through the local pathway" in html
        assert "Suspected spinal fracture" not in html


def test_stable_decompression_says_the_decompression_may_proceed_not_primary_care(
    gp, gp_client, practice, policy_v1
):
    decision = _record(
        gp, practice, policy_v1, decompression_planned=True, decompression_destabilising=False
    )
    html = gp_client.get(reverse("triage:decision", args=[decision.reference])).content.decode()
    assert "The planned decompression may proceed" in html
    assert "fusion with it is not routinely commissioned" in html
    assert "Manage in primary care" not in html


def test_not_routinely_commissioned_next_steps_name_start_back_best_and_the_ifr_evidence(
    gp, gp_client, practice, policy_v1
):
    decision = _record(gp, practice, policy_v1)
    html = gp_client.get(reverse("triage:decision", args=[decision.reference])).content.decode()
    assert "STarT Back tool" in html
    assert "Back Skills Training (BeST)" in html
    assert "Individual Funding Request (IFR) panel" in html
    assert "The request needs evidence of" in html


def test_an_outside_statement_decision_never_lists_not_routinely_commissioned_as_applying(
    gp, gp_client, practice, policy_v1
):
    decision = _record(gp, practice, policy_v1, conditions=["scoliosis"])
    html = gp_client.get(reverse("triage:decision", args=[decision.reference])).content.decode()
    assert "Also applies" not in html
    considered = html[html.index('id="also-considered"') :]
    assert "decides only when nothing above applies" in considered


def test_every_finding_of_every_outcome_in_the_seeded_version_quotes_its_section(policy_v1):
    rules = policy_rules(policy_v1)
    seen_rules = set()
    for red_flags in ([], ["cauda_equina"]):
        for pain, conditions in [
            (pain, conditions)
            for pain in engine.PAIN_LOCATIONS
            for conditions in ([], list(engine.CONDITION_CODES))
        ]:
            for planned, destabilising in (
                (False, None),
                (True, True),
                (True, False),
                (True, "unknown"),
            ):
                answers = engine.parse_answers(
                    answers_for(
                        red_flags=red_flags,
                        pain_location=pain,
                        conditions=conditions,
                        decompression_planned=planned,
                        decompression_destabilising=destabilising,
                    )
                )
                result = engine.evaluate(rules, answers).to_dict()
                for finding in result["findings"] + result["advice"]:
                    seen_rules.add(finding.get("rule", finding["code"]))
                    assert finding["clause"] is not None, finding
                    assert finding_is_quote(policy_v1, finding), finding
    assert seen_rules == set(engine.RULE_CODES) | set(engine.ADVICE_CODES)


def test_a_finding_stored_before_quotes_were_listed_shows_as_guidance_when_not_in_its_section(
    policy_v1,
):
    composed = {
        "clause": "exclusions",
        "text": (
            "Indications excluded from this position statement include the following: Scoliosis"
        ),
    }
    quoted = {"clause": "exclusions", "text": "Spondylolisthesis"}
    assert not finding_is_quote(policy_v1, composed)
    assert finding_is_quote(policy_v1, quoted)
    assert not finding_is_quote(policy_v1, {"clause": None, "text": "ICB's own words"})


def test_a_version_without_wording_of_its_own_reads_the_seed_wording(policy_v1):
    policy_v1.wording = {}
    assert version_wording(policy_v1) == seed_wording()


def test_draft_started_from_a_version_without_wording_carries_the_seed_wording(
    policy_v1, policy_admin
):
    draft = policy_version_draft_start(user=policy_admin)
    assert draft.wording == seed_wording()
    assert draft.questions["decompression_destabilising"]["options"]["unknown"]["label"]
    assert all(getattr(draft, field) == getattr(policy_v1, field) for field in SECTION_FIELDS)


def test_html_in_admin_wording_is_escaped_or_sanitised(
    gp, gp_client, practice, policy_v1, policy_admin
):
    draft = policy_version_draft_start(user=policy_admin)
    wording = copy.deepcopy(draft.wording)
    outcome = wording["outcomes"]["not_routinely_commissioned"]
    outcome["headline"] = "<script>alert(1)</script>Headline"
    outcome["next_steps"] = "- Step <script>alert(2)</script> <img src=x onerror=alert(3)>"
    draft.wording = wording
    draft.save()
    version = publish_now(draft, author=policy_admin)
    decision = _record(gp, practice, version)
    html = gp_client.get(reverse("triage:decision", args=[decision.reference])).content.decode()
    assert "<script>alert" not in html
    assert "onerror" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Headline" in html


def test_wording_paths_all_exist_in_the_seed():
    wording = seed_wording()
    for field in wording_fields():
        assert isinstance(wording_get(wording, field.path), str), field.path
