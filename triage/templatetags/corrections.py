"""Whether a decision was entered in error, for every page that shows the decision."""

from dataclasses import dataclass

from django import template
from django.urls import reverse

from triage.models import Decision, DecisionCorrection
from triage.services.corrections import decision_replacement

register = template.Library()


@dataclass(frozen=True)
class CorrectionShown:
    correction: DecisionCorrection
    replacement: Decision | None
    replacement_url: str


@register.simple_tag(takes_context=True)
def decision_correction(context, decision: Decision) -> CorrectionShown | None:
    """The correction of `decision` and its replacement (linked within the reviewer's pages
    when shown there, the GP's otherwise), or None if it stands. Read once per decision
    object: a page that asks twice (the banner and the actions) makes one query."""
    if hasattr(decision, "_correction_shown"):
        return decision._correction_shown
    decision._correction_shown = _correction_shown(context, decision)
    return decision._correction_shown


def _correction_shown(context, decision: Decision) -> CorrectionShown | None:
    related = Decision.correction.related
    if related.is_cached(decision) and related.get_cached_value(decision) is None:
        return None  # read with the decision: it stands
    correction = (
        DecisionCorrection.objects.select_related("corrected_by").filter(decision=decision).first()
    )
    if correction is None:
        return None
    replacement = decision_replacement(decision=decision)
    url = ""
    if replacement is not None:
        request = context.get("request")
        in_review = bool(request and request.resolver_match and
                         request.resolver_match.namespace == "review")  # fmt: skip
        name = "review:detail" if in_review else "triage:decision"
        url = reverse(name, args=[replacement.reference])
    return CorrectionShown(correction, replacement, url)
