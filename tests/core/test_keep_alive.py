"""'Stay signed in' renews the session; the timeout warning is on every signed-in page."""

import datetime

from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

KEEP_ALIVE = reverse("keep_alive")


def test_keep_alive_renews_the_session_for_another_idle_period(gp_client, settings):
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=1))
    response = gp_client.post(KEEP_ALIVE)
    assert response.status_code == 204
    expires = Session.objects.get().expire_date
    assert expires > timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_keep_alive_after_the_session_expired_is_401_not_a_redirect(client, db):
    assert client.post(KEEP_ALIVE).status_code == 401


def test_keep_alive_rejects_get(gp_client):
    assert gp_client.get(KEEP_ALIVE).status_code == 405


def test_signed_in_pages_carry_the_timeout_warning_with_its_timings(gp_client, policy_v1):
    body = gp_client.get(reverse("triage:start")).content.decode()
    assert 'data-module="app-timeout-warning"' in body
    assert 'data-idle-seconds="1800"' in body and 'data-warning-seconds="120"' in body
    assert f'action="{KEEP_ALIVE}"' in body
    assert "<script>" not in body  # no inline script (strict CSP)


def test_signed_out_pages_have_no_timeout_warning(client, db):
    assert "app-timeout-warning" not in client.get(reverse("login")).content.decode()
