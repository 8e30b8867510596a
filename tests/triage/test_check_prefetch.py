"""A referral check's page reads the check, and the GP's decision page the decision, in the
session's round trip (triage.prefetch), and that never shows one GP's check or another
practice's decision to anyone, whatever the session hint says (hazard H31)."""

import uuid

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.triage.support import (
    PAGES,
    answer,
    answer_all,
    begin,
    step_url,
    submit,
    warm_session,
)
from triage import session_store
from triage.models import ReferralCheck
from triage.prefetch import CHECK, check_id_requested, prefetched_put, prefetched_take

START = reverse("triage:start")


def test_a_check_page_reads_the_check_with_the_session(gp_client, policy_v1):
    warm_session(gp_client)
    check_id = begin(gp_client)
    answer(gp_client, check_id, "patient")
    with CaptureQueriesContext(connection) as queries:
        response = gp_client.get(step_url(check_id, "red-flags"))
    assert response.status_code == 200
    (only,) = [q["sql"] for q in queries.captured_queries]
    assert "django_session" in only and 'FROM "triage_referralcheck" rc' in only
    assert str(check_id).replace("-", "") in only.replace("-", "")


def test_another_gps_check_stays_404_when_the_hint_names_its_owner(
    gp_client, gp, other_gp_client, other_gp, policy_v1
):
    """The attacker's session hint wrongly names the victim: the prefetch reads the victim's
    check, and it must not be shown to the attacker."""
    victims = begin(gp_client)
    key = warm_session(other_gp_client)
    for step in PAGES:
        session_store._hint_put(key, gp.pk)  # each request: loading the session corrects it
        response = other_gp_client.get(step_url(victims, step))
        assert response.status_code == 404
        assert response.wsgi_request.user == other_gp
    session_store._hint_put(key, gp.pk)
    response = other_gp_client.post(step_url(victims, "patient"), PAGES["patient"])
    assert response.status_code == 404
    assert ReferralCheck.objects.get(pk=victims).nhs_number == ""


def test_a_gps_own_check_is_found_when_the_hint_names_someone_else(
    gp_client, gp, other_gp, policy_v1
):
    check_id = begin(gp_client)
    key = warm_session(gp_client)
    session_store._hint_put(key, other_gp.pk)  # the prefetch finds nothing for that user
    response = gp_client.get(step_url(check_id, "patient"))
    assert response.status_code == 200 and response.wsgi_request.user == gp
    response = gp_client.post(step_url(check_id, "patient"), PAGES["patient"])
    assert response.status_code == 302
    assert ReferralCheck.objects.get(pk=check_id).nhs_number


def test_a_deleted_check_is_gone_with_the_prefetch_too(gp_client, policy_v1):
    warm_session(gp_client)
    check_id = begin(gp_client)
    ReferralCheck.objects.filter(pk=check_id).delete()  # deleted in another tab
    assert gp_client.get(step_url(check_id, "patient")).status_code == 404


def test_a_prefetched_check_serves_its_own_check_and_user_once(gp, other_gp):
    check_id = uuid.uuid4()
    prefetched_put(CHECK, check_id, gp.pk, ("row",))
    assert prefetched_take(CHECK, uuid.uuid4(), gp.pk) == (False, None)  # another check
    prefetched_put(CHECK, check_id, gp.pk, ("row",))
    assert prefetched_take(CHECK, check_id, other_gp.pk) == (False, None)  # another user
    prefetched_put(CHECK, check_id, gp.pk, ("row",))
    assert prefetched_take(CHECK, check_id, gp.pk) == (True, ("row",))
    assert prefetched_take(CHECK, check_id, gp.pk) == (False, None)  # once only


def test_only_a_check_page_names_a_check(rf):
    from triage.prefetch import _path

    check_id = uuid.uuid4()
    for path, expected in [
        (step_url(check_id, "pain"), check_id),
        (reverse("triage:check", args=[check_id]), check_id),
        (reverse("triage:check_delete", args=[check_id]), check_id),
        (START, None),
        ("/referrals/checks/not-a-uuid/pain/", None),
        ("/review/", None),
    ]:
        token = _path.set(path)
        try:
            assert check_id_requested() == expected, path
        finally:
            _path.reset(token)


def _decision_of(client) -> str:
    return submit(client, answer_all(client))["Location"].split("/")[-2]


