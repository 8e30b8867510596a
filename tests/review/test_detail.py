"""One decision for the reviewer: answers, findings, integrity, review history and access log."""

from django.urls import reverse
from django.utils.html import escape

from triage.models import AccessEvent


def detail_url(decision) -> str:
    return reverse("review:detail", args=[decision.reference])


def test_detail_shows_answers_in_the_wording_of_the_decisions_policy_version(
    reviewer_client, make_decision, policy_v1
):
    decision = make_decision(pain_location="back_and_leg", conditions=["scoliosis"])
    response = reviewer_client.get(detail_url(decision))
    assert response.status_code == 200
    body = response.content.decode()
    questions = policy_v1.questions
    for key in ("red_flags", "pain_location", "conditions", "decompression_planned"):
        assert escape(questions[key]["legend"]) in body
    assert "943 476 5919" in body
    rows = {row.key: row for row in response.context["answers"]}
    assert (
        rows["pain_location"].answer
        == questions["pain_location"]["options"]["back_and_leg"]["label"]
    )


def test_detail_shows_outcome_findings_with_clause_links_and_who_when(
    reviewer_client, make_decision, policy_v1, gp, practice
):
    decision = make_decision(conditions=["instability"])
    body = reviewer_client.get(detail_url(decision)).content.decode()
    assert "Exception: manage through the usual clinical pathway" in body
    for finding in decision.findings:
        assert escape(finding["text"]) in body
        assert f"{reverse('policy:version', args=[policy_v1.number])}#{finding['clause']}" in body
    assert practice.name in body and practice.ods_code in body
    assert gp.get_full_name() in body and gp.username in body
    assert decision.policy_hash in body
    assert f"Version {policy_v1.number}" in body


def test_detail_says_an_intact_record_verifies(reviewer_client, make_decision):
    make_decision()
    decision = make_decision()
    response = reviewer_client.get(detail_url(decision))
    assert response.context["integrity"].hash_ok
    assert response.context["integrity"].link_ok
    assert "This record may have been tampered with" not in response.content.decode()


def test_detail_flags_a_record_edited_in_the_database(reviewer_client, make_decision):
    import pgtrigger

    from triage.models import Decision

    decision = make_decision()
    with pgtrigger.ignore("triage.Decision:decision_append_only"):
        Decision.objects.filter(pk=decision.pk).update(nhs_number="9434765870")
    response = reviewer_client.get(detail_url(decision))
    assert not response.context["integrity"].hash_ok
    assert response.context["integrity"].link_ok
    assert "This record may have been tampered with" in response.content.decode()


def test_detail_flags_a_broken_link_to_the_previous_decision(reviewer_client, make_decision):
    import pgtrigger

    from triage.models import Decision

    first = make_decision()
    second = make_decision()
    with pgtrigger.ignore("triage.Decision:decision_append_only"):
        Decision.objects.filter(pk=second.pk).update(sequence=99)
        Decision.objects.filter(pk=first.pk).delete()
    response = reviewer_client.get(detail_url(second))
    assert not response.context["integrity"].link_ok


def test_detail_view_is_recorded_in_the_access_log_and_shown(
    reviewer_client, reviewer, make_decision
):
    decision = make_decision()
    reviewer_client.get(detail_url(decision))
    response = reviewer_client.get(detail_url(decision))
    events = AccessEvent.objects.filter(decision=decision)
    assert events.count() == 2
    assert {(e.user, e.action) for e in events} == {(reviewer, AccessEvent.Action.VIEW)}
    assert len(response.context["access_log"]) == 2
    assert "Viewed decision" in response.content.decode()


def test_review_history_is_newest_first_with_the_latest_marked_current(
    reviewer_client, make_decision, make_review
):
    decision = make_decision()
    first = make_review(decision, "more_information", note="Asked for the MRI report")
    latest = make_review(decision, "disagree", reason="The MRI shows nerve root compression")
    response = reviewer_client.get(detail_url(decision))
    assert response.context["reviews"] == [latest, first]
    body = response.content.decode()
    assert body.index("The MRI shows nerve root compression") < body.index(
        "Asked for the MRI report"
    )
    assert "Current verdict" in body and "Superseded" in body


def test_unknown_reference_is_404(reviewer_client, policy_v1):
    assert reviewer_client.get(reverse("review:detail", args=["FT-AAAA-AAAA"])).status_code == 404
