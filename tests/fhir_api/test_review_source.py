"""A decision made through the API shows "via API" and the client's name to reviewers."""

from django.urls import reverse

from review.selectors.review import decision_list_for_review
from tests.conftest import VALID_NHS_NUMBERS, answers_for
from tests.fhir_api.conftest import post, response_for
from tests.oidc_provider import API_CLIENT_NAME
from triage.models import Decision
from triage.sources import decision_source


def _web_decision(gp):
    import uuid

    from triage.services.decisions import decision_record

    decision, _ = decision_record(
        user=gp,
        practice=gp.clinician.practice,
        nhs_number=VALID_NHS_NUMBERS[1],
        answers=answers_for(),
        submission_key=uuid.uuid4(),
    )
    return decision


def _row_of(html: str, reference: str) -> str:
    start = html.index(f">{reference}</a>")
    return html[start : html.index("</tr>", start)]


def test_api_decision_shows_via_api_and_the_client_in_the_reviewers_list(api, gp, reviewer_client):
    post(api, response_for())
    api_decision = Decision.objects.get()
    web_decision = _web_decision(gp)
    html = reviewer_client.get(reverse("review:list")).content.decode()
    assert f"Via API: {API_CLIENT_NAME}" in _row_of(html, api_decision.reference)
    assert "Via API" not in _row_of(html, web_decision.reference)


def test_api_decision_shows_via_api_and_the_client_on_the_reviewers_detail(
    api, gp, reviewer_client
):
    post(api, response_for())
    api_decision = Decision.objects.get()
    web_decision = _web_decision(gp)
    api_html = reviewer_client.get(
        reverse("review:detail", args=[api_decision.reference])
    ).content.decode()
    web_html = reviewer_client.get(
        reverse("review:detail", args=[web_decision.reference])
    ).content.decode()
    assert f"Via API: {API_CLIENT_NAME}" in api_html
    assert "Via API" not in web_html
    assert "The GP web form" in web_html


def test_the_sources_of_a_page_of_decisions_are_read_with_its_rows(
    api, gp, django_assert_num_queries
):
    for number in range(3):
        post(api, response_for(identifier=f"resp-{number}"))
    _web_decision(gp)
    with django_assert_num_queries(1):
        decisions = list(decision_list_for_review().order_by("id"))
    assert [d.source for d in decisions] == [f"via API: {API_CLIENT_NAME}"] * 3 + [""]


def test_one_decisions_source_is_its_own(api, gp):
    post(api, response_for())
    api_decision = Decision.objects.get()
    web_decision = _web_decision(gp)
    assert decision_source(api_decision.pk) == f"via API: {API_CLIENT_NAME}"
    assert decision_source(web_decision.pk) == ""
