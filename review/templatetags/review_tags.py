"""Labels and NHS.UK tag colours for outcomes and verdicts in the reviewer workspace."""

from django import template

from policy.engine import Outcome
from review.models import Review
from triage.templatetags.triage_tags import outcome_label

register = template.Library()

OUTCOME_TAGS = {
    Outcome.URGENT_PATHWAY: "nhsuk-tag--red",
    Outcome.FUSION_APPROPRIATE_WITH_DECOMPRESSION: "nhsuk-tag--blue",
    Outcome.OUTSIDE_STATEMENT: "nhsuk-tag--purple",
    Outcome.USUAL_PATHWAY_EXCEPTION: "nhsuk-tag--aqua-green",
    Outcome.NOT_ISOLATED_BACK_PAIN: "nhsuk-tag--orange",
    Outcome.NOT_ROUTINELY_COMMISSIONED: "nhsuk-tag--grey",
}
VERDICT_TAGS = {
    Review.Verdict.AGREE: "nhsuk-tag--green",
    Review.Verdict.DISAGREE: "nhsuk-tag--red",
    Review.Verdict.REFER_IFR: "nhsuk-tag--purple",
    Review.Verdict.MORE_INFORMATION: "nhsuk-tag--yellow",
}


register.filter(outcome_label)  # the GP's lists and the reviewer's say the same


@register.filter
def outcome_tag(value: str) -> str:
    return OUTCOME_TAGS.get(value, "nhsuk-tag--grey")


@register.filter
def verdict_label(value: str | None) -> str:
    if not value:
        return "Not reviewed"
    return Review.Verdict(value).label if value in Review.Verdict.values else value


@register.filter
def verdict_tag(value: str | None) -> str:
    return VERDICT_TAGS.get(value, "nhsuk-tag--white") if value else "nhsuk-tag--white"
