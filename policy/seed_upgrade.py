"""Bring an existing version's content up to the current seed without overwriting an admin's edits.

Used by migration 0005 on drafts, and to build a new draft when the latest published version
(frozen) predates engine 1.1 and the wording field. A text is replaced only while it still reads
exactly as the previous seed had it; anything an admin changed is kept (ADR 0070).
"""

import copy
import json
from pathlib import Path

from policy.quotes import plain_text

SEED_DIR = Path(__file__).resolve().parent / "seed"
CATEGORY_SECTIONS = {"excluded": "exclusions", "exception": "exceptions"}


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def needs_upgrade(rules: dict, wording: dict) -> bool:
    return not wording or "decompression_exposure_unknown" not in rules.get("rules", {})


def upgrade_content(
    *, rules: dict, questions: dict, wording: dict, sections: dict[str, str]
) -> tuple[dict, dict, dict]:
    """(rules, questions, wording) upgraded to the current seed where still unedited."""
    old_rules = _load(SEED_DIR / "previous" / "rules_v1_engine_1_0.json")
    new_rules = _load(SEED_DIR / "rules_v1.json")
    old_questions = _load(SEED_DIR / "previous" / "questions_v1_engine_1_0.json")
    new_questions = _load(SEED_DIR / "questions_v1.json")
    rules = copy.deepcopy(rules)
    questions = copy.deepcopy(questions)

    old_criteria = {c["code"]: c for c in old_rules["criteria"]}
    new_criteria = {c["code"]: c for c in new_rules["criteria"]}
    for criterion in rules.get("criteria", []):
        code = criterion.get("code")
        old, new = old_criteria.get(code), new_criteria.get(code)
        if old is None or new is None:
            continue
        for key in ("label", "hint"):
            if criterion.get(key) == old[key]:
                criterion[key] = new[key]
        section = sections.get(CATEGORY_SECTIONS.get(criterion.get("category"), ""), "")
        quote = new.get("quote")
        if "quote" not in criterion and quote and plain_text(quote) in plain_text(section):
            criterion["quote"] = quote

    texts = rules.setdefault("rules", {})
    for code, new in new_rules["rules"].items():
        old = old_rules["rules"].get(code)
        if code not in texts or texts[code] == old:
            texts[code] = copy.deepcopy(new)
    advice = rules.setdefault("advice", {})
    if (
        advice.get("individual_funding_request")
        == old_rules["advice"]["individual_funding_request"]
    ):
        del advice["individual_funding_request"]

    for key, new in new_questions.items():
        question = questions.setdefault(key, copy.deepcopy(new))
        if question == old_questions.get(key):
            questions[key] = copy.deepcopy(new)
            continue
        options = question.setdefault("options", {}) if "options" in new else {}
        for option, text in new.get("options", {}).items():
            options.setdefault(option, copy.deepcopy(text))

    wording = copy.deepcopy(wording) if wording else _load(SEED_DIR / "wording_v1.json")
    return rules, questions, wording
