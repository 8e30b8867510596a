"""The decision list: filters, search, sorting, keyset pages, and bad query strings."""

import re
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import VALID_NHS_NUMBERS, make_user
from tests.review.conftest import days_ago

LIST = reverse("review:list")


def references(response) -> list[str]:
    return [d.reference for d in response.context["page"].rows]


@pytest.fixture
def three_decisions(make_decision, other_gp):
    """Three decisions at two practices with three outcomes, made on different days."""
    old = make_decision(created_at=days_ago(40), pain_location="back_only")
    middle = make_decision(
        user=other_gp,
        created_at=days_ago(20),
        pain_location="back_and_leg",
        nhs_number=VALID_NHS_NUMBERS[1],
    )
    new = make_decision(
        created_at=days_ago(2),
        red_flags=["cauda_equina"],
        pain_location=None,
        decompression_planned=None,
        nhs_number=VALID_NHS_NUMBERS[2],
    )
    return old, middle, new


def test_list_shows_every_decision_newest_first(reviewer_client, three_decisions):
    old, middle, new = three_decisions
    response = reviewer_client.get(LIST)
    assert response.status_code == 200
    assert references(response) == [new.reference, middle.reference, old.reference]
    body = response.content.decode()
    assert "Follow the urgent pathway" in body
    assert "Not reviewed" in body


def test_list_filters_by_outcome(reviewer_client, three_decisions):
    old, middle, new = three_decisions
    response = reviewer_client.get(LIST, {"outcome": "not_isolated_back_pain"})
    assert references(response) == [middle.reference]


def test_list_filters_by_practice_ods_code(reviewer_client, three_decisions, other_practice):
    old, middle, new = three_decisions
    response = reviewer_client.get(LIST, {"practice": other_practice.ods_code})
    assert references(response) == [middle.reference]


def test_list_filters_by_date_range(reviewer_client, three_decisions):
    old, middle, new = three_decisions
    start, end = days_ago(30).date(), days_ago(10).date()
    response = reviewer_client.get(
        LIST,
        {
            "date_from_day": start.day, "date_from_month": start.month,
            "date_from_year": start.year,
            "date_to_day": end.day, "date_to_month": end.month, "date_to_year": end.year,
        },
    )  # fmt: skip
    assert references(response) == [middle.reference]


def test_list_date_to_includes_the_whole_day(reviewer_client, three_decisions):
    old, middle, new = three_decisions
    day = days_ago(2).date()
    response = reviewer_client.get(
        LIST, {"date_to_day": day.day, "date_to_month": day.month, "date_to_year": day.year}
    )
    assert references(response) == [new.reference, middle.reference, old.reference]


def test_list_filters_by_policy_version(reviewer_client, three_decisions, policy_v1):
    response = reviewer_client.get(LIST, {"policy_version": policy_v1.number})
    assert len(references(response)) == 3
    response = reviewer_client.get(LIST, {"policy_version": 99})
    assert response.context["page"] is None
    assert "Select a policy version from the list" in response.content.decode()


def test_list_filters_reviewed_and_not_reviewed(reviewer_client, three_decisions, make_review):
    old, middle, new = three_decisions
    make_review(middle, "agree")
    assert references(reviewer_client.get(LIST, {"reviewed": "yes"})) == [middle.reference]
    assert references(reviewer_client.get(LIST, {"reviewed": "no"})) == [
        new.reference,
        old.reference,
    ]


def test_list_shows_the_latest_verdict(reviewer_client, three_decisions, make_review):
    old, middle, new = three_decisions
    make_review(middle, "more_information")
    make_review(middle, "agree")
    response = reviewer_client.get(LIST, {"reviewed": "yes"})
    assert response.context["page"].rows[0].latest_verdict == "agree"


@pytest.mark.parametrize("typed", ["{ref}", "{ref_lower}", "{ref_compact}", " {ref_spaced} "])
def test_search_finds_a_decision_by_reference_however_it_is_typed(
    reviewer_client, three_decisions, typed
):
    old, middle, new = three_decisions
    ref = middle.reference
    query = typed.format(
        ref=ref,
        ref_lower=ref.lower(),
        ref_compact=ref.replace("-", "").lower(),
        ref_spaced=ref.replace("-", " "),
    )
    assert references(reviewer_client.get(LIST, {"q": query})) == [middle.reference]


@pytest.mark.parametrize("typed", ["943 476 5870", "9434765870", "943-476-5870"])
def test_search_finds_a_decision_by_nhs_number_with_spaces(reviewer_client, three_decisions, typed):
    old, middle, new = three_decisions
    assert references(reviewer_client.get(LIST, {"q": typed})) == [middle.reference]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("12345", "NHS number must be 10 digits"),
        ("hello world", "Enter a reference in the format FT-7K3Q-9M2D, or a 10-digit NHS number"),
    ],
)
def test_search_with_a_bad_term_explains_the_format(
    reviewer_client, three_decisions, query, message
):
    response = reviewer_client.get(LIST, {"q": query})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert response.context["page"] is None


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"outcome": "bogus"}, "Select an outcome from the list"),
        ({"practice": "ZZZZZ"}, "Select a practice from the list"),
        ({"reviewed": "maybe"}, "Select whether the decision has been reviewed"),
        ({"sort": "colour"}, "Choose a sort order from the column headings"),
        (
            {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2025"},
            "&#x27;Decided on or after&#x27; must be a real date",
        ),
        (
            {"date_from_day": "x", "date_from_month": "", "date_from_year": ""},
            "&#x27;Decided on or after&#x27; must include a month and year",
        ),
    ],
)
def test_bad_filter_values_show_an_error_not_a_500(
    reviewer_client, three_decisions, params, message
):
    response = reviewer_client.get(LIST, params)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert "<title>Error: " in body


