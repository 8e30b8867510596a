"""Two-person sign-off: the author sends a draft for approval, a second admin approves it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from policy.selectors import policy_version_people
from policy.services import (
    Approval,
    PolicyError,
    PublishConfirmations,
    policy_version_mark_ready,
    policy_version_publish,
)
from tests.conftest import publish_draft
from tests.policy.test_pages import publish_data
from tests.policy.test_timeline import edited_draft

CONFIRM = PublishConfirmations(warnings_read=True)


def test_the_author_cannot_approve_their_own_draft(policy_v1, policy_admin):
    draft = edited_draft(policy_admin, "Rationale v2.")
    policy_version_mark_ready(version=draft, user=policy_admin)
    with pytest.raises(PolicyError, match="a second policy admin must approve"):
        policy_version_publish(
            version=draft,
            user=policy_admin,
            effective_from=timezone.localdate(),
            approval=Approval("CPAG", timezone.localdate()),
            confirm=CONFIRM,
        )
    draft.refresh_from_db()
    assert (draft.status, draft.number) == ("ready", None)


def test_a_draft_not_sent_for_approval_cannot_be_published(
    policy_v1, policy_admin, second_policy_admin
):
    draft = edited_draft(policy_admin, "Rationale v2.")
    with pytest.raises(PolicyError, match="must send this draft for approval"):
        policy_version_publish(
            version=draft,
            user=second_policy_admin,
            effective_from=timezone.localdate(),
            approval=Approval("CPAG", timezone.localdate()),
            confirm=CONFIRM,
        )


@pytest.mark.parametrize(
    ("approval", "field", "message"),
    [
        (Approval("", timezone.localdate()), "approval_body", "Enter who approved"),
        (Approval("CPAG", None), "approval_date", "Enter the date this version was approved"),
        (
            Approval("CPAG", timezone.localdate() + datetime.timedelta(days=1)),
            "approval_date",
            "must be today or in the past",
        ),
    ],
)
def test_the_approval_body_and_date_are_required(
    policy_v1, policy_admin, second_policy_admin, approval, field, message
):
    draft = edited_draft(policy_admin, "Rationale v2.")
    with pytest.raises(PolicyError) as caught:
        publish_draft(
            draft,
            author=policy_admin,
            approver=second_policy_admin,
            effective_from=timezone.localdate(),
            approval=approval,
        )
    assert any(p.field == field and message in p.message for p in caught.value.items)


def test_history_shows_author_editor_approver_and_publisher(
    policy_v1, policy_admin, second_policy_admin, second_policy_admin_client
):
    draft = edited_draft(policy_admin, "Rationale v2.")
    version = publish_draft(
        draft,
        author=policy_admin,
        approver=second_policy_admin,
        effective_from=timezone.localdate(),
        approval=Approval("CPAG", timezone.localdate(), "Minute 7.3"),
    )
    people = policy_version_people(version)
    assert people["author"] == policy_admin
    assert people["editors"] == [policy_admin]
    assert people["approver"] == people["publisher"] == second_policy_admin
    assert [e.action for e in version.events.order_by("id")] == [
        "created",
        "edited",
        "ready",
        "approved",
        "published",
    ]
    body = second_policy_admin_client.get(
        reverse("policy:draft_preview", args=[version.pk])
    ).content.decode()
    assert "CPAG" in body and "Minute 7.3" in body


def test_the_author_is_refused_on_the_publish_page(policy_v1, policy_admin, policy_admin_client):
    draft = edited_draft(policy_admin, "Rationale v2.")
    policy_version_mark_ready(version=draft, user=policy_admin)
    response = policy_admin_client.post(
        reverse("policy:draft_publish", args=[draft.pk]),
        publish_data(timezone.localdate(), warnings_read="on"),
    )
    assert response.status_code == 400
    assert "You wrote this draft" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "ready"


def test_with_the_second_approver_setting_off_the_author_may_publish(
    policy_v1, policy_admin, settings
):
    """Local development only (the setting refuses to be off without DJANGO_DEBUG)."""
    settings.POLICY_REQUIRE_SECOND_APPROVER = False
    draft = edited_draft(policy_admin, "Rationale v2.")
    version = policy_version_publish(
        version=draft,
        user=policy_admin,
        effective_from=timezone.localdate(),
        approval=Approval("CPAG", timezone.localdate()),
        confirm=CONFIRM,
    )
    assert (version.number, version.approved_by) == (2, policy_admin)


def test_the_second_approver_can_be_turned_off_only_in_development():
    from tests.core.test_settings import PRODUCTION_ENV, SHOW_DB, run_python

    refused = run_python(SHOW_DB, {**PRODUCTION_ENV, "POLICY_REQUIRE_SECOND_APPROVER": "false"})
    assert refused.returncode != 0
    assert "POLICY_REQUIRE_SECOND_APPROVER can be turned off only" in refused.stderr
    allowed = run_python(
        SHOW_DB,
        {
            **PRODUCTION_ENV,
            "DJANGO_DEBUG": "true",
            "POLICY_REQUIRE_SECOND_APPROVER": "false",
        },
    )
    assert allowed.returncode == 0, allowed.stderr
