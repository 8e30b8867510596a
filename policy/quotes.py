"""Quote only what the version says: checks that every quoted passage is in its cited section.

A finding or advice that cites a clause must consist of passages that appear, word for word
(whitespace aside), in that section of the same version. Anything else is ICB guidance and is
shown as such, never linked as a clause. Publishing a draft whose quotes no longer appear in
their sections is refused (policy.services.publish_problems calls content_problems).
"""

import re
from collections.abc import Mapping

from policy import engine
from policy.engine.vocabulary import CATEGORY_RULES
from policy.models import SECTION_FIELDS, SECTIONS, PolicyVersion
from policy.wording import wording_problems

_SPACE = re.compile(r"\s+")
# Markdown list markers and emphasis are layout, not words, so a quote may span them.
_MARKUP = re.compile(r"(?m)^\s*(?:[-*+]|\d+\.)\s+|[*_`]")
SECTION_TITLES = {field.replace("_", "-"): title for field, title in SECTIONS}


def plain_text(text: str) -> str:
    return _SPACE.sub(" ", _MARKUP.sub("", text or "")).strip()


def section_text(version: PolicyVersion, clause: str) -> str | None:
    field = clause.replace("-", "_")
    return getattr(version, field) if field in SECTION_FIELDS else None


def quote_appears(version: PolicyVersion, clause: str | None, text: str) -> bool:
    """Whether `text` is, whitespace and list markup aside, in section `clause` of the version."""
    if clause is None or not text.strip():
        return False
    section = section_text(version, clause)
    return section is not None and plain_text(text) in plain_text(section)


def finding_is_quote(version: PolicyVersion, finding: Mapping) -> bool:
    """A stored finding (or advice) is shown as a quote only if its passages are in its clause.

    Decisions made before findings listed their passages carry only `text`, which is then
    checked whole: a sentence the service composed is not in the statement, so it shows as
    ICB guidance.
    """
    clause = finding.get("clause")
    quotes = finding.get("quotes")
    if quotes is None:
        quotes = [finding.get("text", "")]
    return bool(quotes) and all(quote_appears(version, clause, quote) for quote in quotes)


def quote_problems(version: PolicyVersion) -> list[str]:
    """Every rule, criterion or advice text that cites a clause but is not in that clause."""
    try:
        rules = engine.parse_rules(version.rules)
    except engine.RulesError:
        return []  # publish_problems already lists the rules' own problems
    problems = []

    def check(name: str, clause: str | None, text: str) -> None:
        if clause is not None and not quote_appears(version, clause, text):
            title = SECTION_TITLES.get(clause, clause)
            problems.append(
                f"{name} quotes the '{title}' section, but this text is not in it: "
                f'"{text[:80]}{"…" if len(text) > 80 else ""}". Correct the quote, or restore '
                "the section's wording"
            )

    for code, rule in rules.rules.items():
        check(f"The {code.replace('_', ' ')} finding", rule.clause, rule.text)
    for code, advice in rules.advice.items():
        check(f"The {code.replace('_', ' ')} advice", advice.clause, advice.text)
    for criterion in rules.criteria:
        if criterion.quote:
            rule = rules.rules[CATEGORY_RULES[criterion.category]]
            check(f"The criterion {criterion.code.replace('_', ' ')}", rule.clause, criterion.quote)
    return problems


def content_problems(version: PolicyVersion) -> list[str]:
    """What publish refuses beyond the sections, rules and questions: missing wording, missing
    answer labels for engine answers, and quotes that are not in their sections."""
    problems = wording_problems(version.wording)
    options = version.questions.get("decompression_destabilising", {}).get("options", {})
    if not str(options.get(engine.UNKNOWN, {}).get("label", "")).strip():
        problems.append(
            "Enter a label for the answer 'unknown' of question 'decompression_destabilising'"
        )
    problems.extend(quote_problems(version))
    return problems
