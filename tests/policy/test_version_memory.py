"""Published versions are kept whole in process memory (they are frozen by a trigger); drafts
never are, and a page that joins a version without its large fields still shows all of it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policy.models import PolicyVersion
from policy.selectors import (
    policy_version_frozen_clear,
    policy_version_heavy_fields,
    policy_version_in_effect,
    policy_version_whole,
)
from policy.services import policy_version_draft_start


@pytest.fixture(autouse=True)
def empty_memory():
    policy_version_frozen_clear()
    yield
    policy_version_frozen_clear()


def narrow(version: PolicyVersion) -> PolicyVersion:
    return PolicyVersion.objects.defer(*policy_version_heavy_fields()).get(pk=version.pk)


def test_a_published_version_is_read_whole_once_then_served_from_memory(policy_v1):
    first = policy_version_whole(narrow(policy_v1))
    with CaptureQueriesContext(connection) as queries:
        second = policy_version_whole(narrow(policy_v1))
    assert len(queries) == 1  # the narrow row only
    assert not second.get_deferred_fields()
    assert second.rules == policy_v1.rules and second.statement == policy_v1.statement
    assert first is not second  # each caller gets its own copy


def test_a_draft_is_read_again_every_time_never_kept(policy_v1, policy_admin):
    draft = policy_version_draft_start(user=policy_admin, policy=policy_v1.policy)
    policy_version_whole(narrow(draft))
    PolicyVersion.objects.filter(pk=draft.pk).update(statement="Edited in the meantime.")
    assert policy_version_whole(narrow(draft)).statement == "Edited in the meantime."


def test_the_memory_is_keyed_by_content_hash_as_well_as_id(policy_v1):
    policy_version_whole(narrow(policy_v1))
    other = narrow(policy_v1)
    other.content_hash = "0" * 64  # as if the id now named other content
    with pytest.raises(PolicyVersion.DoesNotExist):
        policy_version_whole(other)


def test_the_version_in_effect_from_memory_is_the_same_version_whole(policy_v1):
    from_memory = policy_version_in_effect(from_memory=True)
    assert from_memory.pk == policy_v1.pk
    assert from_memory.wording == policy_v1.wording and from_memory.questions == policy_v1.questions


def test_a_joined_policy_is_kept_on_the_whole_version(policy_v1):
    joined = (
        PolicyVersion.objects.select_related("policy")
        .defer(*policy_version_heavy_fields())
        .get(pk=policy_v1.pk)
    )
    with CaptureQueriesContext(connection) as queries:
        whole = policy_version_whole(joined)
        assert whole.policy.slug == policy_v1.policy.slug
    assert len(queries) == 1  # the whole version, read once; no query for the policy
