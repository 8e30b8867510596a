"""The "More information requested" notice on the GP's pages, given to triage through its
notice hook (triage/notices.py) so that triage never depends on review."""

from collections.abc import Sequence

from django.template.loader import render_to_string
from django.urls import reverse

from review.selectors.practice import decisions_with_open_request, open_information_request_for
from triage.models import Decision
from triage.notices import DecisionTag, NoticeSource, notice_source_register


def information_requested_tags(decisions: Sequence[Decision]) -> dict[int, DecisionTag]:
    """A tag linking to the reply page for each decision with an open request."""
    requested = decisions_with_open_request(d.pk for d in decisions)
    return {
        d.pk: DecisionTag(
            "More information requested", reverse("review:practice_reply", args=[d.reference])
        )
        for d in decisions
        if d.pk in requested
    }


def information_request_banner(decision: Decision) -> str:
    """The warning callout on the GP's decision page while the ICB's request is open."""
    request = open_information_request_for(decision)
    if request is None:
        return ""
    return render_to_string(
        "review/_information_request_banner.html", {"decision": decision, "request": request}
    )


def register() -> None:
    notice_source_register(
        "review.information_requested",
        NoticeSource(tags=information_requested_tags, banner=information_request_banner),
    )
