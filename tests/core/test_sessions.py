"""Sessions stay in the database and are written at most once a minute (ADR 0080), while the
idle expiry, sign-out and the timeout warning still work."""

import datetime
import re
import time

from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.sessions import RENEW_SECONDS, RENEWED_KEY, session_renew, session_seconds_left
from tests.conftest import PASSWORD

START = reverse("triage:start")


def session_writes(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    writes = ("UPDATE", "INSERT")
    return sum(
        1
        for query in captured.captured_queries
        if "django_session" in query["sql"] and query["sql"].lstrip().upper().startswith(writes)
    )


def backdate_renewal(client: Client, seconds: int) -> None:
    session = client.session
    session[RENEWED_KEY] = int(time.time()) - seconds
    session.save()


def signed_in_browser() -> Client:
    browser = Client()
    response = browser.post(reverse("login"), {"username": "gp", "password": PASSWORD})
    assert response.status_code == 302
    return browser


def test_a_second_page_within_a_minute_does_not_write_the_session(gp_client, policy_v1):
    gp_client.get(START)  # renews: the session had never been renewed
    assert session_writes(gp_client, START) == 0


def test_a_page_a_minute_after_the_last_renewal_slides_the_idle_expiry(
    gp_client, policy_v1, settings
):
    gp_client.get(START)
    backdate_renewal(gp_client, RENEW_SECONDS)
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=5))
    assert session_writes(gp_client, START) == 1
    expires = Session.objects.get().expire_date
    assert expires > timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 5)


def test_idle_past_the_limit_signs_the_gp_out(gp, policy_v1):
    browser = signed_in_browser()
    assert browser.get(START).status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = browser.get(START)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_expired_cookie_does_not_bring_back_an_empty_session_row(gp, policy_v1):
    browser = signed_in_browser()
    browser.get(START)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    browser.get(START)
    assert not Session.objects.filter(expire_date__gt=timezone.now()).exists()


def test_sign_out_deletes_the_session_so_a_copied_cookie_is_useless(gp, policy_v1):
    browser = signed_in_browser()
    assert browser.get(START).status_code == 200
    copied = Client()
    copied.cookies = browser.cookies.__class__(browser.cookies)  # another browser, same cookie
    browser.post(reverse("logout"))
    assert not Session.objects.exists()
    response = copied.get(START)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_timeout_warning_counts_from_the_last_renewal(gp_client, policy_v1, settings):
    gp_client.get(START)
    backdate_renewal(gp_client, 30)
    body = gp_client.get(START).content.decode()
    idle = int(re.search(r'data-idle-seconds="(\d+)"', body).group(1))
    assert settings.SESSION_COOKIE_AGE - 32 <= idle <= settings.SESSION_COOKIE_AGE - 30


def test_session_renew_is_due_only_after_a_minute():
    session = {RENEWED_KEY: 1_000}
    assert not session_renew(session, now=1_000 + RENEW_SECONDS - 1)
    assert session_renew(session, now=1_000 + RENEW_SECONDS)
    assert session[RENEWED_KEY] == 1_000 + RENEW_SECONDS
    assert session_renew(session, now=1_000 + RENEW_SECONDS, force=True)


def test_seconds_left_never_exceed_the_idle_limit(settings):
    settings.SESSION_COOKIE_AGE = 1800
    assert session_seconds_left({}, now=5_000) == 1800
    assert session_seconds_left({RENEWED_KEY: 5_000}, now=5_045) == 1755
    assert session_seconds_left({RENEWED_KEY: 5_000}, now=4_000) == 1800  # clock went back
    assert session_seconds_left({RENEWED_KEY: 5_000}, now=9_000) == 0


def test_the_session_lookup_finds_an_unexpired_row_and_drops_an_expired_or_unknown_key(db):
    from core.session_store import SessionStore

    store = SessionStore()
    store["answer"] = "kept"
    store.save()
    assert SessionStore(store.session_key).load() == {"answer": "kept"}
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None
