"""How a stored decision reads on a page: outcome headline, answers with the question wording
of the policy version it was made under, and findings linked to the exact clause they cite.

Everything is read from the decision row and its own policy version, never from the current
policy, so a decision page looks the same years later.
"""

from dataclasses import dataclass

from django.urls import reverse

from policy.engine import Outcome
from policy.models import SECTIONS, section_anchor
from triage.models import Decision


@dataclass(frozen=True)
class OutcomeDisplay:
    title: str
    summary: str
    card: str  # NHS.UK care card variant: emergency for red flags, non-urgent otherwise


OUTCOME_DISPLAY = {
    Outcome.URGENT_PATHWAY: OutcomeDisplay(
        "Follow the urgent pathway now",
        "A red flag was recorded. Do not use this referral route: assess and refer the "
        "patient through the urgent or emergency pathway today (for suspected cauda equina "
        "syndrome, send the patient to A&E immediately).",
        "emergency",
    ),
    Outcome.FUSION_APPROPRIATE_WITH_DECOMPRESSION: OutcomeDisplay(
        "Fusion is appropriate as an adjunct to decompression",
        "The policy supports spinal fusion during decompression surgery for nerve compression "
        "where the exposure needed would otherwise render the spine unstable. Refer through "
        "the usual spinal surgery pathway.",
        "non-urgent",
    ),
    Outcome.OUTSIDE_STATEMENT: OutcomeDisplay(
        "Outside the position statement",
        "The patient has an indication excluded from this position statement. The treating "
        "clinician decides through the usual clinical pathway, and the risk of spinal fusion "
        "for these indications remains with the treating clinician.",
        "non-urgent",
    ),
    Outcome.USUAL_PATHWAY_EXCEPTION: OutcomeDisplay(
        "Exception: manage through the usual clinical pathway",
        "Spinal fusion is generally reserved for this indication, which is managed through "
        "the usual clinical management pathway.",
        "non-urgent",
    ),
    Outcome.NOT_ISOLATED_BACK_PAIN: OutcomeDisplay(
        "The position statement does not apply: pain is not isolated to the back",
        "The statement covers isolated back pain only. Pain is also present in the lower "
        "limbs, so refer through the usual clinical pathway for back pain with leg symptoms.",
        "non-urgent",
    ),
    Outcome.NOT_ROUTINELY_COMMISSIONED: OutcomeDisplay(
        "Spinal fusion is not routinely commissioned for this patient",
        "Spinal fusion is not routinely commissioned for isolated mechanical back pain. "
        "Manage in primary care, or apply for individual funding if the circumstances are "
        "clinically exceptional.",
        "non-urgent",
    ),
}


def outcome_display(outcome: str) -> OutcomeDisplay:
    return OUTCOME_DISPLAY[Outcome(outcome)]


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
    q = version.questions
    rows = []
    if nhs_number:
        rows.append(AnswerRow("nhs_number", "NHS number", nhs_number, "patient"))
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
        rows.append(
            AnswerRow("later", "Later questions", "Not asked: a red flag ends the questionnaire")
        )
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
                _option(q, "decompression_destabilising", "yes" if destabilising else "no"),
                "decompression",
            )
        )
    return rows


@dataclass(frozen=True)
class FindingRow:
    text: str
    clause: str
    clause_title: str
    href: str
    decisive: bool


def clause_href(version_number: int, clause: str) -> str:
    return f"{reverse('policy:version', args=[version_number])}#{clause}"


def finding_rows(decision: Decision) -> list[FindingRow]:

    titles = {section_anchor(field): title for field, title in SECTIONS}
    number = decision.policy_version.number
    return [
        FindingRow(
            text=f["text"],
            clause=f["clause"],
            clause_title=titles.get(f["clause"], f["clause"]),
            href=clause_href(number, f["clause"]),
            decisive=bool(f.get("decisive")),
        )
        for f in decision.findings
    ]


def advice_rows(decision: Decision) -> list[FindingRow]:

    titles = {section_anchor(field): title for field, title in SECTIONS}
    number = decision.policy_version.number
    return [
        FindingRow(a["text"], a["clause"], titles.get(a["clause"], a["clause"]),
                   clause_href(number, a["clause"]), False)
        for a in decision.advice
    ]  # fmt: skip
