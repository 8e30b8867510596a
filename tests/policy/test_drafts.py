"""Drafts that do not lose work: stale saves, drafts closed while open, consistency checks."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from policy.models import PolicyVersion
from policy.services import (
    DraftChanges,
    PolicyError,
    PublishConfirmations,
    StaleDraftError,
    policy_version_draft_start,
    policy_version_draft_update,
    policy_version_mark_ready,
)
from tests.conftest import publish_draft
from tests.policy.test_pages import draft_form_data, publish_data
from tests.policy.test_timeline import edited_draft


def statement_change(text: str) -> DraftChanges:
    return DraftChanges(sections={"statement": text}, criteria={}, questions={})


def test_a_save_from_an_older_revision_is_refused_naming_who_changed_what(
    policy_v1, policy_admin, second_policy_admin
):
    draft = policy_version_draft_start(user=policy_admin)
    policy_version_draft_update(
        version=draft,
        user=second_policy_admin,
        changes=statement_change("B's statement."),
        base_revision=1,
    )
    with pytest.raises(StaleDraftError) as caught:
        policy_version_draft_update(
            version=draft,
            user=policy_admin,
            changes=statement_change("A's statement."),
            base_revision=1,
        )
    assert "Secondadmin Tester changed section statement" in " ".join(caught.value.problems)
    draft.refresh_from_db()
    assert (draft.statement, draft.revision) == ("B's statement.", 2)


def test_stale_save_on_the_page_keeps_the_admins_text_and_names_the_other_change(
    policy_v1, policy_admin, policy_admin_client, second_policy_admin
):
    draft = policy_version_draft_start(user=policy_admin)
    opened = draft_form_data(draft)  # admin A opens the form at revision 1
    policy_version_draft_update(
        version=draft,
        user=second_policy_admin,
        changes=statement_change("B's statement."),
        base_revision=1,
    )
    opened["section_statement"] = "A's statement."
    opened["section_rationale"] = "A's rationale."
    response = policy_admin_client.post(reverse("policy:draft_edit", args=[draft.pk]), opened)
    body = response.content.decode()
    assert response.status_code == 409
    assert "Your changes were not saved" in body
    assert "Secondadmin Tester changed section statement" in body
    assert 'href="#id_section_statement"' in body
    assert "A&#x27;s rationale." in body and "A&#x27;s statement." in body
    assert 'name="revision" value="2"' in body
    draft.refresh_from_db()
    assert (draft.statement, draft.revision) == ("B's statement.", 2)


def test_saving_a_draft_published_meanwhile_shows_the_unsaved_text(
    policy_v1, policy_admin, second_policy_admin, policy_admin_client
):
    draft = edited_draft(policy_admin, "Rationale v2.")
    opened = draft_form_data(draft)
    publish_draft(
        draft,
        author=policy_admin,
        approver=second_policy_admin,
        effective_from=timezone.localdate(),
    )
    opened["section_background"] = "Text I was still writing."
    response = policy_admin_client.post(reverse("policy:draft_edit", args=[draft.pk]), opened)
    body = response.content.decode()
    assert response.status_code == 409
    assert "was published as version 2 by Secondadmin Tester" in body
    assert "Text I was still writing." in body
    assert "readonly" in body


def test_publishing_twice_from_two_tabs_is_refused_the_second_time(
    policy_v1, policy_admin, second_policy_admin, second_policy_admin_client
):
    draft = edited_draft(policy_admin, "Rationale v2.")
    policy_version_mark_ready(version=draft, user=policy_admin)
    url = reverse("policy:draft_publish", args=[draft.pk])
    data = publish_data(timezone.localdate(), warnings_read="on")
    assert second_policy_admin_client.post(url, data).status_code == 302
    again = second_policy_admin_client.post(url, data)
    assert again.status_code == 409
    assert "was published as version 2" in again.content.decode()
    assert PolicyVersion.objects.filter(status="published").count() == 2


def test_a_draft_with_no_change_from_the_version_in_effect_cannot_be_published(
    policy_v1, policy_admin, second_policy_admin
):
    draft = policy_version_draft_start(user=policy_admin)
    with pytest.raises(PolicyError, match="makes no change from version 1"):
        policy_version_mark_ready(version=draft, user=policy_admin)
    with pytest.raises(PolicyError, match="makes no change from version 1"):
        publish_draft(
            draft,
            author=policy_admin,
            approver=second_policy_admin,
            effective_from=timezone.localdate(),
        )


def recategorise_sijd(admin) -> PolicyVersion:
    draft = policy_version_draft_start(user=admin)
    policy_version_draft_update(
        version=draft,
        user=admin,
        changes=DraftChanges(
            # The quote must appear in its new section too, or publishing is refused outright.
            sections={"exceptions": draft.exceptions + "\n- Sacroiliac joint dysfunction"},
            criteria={"sacroiliac_joint_dysfunction": {"category": "exception"}},
            questions={},
        ),
    )
    draft.refresh_from_db()
    return draft


def test_category_changed_while_the_exclusions_text_still_names_it_is_a_warning(
    policy_v1, policy_admin, second_policy_admin
):
    draft = recategorise_sijd(policy_admin)
    with pytest.raises(PolicyError) as caught:
        publish_draft(
            draft,
            author=policy_admin,
            approver=second_policy_admin,
            effective_from=timezone.localdate(),
            review_due=timezone.localdate() + datetime.timedelta(days=365),
            confirm=PublishConfirmations(),
        )
    assert caught.value.items[0].field == "warnings_read"
    from policy.checks import consistency_warnings

    [warning] = consistency_warnings(draft)
    assert warning.field == "section_exclusions"
    assert "'Exclusion criteria' section still names it" in warning.message
    draft.refresh_from_db()
    assert draft.status == "ready"


def test_warnings_are_listed_with_links_on_the_edit_and_publish_pages(
    policy_v1, policy_admin, policy_admin_client
):
    draft = recategorise_sijd(policy_admin)
    edit = policy_admin_client.get(reverse("policy:draft_edit", args=[draft.pk])).content.decode()
    assert 'href="#id_section_exclusions"' in edit
    publish = policy_admin_client.get(
        reverse("policy:draft_publish", args=[draft.pk])
    ).content.decode()
    assert "No review date is set" in publish
    assert f"{reverse('policy:draft_edit', args=[draft.pk])}#id_section_exclusions" in publish


def test_confirmed_warnings_are_recorded_with_the_publication(
    policy_v1, policy_admin, second_policy_admin
):
    draft = recategorise_sijd(policy_admin)
    version = publish_draft(
        draft,
        author=policy_admin,
        approver=second_policy_admin,
        effective_from=timezone.localdate(),
    )
    event = version.events.get(action="published")
    assert any(line.startswith("confirmed warnings: ") for line in event.changed)
    assert any("No review date is set" in line for line in event.changed)


def test_editing_a_draft_sent_for_approval_returns_it_to_draft(policy_v1, policy_admin):
    draft = edited_draft(policy_admin, "Rationale v2.")
    policy_version_mark_ready(version=draft, user=policy_admin)
    policy_version_draft_update(
        version=draft, user=policy_admin, changes=statement_change("Later change.")
    )
    draft.refresh_from_db()
    assert (draft.status, draft.ready_by) == ("draft", None)
    assert draft.events.filter(action="returned").exists()
