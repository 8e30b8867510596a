"""The submit rules of triage.services.checks, called directly."""

import pytest
from django.utils import timezone

from core.roles import POLICY_ADMIN
from policy.services import (
    DraftChanges,
    policy_version_draft_start,
    policy_version_draft_update,
)
from tests.conftest import make_user, publish_draft
from triage.models import Decision
from triage.services.checks import (
    CHECK,
    CheckAlreadySubmitted,
    CheckGone,
    StepNotReached,
    check_answer,
    check_delete,
    check_page_after,
    check_start,
    check_submit,
)


def publish_v2(policy_admin):
    """Version 2 (a changed background section), signed off by a second admin."""
    draft = policy_version_draft_start(user=policy_admin)
    policy_version_draft_update(
        version=draft,
        user=policy_admin,
        changes=DraftChanges(
            sections={"background": draft.background + "\n\nRevised."}, criteria={}, questions={}
        ),
    )
    return publish_draft(
        draft,
        author=policy_admin,
        approver=make_user("approver", POLICY_ADMIN),
        effective_from=timezone.localdate(),
    )


def filled(gp, practice, **answers):
    check = check_start(user=gp, practice=practice)
    check_answer(check_id=check.pk, user=gp, step="patient", nhs_number="9434765919")
    pages = {
        "red-flags": {"red_flags": []},
        "pain": {"pain_location": "back_only"},
        "conditions": {"conditions": []},
        "decompression": {"decompression_planned": False, "decompression_destabilising": None},
    }
    pages.update(answers)
    for step, page in pages.items():
        check = check_answer(check_id=check.pk, user=gp, step=step, answers=page)
    return check


def test_submit_records_from_the_checks_own_answers_with_its_id_as_key(gp, practice, policy_v1):
    check = filled(gp, practice, pain={"pain_location": "back_and_leg"})
    result = check_submit(check_id=check.pk, user=gp)
    assert result.created
    assert result.decision.submission_key == check.pk
    assert result.decision.outcome == "not_isolated_back_pain"


def test_rule_policy_changed_since_you_started_holds_the_submit_once(
    gp, practice, policy_admin, policy_v1
):
    check = filled(gp, practice)
    v2 = publish_v2(policy_admin)
    held = check_submit(check_id=check.pk, user=gp)
    assert held.decision is None and held.policy_changed_to == v2
    assert Decision.objects.count() == 0
    again = check_submit(check_id=check.pk, user=gp)
    assert again.created and again.decision.policy_version == v2


def test_rule_red_flags_are_never_held_back_by_a_policy_change(
    gp, practice, policy_admin, policy_v1
):
    check = check_start(user=gp, practice=practice)
    check_answer(check_id=check.pk, user=gp, step="patient", nhs_number="9434765919")
    check_answer(
        check_id=check.pk, user=gp, step="red-flags", answers={"red_flags": ["cauda_equina"]}
    )
    publish_v2(policy_admin)
    result = check_submit(check_id=check.pk, user=gp, urgent=True)
    assert result.created and result.decision.outcome == "urgent_pathway"


def test_rule_an_incomplete_check_cannot_be_submitted(gp, practice, policy_v1):
    check = check_start(user=gp, practice=practice)
    with pytest.raises(StepNotReached) as error:
        check_submit(check_id=check.pk, user=gp)
    assert error.value.next_step == "patient"


def test_rule_a_submitted_check_takes_no_more_answers(gp, practice, policy_v1):
    check = filled(gp, practice)
    check_submit(check_id=check.pk, user=gp)
    with pytest.raises(CheckAlreadySubmitted):
        check_answer(check_id=check.pk, user=gp, step="patient", nhs_number="4010232137")
    with pytest.raises(CheckAlreadySubmitted):
        check_delete(check_id=check.pk, user=gp)


def test_rule_only_the_clinician_who_started_a_check_can_use_it(gp, practice, other_gp, policy_v1):
    check = filled(gp, practice)
    with pytest.raises(CheckGone):
        check_submit(check_id=check.pk, user=other_gp)
    with pytest.raises(CheckGone):
        check_answer(check_id=check.pk, user=other_gp, step="patient", nhs_number="4010232137")


def test_continue_goes_to_the_next_page_then_the_check_page(gp, practice, policy_v1):
    check = filled(gp, practice)
    assert check_page_after(check, "patient") == "red-flags"
    assert check_page_after(check, "decompression") == CHECK
    fresh = check_start(user=gp, practice=practice)
    assert check_page_after(fresh, "red-flags") == "patient"


# An answer written against the check as the page read it (`seen`): one conditional UPDATE,
# and the locked path whenever the row is no longer exactly that.


def seen_now(gp, check):
    from triage.selectors.checks import check_get_for_clinician

    return check_get_for_clinician(check_id=check.pk, user=gp)


def test_an_answer_against_an_unchanged_check_is_stored(gp, practice, policy_v1):
    check = check_start(user=gp, practice=practice)
    check_answer(check_id=check.pk, user=gp, step="patient", nhs_number="9434765919")
    seen = seen_now(gp, check)
    stored = check_answer(
        check_id=check.pk, user=gp, step="red-flags", answers={"red_flags": []}, seen=seen
    )
    assert stored.answers == {"red_flags": []} and stored.last_step == "red-flags"
    assert seen_now(gp, check).answers == {"red_flags": []}
    assert seen.answers == {}  # the page's copy is left as it was read


