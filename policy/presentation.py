"""How a policy version is laid out on a page: sections with anchors, criteria by category."""

from dataclasses import dataclass

from django.utils.safestring import SafeString

from policy.engine import CATEGORY_TITLES
from policy.markdown import render_markdown
from policy.models import SECTIONS, PolicyVersion, section_anchor


@dataclass(frozen=True)
class RenderedSection:
    field: str
    anchor: str
    title: str
    html: SafeString


def rendered_sections(version: PolicyVersion) -> list[RenderedSection]:
    return [
        RenderedSection(
            field, section_anchor(field), title, render_markdown(getattr(version, field))
        )
        for field, title in SECTIONS
    ]


def criteria_by_category(version: PolicyVersion) -> list[dict]:
    """Criteria grouped under their category, in the order the policy lists them."""
    groups: dict[str, list[dict]] = {code: [] for code in CATEGORY_TITLES}
    for criterion in version.rules.get("criteria", []):
        groups.setdefault(criterion.get("category", ""), []).append(criterion)
    return [
        {"category": code, "title": CATEGORY_TITLES.get(code, code), "criteria": items}
        for code, items in groups.items()
        if items
    ]
