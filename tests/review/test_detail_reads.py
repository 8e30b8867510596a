"""The decision page's reads (the decision with its relations, its access log) give what the ORM
gives, from SQL compiled once per process."""

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from review.selectors.review import decision_for_review_page, decision_history_and_access_log
from triage.models import AccessEvent, Decision
from triage.services.access import access_event_record
from triage.services.corrections import decision_correct


def fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_the_decision_and_its_relations_are_what_the_orm_reads(make_decision):
    made = make_decision()
    decision_for_review_page(reference=made.reference)  # the version's text kept in memory
    with CaptureQueriesContext(connection) as captured:
        found = decision_for_review_page(reference=made.reference).decision
        related = (found.practice, found.clinician, found.policy_version.policy)
    assert len(captured.captured_queries) == 1
    expected = Decision.objects.select_related(
        "practice", "clinician", "policy_version__policy"
    ).get(pk=made.pk)
    assert fields(found) == fields(expected)
    assert [fields(r) for r in related] == [
        fields(expected.practice),
        fields(expected.clinician),
        fields(expected.policy_version.policy),
    ]
    assert model_to_dict(found.policy_version) == model_to_dict(expected.policy_version)
    with CaptureQueriesContext(connection) as captured:
        assert not hasattr(found, "correction")  # read with the decision: it stands
    assert not captured.captured_queries


def test_a_decision_entered_in_error_is_read_with_its_correction(make_decision, gp):
    made = make_decision()
    correction = decision_correct(decision=made, user=gp, reason="Wrong patient")
    found = decision_for_review_page(reference=made.reference).decision
    assert found.correction.pk == correction.pk
    assert found.correction.reason == "Wrong patient"


def test_an_unknown_reference_is_not_found(policy_v1):
    from django.http import Http404

    with pytest.raises(Http404):
        decision_for_review_page(reference="FT-AAAA-AAAA")


def test_the_access_log_is_the_latest_events_with_who_and_what(make_decision, reviewer, gp):
    decision, other = make_decision(), make_decision()
    for i in range(53):
        access_event_record(user=gp if i % 3 else reviewer, action="view", decision=decision)
    access_event_record(user=reviewer, action="view", decision=other)

    _, shown, truncated = decision_history_and_access_log(decision=decision)

    expected = list(
        AccessEvent.objects.filter(decision=decision).select_related("user").order_by("-at", "-id")
    )
    assert truncated
    assert [(e.pk, e.at, e.get_action_display()) for e in shown] == [
        (e.pk, e.at, e.get_action_display()) for e in expected[:50]
    ]
    assert [(e.user.username, e.user.get_full_name()) for e in shown] == [
        (e.user.username, e.user.get_full_name()) for e in expected[:50]
    ]
    _, few, truncated = decision_history_and_access_log(decision=other)
    assert [e.user.username for e in few] == ["reviewer"] and not truncated


def test_the_history_and_the_log_are_what_the_orm_reads_in_one_round_trip(
    make_decision, make_review, reviewer, gp
):
    import uuid

    from review.selectors.review import decision_history_and_access_log
    from review.services.replies import practice_reply_record

    decision, other = make_decision(), make_decision()
    make_review(decision, "agree")
    make_review(decision, "more_information", note="Which level?")
    practice_reply_record(
        decision=decision, author=gp, text="L4 to L5", submission_key=uuid.uuid4()
    )
    make_review(decision, "disagree")
    make_review(other, "refer_ifr")
    for i in range(4):
        access_event_record(user=gp if i % 2 else reviewer, action="view", decision=decision)

    decision_history_and_access_log(decision=decision)  # compiled
    with CaptureQueriesContext(connection) as captured:
        history, log, truncated = decision_history_and_access_log(decision=decision)
        [(i["row"].decision.reference, getattr(i["row"], "reviewer", None)) for i in history]
        [getattr(i["row"], "notification", None) for i in history if i["kind"] == "review"]
        [(e.user.username, e.get_action_display()) for e in log]
    assert len(captured.captured_queries) == 1

    reviews = list(
        decision.reviews.select_related("reviewer", "notification").order_by("-sequence")
    )
    replies = list(decision.practice_replies.select_related("author").order_by("-sequence"))
    expected = sorted(
        [("review", r) for r in reviews] + [("reply", r) for r in replies],
        key=lambda item: item[1].created_at,
        reverse=True,
    )
    assert [(i["kind"], fields(i["row"])) for i in history] == [
        (kind, fields(row)) for kind, row in expected
    ]
    for item, (kind, row) in zip(history, expected, strict=True):
        assert item["row"].decision is decision
        assert item["at"] == row.created_at
        if kind == "review":
            assert fields(item["row"].reviewer) == fields(row.reviewer)
            notification = getattr(row, "notification", None)
            shown = getattr(item["row"], "notification", None)
            assert (shown and fields(shown)) == (notification and fields(notification))
        else:
            assert fields(item["row"].author) == fields(row.author)
    assert [(e.pk, e.user.username) for e in log] == [
        (e.pk, e.user.username)
        for e in AccessEvent.objects.filter(decision=decision).order_by("-at", "-id")
    ]
    assert not truncated
    assert [i["kind"] for i in history] == ["review", "reply", "review", "review"]
    assert history[2]["row"].notification.pk  # the request for more information's email


def _startback(agree: set[int]) -> dict:
    from policy.engine.startback import AGREE_DISAGREE, BOTHERSOME, ITEM_COUNT

    return {
        item: (AGREE_DISAGREE[0] if item in agree else AGREE_DISAGREE[1])
        if item < ITEM_COUNT
        else BOTHERSOME[0]
        for item in range(1, ITEM_COUNT + 1)
    }


def test_the_page_reads_the_link_source_and_score_the_orm_reads_in_one_round_trip(
    make_decision, gp
):
    from review.selectors.review import decision_for_review_page
    from review.services.verify import decision_verify
    from triage.services.startback import startback_latest, startback_score_record
    from triage.sources import decision_source

    first, second = make_decision(), make_decision()
    for agree in ({1}, {1, 2, 3}):
        startback_score_record(decision=second, user=gp, responses=_startback(agree))
    decision_for_review_page(reference=second.reference)  # compiled
    for made in (first, second):
        with CaptureQueriesContext(connection) as captured:
            found = decision_for_review_page(reference=made.reference)
            latest = startback_latest(found.decision)
        assert len(captured.captured_queries) == 1
        assert fields(found.decision) == fields(Decision.objects.get(pk=made.pk))
        assert found.source == decision_source(made.pk) == ""
        expected_link = Decision.objects.filter(sequence=made.sequence - 1).first()
        assert found.previous_hash == (expected_link and expected_link.content_hash)
        assert decision_verify(decision=found.decision, previous_hash=found.previous_hash) == (
            decision_verify(decision=Decision.objects.get(pk=made.pk))
        )
        expected = made.startback_scores.order_by("-sequence").first()
        assert (latest and fields(latest)) == (expected and fields(expected))
        if latest is not None:
            assert latest.decision is found.decision
    assert found.previous_hash == first.content_hash
    assert latest.total == 3


def test_the_first_decision_has_no_decision_before_it(make_decision):
    from review.selectors.review import decision_for_review_page
    from review.services.verify import decision_verify

    made = make_decision()
    assert made.sequence == 1
    found = decision_for_review_page(reference=made.reference)
    assert found.previous_hash is None
    assert decision_verify(decision=found.decision, previous_hash=None).link_ok
