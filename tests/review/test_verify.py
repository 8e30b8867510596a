"""The chain verifier catches edited, deleted and inserted rows, and records every run."""

import secrets
import uuid

import pgtrigger
import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from review.models import ChainVerification, Review
from review.services.verify import chain_verify
from triage.models import Decision
from triage.services.decisions import DECISION_CHAIN

DECISION_TRIGGER = "triage.Decision:decision_append_only"
REVIEW_TRIGGER = "review.Review:review_append_only"


@pytest.fixture
def chain(make_decision, make_review, other_gp):
    """Four decisions and three reviews, all properly chained."""
    decisions = [make_decision(user=other_gp if i % 2 else None) for i in range(4)]
    make_review(decisions[0], "agree")
    make_review(decisions[2], "more_information")
    make_review(decisions[2], "agree")
    return decisions


def verify_chain_fails() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_chain")
    assert failure.value.returncode == 1
    return str(failure.value)


def test_intact_chain_passes_and_the_run_is_recorded(chain, capsys):
    call_command("verify_chain")
    out = capsys.readouterr().out
    assert (
        "Chain intact: 4 decisions, 3 reviews, 0 corrections, 0 STarT Back scores, 0 practice "
        "replies and 0 access log entries verified"
    ) in out
    run = ChainVerification.objects.get()
    assert run.ok and run.first_problem == ""
    assert (run.decisions_checked, run.reviews_checked, run.run_by) == (4, 3, "command")
    assert run.started_at <= run.finished_at


def test_empty_chain_passes(db):
    assert chain_verify(run_by="command").ok


def test_verifier_catches_an_edited_decision(chain):
    edited = chain[1]
    with pgtrigger.ignore(DECISION_TRIGGER):
        Decision.objects.filter(pk=edited.pk).update(outcome="urgent_pathway")
    message = verify_chain_fails()
    assert (
        f"decision {edited.reference} (sequence 2): content hash does not match — the row was "
        "edited" in message
    )
    run = ChainVerification.objects.get()
    assert not run.ok and run.decisions_checked == 1 and "sequence 2" in run.first_problem


def test_verifier_catches_an_edit_made_with_raw_sql_and_the_trigger_disabled(chain):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks block the ALTER
        cursor.execute("ALTER TABLE triage_decision DISABLE TRIGGER ALL")
        cursor.execute("UPDATE triage_decision SET nhs_number = '9434765870' WHERE sequence = 3")
        cursor.execute("ALTER TABLE triage_decision ENABLE TRIGGER ALL")
    assert "(sequence 3): content hash does not match" in verify_chain_fails()


def test_verifier_catches_a_deleted_decision(chain):
    with pgtrigger.ignore(DECISION_TRIGGER):
        Decision.objects.filter(pk=chain[1].pk).delete()
    message = verify_chain_fails()
    assert "sequence 2 missing — a row was deleted" in message
    assert chain[2].reference in message


def test_verifier_catches_a_decision_inserted_out_of_order(chain, gp, policy_v1):
    last = chain[-1]
    forged = Decision(
        reference="FT-ZZZZ-ZZZZ", sequence=last.sequence + 1, submission_key=uuid.uuid4(),
        created_at=last.created_at, nhs_number=last.nhs_number, practice=last.practice,
        clinician=gp, policy_version=policy_v1, policy_hash=last.policy_hash,
        engine_version=last.engine_version, answers=last.answers, outcome=last.outcome,
        findings=last.findings, advice=last.advice, previous_hash=secrets.token_hex(32),
    )  # fmt: skip
    forged.content_hash = DECISION_CHAIN.row_hash(
        forged
    )  # a careful forger recomputes its own hash
    with pytest.raises(DatabaseError, match="does not extend the hash chain"):
        with transaction.atomic():
            forged.save(force_insert=True)
    # With the database's insert guard switched off, the verifier still catches it.
    with pgtrigger.ignore("triage.Decision:decision_chain_extends"):
        forged.save(force_insert=True)
    message = verify_chain_fails()
    assert (
        "decision FT-ZZZZ-ZZZZ (sequence 5): previous_hash does not link to sequence 4 — "
        "inserted out of order" in message
    )


