"""Template filters for referral records."""

from django import template

from triage.nhs_number import nhs_number_format

register = template.Library()


@register.filter
def nhs_number(digits: str) -> str:
    """An NHS number as the NHS writes it: 3-3-4, for example 943 476 5919."""
    return nhs_number_format(digits) if digits else ""
