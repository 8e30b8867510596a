"""What each GP page asks the database (issue #15): a fixed, small number of queries whatever
the practice holds, and the start page's list never loads a decision's JSON or counts rows."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import VALID_NHS_NUMBERS, answers_for
from tests.triage.support import PAGES, answer, answer_all, begin, check_url, step_url, submit
from triage.models import Decision
from triage.selectors.practice import decision_list_for_practice, decision_page_for_practice
from triage.services.corrections import decision_correct
from triage.services.decisions import decision_record

START = reverse("triage:start")
JSON_COLUMNS = ('"answers"', '"findings"', '"advice"')


def record(gp, version, count: int) -> list:
    made = []
    for _ in range(count):
        decision, _ = decision_record(
            user=gp,
            practice=gp.clinician.practice,
            nhs_number=VALID_NHS_NUMBERS[0],
            answers=answers_for(),
            submission_key=uuid.uuid4(),
            version=version,
        )
        made.append(decision)
    return made


def captured(client, method: str, url: str, data=None) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data or {}) if method == "POST" else client.get(url)
    assert response.status_code in (200, 302), response.status_code
    # Savepoints stand for the BEGIN and COMMIT a test's outer transaction turns them into.
    return [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]


@pytest.fixture
def warm_gp_client(gp_client, policy_v1):
    """The GP's browser after one page: the session has just been renewed (ADR 0080)."""
    gp_client.get(START)
    return gp_client


@pytest.mark.parametrize("step", list(PAGES))
def test_a_question_page_reads_the_session_the_user_and_the_check_only(warm_gp_client, step):
    check_id = answer_all(warm_gp_client)
    queries = captured(warm_gp_client, "GET", step_url(check_id, step))
    # one round trip: the session, the user with roles and practice (triage.session_store) and
    # the check with its version (triage.prefetch)
    assert len(queries) == 1, "\n".join(queries)
    assert "django_session" in queries[0]
    assert "auth_group" in queries[0] and "triage_clinician" in queries[0]
    assert 'FROM "triage_referralcheck" rc' in queries[0]


def test_the_check_page_costs_one_round_trip(warm_gp_client):
    check_id = answer_all(warm_gp_client)
    assert len(captured(warm_gp_client, "GET", check_url(check_id))) == 1


def test_answering_a_question_costs_two_queries(warm_gp_client):
    check_id = begin(warm_gp_client)
    answer(warm_gp_client, check_id, "patient")
    queries = captured(warm_gp_client, "POST", step_url(check_id, "red-flags"), PAGES["red-flags"])
    # session with user and the check, the update made only if the check is still as read
    assert len(queries) == 2, "\n".join(queries)
    assert queries[-1].startswith('UPDATE "triage_referralcheck"')


def test_submitting_reads_the_user_version_and_practice_once(warm_gp_client):
    check_id = answer_all(warm_gp_client)
    queries = captured(warm_gp_client, "POST", check_url(check_id))
    assert not any(q.startswith('SELECT "triage_practice"') for q in queries)
    assert sum('FROM "auth_user" ' in q for q in queries) == 1
    assert sum('FROM "policy_policy"' in q for q in queries) == 0  # joined, not a query
    # session with user and check, the check's row lock with the version in effect, the
    # chain's lock and tail with the idempotency lookup and the reference check, the INSERT
    # with the check's UPDATE
    assert len(queries) == 4, "\n".join(queries)
    assert 'UPDATE "triage_referralcheck"' in queries[-1].split('INSERT INTO "triage_decision"')[1]
    (lock,) = [q for q in queries if "FOR UPDATE OF rc" in q]
    assert '"policy_policyversion"."effective_from" <=' in lock.split("FOR UPDATE OF rc")[1]
    (locked,) = [q for q in queries if "pg_advisory_xact_lock" in q]
    assert '"submission_key" = ' in locked and '"reference" = ' in locked


def test_the_start_page_costs_the_same_with_3_or_45_decisions_and_a_correction(
    warm_gp_client, gp, policy_v1
):
    record(gp, policy_v1, 3)
    with_three = captured(warm_gp_client, "GET", START)
    decisions = record(gp, policy_v1, 42)
    decision_correct(decision=decisions[-1], user=gp, reason="Wrong patient")
    with_many = captured(warm_gp_client, "GET", START)
    assert len(with_many) == len(with_three)
    # the session with the user and the version in effect (triage.prefetch), the page of
    # decisions with the checks in progress (one round trip), open information requests
    assert len(with_many) == 3, "\n".join(with_many)


def test_the_start_page_never_loads_json_payloads_or_counts_decisions(
    warm_gp_client, gp, policy_v1
):
    record(gp, policy_v1, 25)
    queries = captured(warm_gp_client, "GET", START)
    # Statements sent in one round trip are split, so only the decisions' own is read here.
    statements = [part for q in queries for part in q.split("; ")]
    listing = [q for q in statements if 'FROM "triage_decision"' in q]
    assert len(listing) == 1
    assert not any(column in listing[0] for column in JSON_COLUMNS), listing[0]
    assert not any("COUNT(" in q.upper() for q in queries)


def test_the_practice_list_defers_every_json_field(gp, policy_v1):
    record(gp, policy_v1, 1)
    row = decision_list_for_practice(practice=gp.clinician.practice).get()
    assert {"answers", "findings", "advice"} <= row.get_deferred_fields()


