"""The STarT Back scorer on the decision page: optional, appended and chained, shown to reviewers
and in the CSV, with Keele University's attribution."""

import uuid

import pytest
from django.db import ProgrammingError, connection, transaction
from django.urls import reverse

from core.chain import content_hash
from tests.conftest import VALID_NHS_NUMBERS, answers_for, publish_now
from triage.models import Decision, StartBackScore
from triage.services.decisions import decision_record
from triage.services.startback import STARTBACK_CHAIN

ATTRIBUTION = "The Keele STarT Back Screening Tool © Keele University 01/08/07"


def _decision(gp, practice, **answers) -> Decision:
    decision, _ = decision_record(
        user=gp,
        practice=practice,
        nhs_number=VALID_NHS_NUMBERS[0],
        answers=answers_for(**answers),
        submission_key=uuid.uuid4(),
    )
    return decision


def _post(agree: set[int], bothersome: str) -> dict:
    data = {f"item_{i}": ("agree" if i in agree else "disagree") for i in range(1, 9)}
    data["item_9"] = bothersome
    return data


@pytest.mark.parametrize(
    ("agree", "bothersome", "label"),
    [
        ({1, 2}, "slightly", "Low risk"),
        ({1, 2, 3, 4}, "moderately", "Medium risk"),
        ({5, 6, 7}, "extremely", "High risk"),
    ],
)
def test_gp_scores_start_back_and_sees_the_risk_and_matched_advice(
    gp, gp_client, practice, policy_v1, agree, bothersome, label
):
    decision = _decision(gp, practice)
    page = gp_client.get(reverse("triage:decision", args=[decision.reference])).content.decode()
    assert "Score the STarT Back tool (optional)" in page
    assert ATTRIBUTION in page
    url = reverse("triage:decision_startback", args=[decision.reference])
    response = gp_client.post(url, _post(agree, bothersome))
    assert response.status_code == 302
    page = gp_client.get(response["Location"]).content.decode()
    assert f"<strong>{label}</strong>" in page
    assert "Score the STarT Back tool (optional)" not in page
    assert ATTRIBUTION in page


def test_a_missing_start_back_item_is_named_and_nothing_is_stored(
    gp, gp_client, practice, policy_v1
):
    decision = _decision(gp, practice)
    data = _post({1}, "slightly")
    del data["item_4"]
    data["item_9"] = "unbearable"
    url = reverse("triage:decision_startback", args=[decision.reference])
    response = gp_client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Select an answer for statement 4" in body
    assert "Select an answer for statement 9" in body
    assert 'value="agree" checked' in body  # what was typed is kept
    assert not StartBackScore.objects.exists()


def test_start_back_is_not_offered_for_other_outcomes(gp, gp_client, practice, policy_v1):
    decision = _decision(gp, practice, pain_location="back_and_leg")
    page = gp_client.get(reverse("triage:decision", args=[decision.reference])).content.decode()
    assert "Score the STarT Back tool" not in page
    url = reverse("triage:decision_startback", args=[decision.reference])
    assert gp_client.post(url, _post(set(), "slightly")).status_code == 404


def test_start_back_needs_the_gps_own_practice_and_post(
    gp, other_gp_client, gp_client, practice, policy_v1
):
    decision = _decision(gp, practice)
    url = reverse("triage:decision_startback", args=[decision.reference])
    assert other_gp_client.post(url, _post(set(), "slightly")).status_code == 404
    assert gp_client.get(url).status_code == 405


def test_the_score_is_appended_and_chained_never_an_edit_of_the_decision(
    gp, gp_client, practice, policy_v1
):
    decision = _decision(gp, practice)
    before = Decision.objects.get(pk=decision.pk).content_hash
    url = reverse("triage:decision_startback", args=[decision.reference])
    gp_client.post(url, _post({5, 6, 7, 8}, "very_much"))
    score = StartBackScore.objects.get()
    assert Decision.objects.get(pk=decision.pk).content_hash == before
    assert (score.total, score.psychosocial, score.risk) == (5, 5, "high")
    assert score.sequence == 1
    assert score.content_hash == content_hash(
        {field: getattr(score, field) for field in STARTBACK_CHAIN.hashed_fields}
    )
    with pytest.raises(ProgrammingError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE triage_startbackscore SET risk = 'low'")


def test_reviewer_and_csv_show_the_start_back_score(
    gp, gp_client, practice, policy_v1, reviewer_client
):
    decision = _decision(gp, practice)
    url = reverse("triage:decision_startback", args=[decision.reference])
    gp_client.post(url, _post({1, 2, 3, 4}, "slightly"))
    detail = reviewer_client.get(reverse("review:detail", args=[decision.reference]))
    assert "<strong>Medium risk</strong>" in detail.content.decode()
    assert "Score the STarT Back tool" not in detail.content.decode()
    export = reviewer_client.get(reverse("review:export"))
    lines = b"".join(export.streaming_content).decode().splitlines()
    header = lines[0].split(",")
    row = dict(zip(header, lines[1].split(","), strict=True))
    assert (row["startback_risk"], row["startback_total"], row["startback_psychosocial"]) == (
        "medium",
        "4",
        "0",
    )


def test_an_icb_can_switch_the_scorer_off_in_a_version(
    gp, gp_client, practice, policy_v1, policy_admin
):

    from policy.services import policy_version_draft_start

    draft = policy_version_draft_start(user=policy_admin)
    draft.wording["startback"]["enabled"] = False
    draft.save()
    version = publish_now(draft, author=policy_admin)
    decision, _ = decision_record(
        user=gp,
        practice=practice,
        nhs_number=VALID_NHS_NUMBERS[0],
        answers=answers_for(),
        submission_key=uuid.uuid4(),
        version=version,
    )
    page = gp_client.get(reverse("triage:decision", args=[decision.reference])).content.decode()
    assert "STarT Back tool (optional)" not in page
