"""The filter form's markup is kept in memory for valid filters (DecisionFilterForm.fragment_key,
nhsuk.form_body): what is kept is what rendering it again gives, a new practice shows at once, a
search is kept only as a stand-in and put back, and a form with errors is never kept."""

import re

import pytest
from django.http import QueryDict
from django.urls import reverse

from nhsuk import form_body
from review.filters import DecisionFilter
from review.selectors.review import decision_list_for_review
from tests.conftest import VALID_NHS_NUMBERS
from triage.models import Practice

LIST = reverse("review:list")
FORM = re.compile(r'<form id="filters".*?</form>', re.S)

KEPT = [
    {"outcome": "not_isolated_back_pain"},
    {"outcome": "not_isolated_back_pain", "reviewed": "no", "sort": "date"},
    {"practice": "C81001", "verdict": "agree", "reviewer": "reviewer"},
    {"date_from_day": "1", "date_from_month": "3", "date_from_year": "2025"},
    {"date_from_day": "01", "date_from_month": "03", "date_from_year": "2025"},
    {"q": "", "outcome": "", "practice": "", "entered_in_error": "no", "condition": "scoliosis"},
]


def form_of(response) -> str:
    return FORM.search(response.content.decode())[0]


@pytest.mark.parametrize("query", KEPT)
def test_a_kept_filter_form_is_what_rendering_it_again_gives(
    reviewer_client, make_decision, practice, query
):
    make_decision()
    form_body.form_body_clear()
    first = form_of(reviewer_client.get(LIST, query))
    kept = form_of(reviewer_client.get(LIST, {**query, "cursor": "anything"}))
    form_body.form_body_clear()
    again = form_of(reviewer_client.get(LIST, query))
    assert first == kept == again
    for name, value in query.items():
        if value and name != "sort":
            assert f'value="{value}"' in first


def test_kept_forms_differ_by_what_was_sent(reviewer_client, make_decision):
    make_decision()
    form_body.form_body_clear()
    urgent = form_of(reviewer_client.get(LIST, {"outcome": "urgent_pathway"}))
    other = form_of(reviewer_client.get(LIST, {"outcome": "not_isolated_back_pain"}))
    assert '<option value="urgent_pathway" selected>' in urgent
    assert '<option value="not_isolated_back_pain" selected>' in other
    assert form_of(reviewer_client.get(LIST, {"outcome": "urgent_pathway"})) == urgent


def test_a_new_practice_shows_in_a_kept_bound_form_at_once(reviewer_client, make_decision):
    make_decision()
    query = {"outcome": "urgent_pathway"}
    assert "Newly Opened Surgery" not in form_of(reviewer_client.get(LIST, query))
    Practice.objects.create(ods_code="Y12345", name="Newly Opened Surgery")
    assert "Newly Opened Surgery (Y12345)" in form_of(reviewer_client.get(LIST, query))


@pytest.mark.parametrize(
    "query",
    [
        {"outcome": "no_such_outcome"},
        {"q": "12345", "outcome": "urgent_pathway"},
        {"q": "FT-<b>&amp;"},
        {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2025"},
    ],
)
def test_a_form_with_errors_is_never_kept(reviewer, policy_v1, query):
    form = DecisionFilter(query, queryset=decision_list_for_review()).form
    assert form.fragment_key() is None


SEARCHES = [
    VALID_NHS_NUMBERS[0],
    f"{VALID_NHS_NUMBERS[1][:3]} {VALID_NHS_NUMBERS[1][3:6]} {VALID_NHS_NUMBERS[1][6:]}",
    f" {VALID_NHS_NUMBERS[2][:3]}-{VALID_NHS_NUMBERS[2][3:]} ",
    "ft-7k3q-9m2d",
    "FT 7K3Q 9M2D",
    "FT-AAAA-AAAA",
]


@pytest.mark.parametrize("search", SEARCHES)
@pytest.mark.parametrize("others", [{}, {"outcome": "urgent_pathway", "sort": "reference"}])
def test_a_search_is_put_back_into_kept_markup_as_rendering_gives_it(
    reviewer, policy_v1, practice, search, others
):
    data = QueryDict(mutable=True)
    data.update({"q": search, **others})
    form = DecisionFilter(data, queryset=decision_list_for_review()).form
    assert form.is_valid(), form.errors
    form_body.form_body_clear()
    first = form_body.form_body(form)
    kept = form_body.form_body(DecisionFilter(data, queryset=decision_list_for_review()).form)
    assert first == kept == form_body.form_body_render(form)
    assert "FT-AAAA-AAAA" not in first or search == "FT-AAAA-AAAA"
    assert search.strip() in first
    assert search.strip() not in repr(form_body._kept) or search == "FT-AAAA-AAAA"


def test_what_is_kept_never_holds_a_searched_nhs_number(reviewer_client, make_decision):
    make_decision()
    form_body.form_body_clear()
    for query in ({"q": VALID_NHS_NUMBERS[0]}, {"q": VALID_NHS_NUMBERS[0], "outcome": ""}):
        assert VALID_NHS_NUMBERS[0] in form_of(reviewer_client.get(LIST, query))
    reviewer_client.get(LIST, {"outcome": "urgent_pathway"})
    kept = repr(list(form_body._kept.items()))
    assert "urgent_pathway" in kept
    assert VALID_NHS_NUMBERS[0] not in kept