def test_practice_pages_know_a_next_page_without_counting(gp, policy_v1):
    made = record(gp, policy_v1, 5)
    practice = gp.clinician.practice
    first = decision_page_for_practice(practice=practice, page="1", size=2)
    last = decision_page_for_practice(practice=practice, page="3", size=2)
    assert [d.pk for d in first.object_list] == [made[4].pk, made[3].pk]
    assert first.has_next and not first.has_previous
    assert [d.pk for d in last.object_list] == [made[0].pk]
    assert not last.has_next and last.has_previous


@pytest.mark.parametrize("page", ["0", "-3", "abc", "99", ""])
def test_a_page_number_that_is_not_a_page_shows_the_first(gp, policy_v1, page):
    record(gp, policy_v1, 3)
    shown = decision_page_for_practice(practice=gp.clinician.practice, page=page, size=2)
    assert shown.number == 1 and len(shown.object_list) == 2


def test_the_start_page_links_to_the_next_page_and_back(warm_gp_client, gp, policy_v1):
    made = record(gp, policy_v1, 21)
    body = warm_gp_client.get(START).content.decode()
    assert "?page=2#decisions" in body and made[0].reference not in body
    second = warm_gp_client.get(START, {"page": "2"}).content.decode()
    assert made[0].reference in second and "?page=1#decisions" in second


def test_the_decision_page_reads_whether_it_was_corrected_with_the_decision(
    warm_gp_client, gp, policy_v1
):
    check_id = answer_all(warm_gp_client)
    reference = submit(warm_gp_client, check_id)["Location"].split("/")[-2]
    url = reverse("triage:decision", args=[reference])
    queries = captured(warm_gp_client, "GET", url)
    # joined to the decision's own read, never a query of its own when it stands
    assert [q for q in queries if "triage_decisioncorrection" in q] == [
        q for q in queries if 'FROM "triage_decision" d' in q
    ]
    # the session with the user and the decision (with its latest STarT Back score), the
    # access log's chained append (BEGIN with lock and tail, INSERT with COMMIT), the open
    # information request
    assert len(queries) == 4, "\n".join(queries)
    assert not any(q.startswith('SELECT "triage_startbackscore"') for q in queries)


def test_a_corrected_decision_page_reads_its_correction_once(warm_gp_client, gp, policy_v1):
    check_id = answer_all(warm_gp_client)
    reference = submit(warm_gp_client, check_id)["Location"].split("/")[-2]
    decision_correct(decision=Decision.objects.get(reference=reference), user=gp, reason="Wrong")
    url = reverse("triage:decision", args=[reference])
    queries = captured(warm_gp_client, "GET", url)
    assert sum('FROM "triage_decisioncorrection"' in q for q in queries) == 1
    assert "Entered in error" in warm_gp_client.get(url).content.decode()


def test_a_role_taken_away_applies_on_the_next_page(warm_gp_client, gp):
    """Roles are read with the user on every request (triage.auth), never kept in the session."""
    gp.groups.clear()
    assert warm_gp_client.get(START).status_code == 403


def test_a_gp_moved_to_another_practice_sees_that_practice_on_the_next_page(
    warm_gp_client, gp, policy_v1
):
    from triage.models import Practice

    other = Practice.objects.create(ods_code="C99999", name="Moorside Surgery")
    gp.clinician.practice = other
    gp.clinician.save()
    assert "Moorside Surgery" in warm_gp_client.get(START).content.decode()


@pytest.mark.parametrize("page", ["1", "2", "3", "9", "x"])
def test_the_start_pages_one_round_trip_reads_what_the_two_lists_read(
    gp, gp_client, other_gp_client, policy_v1, page
):
    from triage.selectors.checks import check_list_in_progress
    from triage.selectors.practice import start_page_lists

    decisions = record(gp, policy_v1, 5)
    decision_correct(decision=decisions[1], user=gp, reason="Wrong patient")
    for client in (gp_client, gp_client, other_gp_client):  # another GP's check is not listed
        begin(client)
    practice = gp.clinician.practice
    with CaptureQueriesContext(connection) as queries:
        together, checks = start_page_lists(practice=practice, user=gp, page=page, size=2)
    apart = decision_page_for_practice(practice=practice, page=page, size=2)

    def shown(decision):
        return (
            decision.pk, decision.reference, decision.created_at, decision.nhs_number,
            decision.outcome, decision.clinician.username, decision.marked_entered_in_error,
        )  # fmt: skip

    assert [shown(d) for d in together.object_list] == [shown(d) for d in apart.object_list]
    assert (together.number, together.has_next) == (apart.number, apart.has_next)
    assert [c.pk for c in checks] == [c.pk for c in check_list_in_progress(user=gp)]
    assert len(checks) == 2 and all(c.clinician_id == gp.pk for c in checks)
    # one round trip, or two for a page past the end (it falls back to the first page)
    assert len(queries.captured_queries) == (2 if page == "9" else 1)


def test_the_start_pages_lists_with_a_search_are_the_searched_page_and_the_checks(
    gp, gp_client, other_gp_client, policy_v1
):
    from triage.selectors.checks import check_list_in_progress
    from triage.selectors.practice import start_page_lists

    decisions = record(gp, policy_v1, 3)
    begin(gp_client)
    begin(other_gp_client)
    practice = gp.clinician.practice
    found, checks = start_page_lists(
        practice=practice, user=gp, search=decisions[1].reference, page=1, size=2
    )
    assert [d.pk for d in found.object_list] == [decisions[1].pk]
    assert [c.pk for c in checks] == [c.pk for c in check_list_in_progress(user=gp)]
    assert len(checks) == 1