def test_date_range_the_wrong_way_round_is_refused(reviewer_client, three_decisions):
    response = reviewer_client.get(
        LIST,
        {
            "date_from_day": "10", "date_from_month": "5", "date_from_year": "2026",
            "date_to_day": "1", "date_to_month": "5", "date_to_year": "2026",
        },
    )  # fmt: skip
    assert "must be the same as or after" in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-date", "new middle old"),
        ("date", "old middle new"),
        # By outcome code: not_isolated_back_pain, not_routinely_commissioned, urgent_pathway.
        ("outcome", "middle old new"),
        ("-outcome", "new old middle"),
        # Derwent Bank before Peak View; within a practice the newest first.
        ("practice", "middle new old"),
        ("-practice", "new old middle"),
    ],
)
def test_list_sorts_by_each_column(reviewer_client, three_decisions, sort, expected):
    by_name = dict(zip(("old", "middle", "new"), three_decisions, strict=True))
    response = reviewer_client.get(LIST, {"sort": sort})
    assert references(response) == [by_name[n].reference for n in expected.split()]


def test_list_sorts_by_reference(reviewer_client, three_decisions):
    ascending = sorted(d.reference for d in three_decisions)
    assert references(reviewer_client.get(LIST, {"sort": "reference"})) == ascending
    assert references(reviewer_client.get(LIST, {"sort": "-reference"})) == ascending[::-1]


def test_sortable_headings_mark_the_current_sort_and_keep_the_filters(
    reviewer_client, three_decisions
):
    response = reviewer_client.get(LIST, {"sort": "date", "outcome": "urgent_pathway"})
    body = response.content.decode()
    assert 'aria-sort="ascending"' in body
    assert "(Column headers are sortable)" in body
    heading = re.search(r'<a class="nhsuk-link" href="([^"]+)">Date</a>', body)
    assert heading
    assert "sort=-date" in heading.group(1)
    assert "outcome=urgent_pathway" in heading.group(1)


@pytest.mark.parametrize("sort", ["-date", "date", "reference", "-outcome", "practice"])
def test_keyset_pages_walk_forwards_and_back_through_every_decision(
    reviewer_client, make_decision, other_gp, sort, monkeypatch
):
    monkeypatch.setattr("review.selectors.review.PAGE_SIZE", 5)
    made = [
        make_decision(user=other_gp if i % 3 == 0 else None, created_at=days_ago(i % 7, 9 + i % 5))
        for i in range(12)
    ]
    seen, pages = [], []
    response = reviewer_client.get(LIST, {"sort": sort})
    while True:
        pages.append(references(response))
        seen += pages[-1]
        if not response.context["next_url"]:
            break
        response = reviewer_client.get(LIST + response.context["next_url"])
    assert sorted(seen) == sorted(d.reference for d in made)
    assert [len(p) for p in pages] == [5, 5, 2]
    assert response.context["page"].number == 3
    back = reviewer_client.get(LIST + response.context["prev_url"])
    assert references(back) == pages[1]
    back = reviewer_client.get(LIST + back.context["prev_url"])
    assert references(back) == pages[0]
    assert back.context["prev_url"] == ""
    assert back.context["page"].number == 1


def test_a_forged_cursor_falls_back_to_the_first_page(reviewer_client, three_decisions):
    response = reviewer_client.get(LIST, {"cursor": "not-a-real-cursor"})
    assert response.status_code == 200
    assert len(references(response)) == 3


def test_list_counts_decisions_only_up_to_ten_thousand_and_one(reviewer_client, three_decisions):
    with CaptureQueriesContext(connection) as queries:
        reviewer_client.get(LIST, {"outcome": "urgent_pathway"})
    decision_counts = [
        q["sql"]
        for q in queries.captured_queries
        if "COUNT(" in q["sql"].upper() and 'FROM "triage_decision"' in q["sql"]
    ]
    assert decision_counts
    assert all("LIMIT 10001" in sql for sql in decision_counts)


def test_a_cursor_from_another_sort_order_starts_again_at_page_one(
    reviewer_client, make_decision, monkeypatch
):
    monkeypatch.setattr("review.selectors.review.PAGE_SIZE", 2)
    for _ in range(3):
        make_decision()
    next_url = reviewer_client.get(LIST, {"sort": "-date"}).context["next_url"]
    cursor = parse_qs(next_url.lstrip("?"))["cursor"][0]
    assert (
        reviewer_client.get(LIST, {"sort": "-date", "cursor": cursor}).context["page"].number == 2
    )
    response = reviewer_client.get(LIST, {"sort": "date", "cursor": cursor})
    assert response.context["page"].number == 1


def test_sorting_by_practice_walks_practices_in_name_order_even_with_a_shared_name(
    reviewer_client, make_decision, monkeypatch
):
    """The practice sort reads each practice's decisions from its index in turn; two
    practices with the same name still interleave newest first, as one ORDER BY would."""
    from triage.models import Practice

    monkeypatch.setattr("review.selectors.review.PAGE_SIZE", 2)
    twins = [Practice.objects.create(ods_code=f"C8109{i}", name="Ashby Surgery") for i in (1, 2)]
    made = []
    for index, practice in enumerate([*twins, twins[0], None, twins[1]]):
        user = make_user(f"gp-sort-{index}", "GP", practice) if practice else None
        made.append(make_decision(user=user, created_at=days_ago(10 - index)))
    expected = [d.reference for d in sorted(made, key=lambda d: (d.practice.name, -d.sequence))]
    seen, response = [], reviewer_client.get(LIST, {"sort": "practice"})
    while True:
        seen += references(response)
        if not response.context["next_url"]:
            break
        response = reviewer_client.get(LIST + response.context["next_url"])
    assert seen == expected
    assert response.context["page"].number == 3
