"""How a stored decision reads on a page: outcome headline, answers with the question wording
of the policy version it was made under, and findings linked to the exact clause they cite.

Everything is read from the decision row and its own policy version, never from the current
policy, so a decision page looks the same years later.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString

from policy import engine
from policy.markdown import render_markdown
from policy.models import SECTIONS, PolicyVersion, section_anchor
from policy.quotes import finding_is_quote
from policy.wording import (
    seed_wording,
    startback_enabled,
    version_questions,
    version_wording,
)
from triage.models import Decision
from triage.prefetch import version_in_effect
from triage.references import reference_urls


@dataclass(frozen=True)
class OutcomeDisplay:
    title: str
    summary: str
    card: str  # NHS.UK care card variant: emergency for red flags, non-urgent otherwise
    prefix: str  # read by screen readers before the title ("Immediate action required:")
    next_steps: SafeString
    urgent_label: str = ""
    urgent_actions: tuple[str, ...] = ()


def outcome_display(decision: Decision) -> OutcomeDisplay:
    """The outcome in the words of the decision's own policy version."""
    return outcome_display_for(
        version=decision.policy_version,
        outcome=decision.outcome,
        findings=decision.findings,
        red_flags=decision.answers.get("red_flags", []),
    )


def outcome_display_for(
    *, version: PolicyVersion, outcome: str, findings: list[dict], red_flags: list[str]
) -> OutcomeDisplay:
    """The outcome in a version's words, for a stored decision or an unrecorded preview."""
    wording = version_wording(version)
    text = wording["outcomes"][outcome]
    rules_matched = tuple(f.get("rule", "") for f in findings)
    key = engine.next_steps_key(outcome, rules_matched)
    variant = wording.get("next_steps_variants", {}).get(key, {})
    summary = variant.get("summary", text["summary"])
    next_steps = variant.get("next_steps", text["next_steps"])
    urgent = outcome == engine.Outcome.URGENT_PATHWAY
    label = wording["urgent"]["label"] if urgent else ""
    actions = tuple(
        wording["urgent"]["red_flags"][code]
        for code in red_flags
        if urgent and code in wording["urgent"]["red_flags"]
    )
    return OutcomeDisplay(
        title=text["headline"],
        summary=summary,
        card="emergency" if urgent else "non-urgent",
        prefix=label if urgent else wording["decision_page"]["outcome_prefix"],
        next_steps=render_markdown(next_steps),
        urgent_label=label,
        urgent_actions=actions,
    )


@dataclass(frozen=True)
class AnswerRow:
    key: str
    question: str
    answer: str
    change_step: str | None = None


def _labels(version, codes: list[str]) -> list[str]:
    by_code = {c["code"]: c["label"] for c in version.rules.get("criteria", [])}
    return [by_code.get(code, code) for code in codes]


def _option(questions: dict, key: str, value: str) -> str:
    return questions.get(key, {}).get("options", {}).get(value, {}).get("label", value)


def answer_rows(*, version, answers: dict, nhs_number: str | None = None) -> list[AnswerRow]:
    """The questions as this policy version worded them, and what was answered."""
    q = version_questions(version)
    page = version_wording(version)["decision_page"]
    rows = []
    if nhs_number:
        rows.append(AnswerRow("nhs_number", page["nhs_number"], nhs_number, "patient"))
    flags = answers.get("red_flags", [])
    rows.append(
        AnswerRow(
            "red_flags",
            q["red_flags"]["legend"],
            "; ".join(_labels(version, flags))
            if flags
            else q["red_flags"].get("none_label", "None"),
            "red-flags",
        )
    )
    if answers.get("pain_location") is None and flags:
        rows.append(AnswerRow("later", page["later_questions"], page["not_asked"]))
        return rows
    rows.append(
        AnswerRow(
            "pain_location",
            q["pain_location"]["legend"],
            _option(q, "pain_location", answers.get("pain_location") or ""),
            "pain",
        )
    )
    conditions = answers.get("conditions", [])
    rows.append(
        AnswerRow(
            "conditions",
            q["conditions"]["legend"],
            "; ".join(_labels(version, conditions))
            if conditions
            else q["conditions"].get("none_label", "None"),
            "conditions",
        )
    )
    planned = answers.get("decompression_planned")
    rows.append(
        AnswerRow(
            "decompression_planned",
            q["decompression_planned"]["legend"],
            _option(q, "decompression_planned", "yes" if planned else "no"),
            "decompression",
        )
    )
    if planned:
        destabilising = answers.get("decompression_destabilising")
        rows.append(
            AnswerRow(
                "decompression_destabilising",
                q["decompression_destabilising"]["legend"],
                _option(q, "decompression_destabilising", _destabilising_option(destabilising)),
                "decompression",
            )
        )
    return rows


def _destabilising_option(value: object) -> str:
    if value == engine.UNKNOWN:
        return engine.UNKNOWN
    return "yes" if value else "no"