def test_verifier_catches_an_edited_review(chain):
    with pgtrigger.ignore(REVIEW_TRIGGER):
        Review.objects.filter(sequence=2).update(verdict="refer_ifr")
    message = verify_chain_fails()
    assert f"review (sequence 2) of decision {chain[2].reference}: content hash" in message
    run = ChainVerification.objects.get()
    assert (run.decisions_checked, run.reviews_checked) == (4, 1)


def test_verifier_catches_a_deleted_review(chain):
    with pgtrigger.ignore(REVIEW_TRIGGER):
        Review.objects.filter(sequence=1).delete()
    assert "sequence 1 missing — a row was deleted" in verify_chain_fails()


def test_verifier_catches_rows_cut_off_the_end_since_the_last_run(chain):
    assert chain_verify(run_by="command").ok
    with pgtrigger.ignore(DECISION_TRIGGER):
        Decision.objects.filter(pk=chain[-1].pk).delete()
    assert "shorter than at the last verification" in verify_chain_fails()


def test_reviewer_queues_the_verifier_from_the_dashboard_and_the_worker_runs_it(
    reviewer_client, reviewer, chain, run_worker
):
    job_url = reviewer_client.post(reverse("review:verify"))["Location"]
    assert not ChainVerification.objects.exists()
    run_worker()
    run = ChainVerification.objects.get()
    assert run.ok and run.run_by == reviewer.username
    body = reviewer_client.get(job_url).content.decode()
    assert "4 decisions, 3 reviews and 0 practice replies" in body


def test_dashboard_shows_a_failed_verification(reviewer_client, chain, run_worker):
    with pgtrigger.ignore(DECISION_TRIGGER):
        Decision.objects.filter(pk=chain[0].pk).update(nhs_number="9434765870")
    job_url = reviewer_client.post(reverse("review:verify"))["Location"]
    run_worker()
    assert "content hash does not match" in reviewer_client.get(job_url).content.decode()
    body = reviewer_client.get(reverse("review:dashboard")).content.decode()
    assert "content hash does not match" in body
    assert "Failed" in body


def manage_py_exit_code(monkeypatch, *argv: str) -> int:
    """Run `manage.py <argv>` in this process and return its exit status.

    run_from_argv turns a CommandError into sys.exit(1) and then closes every connection,
    which would end the test's transaction; keep the connection open instead.
    """
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    try:
        execute_from_command_line(["manage.py", *argv])
    except SystemExit as exit_:
        return exit_.code
    return 0


def test_verify_chain_command_exits_0_when_intact_and_1_naming_the_bad_record(
    chain, monkeypatch, capsys
):
    assert manage_py_exit_code(monkeypatch, "verify_chain") == 0
    with pgtrigger.ignore(DECISION_TRIGGER):
        Decision.objects.filter(pk=chain[1].pk).update(outcome="urgent_pathway")
    assert manage_py_exit_code(monkeypatch, "verify_chain") == 1
    assert f"decision {chain[1].reference} (sequence 2): content hash" in capsys.readouterr().err
    assert [run.ok for run in ChainVerification.objects.order_by("id")] == [True, False]


CORRECTION_TRIGGER = "triage.DecisionCorrection:correction_append_only"


@pytest.fixture
def corrected(chain, gp):
    """Two of the chain's decisions marked as entered in error."""
    from triage.services.corrections import decision_correct

    return [
        decision_correct(decision=chain[0], user=gp, reason="Wrong patient's NHS number"),
        decision_correct(decision=chain[2], user=gp, reason="Red flag ticked by mistake"),
    ]


def test_verifier_walks_the_correction_chain(corrected, capsys):
    call_command("verify_chain")
    out = capsys.readouterr().out
    assert "4 decisions, 3 reviews, 2 corrections, 0 STarT Back scores" in out


def test_verifier_catches_an_edited_correction(corrected, chain):
    with pgtrigger.ignore(CORRECTION_TRIGGER):
        type(corrected[1]).objects.filter(pk=corrected[1].pk).update(reason="Changed later")
    message = verify_chain_fails()
    assert (
        f"entered-in-error correction (sequence 2) of decision {chain[2].reference}: "
        "content hash does not match — the row was edited" in message
    )


def test_verifier_catches_a_deleted_correction(corrected):
    with pgtrigger.ignore(CORRECTION_TRIGGER):
        type(corrected[0]).objects.filter(pk=corrected[0].pk).delete()
    assert "sequence 1 missing — a row was deleted" in verify_chain_fails()
