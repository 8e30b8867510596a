"""The list's page and capped count, read by SQL compiled once per combination of filters
(review.selectors.decision_list), are what the ORM reads for the same filters: the same rows as
the same instances, the same cursors and the same count, page after page, both ways."""

import pytest
from django.core import signing
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from review.filters import DecisionFilter
from review.selectors import decision_list
from review.selectors.decision_list import decision_list_page
from review.selectors.review import SORTS, count_capped, decision_list_for_review, keyset_page
from tests.conftest import VALID_NHS_NUMBERS, make_user
from tests.review.conftest import days_ago
from triage.models import Practice
from triage.services.corrections import decision_correct

COMBINATIONS = [
    "",
    "outcome=not_isolated_back_pain",
    "outcome=not_routinely_commissioned&reviewed=no",
    "reviewed=yes",
    "reviewed=no&sort=date",
    f"q={VALID_NHS_NUMBERS[1]}",
    f"q={VALID_NHS_NUMBERS[2][:3]} {VALID_NHS_NUMBERS[2][3:6]} {VALID_NHS_NUMBERS[2][6:]}",
    "practice={practice}",
    "practice={other_practice}&outcome=not_isolated_back_pain&sort=reference",
    "clinician={other_gp}&sort=-reference",
    "reviewer=reviewer",
    "verdict=agree",
    "verdict=more_information&sort=outcome",
    "policy_version=1&sort=-outcome",
    "entered_in_error=yes",
    "entered_in_error=no&sort=-date",
    "date_from_day={from_day}&date_from_month={from_month}&date_from_year={from_year}",
    "date_to_day={to_day}&date_to_month={to_month}&date_to_year={to_year}&sort=date",
    "date_from_day={from_day}&date_from_month={from_month}&date_from_year={from_year}"
    "&date_to_day={to_day}&date_to_month={to_month}&date_to_year={to_year}&reviewed=no",
    "condition=spondylolisthesis",  # compiled by the ORM (JSON containment)
    "sort=practice&outcome=not_routinely_commissioned",  # read practice by practice
    "sort=practice",
    "sort=-practice&reviewed=yes",
    f"sort=-practice&q={VALID_NHS_NUMBERS[0]}",
]


@pytest.fixture
def decisions(make_decision, make_review, other_gp, gp, reviewer, practice):
    """Seventeen decisions over ten days at three practices, two of them with the same name,
    with reviews, a correction, decisions made at the same moment, and patients searched for."""
    namesake = Practice.objects.create(ods_code="C81099", name=practice.name)
    namesake_gp = make_user("namesakegp", "GP", namesake)
    made = [make_decision(user=namesake_gp, created_at=days_ago(i, 11)) for i in range(3)]
    for i in range(14):
        made.append(
            make_decision(
                user=other_gp if i % 3 == 0 else None,
                created_at=days_ago(i % 10, 9 + i % 4),
                nhs_number=VALID_NHS_NUMBERS[i % 3],
                pain_location="back_only" if i % 4 == 0 else "back_and_leg",
                conditions=["spondylolisthesis"] if i % 5 == 0 else [],
            )
        )
    second = make_user("reviewer2", "ICB reviewer")
    for i, decision in enumerate(made[:9]):
        make_review(decision, ("agree", "more_information", "disagree")[i % 3])
        if i % 4 == 0:
            make_review(decision, "agree", user=second)
    decision_correct(decision=made[4], user=gp, reason="Wrong patient")
    return made


def filterset_for(query: str) -> DecisionFilter:
    data = QueryDict(query)
    filterset = DecisionFilter(data or None, queryset=decision_list_for_review())
    assert not filterset.is_bound or filterset.is_valid(), filterset.form.errors
    return filterset


def shown(page) -> list:
    """Each row as the list and its cursors use it: fields read and deferred, annotations,
    practice; and the page's number and cursors (decoded: a signature holds the time)."""

    def cursor(value: str):
        return signing.loads(value, salt="triage.review.cursor") if value else None

    rows = [
        (
            {
                f.attname: getattr(d, f.attname)
                for f in d._meta.concrete_fields
                if f.attname not in d.get_deferred_fields()
            },
            sorted(d.get_deferred_fields()),
            d.latest_verdict,
            d.entered_in_error,
            d.source,
            (d.practice.pk, d.practice.name, d.practice.ods_code),
        )
        for d in page.rows
    ]
    return [rows, page.number, cursor(page.next_cursor), cursor(page.prev_cursor)]


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_the_compiled_list_reads_what_the_orm_reads_page_after_page(
    decisions, practice, other_practice, other_gp, combination, monkeypatch
):
    monkeypatch.setattr("review.selectors.review.PAGE_SIZE", 3)
    monkeypatch.setattr("review.selectors.review.COUNT_CAP", 5)
    start, end = days_ago(6).date(), days_ago(2).date()
    query = combination.format(
        practice=practice.ods_code,
        other_practice=other_practice.ods_code,
        other_gp=other_gp.username,
        from_day=start.day, from_month=start.month, from_year=start.year,
        to_day=end.day, to_month=end.month, to_year=end.year,
    )  # fmt: skip
    cursor, pages = "", 0
    while True:
        filterset = filterset_for(query)
        expected = keyset_page(filterset.qs, order=SORTS[filterset.sort_key], cursor=cursor)
        expected_count = count_capped(filterset.qs, cap=5)
        page, count = decision_list_page(filterset_for(query), cursor=cursor)
        assert shown(page) == shown(expected)
        assert count == expected_count
        pages += 1
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    if page.prev_cursor:  # and one page back
        filterset = filterset_for(query)
        expected = keyset_page(filterset.qs, order=SORTS[filterset.sort_key], cursor=cursor)
        back, _ = decision_list_page(filterset_for(query), cursor=page.prev_cursor)
        assert shown(back) == shown(
            keyset_page(filterset.qs, order=SORTS[filterset.sort_key], cursor=expected.prev_cursor)
        )
    assert pages >= 1