def test_another_tabs_answer_in_between_is_kept_not_overwritten(gp, practice, policy_v1):
    check = filled(gp, practice)
    seen = seen_now(gp, check)  # this tab read the check ...
    check_answer(  # ... another tab then changed the pain answer ...
        check_id=check.pk, user=gp, step="pain", answers={"pain_location": "back_and_leg"}
    )
    check_answer(  # ... and this tab answers the conditions question from its stale copy
        check_id=check.pk, user=gp, step="conditions", answers={"conditions": ["scoliosis"]},
        seen=seen,
    )  # fmt: skip
    now = seen_now(gp, check).answers
    assert now["pain_location"] == "back_and_leg" and now["conditions"] == ["scoliosis"]


def test_a_check_submitted_or_deleted_since_it_was_read_takes_no_answer(gp, practice, policy_v1):
    check = filled(gp, practice)
    seen = seen_now(gp, check)
    check_submit(check_id=check.pk, user=gp)
    with pytest.raises(CheckAlreadySubmitted):
        check_answer(
            check_id=check.pk, user=gp, step="pain", answers={"pain_location": "back_only"},
            seen=seen,
        )  # fmt: skip
    other = check_start(user=gp, practice=practice)
    seen = seen_now(gp, other)
    check_delete(check_id=other.pk, user=gp)
    with pytest.raises(CheckGone):
        check_answer(check_id=other.pk, user=gp, step="patient", nhs_number="9434765919", seen=seen)


def test_a_page_not_reached_is_refused_even_against_the_checks_own_copy(gp, practice, policy_v1):
    check = check_start(user=gp, practice=practice)
    with pytest.raises(StepNotReached):
        check_answer(
            check_id=check.pk, user=gp, step="conditions", answers={"conditions": []},
            seen=seen_now(gp, check),
        )  # fmt: skip


def test_the_database_refuses_a_check_holding_anything_but_a_10_digit_nhs_number(
    gp, practice, policy_v1
):
    """check_start and the optimistic answer leave this to PostgreSQL (no pre-insert query)."""
    from django.db import IntegrityError, connection, transaction

    check = check_start(user=gp, practice=practice)
    for bad in ("943476591", "943476591x", "943 476 59"):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE triage_referralcheck SET nhs_number = %s WHERE id = %s", [bad, check.pk]
            )


def stored_link(check_id):
    """The check's decision_id and the id of the decision stored under its key, by raw SQL."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rc.decision_id, d.id FROM triage_referralcheck rc "
            "LEFT JOIN triage_decision d ON d.submission_key = rc.id WHERE rc.id = %s",
            [check_id],
        )
        return cursor.fetchone()


def test_submit_links_the_check_to_its_decision_in_the_database(gp, practice, policy_v1):
    check = filled(gp, practice)
    result = check_submit(check_id=check.pk, user=gp)
    linked, stored = stored_link(check.pk)
    assert linked == stored == result.decision.pk
    assert check_submit(check_id=check.pk, user=gp).decision.pk == result.decision.pk


def test_submit_repeated_after_its_decision_was_stored_unlinked_links_the_check_to_it(
    gp, practice, policy_v1
):
    """A decision already stored under the check's key (its INSERT sent nothing with it) is
    returned, not made again, and the check is linked to it by the ordinary save."""
    from triage.services.decisions import decision_record

    check = filled(gp, practice)
    earlier, created = decision_record(
        user=gp, practice=practice, nhs_number=check.nhs_number,
        answers={"red_flags": [], "pain_location": "back_only", "conditions": [],
                 "decompression_planned": False, "decompression_destabilising": None},
        submission_key=check.pk,
    )  # fmt: skip
    assert created and stored_link(check.pk) == (None, earlier.pk)

    result = check_submit(check_id=check.pk, user=gp)

    assert not result.created and result.decision.pk == earlier.pk
    assert stored_link(check.pk) == (earlier.pk, earlier.pk)
    assert Decision.objects.filter(submission_key=check.pk).count() == 1


def test_submit_whose_link_comes_back_wrong_stores_nothing(gp, practice, policy_v1, monkeypatch):
    """The link sent with the decision's INSERT is checked: if it came back as any other
    decision, the decision, the link and the chain's new tail all roll back."""
    from django.db import IntegrityError

    from triage.services import checks

    check = filled(gp, practice)
    before = Decision.objects.count()
    monkeypatch.setattr(
        checks,
        "_marked_submitted_sql",
        lambda: (
            'UPDATE "triage_referralcheck" SET "updated_at" = "updated_at" WHERE "id" = %s '
            'AND %s::timestamptz IS NOT NULL AND "id" = %s RETURNING NULL'
        ),  # the right check, no link
    )
    with pytest.raises(IntegrityError, match="was not linked"):
        check_submit(check_id=check.pk, user=gp)
    assert Decision.objects.count() == before
    assert stored_link(check.pk) == (None, None)
