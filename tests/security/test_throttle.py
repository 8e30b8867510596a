"""Sign-in throttling: per username and address, plus a per-address limit across usernames."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

PROXY = "10.0.0.2"  # every request arrives from the load balancer's address


@pytest.fixture
def behind_proxy(settings):
    """One trusted proxy in front: it appends the client's address to X-Forwarded-For."""
    settings.PROXY_COUNT = 1


def sign_in(client, username: str, password: str, client_address: str):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        # A client may send its own X-Forwarded-For; the proxy appends the real address.
        HTTP_X_FORWARDED_FOR=f"192.0.2.66, {client_address}",
    )


def test_wrong_passwords_from_one_address_do_not_lock_the_user_out_elsewhere(
    client, reviewer, settings, behind_proxy
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "reviewer", "wrong", "203.0.113.7")
    assert sign_in(client, "reviewer", PASSWORD, "203.0.113.7").status_code == 429
    response = sign_in(client, "reviewer", PASSWORD, "198.51.100.20")
    assert response.status_code == 302


def test_password_spraying_from_one_address_is_throttled(client, gp, settings, behind_proxy):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    for number in range(12):  # fewer than AXES_FAILURE_LIMIT tries at each username
        for _ in range(2):
            sign_in(client, f"user{number}", "Password123!", "203.0.113.9")
    response = sign_in(client, "gp", PASSWORD, "203.0.113.9")
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()
    assert sign_in(client, "gp", PASSWORD, "198.51.100.20").status_code == 302


def test_a_forged_forwarded_header_is_ignored_without_a_proxy(client, gp, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": "gp", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
        )
    response = client.post(reverse("login"), {"username": "gp", "password": PASSWORD})
    assert response.status_code == 429
