"""The check and the decision a GP's pages read by hand-written SQL (core.rows) are, field for
field, what the ORM reads, with their related rows, and still only for their own GP or practice."""

import uuid

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from tests.triage.support import answer, answer_all, begin, submit
from triage.models import Decision, ReferralCheck, StartBackScore
from triage.selectors.checks import check_get_for_clinician
from triage.selectors.practice import decision_get_for_practice


def field_values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_a_check_is_read_with_its_whole_version_and_only_by_its_gp(
    gp_client, gp, other_gp, policy_v1
):
    check_id = begin(gp_client)
    answer(gp_client, check_id, "patient")
    answer(gp_client, check_id, "red-flags")
    loaded = check_get_for_clinician(check_id=check_id, user=gp)
    stored = ReferralCheck.objects.get(pk=check_id)
    assert field_values(loaded) == field_values(stored)
    assert loaded.answers == stored.answers == {"red_flags": []}  # JSON decoded
    assert loaded.policy_version.get_deferred_fields() == set()
    assert loaded.policy_version.rules == policy_v1.rules
    assert check_get_for_clinician(check_id=check_id, user=other_gp) is None


def test_a_decision_is_read_with_its_practice_clinician_version_and_policy(
    gp_client, gp, practice, other_practice, policy_v1
):
    reference = submit(gp_client, answer_all(gp_client))["Location"].split("/")[-2]
    loaded = decision_get_for_practice(reference=reference, practice=practice)
    stored = Decision.objects.get(reference=reference)
    assert field_values(loaded) == field_values(stored)
    assert loaded.answers == stored.answers and loaded.findings == stored.findings
    with CaptureQueriesContext(connection) as queries:
        assert loaded.practice == practice and loaded.practice.name == practice.name
        assert loaded.clinician == gp and loaded.clinician.username == gp.username
        assert loaded.policy_version.statement == policy_v1.statement
        assert loaded.policy_version.policy.title == policy_v1.policy.title
    assert queries.captured_queries == []
    with pytest.raises(Http404):
        decision_get_for_practice(reference=reference, practice=other_practice)


def test_the_start_pages_list_is_the_orm_list_with_clinicians_and_corrections(
    gp, other_gp, practice, policy_v1
):

    from tests.conftest import VALID_NHS_NUMBERS, answers_for
    from triage.selectors.practice import decision_list_for_practice, decision_page_for_practice
    from triage.services.corrections import decision_correct
    from triage.services.decisions import decision_record

    made = [
        decision_record(
            user=gp, practice=practice, nhs_number=VALID_NHS_NUMBERS[0],
            answers=answers_for(), submission_key=uuid.uuid4(), version=policy_v1,
        )[0]
        for _ in range(5)
    ]  # fmt: skip
    decision_correct(decision=made[1], user=gp, reason="Wrong patient")
    decision_record(
        user=other_gp, practice=other_gp.clinician.practice, nhs_number=VALID_NHS_NUMBERS[0],
        answers=answers_for(), submission_key=uuid.uuid4(), version=policy_v1,
    )  # fmt: skip
    by_orm = list(decision_list_for_practice(practice=practice))
    shown = [
        *decision_page_for_practice(practice=practice, page=1, size=3).object_list,
        *decision_page_for_practice(practice=practice, page=2, size=3).object_list,
    ]
    assert [d.reference for d in shown] == [d.reference for d in by_orm]
    with CaptureQueriesContext(connection) as queries:
        for row, expected in zip(shown, by_orm, strict=True):
            assert row.created_at == expected.created_at and row.outcome == expected.outcome
            assert row.nhs_number == expected.nhs_number
            assert row.clinician.username == expected.clinician.username
            assert hasattr(row, "correction") == hasattr(expected, "correction")
    assert queries.captured_queries == []
    assert [hasattr(row, "correction") for row in shown] == [False, False, False, True, False]
    assert {"answers", "findings", "advice"} <= shown[0].get_deferred_fields()


def test_a_decision_is_read_with_its_latest_start_back_score(gp, practice, policy_v1):
    from django.utils import timezone

    from core.chain import chain_append
    from tests.conftest import answers_for
    from triage.services.decisions import decision_record
    from triage.services.startback import STARTBACK_CHAIN, startback_latest

    decision, _ = decision_record(
        user=gp, practice=practice, nhs_number="9434765919", answers=answers_for(),
        submission_key=uuid.uuid4(),
    )  # fmt: skip
    loaded = decision_get_for_practice(reference=decision.reference, practice=practice)
    with CaptureQueriesContext(connection) as queries:
        assert startback_latest(loaded) is None
    assert queries.captured_queries == []
    for total, risk in ((2, "low"), (5, "high")):  # two scores: the latest is the one shown
        chain_append(STARTBACK_CHAIN, [StartBackScore(
            decision=decision, created_at=timezone.now(), clinician=gp, responses=[0] * 9,
            total=total, psychosocial=total, risk=risk,
        )])  # fmt: skip
    loaded = decision_get_for_practice(reference=decision.reference, practice=practice)
    with CaptureQueriesContext(connection) as queries:
        latest = startback_latest(loaded)
    assert queries.captured_queries == []
    stored = StartBackScore.objects.filter(decision=decision).order_by("-sequence").first()
    assert field_values(latest) == field_values(stored) and latest.risk == "high"


def test_the_checks_in_progress_are_the_orm_list_most_recently_changed_first(
    gp_client, gp, other_gp_client, policy_v1
):
    from triage.selectors.checks import check_list_in_progress

    first, second = begin(gp_client), begin(gp_client)
    answer(gp_client, first, "patient")  # changed last: listed first
    submit(gp_client, answer_all(gp_client))  # submitted: not in progress
    begin(other_gp_client)  # someone else's
    listed = check_list_in_progress(user=gp)
    expected = ReferralCheck.objects.filter(clinician=gp, decision__isnull=True).order_by(
        "-updated_at"
    )
    assert [field_values(c) for c in listed] == [field_values(c) for c in expected]
    assert [c.pk for c in listed] == [first, second]