def test_the_decision_page_reads_the_decision_with_the_session(gp_client, policy_v1):
    reference = _decision_of(gp_client)
    warm_session(gp_client)
    with CaptureQueriesContext(connection) as queries:
        response = gp_client.get(reverse("triage:decision", args=[reference]))
    assert response.status_code == 200 and reference in response.content.decode()
    first = queries.captured_queries[0]["sql"]
    assert "django_session" in first and 'd."reference" = ' in first and f"'{reference}'" in first


def test_another_practices_decision_stays_404_when_the_hint_names_its_gp(
    gp_client, gp, other_gp_client, other_gp, policy_v1
):
    theirs = _decision_of(other_gp_client)  # at the other practice
    key = warm_session(gp_client)
    session_store._hint_put(key, other_gp.pk)  # the prefetch reads it at their practice
    response = gp_client.get(reverse("triage:decision", args=[theirs]))
    assert response.status_code == 404 and response.wsgi_request.user == gp
    assert theirs not in response.content.decode()


def test_a_gps_own_decision_is_found_when_the_hint_names_someone_else(
    gp_client, gp, other_gp, policy_v1
):
    reference = _decision_of(gp_client)
    key = warm_session(gp_client)
    session_store._hint_put(key, other_gp.pk)
    response = gp_client.get(reverse("triage:decision", args=[reference]))
    assert response.status_code == 200 and reference in response.content.decode()


def test_a_decision_row_is_used_only_at_the_signed_in_users_practice(gp, practice, policy_v1):
    from triage.prefetch import DECISION
    from triage.selectors.practice import _PRACTICE_ID_INDEX, decision_get_for_practice

    reference = "FT-2222-2223"
    row = [None] * (_PRACTICE_ID_INDEX() + 2)
    row[_PRACTICE_ID_INDEX()] = practice.pk + 1  # a row read at another practice
    prefetched_put(DECISION, reference, gp.pk, tuple(row))
    with pytest.raises(Http404):
        decision_get_for_practice(reference=reference, practice=practice, user=gp)


def test_only_the_decision_page_names_a_reference():
    from triage.prefetch import _path, decision_reference_requested

    for path, expected in [
        (reverse("triage:decision", args=["FT-ABCD-EFGH"]), "FT-ABCD-EFGH"),
        (reverse("triage:decision_print", args=["FT-ABCD-EFGH"]), None),
        (reverse("triage:decision", args=["not-a-reference"]), None),
        (START, None),
    ]:
        token = _path.set(path)
        try:
            assert decision_reference_requested() == expected, path
        finally:
            _path.reset(token)


def test_the_start_page_and_a_new_check_read_the_version_in_effect_with_the_session(
    gp_client, policy_v1
):
    warm_session(gp_client)
    with CaptureQueriesContext(connection) as queries:
        assert gp_client.get(START).status_code == 200
    first = queries.captured_queries[0]["sql"]
    assert "django_session" in first and '"policy_policyversion"."effective_from" <=' in first
    assert not any('"policy_policyversion"' in q["sql"] for q in queries.captured_queries[1:])
    with CaptureQueriesContext(connection) as queries:
        response = gp_client.post(reverse("triage:begin"))
    assert response.status_code == 302
    check = ReferralCheck.objects.get(pk=response["Location"].split("/")[3])
    assert check.policy_version_id == policy_v1.pk
    assert len(queries.captured_queries) == 2  # the session with all it needs, the INSERT


def test_a_new_check_reads_the_version_in_effect_now_not_one_withdrawn(
    gp_client, policy_v1, policy_admin
):
    from policy.models import PolicyVersionWithdrawal

    warm_session(gp_client)
    PolicyVersionWithdrawal.objects.create(version=policy_v1, user=policy_admin, reason="Test")
    response = gp_client.post(reverse("triage:begin"), follow=True)
    assert "no version of the policy is in effect" in response.content.decode()
    assert not ReferralCheck.objects.exists()


def test_a_version_read_with_the_session_serves_its_own_day_and_user_only(gp, other_gp):
    import datetime

    from django.utils import timezone

    from triage.prefetch import IN_EFFECT, version_in_effect

    today = timezone.localdate()
    prefetched_put(IN_EFFECT, today - datetime.timedelta(days=1), gp.pk, None)
    assert prefetched_take(IN_EFFECT, today, gp.pk) == (False, None)  # yesterday's
    prefetched_put(IN_EFFECT, today, other_gp.pk, None)
    assert prefetched_take(IN_EFFECT, today, gp.pk) == (False, None)  # someone else's
    prefetched_put(IN_EFFECT, today, gp.pk, None)  # read: no version in effect
    assert version_in_effect(gp) is None
