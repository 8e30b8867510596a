"""Side-by-side differences between two policy versions, line by line, for the admin's review."""

import difflib
from dataclasses import dataclass

from policy.models import SECTIONS, PolicyVersion, section_anchor


@dataclass(frozen=True)
class DiffRow:
    kind: str  # equal, changed, added, removed
    left: str
    right: str


@dataclass(frozen=True)
class SectionDiff:
    title: str
    anchor: str
    rows: list[DiffRow]

    @property
    def changed(self) -> bool:
        return any(row.kind != "equal" for row in self.rows)


def diff_lines(old: list[str], new: list[str]) -> list[DiffRow]:
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(DiffRow("equal", line, line) for line in old[i1:i2])
        elif tag == "delete":
            rows.extend(DiffRow("removed", line, "") for line in old[i1:i2])
        elif tag == "insert":
            rows.extend(DiffRow("added", "", line) for line in new[j1:j2])
        else:
            left, right = old[i1:i2], new[j1:j2]
            for index in range(max(len(left), len(right))):
                a = left[index] if index < len(left) else ""
                b = right[index] if index < len(right) else ""
                kind = "changed" if a and b else ("removed" if a else "added")
                rows.append(DiffRow(kind, a, b))
    return rows


def _criteria_lines(version: PolicyVersion) -> list[str]:
    return [
        f"{c.get('code')} [{c.get('category')}]: {c.get('label')}"
        + (f" (hint: {c['hint']})" if c.get("hint") else "")
        for c in version.rules.get("criteria", [])
    ]


def version_diff(old: PolicyVersion, new: PolicyVersion) -> list[SectionDiff]:
    """Every section and the criteria, compared old against new (the question wording and
    the other GP-visible texts: policy.wording_compare)."""
    diffs = [
        SectionDiff(
            title,
            section_anchor(field),
            diff_lines(getattr(old, field).splitlines(), getattr(new, field).splitlines()),
        )
        for field, title in SECTIONS
    ]
    diffs.append(
        SectionDiff("Criteria", "criteria", diff_lines(_criteria_lines(old), _criteria_lines(new)))
    )
    return diffs
