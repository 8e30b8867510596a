"""The signed-in user is read by hand-written SQL (triage.auth, core.rows): what a view gets must
be what the ORM would have given it, roles and practice included, with no query to reach them."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.roles import GP, REVIEWER, user_roles
from triage.auth import UserWithRolesBackend, user_with_roles_and_practice
from triage.models import Clinician


def field_values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_the_user_is_field_for_field_what_the_orm_reads(gp):
    loaded = user_with_roles_and_practice(gp.pk)
    assert field_values(loaded) == field_values(get_user_model().objects.get(pk=gp.pk))
    assert loaded._state.db == "default" and not loaded._state.adding
    assert loaded.get_deferred_fields() == set()


def test_roles_practice_and_clinician_come_with_the_user_at_no_further_query(gp, practice):
    loaded = user_with_roles_and_practice(gp.pk)
    with CaptureQueriesContext(connection) as queries:
        assert user_roles(loaded) == {GP}
        assert loaded.clinician.practice == practice
        assert loaded.clinician.practice.name == practice.name
        assert loaded.clinician.user is loaded
    assert queries.captured_queries == []
    assert field_values(loaded.clinician) == field_values(Clinician.objects.get(user=gp))


def test_a_user_without_a_practice_has_no_clinician_and_costs_no_query_to_find_out(reviewer):
    loaded = user_with_roles_and_practice(reviewer.pk)
    with CaptureQueriesContext(connection) as queries, pytest.raises(Clinician.DoesNotExist):
        loaded.clinician  # noqa: B018
    assert queries.captured_queries == []
    assert user_roles(loaded) == {REVIEWER}


def test_only_the_services_roles_are_read_and_a_change_applies_on_the_next_load(gp):
    gp.groups.add(Group.objects.create(name="Some other group"))
    assert user_roles(user_with_roles_and_practice(gp.pk)) == {GP}
    gp.groups.add(Group.objects.get(name=REVIEWER))
    assert user_roles(user_with_roles_and_practice(gp.pk)) == {GP, REVIEWER}
    gp.groups.clear()
    assert user_roles(user_with_roles_and_practice(gp.pk)) == set()


@pytest.mark.parametrize("user_id", ["not-a-number", None, "999999999"])
def test_a_session_naming_no_real_user_signs_nobody_in(db, user_id):
    assert UserWithRolesBackend().get_user(user_id) is None


def test_a_deactivated_user_is_signed_out(gp):
    get_user_model().objects.filter(pk=gp.pk).update(is_active=False)
    assert UserWithRolesBackend().get_user(gp.pk) is None
