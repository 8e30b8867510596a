"""The session read brings the signed-in user in the same round trip (triage.session_store),
and that never signs in the wrong person, keeps a signed-out session alive or keeps a role."""

from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.urls import reverse

from core.roles import GP
from tests.triage.support import warm_session
from triage import session_store
from triage.auth import prefetched_user_put, prefetched_user_take

START = reverse("triage:start")


def test_a_signed_out_session_is_gone_at_once_even_with_the_hint(gp_client, policy_v1):
    warm_session(gp_client)
    Session.objects.all().delete()  # signed out in another tab, or by an administrator
    response = gp_client.get(START)
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_a_role_taken_away_applies_on_the_next_page_even_with_the_hint(gp_client, gp, policy_v1):
    warm_session(gp_client)
    gp.groups.remove(Group.objects.get(name=GP))
    assert gp_client.get(START).status_code == 403


def test_a_hint_naming_someone_else_is_never_used(gp_client, gp, reviewer, policy_v1):
    key = warm_session(gp_client)
    session_store._hint_put(key, reviewer.pk)  # as if the hint were wrong
    response = gp_client.get(START)
    assert response.status_code == 200 and response.wsgi_request.user == gp


def test_a_prefetched_user_row_serves_one_request_only(gp):
    prefetched_user_put(gp.pk, ("row",))
    assert prefetched_user_take(gp.pk) == (True, ("row",))
    assert prefetched_user_take(gp.pk) == (False, None)
    prefetched_user_put(gp.pk, ("row",))
    assert prefetched_user_take(gp.pk + 1) == (False, None)
    assert prefetched_user_take(gp.pk) == (False, None)  # cleared by the mismatched take too
