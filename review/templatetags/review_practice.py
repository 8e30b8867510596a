"""Template tags the GP's pages (triage templates) load to show the ICB's requests.

Loaded by name from templates only, so triage's Python never imports review.
"""

from django import template

from review.selectors.practice import decisions_with_open_request, open_information_requests

register = template.Library()


@register.simple_tag
def information_requested(decisions) -> set[int]:
    """{% information_requested page.object_list as requested %}: ids with an open request."""
    return decisions_with_open_request(d.pk for d in decisions)


@register.inclusion_tag("review/_information_request_banner.html")
def information_request_banner(decision) -> dict:
    """A notice on the GP's decision page when the ICB has asked for more information."""
    request = open_information_requests().filter(decision=decision).first()
    return {"decision": decision, "request": request}
