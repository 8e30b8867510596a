"""Decisions are stored once, append-only, hash-chained, and shown only to their practice."""

import threading
import uuid

import pytest
from django.db import DatabaseError, connection, connections
from django.urls import reverse
from django.utils import timezone

from core.chain import GENESIS_HASH
from policy.services import (
    DraftChanges,
    policy_version_draft_start,
    policy_version_draft_update,
)
from tests.conftest import answers_for, publish_draft
from tests.triage.support import answer_every_question, check_url, submit
from triage.models import Decision
from triage.services.decisions import DECISION_CHAIN, decision_record


def record(user, practice, **answer_overrides):
    decision, _ = decision_record(
        user=user,
        practice=practice,
        nhs_number="9434765919",
        answers=answers_for(**answer_overrides),
        submission_key=uuid.uuid4(),
    )
    return decision


def test_reference_is_short_unambiguous_and_unique(gp, practice, policy_v1):
    references = {record(gp, practice).reference for _ in range(30)}
    assert len(references) == 30
    for reference in references:
        assert len(reference) == 12 and reference.startswith("FT-")
        assert not set(reference[3:].replace("-", "")) & set("01ILOU")


def test_decision_stores_policy_version_hash_and_engine_version(gp, practice, policy_v1):
    decision = record(gp, practice, conditions=["scoliosis"])
    assert decision.policy_version == policy_v1
    assert decision.policy_hash == policy_v1.content_hash
    assert decision.engine_version == "1.1.0"
    assert decision.outcome == "outside_statement"
    assert decision.findings[0]["clause"] == "exclusions"


def test_same_submission_key_never_makes_a_second_decision(gp, practice, policy_v1):
    key = uuid.uuid4()
    first, created = decision_record(
        user=gp,
        practice=practice,
        nhs_number="9434765919",
        answers=answers_for(),
        submission_key=key,
    )
    again, created_again = decision_record(
        user=gp,
        practice=practice,
        nhs_number="9434765919",
        answers=answers_for(),
        submission_key=key,
    )
    assert created and not created_again
    assert again.pk == first.pk
    assert Decision.objects.count() == 1


def test_resubmitting_the_check_page_shows_the_first_decision(gp_client, policy_v1):
    check_id = answer_every_question(gp_client)
    first = submit(gp_client, check_id)
    second = submit(gp_client, check_id)
    assert Decision.objects.count() == 1
    assert first["Location"] == second["Location"]
    shown = gp_client.get(second["Location"]).content.decode()
    reference = Decision.objects.get().reference
    assert f"This referral check was already recorded as {reference}" in shown