def test_the_count_stops_at_the_cap(decisions, monkeypatch):
    monkeypatch.setattr("review.selectors.review.COUNT_CAP", 4)
    assert decision_list_page(filterset_for(""))[1] == (4, True)
    assert decision_list_page(filterset_for("outcome=urgent_pathway"))[1] == (0, False)
    assert decision_list_page(filterset_for("entered_in_error=yes"))[1] == (1, False)


def test_the_page_and_its_count_are_one_round_trip(decisions):
    for query in ("", "outcome=not_isolated_back_pain&reviewed=no", f"q={VALID_NHS_NUMBERS[1]}"):
        decision_list_page(filterset_for(query))  # compiled
        filterset = filterset_for(query)  # its form reads the select lists
        with CaptureQueriesContext(connection) as captured:
            page, _ = decision_list_page(filterset)
            [(d.practice.name, d.latest_verdict) for d in page.rows]
        assert len(captured.captured_queries) == 1


def test_nothing_kept_holds_a_searched_nhs_number_or_reference(decisions):
    decision_list._kept_queries.clear()
    nhs_number, reference = VALID_NHS_NUMBERS[2], decisions[5].reference
    for query in (f"q={nhs_number}", f"q={reference}", f"q={nhs_number}&reviewed=yes"):
        page, _ = decision_list_page(filterset_for(query))
        assert page.rows
    kept = repr(list(decision_list._kept_queries))
    for compiled in decision_list._kept_queries.values():
        kept += compiled.sql + repr(compiled.params)
    assert nhs_number not in kept
    assert reference not in kept


def test_a_new_decision_shows_on_the_next_page_view(decisions, make_decision):
    filterset = filterset_for("outcome=not_isolated_back_pain")
    before, (count, _) = decision_list_page(filterset)
    made = make_decision(pain_location="back_and_leg", created_at=days_ago(0, 23))
    after, (count_after, _) = decision_list_page(filterset_for("outcome=not_isolated_back_pain"))
    assert after.rows[0].reference == made.reference
    assert count_after == count + 1


@pytest.mark.parametrize(
    "queries",
    [
        ("reviewed=yes", "reviewed=no", "reviewed=yes"),
        ("entered_in_error=yes", "entered_in_error=no"),
        (f"q={VALID_NHS_NUMBERS[1]}", "q={reference}", f"q={VALID_NHS_NUMBERS[0]}"),
        ("sort=date", "sort=-date", "sort=reference", "sort=-reference"),
    ],
)
def test_values_that_change_the_sql_each_read_their_own_rows(decisions, queries):
    """One after the other in one process, so each is read with the SQL kept for it."""
    for query in queries:
        filterset = filterset_for(query.format(reference=decisions[3].reference))
        expected = keyset_page(filterset.qs, order=SORTS[filterset.sort_key])
        page, count = decision_list_page(filterset)
        assert shown(page) == shown(expected)
        assert count == count_capped(filterset.qs)


def test_the_page_and_count_are_prepared_once_per_connection(decisions, monkeypatch):
    """core.prepared: sent as EXECUTE of statements prepared on the connection, with the same
    rows as the same SQL sent whole (DATABASE_PREPARED_STATEMENTS=false)."""
    query = "outcome=not_isolated_back_pain&reviewed=no"
    monkeypatch.setitem(connection.settings_dict, "PREPARE_STATEMENTS", True)  # whatever the env
    decision_list_page(filterset_for(query))
    filterset = filterset_for(query)
    with CaptureQueriesContext(connection) as captured:
        prepared = decision_list_page(filterset)
    assert captured.captured_queries[0]["sql"].count("/* EXECUTE fusion_") == 2
    monkeypatch.setitem(connection.settings_dict, "PREPARE_STATEMENTS", False)
    filterset = filterset_for(query)
    with CaptureQueriesContext(connection) as captured:
        whole = decision_list_page(filterset)
    assert "EXECUTE" not in captured.captured_queries[0]["sql"]
    assert (shown(whole[0]), whole[1]) == (shown(prepared[0]), prepared[1])
