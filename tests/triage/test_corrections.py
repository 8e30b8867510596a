"""'Entered in error': a decision is never changed; a correction is appended, shown on every
view of it, refused when it should be, and a corrected check starts from its answers."""

import pytest
from django.db import DatabaseError, connection
from django.urls import reverse

from core.roles import GP
from tests.conftest import client_for, make_user
from tests.triage.support import answer, answer_all, begin, step_url, submit
from triage.models import Decision, DecisionCorrection, ReferralCheck
from triage.services.corrections import (
    CORRECTION_CHAIN,
    CorrectionRefused,
    decision_correct,
)

REASON = "Entered against the wrong patient: the NHS number was for her husband"


@pytest.fixture
def decision(gp_client, policy_v1) -> Decision:
    """A decision recorded through the questionnaire by `gp` (NHS number 943 476 5919)."""
    check_id = answer_all(gp_client)
    submit(gp_client, check_id)
    return Decision.objects.get()


@pytest.fixture
def colleague(practice):
    """Another GP at Peak View Surgery, the same practice as `gp`."""
    return make_user("colleague", GP, practice)


def mark(client, decision, reason=REASON):
    return client.post(
        reverse("triage:decision_correct", args=[decision.reference]), {"reason": reason}
    )


def test_clinician_marks_their_decision_entered_in_error(gp_client, gp, decision):
    response = mark(gp_client, decision)
    assert response["Location"] == reverse("triage:decision", args=[decision.reference])
    correction = DecisionCorrection.objects.get()
    assert (correction.decision, correction.corrected_by, correction.reason) == (
        decision,
        gp,
        REASON,
    )
    assert CORRECTION_CHAIN.row_hash(correction) == correction.content_hash
    stored = Decision.objects.get(pk=decision.pk)
    assert stored.content_hash == decision.content_hash and stored.outcome == decision.outcome


def test_a_gp_at_the_same_practice_may_mark_it(colleague, decision):
    assert mark(client_for(colleague), decision).status_code == 302
    assert DecisionCorrection.objects.get().corrected_by == colleague


def test_another_practice_cannot_mark_it_and_gets_404(other_gp_client, other_gp, decision):
    assert mark(other_gp_client, decision).status_code == 404
    with pytest.raises(CorrectionRefused, match="Only the clinician who recorded"):
        decision_correct(decision=decision, user=other_gp, reason=REASON)
    assert not DecisionCorrection.objects.exists()


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Enter why the decision was entered in error"),
        ("   ", "Enter why the decision was entered in error"),
        ("x" * 1001, "The reason must be 1000 characters or fewer (it has 1001)"),
    ],
)
def test_a_correction_needs_a_reason_of_at_most_1000_characters(
    gp_client, decision, reason, message
):
    response = mark(gp_client, decision, reason)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and "There is a problem" in body
    assert not DecisionCorrection.objects.exists()


def test_a_decision_can_be_marked_only_once(gp_client, gp, decision):
    mark(gp_client, decision)
    again = mark(gp_client, decision, "A second reason")
    assert again["Location"] == reverse("triage:decision", args=[decision.reference])
    assert "already marked as entered in error" in gp_client.get(again["Location"]).content.decode()
    with pytest.raises(CorrectionRefused, match="already marked"):
        decision_correct(decision=decision, user=gp, reason="Again")
    assert DecisionCorrection.objects.count() == 1


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE triage_decisioncorrection SET reason = 'something else'",
        "DELETE FROM triage_decisioncorrection",
    ],
)
def test_raw_sql_cannot_change_or_delete_a_correction(gp, decision, sql):
    decision_correct(decision=decision, user=gp, reason=REASON)
    with pytest.raises(DatabaseError, match="correction_append_only"):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_truncate_of_the_corrections_is_refused(gp, decision):
    decision_correct(decision=decision, user=gp, reason=REASON)
    with pytest.raises(DatabaseError, match="Cannot truncate the append-only table"):
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE triage_decisioncorrection CASCADE")


