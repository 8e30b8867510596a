"""A version's wording laid out for the admin's preview, and compared between two versions.

Grouped as in the editor: Questions (legends, hints and answers), Outcomes and next steps,
Pages, STarT Back. The policy sections and criteria are compared by policy.diff.
"""

from dataclasses import dataclass

from django.utils.safestring import SafeString

from policy.markdown import render_markdown
from policy.models import PolicyVersion
from policy.wording import (
    WordingField,
    answer_label_fields,
    version_questions,
    version_wording,
    wording_fields,
    wording_get,
)

QUESTIONS = "Questions"


@dataclass(frozen=True)
class WordingText:
    title: str
    text: str
    markdown: bool

    @property
    def html(self) -> SafeString | None:
        """Markdown texts as the GP sees them (sanitised); None for plain texts."""
        return render_markdown(self.text) if self.markdown else None


@dataclass(frozen=True)
class WordingRow:
    title: str
    old: str
    new: str


@dataclass(frozen=True)
class WordingGroupDiff:
    title: str
    anchor: str
    rows: list[WordingRow]  # only the texts that changed
    unchanged: int

    @property
    def changed(self) -> bool:
        return bool(self.rows)


def _question_text_fields(version: PolicyVersion) -> list[WordingField]:
    fields = []
    for key, question in version_questions(version).items():
        name = key.replace("_", " ")
        fields.append(WordingField(("questions", key, "legend"), f"Question {name}", QUESTIONS))
        if "hint" in question:
            fields.append(
                WordingField(("questions", key, "hint"), f"Question {name}: hint", QUESTIONS)
            )
    return fields


def all_wording_fields(version: PolicyVersion) -> list[WordingField]:
    """Every GP-visible text of a version that is not a policy section, in editor order."""
    return [*_question_text_fields(version), *answer_label_fields(version), *wording_fields()]


class _Texts:
    def __init__(self, version: PolicyVersion) -> None:
        self.wording = version_wording(version)
        self.questions = version_questions(version)

    def get(self, path: tuple[str, ...]) -> str:
        if path[0] == "questions":
            value = wording_get(self.questions, path[1:])
        else:
            value = wording_get(self.wording, path)
        return value if isinstance(value, str) else ""


def _grouped(fields: list[WordingField]) -> dict[str, list[WordingField]]:
    grouped: dict[str, list[WordingField]] = {}
    for field in fields:
        grouped.setdefault(field.group, []).append(field)
    return grouped


def wording_groups(version: PolicyVersion) -> list[tuple[str, list[WordingText]]]:
    """The version's texts by group, for the preview."""
    texts = _Texts(version)
    return [
        (group, [WordingText(f.title, texts.get(f.path), f.markdown) for f in fields])
        for group, fields in _grouped(all_wording_fields(version)).items()
    ]


def wording_diff(old: PolicyVersion, new: PolicyVersion) -> list[WordingGroupDiff]:
    """Per group, each text that differs between `old` and `new`, with both wordings."""
    old_texts, new_texts = _Texts(old), _Texts(new)
    fields = all_wording_fields(new)
    known = {f.path for f in fields}
    # An answer option only the older version has still shows, as removed.
    fields += [f for f in answer_label_fields(old) if f.path not in known]
    diffs = []
    for number, (group, group_fields) in enumerate(_grouped(fields).items(), start=1):
        rows, unchanged = [], 0
        for field in group_fields:
            before, after = old_texts.get(field.path), new_texts.get(field.path)
            if before == after:
                unchanged += 1
            else:
                rows.append(WordingRow(field.title, before, after))
        diffs.append(WordingGroupDiff(group, f"wording-{number}", rows, unchanged))
    return diffs