def test_chain_links_each_decision_to_the_one_before(gp, practice, policy_v1):
    decisions = [record(gp, practice) for _ in range(5)]
    assert decisions[0].previous_hash == GENESIS_HASH
    for before, after in zip(decisions, decisions[1:], strict=False):
        assert after.previous_hash == before.content_hash
        assert after.sequence == before.sequence + 1
    for decision in Decision.objects.all():
        assert DECISION_CHAIN.row_hash(decision) == decision.content_hash


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE triage_decision SET outcome = 'urgent_pathway'",
        "UPDATE triage_decision SET nhs_number = '4010232137'",
        "DELETE FROM triage_decision",
    ],
)
def test_raw_sql_cannot_change_or_delete_a_decision(gp, practice, policy_v1, sql):
    record(gp, practice)
    with pytest.raises(DatabaseError, match="decision_append_only"):
        with connection.cursor() as cursor:
            cursor.execute(sql)


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_never_fork_the_chain(gp, practice, policy_v1):
    errors = []

    def submit(n):
        try:
            for _ in range(n):
                record(gp, practice)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(10,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = list(Decision.objects.order_by("sequence"))
    assert len(rows) == 80
    assert [d.sequence for d in rows] == list(range(1, 81))
    previous = GENESIS_HASH
    for decision in rows:
        assert decision.previous_hash == previous
        assert DECISION_CHAIN.row_hash(decision) == decision.content_hash
        previous = decision.content_hash


def test_other_practice_decision_is_404_not_403(other_gp, other_practice, gp_client, policy_v1):
    decision = record(other_gp, other_practice)
    for name in ("triage:decision", "triage:decision_print"):
        assert gp_client.get(reverse(name, args=[decision.reference])).status_code == 404


def test_practice_list_shows_only_own_practice_newest_first(
    gp, practice, other_gp, other_practice, gp_client, policy_v1
):
    mine = [record(gp, practice) for _ in range(3)]
    theirs = record(other_gp, other_practice)
    body = gp_client.get(reverse("triage:start")).content.decode()
    assert theirs.reference not in body
    positions = [body.index(d.reference) for d in reversed(mine)]
    assert positions == sorted(positions)


@pytest.mark.parametrize("query", ["reference", "nhs"])
def test_practice_list_search_by_reference_or_nhs_number(gp, practice, gp_client, policy_v1, query):
    target = record(gp, practice)
    other, _ = decision_record(
        user=gp,
        practice=practice,
        nhs_number="4010232137",
        answers=answers_for(),
        submission_key=uuid.uuid4(),
    )
    q = target.reference.lower().replace("-", " ") if query == "reference" else "943 476 5919"
    body = gp_client.get(reverse("triage:start"), {"q": q}).content.decode()
    assert target.reference in body
    assert other.reference not in body


def test_decision_page_uses_its_own_policy_version_after_a_newer_one(
    gp, practice, gp_client, policy_admin, second_policy_admin, policy_v1
):
    decision = record(gp, practice, conditions=["sacroiliac_joint_dysfunction"])
    draft = policy_version_draft_start(user=policy_admin)
    policy_version_draft_update(
        version=draft,
        user=policy_admin,
        changes=DraftChanges(
            sections={
                "statement": draft.statement + "\n\nREVISED STATEMENT TEXT.",
                "exceptions": draft.exceptions + "\n- Sacroiliac joint dysfunction",
            },
            criteria={"sacroiliac_joint_dysfunction": {"category": "exception", "label": "SIJ v2"}},
            questions={},
        ),
    )
    publish_draft(
        draft,
        author=policy_admin,
        approver=second_policy_admin,
        effective_from=timezone.localdate(),
    )
    for name in ("triage:decision", "triage:decision_print"):
        body = gp_client.get(reverse(name, args=[decision.reference])).content.decode()
        assert "Outside the position statement" in body
        assert f"{reverse('policy:version', args=[1])}#exclusions" in body
        assert "SIJ v2" not in body
        assert "Sacroiliac joint dysfunction" in body
    new = record(gp, practice, conditions=["sacroiliac_joint_dysfunction"])
    assert new.outcome == "usual_pathway_exception"
    assert new.policy_version.number == 2


def test_database_fault_on_submit_keeps_the_answers(gp_client, policy_v1, monkeypatch):
    check_id = answer_every_question(gp_client)

    def failing(**kwargs):
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr("triage.services.checks.decision_record", failing)
    response = submit(gp_client, check_id)
    assert response.status_code == 503
    assert "Your answers have not been lost" in response.content.decode()
    assert Decision.objects.count() == 0
    monkeypatch.undo()
    check = gp_client.get(check_url(check_id))
    assert check.status_code == 200
    assert "943 476 5919" in check.content.decode()
    retry = submit(gp_client, check_id)
    assert retry.status_code == 302
    assert Decision.objects.count() == 1


def test_gp_without_a_practice_gets_403(client, db, policy_v1):
    from core.roles import GP
    from tests.conftest import client_for, make_user

    lone = client_for(make_user("lonegp", GP))
    assert lone.get(reverse("triage:start")).status_code == 403


@pytest.mark.parametrize(
    ("method", "name", "with_check"),
    [
        ("get", "triage:begin", False),
        ("delete", "triage:check", True),
        ("put", "triage:check_delete", True),
        ("post", "triage:start", False),
    ],
)
def test_questionnaire_views_reject_the_wrong_method(
    gp_client, policy_v1, method, name, with_check
):
    args = [answer_every_question(gp_client)] if with_check else []
    response = getattr(gp_client, method)(reverse(name, args=args))
    assert response.status_code == 405


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("triage:start", []),
        ("triage:check", [uuid.uuid4()]),
        ("triage:step", [uuid.uuid4(), "pain"]),
        ("triage:check_delete", [uuid.uuid4()]),
    ],
)
def test_questionnaire_requires_sign_in(client, db, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona_client", ["reviewer_client", "policy_admin_client"])
def test_questionnaire_is_for_gps_only(request, policy_v1, persona_client):
    client = request.getfixturevalue(persona_client)
    assert client.get(reverse("triage:start")).status_code == 403


def test_policy_change_during_a_journey_is_flagged_before_deciding(
    gp_client, policy_admin, second_policy_admin, policy_v1
):
    check_id = answer_every_question(gp_client, conditions=["sacroiliac_joint_dysfunction"])
    draft = policy_version_draft_start(user=policy_admin)
    policy_version_draft_update(
        version=draft,
        user=policy_admin,
        changes=DraftChanges(
            sections={"exceptions": draft.exceptions + "\n- Sacroiliac joint dysfunction"},
            criteria={"sacroiliac_joint_dysfunction": {"category": "exception"}},
            questions={},
        ),
    )
    publish_draft(
        draft,
        author=policy_admin,
        approver=second_policy_admin,
        effective_from=timezone.localdate(),
    )

    response = gp_client.post(check_url(check_id), follow=True)
    assert Decision.objects.count() == 0
    assert "The policy changed to version 2" in response.content.decode()
    submit(gp_client, check_id)
    decision = Decision.objects.get()
    assert decision.policy_version.number == 2
    assert decision.outcome == "usual_pathway_exception"


@pytest.mark.parametrize(
    "table", ["triage_decision", "triage_review", "triage_accessevent", "triage_chainverification"]
)
def test_truncate_of_audit_tables_is_refused(gp, practice, policy_v1, table):
    record(gp, practice)
    with pytest.raises(DatabaseError, match="Cannot truncate the append-only table"):
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {table} CASCADE")


def next_row(last: Decision, **change) -> dict:
    """The column values of a row that would follow `last` in the chain, with `change` applied."""
    row = Decision.objects.values().get(pk=last.pk)
    row.update(
        id=None,
        reference="FT-ZZZZ-ZZZZ",
        sequence=last.sequence + 1,
        submission_key=uuid.uuid4(),
        previous_hash=last.content_hash,
        content_hash="e" * 64,
    )
    row.update(change)
    return row


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"sequence": 5}, "does not extend the hash chain"),
        ({"previous_hash": "f" * 64}, "does not extend the hash chain"),
        ({"nhs_number": "94347659AB"}, "decision_nhs_number_10_digits"),
        ({"outcome": "funded"}, "decision_outcome_known"),
    ],
)
def test_database_refuses_a_decision_out_of_chain_or_malformed(
    gp, practice, policy_v1, change, expected
):
    last = record(gp, practice)
    with pytest.raises(DatabaseError, match=expected):
        Decision.objects.create(**next_row(last, **change))