def test_database_refuses_a_correction_that_does_not_extend_the_chain(gp, decision):
    with pytest.raises(DatabaseError, match="does not extend the hash chain"):
        DecisionCorrection.objects.create(
            decision=decision, corrected_by=gp, created_at=decision.created_at, reason=REASON,
            sequence=7, previous_hash="a" * 64, content_hash="b" * 64,
        )  # fmt: skip


def test_every_gp_view_shows_entered_in_error_with_who_when_why(gp_client, gp, decision):
    decision_correct(decision=decision, user=gp, reason=REASON)
    for name in ("triage:decision", "triage:decision_print"):
        body = gp_client.get(reverse(name, args=[decision.reference])).content.decode()
        assert "Entered in error" in body
        assert "Gp Tester marked it as entered in error on" in body
        assert "wrong patient" in body
        assert "No replacement decision has been recorded" in body
    listing = gp_client.get(reverse("triage:start")).content.decode()
    assert "Entered in error" in listing


def test_corrected_check_is_prefilled_and_the_original_links_to_its_replacement(
    gp_client, gp, decision
):
    decision_correct(decision=decision, user=gp, reason=REASON)
    response = gp_client.post(reverse("triage:corrected_check_begin", args=[decision.reference]))
    check = ReferralCheck.objects.get(corrects=decision)
    assert response["Location"] == step_url(check.pk, "patient")
    page = gp_client.get(response["Location"]).content.decode()
    assert 'value="943 476 5919"' in page  # filled in, and editable
    answer(gp_client, check.pk, "patient", {"nhs_number": "4010232137"})
    for step in ("red-flags", "pain", "conditions", "decompression"):
        body = gp_client.get(step_url(check.pk, step)).content.decode()
        assert "checked" in body, f"{step} is not pre-filled"
        answer(gp_client, check.pk, step)
    submit(gp_client, check.pk)
    replacement = Decision.objects.exclude(pk=decision.pk).get()
    assert replacement.nhs_number == "4010232137"
    body = gp_client.get(reverse("triage:decision", args=[decision.reference])).content.decode()
    assert (
        f'Replaced by <a href="{reverse("triage:decision", args=[replacement.reference])}">' in body
    )


def test_a_mis_ticked_red_flag_is_corrected_by_a_new_check(gp_client, gp, policy_v1):
    check_id = begin(gp_client)
    answer(gp_client, check_id, "patient")
    answer(gp_client, check_id, "red-flags", {"red_flags": ["cauda_equina"]})
    urgent = Decision.objects.get()
    assert urgent.outcome == "urgent_pathway"
    decision_correct(decision=urgent, user=gp, reason="Ticked cauda equina by mistake")
    gp_client.post(reverse("triage:corrected_check_begin", args=[urgent.reference]))
    check = ReferralCheck.objects.get(corrects=urgent)
    assert answer(gp_client, check.pk, "patient")["Location"] == step_url(check.pk, "red-flags")
    assert (
        'value="cauda_equina" checked'
        in gp_client.get(step_url(check.pk, "red-flags")).content.decode()
    )
    answer(gp_client, check.pk, "red-flags", {"red_flags": ["none"]})
    for step in ("pain", "conditions", "decompression"):
        answer(gp_client, check.pk, step)
    submit(gp_client, check.pk)
    assert ReferralCheck.objects.get(pk=check.pk).decision.outcome == "not_routinely_commissioned"


def test_a_corrected_check_needs_the_decision_marked_first(gp_client, decision):
    response = gp_client.post(reverse("triage:corrected_check_begin", args=[decision.reference]))
    assert response["Location"] == reverse("triage:decision", args=[decision.reference])
    assert not ReferralCheck.objects.filter(corrects=decision).exists()


def test_correction_views_are_404_for_another_practice_and_need_sign_in(
    client, other_gp_client, decision
):
    for name in ("triage:decision_correct", "triage:corrected_check_begin"):
        url = reverse(name, args=[decision.reference])
        assert other_gp_client.post(url, {"reason": REASON}).status_code == 404
        assert client.post(url)["Location"].startswith(reverse("login"))


def test_corrected_check_begin_rejects_get(gp_client, decision):
    url = reverse("triage:corrected_check_begin", args=[decision.reference])
    assert gp_client.get(url).status_code == 405
