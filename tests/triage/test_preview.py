"""Questionnaire preview: an admin walks the GP pages in a draft's wording; nothing recorded."""

from django.urls import reverse

from policy.services import DraftChanges, policy_version_draft_start, policy_version_draft_update
from triage.models import Decision


def test_admin_walks_the_draft_questionnaire_and_sees_its_outcome_without_recording(
    policy_v1, policy_admin, policy_admin_client
):
    draft = policy_version_draft_start(user=policy_admin)
    policy_version_draft_update(
        version=draft,
        user=policy_admin,
        changes=DraftChanges(
            sections={},
            criteria={
                "sacroiliac_joint_dysfunction": {"category": "exception", "label": "SIJ (draft)"}
            },
            questions={"conditions": {"legend": "Draft wording of the conditions question"}},
        ),
    )

    def step(name):
        return reverse("preview:step", args=[draft.pk, name])

    policy_admin_client.post(step("red-flags"), {"red_flags": ["none"]})
    policy_admin_client.post(step("pain"), {"pain_location": "back_only"})
    page = policy_admin_client.get(step("conditions")).content.decode()
    assert "Draft wording of the conditions question" in page
    assert "SIJ (draft)" in page
    policy_admin_client.post(step("conditions"), {"conditions": ["sacroiliac_joint_dysfunction"]})
    response = policy_admin_client.post(step("decompression"), {"decompression_planned": "no"})
    assert response["Location"] == reverse("preview:outcome", args=[draft.pk])
    outcome = policy_admin_client.get(response["Location"]).content.decode()
    assert "Exception: manage through the usual clinical pathway" in outcome
    assert "nothing was recorded" in outcome
    assert Decision.objects.count() == 0


def test_a_red_flag_in_the_preview_goes_straight_to_the_urgent_outcome(
    policy_v1, policy_admin, policy_admin_client
):
    draft = policy_version_draft_start(user=policy_admin)
    response = policy_admin_client.post(
        reverse("preview:step", args=[draft.pk, "red-flags"]), {"red_flags": ["cauda_equina"]}
    )
    outcome = policy_admin_client.get(response["Location"]).content.decode()
    assert "Follow the urgent pathway now" in outcome


def test_preview_is_for_policy_admins_and_unknown_steps_are_404(
    policy_v1, policy_admin, policy_admin_client, gp_client
):
    draft = policy_version_draft_start(user=policy_admin)
    assert gp_client.get(reverse("preview:step", args=[draft.pk, "pain"])).status_code == 403
    assert (
        policy_admin_client.get(reverse("preview:step", args=[draft.pk, "nope"])).status_code == 404
    )