def test_no_policy_in_effect_is_explained_not_a_crash(gp_client, db):
    response = gp_client.post(reverse("triage:begin"), follow=True)
    assert response.status_code == 200
    assert "no version of the policy is in effect" in response.content.decode()


def test_a_reference_already_taken_is_never_given_again(gp, practice, policy_v1, monkeypatch):
    taken = record(gp, practice).reference
    offered = iter([taken, taken, "FT-NEWR-EF99"])
    monkeypatch.setattr("triage.services.decisions.reference_generate", lambda: next(offered))
    assert record(gp, practice).reference == "FT-NEWR-EF99"
    assert Decision.objects.filter(reference=taken).count() == 1


def test_a_repeat_submission_gets_its_decision_even_with_no_policy_in_effect_now(
    gp, practice, policy_v1, monkeypatch
):
    key = uuid.uuid4()
    first, _ = decision_record(
        user=gp, practice=practice, nhs_number="9434765919", answers=answers_for(),
        submission_key=key,
    )  # fmt: skip
    monkeypatch.setattr("triage.services.decisions.policy_version_in_effect", lambda **_: None)
    again, created = decision_record(
        user=gp, practice=practice, nhs_number="9434765919", answers=answers_for(),
        submission_key=key,
    )  # fmt: skip
    assert again.pk == first.pk and not created


def test_a_repeat_submission_returns_the_stored_decision_field_for_field(gp, practice, policy_v1):
    key = uuid.uuid4()
    arguments = dict(
        user=gp, practice=practice, nhs_number="9434765919", answers=answers_for(),
        submission_key=key,
    )  # fmt: skip
    first, created = decision_record(**arguments)
    again, created_again = decision_record(**arguments)  # read with the chain's lock, plain SQL
    assert created and not created_again
    stored = Decision.objects.get(pk=first.pk)
    for field in Decision._meta.concrete_fields:
        assert getattr(again, field.attname) == getattr(stored, field.attname), field.name
    assert Decision.objects.count() == 1
