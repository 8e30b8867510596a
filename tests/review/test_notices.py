"""The hook through which apps above triage put notices on the GP's decision page."""

import pytest
from django.urls import reverse

from triage import notices


@pytest.fixture
def plain_text_source():
    """A source whose banner is a plain string (not rendered from a template)."""
    saved = dict(notices._sources)
    notices.notice_source_register(
        "test.plain",
        notices.NoticeSource(
            tags=lambda decisions: {},
            banner=lambda decision: '<meta http-equiv="refresh" content="0;url=https://x.test">',
        ),
    )
    yield
    notices._sources.clear()
    notices._sources.update(saved)


def test_a_banner_that_is_not_rendered_html_is_escaped_on_the_decision_page(
    gp_client, make_decision, plain_text_source
):
    decision = make_decision()
    page = gp_client.get(reverse("triage:decision", args=[decision.reference])).content.decode()
    assert '<meta http-equiv="refresh"' not in page
    assert "&lt;meta http-equiv=&quot;refresh&quot;" in page


def test_a_banner_rendered_from_a_template_keeps_its_markup(gp_client, make_decision, make_review):
    decision = make_decision()
    make_review(decision, "more_information", note="Please send the MRI report")
    page = gp_client.get(reverse("triage:decision", args=[decision.reference])).content.decode()
    assert (
        '<div class="nhsuk-warning-callout nhsuk-u-display-none-print" id="information-request">'
        in page
    )


def test_open_requests_are_found_among_exactly_the_ids_asked_each_time(make_decision, make_review):
    """The query is compiled once with a placeholder list (core.rows.Compiled): each call binds
    its own ids as a parameter, whatever their number."""
    from review.selectors.practice import decisions_with_open_request

    open_a, open_b, answered_later, never = (make_decision() for _ in range(4))
    make_review(open_a, "more_information")
    make_review(open_b, "more_information")
    make_review(answered_later, "more_information")
    make_review(answered_later, "agree")  # the latest verdict is what counts
    everyone = [open_a.pk, open_b.pk, answered_later.pk, never.pk]
    assert decisions_with_open_request(everyone) == {open_a.pk, open_b.pk}
    assert decisions_with_open_request([open_b.pk]) == {open_b.pk}
    assert decisions_with_open_request([never.pk, answered_later.pk]) == set()
    assert decisions_with_open_request([]) == set()
    assert decisions_with_open_request(everyone) == {open_a.pk, open_b.pk}
