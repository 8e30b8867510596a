"""What a published version shows (its wording and question texts) is worked out once per
process and handed out read-only; a draft's is worked out afresh, so an edit shows at once."""

import pytest

from policy.models import PolicyVersion
from policy.services import policy_version_draft_start
from policy.wording import (
    editable_copy,
    policy_version_wording_update,
    version_questions,
    version_wording,
)


def test_a_published_versions_wording_is_worked_out_once_and_shared(policy_v1):
    assert version_wording(policy_v1) is version_wording(policy_v1)
    assert version_questions(policy_v1) is version_questions(policy_v1)


def test_no_caller_can_change_the_shared_wording(policy_v1):
    shown = version_wording(policy_v1)
    with pytest.raises(TypeError):
        shown["questionnaire"]["caption"] = "Changed by a caller"
    with pytest.raises(TypeError):
        version_questions(policy_v1)["pain_location"]["legend"] = "Changed by a caller"
    assert version_wording(policy_v1)["questionnaire"]["caption"] != "Changed by a caller"


def test_an_editable_copy_is_plain_and_changing_it_leaves_the_shown_wording_alone(policy_v1):
    copy = editable_copy(version_wording(policy_v1))
    assert type(copy) is dict and type(copy["questionnaire"]) is dict
    copy["questionnaire"]["caption"] = "Only in the copy"
    assert version_wording(policy_v1)["questionnaire"]["caption"] != "Only in the copy"


def test_another_content_hash_under_the_same_id_is_worked_out_again(policy_v1):
    shown = version_wording(policy_v1)
    other = PolicyVersion.objects.get(pk=policy_v1.pk)
    other.content_hash = "0" * 64
    other.wording = editable_copy(shown) | {"marker": {"text": "other content"}}
    assert version_wording(other)["marker"]["text"] == "other content"
    assert "marker" not in version_wording(policy_v1)


def test_a_drafts_edit_shows_on_the_next_read(policy_v1, policy_admin):
    draft = policy_version_draft_start(user=policy_admin, policy=policy_v1.policy)
    before = version_wording(draft)["questionnaire"]["caption"]
    policy_version_wording_update(
        version=draft,
        user=policy_admin,
        texts={("questionnaire", "caption"): "Question {number} of {total} (edited)"},
    )
    draft.refresh_from_db()
    after = version_wording(draft)["questionnaire"]["caption"]
    assert after == "Question {number} of {total} (edited)" != before
