"""Template filters for referral records."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from policy.engine import OUTCOME_LABELS
from triage.nhs_number import nhs_number_format
from triage.notices import decision_banners

register = template.Library()


@register.filter
def nhs_number(digits: str) -> str:
    """An NHS number as the NHS writes it: 3-3-4, for example 943 476 5919."""
    return nhs_number_format(digits) if digits else ""


@register.filter
def outcome_label(value: str) -> str:
    """An outcome code's label, as `get_outcome_display` gives it, without its per-call cost."""
    return OUTCOME_LABELS.get(value, value)


@register.simple_tag
def notice_banners(decision) -> SafeString:
    """{% notice_banners decision %}: other apps' banners for the decision page."""
    # A banner rendered from the registering app's own (autoescaped) template is a SafeString
    # and passes as it is; anything else a source returns is escaped, never trusted.
    return format_html_join("", "{}", ((banner,) for banner in decision_banners(decision)))