@dataclass(frozen=True)
class FindingRow:
    lead_in: str
    text: str
    is_quote: bool  # False: ICB guidance, shown as such and never linked as a clause
    clause_title: str
    href: str
    decisive: bool
    link_text: str = ""


def clause_href(version_number: int, clause: str) -> str:
    return f"{reverse('policy:version', args=[version_number])}#{clause}"


def _rows(version: PolicyVersion, items: list[dict], *, lead_ins: dict) -> list[FindingRow]:
    titles = {section_anchor(field): title for field, title in SECTIONS}
    link = version_wording(version)["decision_page"]["clause_link"]
    rows = []
    for item in items:
        is_quote = finding_is_quote(version, item)
        clause = item.get("clause") or ""
        decisive = bool(item.get("decisive"))
        lead = lead_ins.get(item.get("rule", ""), {})
        rows.append(
            FindingRow(
                lead_in=lead.get("decided" if decisive else "considered", ""),
                text=item["text"],
                is_quote=is_quote,
                clause_title=titles.get(clause, clause) if is_quote else "",
                href=clause_href(version.number, clause) if is_quote else "",
                decisive=decisive,
                link_text=link.replace("{number}", str(version.number)).replace(
                    "{title}", titles.get(clause, clause)
                )
                if is_quote
                else "",
            )
        )
    return rows


def finding_rows(decision: Decision) -> list[FindingRow]:
    """Every finding that matched, the deciding ones first in the engine's order."""
    lead_ins = version_wording(decision.policy_version)["findings"]["lead_ins"]
    return _rows(decision.policy_version, decision.findings, lead_ins=lead_ins)


def advice_rows(decision: Decision) -> list[FindingRow]:
    return _rows(decision.policy_version, decision.advice, lead_ins={})


def decision_context(decision: Decision, *, nhs_number: str) -> dict:
    """Everything the decision record templates show, from the decision and its own version."""
    findings = finding_rows(decision)
    wording = version_wording(decision.policy_version)
    number = decision.policy_version.number
    return {
        "decision": decision,
        "outcome": outcome_display(decision),
        "answers": answer_rows(
            version=decision.policy_version, answers=decision.answers, nhs_number=nhs_number
        ),
        "decided": [f for f in findings if f.decisive],
        "considered": [f for f in findings if not f.decisive],
        "advice": advice_rows(decision),
        "text": wording["decision_page"],
        "finding_text": {
            **{k: v for k, v in wording["findings"].items() if k != "lead_ins"},
            "intro": wording["findings"]["intro"].replace("{number}", str(number)),
        },
        "policy_value": wording["decision_page"]["policy_value"]
        .replace("{number}", str(number))
        .replace("{effective}", date_format(decision.policy_version.effective_from, "j F Y")),
        "page_title": wording["decision_page"]["title"].replace("{reference}", decision.reference),
        "print_title": wording["decision_page"]["print_title"].replace(
            "{reference}", decision.reference
        ),
    }


def questionnaire_page_text(version, *, step_number: int = 0, step_count: int = 0) -> dict:
    """The question and check pages' own words, from the check's policy version, filled in."""
    text = dict(version_wording(version)["questionnaire"])
    number = str(version.number or "")
    text["caption"] = (
        text["caption"].replace("{number}", str(step_number)).replace("{total}", str(step_count))
    )
    for key in ("check_intro", "check_policy_link"):
        text[key] = text[key].replace("{number}", number)
    return text


def start_page_text(user) -> dict:
    """The start page's words, from the policy version in effect (the seed's if none is)."""
    version = version_in_effect(user)
    wording = version_wording(version) if version is not None else seed_wording()
    start = wording["start"]
    return {"start": start, "before_you_start": render_markdown(start["before_you_start"])}


def startback_context(decision: Decision, *, form=None, offer: bool = True) -> dict:
    """The STarT Back score added to a decision, and the form when it is still on offer."""
    from triage.forms.startback import StartBackForm
    from triage.services.startback import startback_latest, startback_offered

    version = decision.policy_version
    if not startback_enabled(version):
        return {}
    text = version_wording(version)["startback"]
    score = startback_latest(decision)
    result = None
    if score is not None:
        result = {
            "score": score,
            "label": text["risks"][score.risk]["label"],
            "advice": text["risks"][score.risk]["advice"],
            "score_text": text["score_text"]
            .replace("{total}", str(score.total))
            .replace("{psychosocial}", str(score.psychosocial)),
        }
    offered = offer and startback_offered(decision, scored=score is not None)
    if offered and form is None:
        form = StartBackForm(
            version=version,
            action=reverse("triage:decision_startback", args=[decision.reference]),
        )
    return {"startback": {"text": text, "result": result, "form": form if offered else None}}


def decisions_linked(decisions: Sequence[Decision], viewname: str) -> Sequence[Decision]:
    """Each decision with `url`, its page under `viewname`, for a list's links."""
    urls = reference_urls(viewname, [decision.reference for decision in decisions])
    for decision, url in zip(decisions, urls, strict=True):
        decision.url = url
    return decisions
